/**
 * "What changed" compares findings by id; when the previous report was judged by other settings, the difference is
 * the settings', not the accounts', and the run must say so in its summary, JSON report and email.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { simpleParser } from "mailparser"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { choosePreviousReport } from "../../src/Audit/PreviousReportChoice.js"
import { runCommand as auditCommand } from "../../src/Audit/RunCommand.js"
import { reviewCommand } from "../../src/Review/ReviewCommand.js"
import { runCommand } from "../Review/commandHarness.js"
import { AS_OF, auditArgs, daysAgo, wire } from "../Review/fixtures.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

let simulator: StartedSimulator
let directory = ""
beforeAll(async () => {
  simulator = await startSimulator({
    now: new Date(AS_OF),
    data: [
      wire("u-60", { lastLoggedInAt: daysAgo(60) }),
      wire("u-200", { lastLoggedInAt: daysAgo(200) }),
      wire("u-admin", { role: { name: "Admin" } }),
      wire("u-owner", { role: { name: "Owner" } }),
      wire("u-fresh"),
      // Deactivated, so judged by no rule: only --include-deactivated fetches it.
      wire("u-off", { enabled: false, lastLoggedInAt: daysAgo(200), role: { name: "Admin" } })
    ]
  })
})
afterAll(() => simulator.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "parameter-changes-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const argsOf = (...extra: Array<string>) => auditArgs(simulator.baseUrl, simulator.readToken, directory, ...extra)

interface ReportRun {
  readonly warnings: ReadonlyArray<string>
  readonly changes: { readonly new: number; readonly resolved: ReadonlyArray<unknown> }
  readonly parameters: { readonly includeDeactivated: boolean }
  readonly users: { readonly deactivated: number }
}

/** The report written last: these runs are each as of their own start, one second apart. */
const newestReportName = () =>
  choosePreviousReport(directory, readdirSync(directory), Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY).chosen
    ?.name ?? ""

const newestRun = (): ReportRun => {
  const name = newestReportName()
  return (JSON.parse(readFileSync(join(directory, name), "utf8")) as { run: ReportRun }).run
}

/** One run after another: report names carry the second they were made in. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100))

const flat = (text: string | false | undefined) => (typeof text === "string" ? text.replace(/\s+/g, " ") : "")

describe("a previous report made with other settings", () => {
  it("is named in the summary, the JSON report and the email, with what differs", async () => {
    const review = await runCommand(reviewCommand, argsOf("--policy", "cis"))
    expect(review.error).toBe("")
    const previousName = newestReportName()
    await nextSecond()
    const run = await runCommand(auditCommand, argsOf("--mail-to", "secops@example.com", "--email", "always"))
    expect(run.error).toBe("")

    const warning =
      `The previous report (${previousName}) was made with --stale-days 45 (policy cis), this run with ` +
      "--stale-days 90: findings shown as new or resolved may come from that change, not from the accounts."
    const reported = newestRun()
    // The user 60 days away reads as resolved: only the threshold moved.
    expect(reported.changes.resolved).toHaveLength(1)
    expect(reported.warnings.filter((line) => line.startsWith("The previous report ("))).toHaveLength(1)
    expect(reported.warnings.join("\n")).toContain(warning)
    expect(flat(run.stdout)).toContain(warning)
    const eml = readdirSync(directory).find((name) => name.endsWith(".eml")) ?? ""
    const message = await simpleParser(readFileSync(join(directory, eml)))
    expect(flat(message.text)).toContain(warning)
  })

  it("names every setting that differs, and nothing when they agree in another order or case", async () => {
    await runCommand(
      reviewCommand,
      argsOf("--pending-days", "3", "--privileged-roles", "Admin,Owner", "--privileged-permissions", "UserModify")
    )
    await nextSecond()
    await runCommand(reviewCommand, argsOf("--include-deactivated"))
    const warning = newestRun().warnings.find((line) => line.startsWith("The previous report (")) ?? ""
    expect(warning).toContain(
      "was made with --pending-days 3, --privileged-roles Admin,Owner and --privileged-permissions UserModify, " +
        "this run with --pending-days 7, --privileged-roles Admin and " +
        "--privileged-permissions UserModify,OrganizationAPITokenModify: findings shown " +
        "as new, resolved, escalated or de-escalated may come from those changes"
    )

    await nextSecond()
    await runCommand(
      reviewCommand,
      argsOf("--include-deactivated", "--privileged-permissions", "OrganizationAPITokenModify,UserModify")
    )
    await nextSecond()
    await runCommand(
      reviewCommand,
      argsOf(
        "--include-deactivated",
        "--privileged-roles",
        "admin",
        "--privileged-permissions",
        "UserModify,OrganizationAPITokenModify"
      )
    )
    expect(newestRun().warnings.filter((line) => line.startsWith("The previous report ("))).toEqual([])
  })

  it("says nothing of --include-deactivated, which adds only users that get no findings, whichever side it is on", async () => {
    // A quarterly review with --include-deactivated into the nightly runs' folder was told, and so was the next
    // nightly run, that its new and resolved findings might come from that flag, though none can.
    await runCommand(reviewCommand, argsOf("--include-deactivated"))
    await nextSecond()
    const run = await runCommand(reviewCommand, argsOf())
    expect(run.error).toBe("")
    expect(newestRun()).toMatchObject({ parameters: { includeDeactivated: false }, users: { deactivated: 0 } })
    expect(newestRun().changes).toMatchObject({ new: 0, resolved: [] })
    expect(flat(run.stdout)).not.toContain("The previous report (")
    await nextSecond()
    await runCommand(reviewCommand, argsOf("--include-deactivated"))
    expect(newestRun()).toMatchObject({ parameters: { includeDeactivated: true }, users: { deactivated: 1 } })
    expect(newestRun().changes).toMatchObject({ new: 0, resolved: [] })
    expect(newestRun().warnings.filter((line) => line.startsWith("The previous report ("))).toEqual([])
  })
})
