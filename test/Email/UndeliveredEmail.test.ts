/**
 * An email that could not be delivered does not take its news with it: the next run, finding nothing new since
 * the undelivered run's report, still sends with `--email on-change` and names that report. The built command
 * against the simulator and a real SMTP server on loopback.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { simpleParser } from "mailparser"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { startSmtpServer, type TestSmtpServer } from "./support/SmtpTestServer.js"

const AS_OF = "2025-06-30T12:00:00.000Z"

let simulator: StartedSimulator
let smtp: TestSmtpServer
const scope = Effect.runSync(Scope.make())
let directory = ""

beforeAll(async () => {
  simulator = await startSimulator({ users: 40, seed: 5, now: new Date(AS_OF) })
  smtp = await Effect.runPromise(Scope.extend(startSmtpServer({ noStartTls: true }), scope))
  directory = mkdtempSync(join(tmpdir(), "undelivered-"))
})

afterAll(async () => {
  await simulator?.close()
  await Effect.runPromise(Scope.close(scope, Exit.void))
  rmSync(directory, { recursive: true, force: true })
})

/** `run --email on-change`, mailing through `smtpPort`, into `reportDir` with any `extra` flags. */
const runOnChange = (smtpPort: number, reportDir = directory, extra: ReadonlyArray<string> = []) =>
  runCli(["run", "--report-dir", reportDir, "--as-of", AS_OF, "--email", "on-change", ...extra], {
    env: {
      PANTHER_API_URL: simulator.baseUrl,
      PANTHER_API_TOKEN: simulator.readToken,
      MAIL_TO: "security@acme.example",
      MAIL_FROM: "audit@acme.example",
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_RETRIES: "0"
    }
  })

/** A new admin in the simulator: news a run's email must carry. */
const hireAdmin = async (email: string, givenName: string) => {
  const created = await runCli(
    ["users", "create", "--email", email, "--given-name", givenName, "--family-name", "Hire", "--role", "Admin"],
    { env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.adminToken } }
  )
  expect(created.code, created.stderr).toBe(0)
}

/** That `warning` is on the run's `stdout`, and in the text of the last email the server received. */
const expectSaidAndMailed = async (stdout: string, warning: string) => {
  expect(stdout).toContain(warning)
  const message = await simpleParser(smtp.received.at(-1)?.raw ?? Buffer.alloc(0))
  expect(message.text).toContain(warning)
}

/** The JSON reports in `reportDir`. */
const jsonReportsIn = (reportDir: string) =>
  new Set(readdirSync(reportDir).filter((name) => /^user-audit-.*\.json$/.test(name)))

/** The one JSON report in `reportDir` that is not among `known`, or "" when there is none. */
const reportAddedTo = (reportDir: string, known: ReadonlySet<string>) =>
  [...jsonReportsIn(reportDir)].find((name) => !known.has(name)) ?? ""

/**
 * `run` with email off into `reportDir`, with any `extra` flags, as an engineer's ad-hoc run: its result, the JSON
 * report it added, and that report's run section.
 */
const runWithoutEmail = async (reportDir: string, extra: ReadonlyArray<string> = []) => {
  const known = jsonReportsIn(reportDir)
  const result = await runCli(["run", "--report-dir", reportDir, "--as-of", AS_OF, ...extra], {
    env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken }
  })
  expect(result.code, result.stderr).toBe(0)
  const report = reportAddedTo(reportDir, known)
  return { result, report, run: JSON.parse(readFileSync(join(reportDir, report), "utf8")).run }
}

describe("an audit email that could not be delivered", () => {
  it("is not lost: the next run with --email on-change sends even with nothing new, naming that report", async () => {
    const marks = () => readdirSync(directory).filter((name) => name.endsWith(".undelivered"))
    const first = await runOnChange(smtp.port)
    expect(first.code, first.stderr).toBe(0)
    expect(smtp.received).toHaveLength(1)
    // The mark put in place with the reports went once the email was sent.
    expect(marks()).toEqual([])

    await hireAdmin("new.hire@example.com", "New")

    // Nothing listens on port 1: the news of the new admin is not delivered.
    const failed = await runOnChange(1)
    expect(failed.code).toBe(4)
    expect(failed.stdout).toMatch(/\b[1-9]\d* new\b/)
    const [mark = ""] = marks()
    expect(marks()).toHaveLength(1)
    const undeliveredReport = mark.replace(/\.undelivered$/, ".json")
    expect(existsSync(join(directory, undeliveredReport))).toBe(true)
    expect(readFileSync(join(directory, mark), "utf8")).toContain("may not have been delivered. Why: ")

    // The next run finds nothing new since that report, and sends anyway, naming it.
    const next = await runOnChange(smtp.port)
    expect(next.code, next.stderr).toBe(0)
    expect(next.stdout).toContain("0 new")
    expect(marks()).toEqual([])
    const warning = `may not have been delivered: what changed then is in ${undeliveredReport}`
    expect(smtp.received).toHaveLength(2)
    await expectSaidAndMailed(next.stdout, warning)

    // Delivered now: the run after that has nothing to say.
    const quiet = await runOnChange(smtp.port)
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(smtp.received).toHaveLength(2)
    // No mark is left: the undelivered run's went with the email that carried its news, and a skipped email is not a
    // lost one.
    expect(marks()).toEqual([])
  }, 60_000)

  it("is not lost to a review or a run without email in between, which send none themselves", async () => {
    const marks = () => readdirSync(directory).filter((name) => name.endsWith(".undelivered"))
    const before = smtp.received.length
    await hireAdmin("second.hire@example.com", "Second")
    expect((await runOnChange(1)).code).toBe(4)
    const jsonReports = () => new Set(readdirSync(directory).filter((name) => /^user-audit-.*\.json$/.test(name)))
    const beforeReview = jsonReports()

    const review = await runCli(["review", "--report-dir", directory, "--as-of", AS_OF], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken }
    })
    expect(review.code, review.stderr).toBe(0)
    // So does a run with its email off.
    const mailless = await runCli(["run", "--report-dir", directory, "--as-of", AS_OF], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken }
    })
    expect(mailless.code, mailless.stderr).toBe(0)
    // The review's reports, then the mailless run's, were the newest: they carry the news on.
    const added = [...jsonReports()].filter((name) => !beforeReview.has(name))
    expect(added).toHaveLength(2)
    for (const report of added) {
      expect(readFileSync(join(directory, report.replace(/\.json$/, ".undelivered")), "utf8")).toContain(
        "this run sent none"
      )
    }

    const next = await runOnChange(smtp.port)
    expect(next.code, next.stderr).toBe(0)
    expect(next.stdout).toContain("0 new")
    expect(marks()).toEqual([])
    expect(smtp.received).toHaveLength(before + 1)
  }, 60_000)

  it("is not lost to a review between two mailed runs, which sends none and had no mark to carry", async () => {
    const own = mkdtempSync(join(directory, "review-between-"))
    expect((await runOnChange(smtp.port, own)).code).toBe(0)
    const before = smtp.received.length
    // An admin made in the afternoon, seen first by the quarterly review, which mails nothing.
    await hireAdmin("afternoon.hire@example.com", "Afternoon")
    const review = await runCli(["review", "--report-dir", own, "--as-of", AS_OF], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken }
    })
    expect(review.code, review.stderr).toBe(0)
    expect(review.stdout).toMatch(/\b[1-9]\d* new\b/)
    const reviewReport = basename(/(\S+user-audit-\S+\.json)/.exec(review.stdout)?.[1] ?? "")
    expect(reviewReport).not.toBe("")

    // The nightly run compares with the review's report, finds nothing new, and sends all the same, naming it.
    const nightly = await runOnChange(smtp.port, own)
    expect(nightly.code, nightly.stderr).toBe(0)
    expect(nightly.stdout).toContain("0 new")
    const warning =
      `The previous report, ${reviewReport}, was written by a review, which sends no email: what changed then is ` +
      "in that report, and in no email before this one."
    expect(smtp.received).toHaveLength(before + 1)
    await expectSaidAndMailed(nightly.stdout, warning)
    expect(readdirSync(own).filter((name) => name.endsWith(".undelivered"))).toEqual([])

    // Mailed now: the run after that, comparing with a mailed run's report, has nothing to say.
    expect((await runOnChange(smtp.port, own)).code).toBe(0)
    expect(smtp.received).toHaveLength(before + 1)
  }, 60_000)

  it("is not lost to runs with email off between two mailed runs, which send none and leave no mark", async () => {
    const own = mkdtempSync(join(directory, "mailless-between-"))
    expect((await runOnChange(smtp.port, own)).code).toBe(0)
    const before = smtp.received.length
    // An admin made in the afternoon, seen first by an engineer's run with email off, then unchanged in a second one.
    await hireAdmin("adhoc.hire@example.com", "Adhoc")
    const first = await runWithoutEmail(own)
    expect(first.result.stdout).toMatch(/\b[1-9]\d* new\b/)
    expect(first.run.email).toBe("owed")
    expect(first.run.notMailedSince).toBeUndefined()
    const second = await runWithoutEmail(own)
    expect(second.result.stdout).toContain("0 new")
    expect(second.run).toMatchObject({ email: "owed", notMailedSince: first.report })
    // Neither is a failed email: no mark, and none of the warnings a mailing run gives.
    expect(readdirSync(own).filter((name) => name.endsWith(".undelivered"))).toEqual([])
    expect(second.result.stdout).not.toContain("no email")

    // The nightly run finds nothing new since the second, and sends all the same, naming the first.
    const nightly = await runOnChange(smtp.port, own)
    expect(nightly.code, nightly.stderr).toBe(0)
    expect(nightly.stdout).toContain("0 new")
    const warning =
      `No email has carried what changed since ${first.report}: it is in that report and the ones after it, up to ` +
      `${second.report}.`
    expect(smtp.received).toHaveLength(before + 1)
    await expectSaidAndMailed(nightly.stdout, warning)

    // Mailed now: a run with email off after it owes its own news only, and the mailing run after that names it alone.
    const third = await runWithoutEmail(own)
    expect(third.run.email).toBe("owed")
    expect(third.run.notMailedSince).toBeUndefined()
    const next = await runOnChange(smtp.port, own)
    expect(next.stdout).toContain(
      `The previous report, ${third.report}, was written by a run that sent no email: what changed then is in that ` +
        "report, and in no email before this one."
    )
    expect(smtp.received).toHaveLength(before + 2)
    // The run after a mailed one has nothing to say.
    expect((await runOnChange(smtp.port, own)).code).toBe(0)
    expect(smtp.received).toHaveLength(before + 2)
  }, 60_000)

  it("owes no email where no run has mailed: the first run with email on is told of no earlier report", async () => {
    const own = mkdtempSync(join(directory, "never-mailed-"))
    for (let round = 0; round < 2; round++) expect((await runWithoutEmail(own)).run.email).toBe("none")
    const before = smtp.received.length
    const mailing = await runOnChange(smtp.port, own)
    expect(mailing.code, mailing.stderr).toBe(0)
    expect(mailing.stdout).toContain("0 new")
    expect(mailing.stdout).not.toContain("no email")
    expect(smtp.received).toHaveLength(before)
  }, 60_000)

  it("says no more than it knows when the earliest report not mailed is of a run that sent no email", async () => {
    const own = mkdtempSync(join(directory, "mailless-then-failed-"))
    expect((await runOnChange(smtp.port, own)).code).toBe(0)
    await hireAdmin("mailless.first@example.com", "Mailless")
    // An ad-hoc run with email off sees the new admin first; the nightly run's email then fails.
    const mailless = (await runWithoutEmail(own)).report
    const known = jsonReportsIn(own)
    expect((await runOnChange(1, own)).code).toBe(4)
    const failed = reportAddedTo(own, known)
    // Another run with email off carries the failed email's mark on.
    const carried = (await runWithoutEmail(own)).report
    const mark = readFileSync(join(own, carried.replace(/\.json$/, ".undelivered")), "utf8")
    // The run that wrote the earliest report not mailed had no email to deliver: the mark does not point at one.
    expect(mark).not.toContain(`(see ${mailless})`)
    expect(mark).toContain(`what changed since ${mailless}, which is in that report and the ones after it`)

    const mailed = await runOnChange(smtp.port, own)
    expect(mailed.code, mailed.stderr).toBe(0)
    expect(failed).not.toBe("")
    // Not "the audit emails of the runs since" that report: its run sent none.
    expect(mailed.stdout).not.toContain(`The audit emails of the runs since ${mailless}`)
    const warning =
      `An audit email may not have been delivered, and no email may have carried what changed since ${mailless}: it ` +
      `is in that report and the ones after it, up to ${carried}.`
    await expectSaidAndMailed(mailed.stdout, warning)
    expect(readdirSync(own).filter((name) => name.endsWith(".undelivered"))).toEqual([])
  }, 60_000)

  it("does not hold retention for news runs with email off owe, and says so when the report it names is gone", async () => {
    const own = mkdtempSync(join(directory, "owed-pruned-"))
    expect((await runOnChange(smtp.port, own)).code).toBe(0)
    await hireAdmin("pruned.news@example.com", "Pruned")
    const first = (await runWithoutEmail(own)).report
    // Mailing has stopped here (MAIL_TO dropped, say): retention goes on as set, or the directory would grow for good.
    const secondReport = (await runWithoutEmail(own, ["--keep-reports", "1"])).report
    expect([...jsonReportsIn(own)]).toEqual([secondReport])

    // Mailing again: the earliest report no email carried is gone, and the warning says so rather than point at it.
    const mailed = await runOnChange(smtp.port, own)
    expect(mailed.code, mailed.stderr).toBe(0)
    expect(mailed.stdout).toContain(
      `No email may have carried what changed since ${first}, which is no longer in the report directory: what is ` +
        `left of it is in the reports after it, up to ${secondReport}.`
    )
    expect(mailed.stdout).toContain("Email sent")
  }, 60_000)

  it("is not said to be in no email, to a run --as-of a past day, when a later run's email carried it", async () => {
    const own = mkdtempSync(join(directory, "backfill-after-mailed-"))
    const day = 24 * 60 * 60 * 1000
    const asOf = (daysBefore: number) => new Date(Date.parse(AS_OF) - daysBefore * day).toISOString()
    const env = { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken }
    const mailEnv = {
      ...env,
      MAIL_TO: "security@acme.example",
      MAIL_FROM: "audit@acme.example",
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`
    }
    const run = (daysBefore: number, mails: boolean) =>
      runCli(["run", "--report-dir", own, "--as-of", asOf(daysBefore), ...(mails ? ["--email", "on-change"] : [])], {
        env: mails ? mailEnv : env
      })
    expect((await run(2, true)).code).toBe(0)
    const known = jsonReportsIn(own)
    // A run with email off the day before, then the nightly run, whose email names it and goes out.
    expect((await run(1, false)).code).toBe(0)
    const mailless = reportAddedTo(own, known)
    const nightly = await run(0, true)
    expect(nightly.code, nightly.stderr).toBe(0)
    expect(nightly.stdout).toContain(`The previous report, ${mailless}, was written by a run that sent no email`)
    expect(nightly.stdout).toContain("Email sent")

    // A backfill as of between the two compares with the run with email off, whose news that email carried.
    const backfill = await run(0.5, true)
    expect(backfill.code, backfill.stderr).toBe(0)
    expect(backfill.stdout).toContain(`the newest report as of before this run is ${mailless}`)
    expect(backfill.stdout).not.toContain("sent no email")
    expect(backfill.stdout).not.toContain("may be in no email yet")
  }, 60_000)

  it("is not lost when emails fail several runs in a row, nor to retention keeping one run", async () => {
    const own = mkdtempSync(join(directory, "in-a-row-"))
    const keepOne = ["--keep-reports", "1"]
    expect((await runOnChange(smtp.port, own, keepOne)).code).toBe(0)
    await hireAdmin("third.hire@example.com", "Third")
    const jsonReports = () =>
      readdirSync(own)
        .filter((name) => /^user-audit-.*\.json$/.test(name))
        .sort()
    // The news of the new user is in the first failed run's report; the second failed run finds it unchanged.
    const before = new Set(jsonReports())
    const firstFailure = await runOnChange(1, own, keepOne)
    expect(firstFailure.code).toBe(4)
    expect(firstFailure.stdout).toMatch(/\b[1-9]\d* new\b/)
    // By what it added: within one second the next report is named "-2", which sorts before the first.
    const [newsReport = ""] = jsonReports().filter((name) => !before.has(name))
    const secondFailure = await runOnChange(1, own, keepOne)
    expect(secondFailure.code).toBe(4)
    expect(secondFailure.stdout).toContain("0 new")

    const mailed = await runOnChange(smtp.port, own, keepOne)
    expect(mailed.code, mailed.stderr).toBe(0)
    const warning = `An audit email may not have been delivered, and no email may have carried what changed since ${newsReport}:`
    await expectSaidAndMailed(mailed.stdout, warning)
    // Retention kept the report the email names, and the one after it.
    expect(jsonReports()).toContain(newsReport)
    expect(jsonReports()).toHaveLength(3)
    // The email carried the news of both failed runs: neither mark says otherwise any more.
    expect(readdirSync(own).filter((name) => name.endsWith(".undelivered"))).toEqual([])
  }, 60_000)

  it("is said by a run without email too, whose retention keeps the report the email failed to carry", async () => {
    const own = mkdtempSync(join(directory, "email-off-"))
    expect((await runOnChange(smtp.port, own)).code).toBe(0)
    await hireAdmin("fifth.hire@example.com", "Fifth")
    const failed = await runOnChange(1, own)
    expect(failed.code).toBe(4)
    const [mark = ""] = readdirSync(own).filter((name) => name.endsWith(".undelivered"))
    const undeliveredReport = mark.replace(/\.undelivered$/, ".json")

    // An engineer's ad-hoc run keeping one run: not the one whose news no email has carried.
    const adHoc = await runWithoutEmail(own, ["--keep-reports", "1"])
    expect(adHoc.result.stdout).toContain(`may not have been delivered: what changed then is in ${undeliveredReport}`)
    expect(jsonReportsIn(own)).toEqual(new Set([undeliveredReport, adHoc.report]))
  }, 60_000)

  it("is not lost to a run --as-of a past day that mails in between, whose email carries none of it", async () => {
    const own = mkdtempSync(join(directory, "backfill-"))
    expect((await runOnChange(smtp.port, own)).code).toBe(0)
    await hireAdmin("fourth.hire@example.com", "Fourth")
    const failed = await runOnChange(1, own)
    expect(failed.code).toBe(4)
    expect(failed.stdout).toMatch(/\b[1-9]\d* new\b/)
    const [mark = ""] = readdirSync(own).filter((name) => name.endsWith(".undelivered"))
    const undeliveredReport = mark.replace(/\.undelivered$/, ".json")

    // A backfill a month back, with the nightly job's settings: it compares with no report, as none is as of before
    // it, and its email goes out.
    const backfill = await runCli(
      ["run", "--report-dir", own, "--as-of", "2025-05-31T12:00:00.000Z", "--email", "on-change"],
      {
        env: {
          PANTHER_API_URL: simulator.baseUrl,
          PANTHER_API_TOKEN: simulator.readToken,
          MAIL_TO: "security@acme.example",
          MAIL_FROM: "audit@acme.example",
          SMTP_URL: `smtp://127.0.0.1:${smtp.port}`
        }
      }
    )
    expect(backfill.code, backfill.stderr).toBe(0)
    expect(backfill.stdout).toContain("Email sent")

    // The next nightly run compares with the report whose email failed, and mails its news at last.
    const sent = smtp.received.length
    const next = await runOnChange(smtp.port, own)
    expect(next.code, next.stderr).toBe(0)
    expect(next.stdout).toContain("0 new")
    expect(next.stdout).toContain(`may not have been delivered: what changed then is in ${undeliveredReport}`)
    expect(smtp.received).toHaveLength(sent + 1)
    expect(readdirSync(own).filter((name) => name.endsWith(".undelivered"))).toEqual([])
  }, 60_000)
})
