/**
 * Retention as the run and schedule commands set it up: the flags checked, and a prune after a run that warns of what
 * it could not delete and never fails the run. Real files in a temporary directory.
 */
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either, Fiber, HashMap, Logger, Option } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { HeldReportDirectory } from "../../src/Reports/HeldDirectory.js"
import { ReportError } from "../../src/Reports/ReportError.js"
import { pruneAfterRun, retentionOptions, toRetention } from "../../src/Schedule/RetentionOptions.js"
import { parseOptions } from "../support/parseOptions.js"
import { makeUndeletable } from "../support/undeletable.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "retention-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

/** Runs `effect` with its log lines collected as "LEVEL message". */
const withLogs = async <A, E>(effect: Effect.Effect<A, E>) => {
  const lines: Array<string> = []
  const logger = Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.label} ${String(Array.isArray(message) ? message[0] : message)}`)
  })
  const result = await Effect.runPromise(
    Effect.either(effect).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
  )
  return { result, lines }
}

/** The options as a command takes them, from `args` and the variables in `env`. */
const parse = (args: ReadonlyArray<string>, env: Record<string, string>) => parseOptions(retentionOptions, args, env)

describe("retentionOptions", () => {
  it("reads each variable for its own flag, and a flag wins over its variable", async () => {
    expect(await parse([], {})).toEqual({ keepReports: Option.none(), keepReportsDays: Option.none() })
    expect(await parse([], { AUDIT_KEEP_REPORTS_DAYS: "90" })).toEqual({
      keepReports: Option.none(),
      keepReportsDays: Option.some(90)
    })
    expect(await parse([], { AUDIT_KEEP_REPORTS: "30" })).toEqual({
      keepReports: Option.some(30),
      keepReportsDays: Option.none()
    })
    expect(
      await parse(["--keep-reports-days", "7"], { AUDIT_KEEP_REPORTS: "30", AUDIT_KEEP_REPORTS_DAYS: "90" })
    ).toEqual({ keepReports: Option.some(30), keepReportsDays: Option.some(7) })
  })
})

describe("toRetention", () => {
  it("refuses a number of days below 1, as it refuses a number of runs below 1", async () => {
    const refusal = (keepReports: Option.Option<number>, keepReportsDays: Option.Option<number>) =>
      Effect.runPromise(
        Effect.either(toRetention({ keepReports, keepReportsDays })).pipe(
          Effect.map(Either.match({ onLeft: (error) => error.message, onRight: () => "accepted" }))
        )
      )
    expect(await refusal(Option.none(), Option.some(0))).toBe(
      "--keep-reports-days / AUDIT_KEEP_REPORTS_DAYS must be a whole number, 1 or more; got 0."
    )
    expect(await refusal(Option.none(), Option.some(-7))).toContain("got -7")
    expect(await refusal(Option.some(0), Option.none())).toBe(
      "--keep-reports / AUDIT_KEEP_REPORTS must be a whole number, 1 or more; got 0."
    )
    expect(await refusal(Option.some(1), Option.some(1))).toBe("accepted")
  })

  it("keeps runs by --keep-reports and days by --keep-reports-days", async () => {
    const retention = await Effect.runPromise(
      toRetention({ keepReports: Option.some(30), keepReportsDays: Option.some(90) })
    )
    expect(retention).toEqual({ keepRuns: Option.some(30), keepDays: Option.some(90) })
  })
})

describe("pruneAfterRun", () => {
  it("takes a report directory it cannot read for a warning: the run did its job", async () => {
    const gone = join(directory, "gone")
    const { result, lines } = await withLogs(
      pruneAfterRun(gone, { keepRuns: Option.some(1), keepDays: Option.none() }, { reports: [], runId: "r1" })
    )
    expect(Either.isRight(result)).toBe(true)
    expect(lines).toEqual([`WARN cannot prune old reports in ${gone}: it does not exist`])
  })
  it("says what it deleted: the reports of each whole run, even one that had a single file left", async () => {
    const newest = ["user-audit-20260101T020000Z.csv", "user-audit-20260101T020000Z.json"]
    // An old run whose CSV someone removed by hand: its JSON report alone is left.
    const lone = "user-audit-20200101T020000Z.json"
    for (const name of [lone, ...newest]) writeFileSync(join(directory, name), "x")
    const { lines } = await withLogs(
      pruneAfterRun(directory, { keepRuns: Option.some(1), keepDays: Option.none() }, { reports: [], runId: "r1" })
    )
    expect(lines).toEqual(["INFO deleted the reports of 1 old run"])
    expect(readdirSync(directory).sort()).toEqual(newest)
  })

  it("stopped midway (SIGTERM), stops deleting at once and says which files it deleted before the stop", async () => {
    const runs = 2_000
    for (let minute = 0; minute < runs; minute++) {
      const stem = `user-audit-${new Date(Date.UTC(2020, 0, 1, 0, minute)).toISOString().replace(/[-:]|\.\d+/g, "")}`
      writeFileSync(join(directory, `${stem}.csv`), "x")
      writeFileSync(join(directory, `${stem}.json`), "x")
    }
    const before = readdirSync(directory)
    const annotated: Array<{ message: string; deleted: unknown }> = []
    const logger = Logger.make(({ annotations, message }) => {
      const text = String(Array.isArray(message) ? message[0] : message)
      annotated.push({ message: text, deleted: HashMap.get(annotations, "deleted").pipe(Option.getOrUndefined) })
    })
    const fiber = Effect.runFork(
      pruneAfterRun(
        directory,
        { keepRuns: Option.some(1), keepDays: Option.none() },
        { reports: [], runId: "r1" }
      ).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    )
    while (readdirSync(directory).length === before.length) await new Promise((resolve) => setTimeout(resolve, 1))
    await Effect.runPromise(Fiber.interrupt(fiber))
    const left = readdirSync(directory)
    // Stopped before the end: the oldest runs are left for the next prune.
    expect(left.length).toBeGreaterThan(2)
    const said = annotated.find((line) => line.message.startsWith("deleted "))
    expect(said?.message).toMatch(
      /^deleted (the reports of \d+ old runs?|\d+ files? of old runs) before the stop; the rest are left for the next run$/
    )
    const gone = before.filter((name) => !left.includes(name)).map((name) => join(directory, name))
    expect(said?.deleted).toHaveLength(gone.length)
    expect(said?.deleted).toEqual(expect.arrayContaining(gone))
    // Nothing deleted after the stop was said.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(readdirSync(directory)).toHaveLength(left.length)
  })

  it("deletes nothing once the run no longer holds the report directory, and says why", async () => {
    const names = ["user-audit-20200101T020000Z.json", "user-audit-20260101T020000Z.json"]
    for (const name of names) writeFileSync(join(directory, name), "x")
    // The directory was made anew and another audit took it: its reports are not this run's to prune.
    const lost = new ReportError({ message: `another audit holds ${directory} now` })
    const { result } = await withLogs(
      pruneAfterRun(
        directory,
        { keepRuns: Option.some(1), keepDays: Option.none() },
        { reports: [], runId: "r1" }
      ).pipe(Effect.provideService(HeldReportDirectory, { confirm: Effect.fail(lost) }))
    )
    expect(result).toEqual(Either.left(lost))
    expect(readdirSync(directory).sort()).toEqual(names)
  })

  it("deletes old runs' reports, and names in a warning each file it could not delete", async (context) => {
    const stuck = ["user-audit-20200101T020000Z.csv", "user-audit-20200101T020000Z.json"]
    const newest = ["user-audit-20260101T020000Z.csv", "user-audit-20260101T020000Z.json"]
    for (const name of [...stuck, ...newest]) writeFileSync(join(directory, name), "x")
    const undo = makeUndeletable(directory, stuck)
    // Where it cannot be done (root on a file system without the immutable attribute), said so as skipped.
    if (undo === undefined) return context.skip()
    try {
      const { result, lines } = await withLogs(
        pruneAfterRun(directory, { keepRuns: Option.some(1), keepDays: Option.none() }, { reports: [], runId: "r1" })
      )
      expect(Either.isRight(result)).toBe(true)
      const warning = lines.find((line) => line.startsWith("WARN"))
      expect(warning).toMatch(/^WARN could not delete 2 old report files: /)
      for (const name of stuck) expect(warning).toContain(join(directory, name))
    } finally {
      undo()
    }
    expect(readdirSync(directory).sort()).toEqual([...stuck, ...newest].sort())
  })

  it("says which files named as reports it left alone as another user's, one or many", async (context) => {
    // Only root can give a file to another user.
    if (process.getuid?.() !== 0) return context.skip("needs root, to give files to another user")
    const others = ["user-audit-20200101T020000Z.csv", "user-audit-20200101T020000Z.json"]
    const newest = ["user-audit-20260101T020000Z.csv", "user-audit-20260101T020000Z.json"]
    for (const name of [...others, ...newest]) writeFileSync(join(directory, name), "x")
    const retention = { keepRuns: Option.some(1), keepDays: Option.none() }
    chownSync(join(directory, others[0] ?? ""), 65534, 65534)
    const one = await withLogs(pruneAfterRun(directory, retention, { reports: [], runId: "r1" }))
    expect(one.lines.filter((line) => line.includes("another user"))).toEqual([
      `INFO left 1 file named as a report alone, as another user owns it (not counted among the runs kept, never ` +
        `deleted): ${join(directory, others[0] ?? "")}. If it is a report of this tool written under another user ` +
        "id, give it to this user (chown) or remove it by hand"
    ])
    // The other one of that run was this user's, and went.
    expect(readdirSync(directory).sort()).toEqual([others[0], ...newest].sort())
    writeFileSync(join(directory, others[1] ?? ""), "x")
    chownSync(join(directory, others[1] ?? ""), 65534, 65534)
    const two = await withLogs(pruneAfterRun(directory, retention, { reports: [], runId: "r2" }))
    expect(two.lines.find((line) => line.includes("another user"))).toMatch(
      /^INFO left 2 files named as reports alone, as another user owns them \(.*\. If they are reports of this tool .*, give them to this user \(chown\) or remove them by hand$/
    )
    expect(readdirSync(directory).sort()).toEqual([...others, ...newest].sort())
  })
})
