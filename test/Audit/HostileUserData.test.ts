/**
 * Users whose every text field is hostile (line breaks, NUL, C1 controls, direction overrides, joiners, 100 KB
 * names, HTML, spreadsheet formulas, MIME encoded words, header-like text, path pieces, emails that are not emails),
 * followed through the built command end to end: `run` with its email to a real SMTP server on loopback, `review`
 * twice, `export` and `verify`. The reports hold the data exactly (JSON) or safely (CSV); the email gains no header or
 * recipient and shows the text as text; nothing lands outside the report directory and no account goes missing.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { Effect, Exit, Scope } from "effect"
import { type ParsedMail, simpleParser } from "mailparser"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { WireUser } from "../../src/Simulator/WireUser.js"
import { startSmtpServer, type TestSmtpServer } from "../Email/support/SmtpTestServer.js"
import { type CliResult, runCli, runEmailing } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

const AS_OF = "2025-06-30T12:00:00.000Z"
const LONG_AGO = "2020-01-01T00:00:00Z"
const BIG = "A".repeat(100_000)

const user = (id: string, fields: Partial<WireUser>): WireUser => ({
  id,
  email: `${id}@acme.example`,
  givenName: "Given",
  familyName: "Family",
  role: { name: "Admin" },
  enabled: true,
  status: "CONFIRMED",
  createdAt: LONG_AGO,
  lastLoggedInAt: LONG_AGO,
  ...fields
})

// Admins who last logged in long ago: high findings, each listed by name in the email.
const HOSTILE: ReadonlyArray<WireUser> = [
  user("crlf\r\nBcc: id@evil.example", {
    email: "crlf@acme.example\r\nBcc: email@evil.example",
    givenName: "Eve\r\nBcc: given@evil.example\r\nSubject: owned",
    familyName: "Lone\rCR\nLF"
  }),
  user("../../../etc/passwd", { email: '=HYPERLINK("http://evil.example","x")', givenName: "+1+1", familyName: "-2" }),
  user("..\\..\\windows", { email: "@SUM(1)", givenName: "\tTab", familyName: "\rCR" }),
  user("nul\u0000id", {
    email: "nul\u0000@acme.example",
    givenName: "C1\u0085\u009b31m",
    familyName: "bidi\u202egnp.exe"
  }),
  user("/absolute/path", { email: "zwsp\u200b@acme.example", givenName: "👩‍👩‍👧‍👦", familyName: "Zalgo z̷̢̛a̸l̴g̶o" }),
  user("big", { givenName: BIG, familyName: BIG }),
  user("html", {
    email: '"><img src=x onerror=alert(1)>@acme.example',
    givenName: "<script>alert(1)</script>",
    familyName: '"><img src=x onerror=alert(2)>'
  }),
  user("mime", {
    email: "=?utf-8?b?QmNjOiBtaW1lQGV2aWwuZXhhbXBsZQ==?=",
    givenName: "=?utf-8?q?Bcc=3A_mime@evil.example?=",
    familyName: " =1+1"
  }),
  user("not-an-email", { email: "not an email at all", givenName: "\u3000=1", familyName: "x" })
]

let simulator: StartedSimulator
let smtp: TestSmtpServer
const scope = Effect.runSync(Scope.make())
let directory = ""
let run: CliResult
let mail: ParsedMail

beforeAll(async () => {
  simulator = await startSimulator({ data: HOSTILE, now: new Date(AS_OF) })
  smtp = await Effect.runPromise(Scope.extend(startSmtpServer({ noStartTls: true }), scope))
  directory = mkdtempSync(join(tmpdir(), "hostile-"))
  run = await runEmailing(simulator, directory, `smtp://127.0.0.1:${smtp.port}`, { AUDIT_AS_OF: AS_OF })
  mail = await simpleParser(smtp.received[0]?.raw ?? Buffer.alloc(0))
}, 60_000)

afterAll(async () => {
  await simulator?.close()
  await Effect.runPromise(Scope.close(scope, Exit.void))
  rmSync(directory, { recursive: true, force: true })
})

const reportFile = (extension: string): string => {
  const file = readdirSync(directory).find((name) => name.startsWith("user-audit-") && name.endsWith(extension))
  if (file === undefined) throw new Error(`no ${extension} report in ${readdirSync(directory).join(", ")}`)
  return join(directory, file)
}

/** The CSV's rows as a spreadsheet reads them, byte order mark off. */
const csvRows = (file: string): Array<Array<string>> =>
  parse(readFileSync(file, "utf8").replace(/^\uFEFF/u, ""), { relax_quotes: false })

/** A cell a spreadsheet would run: a formula character first, after any space a spreadsheet may trim. */
const RUNNABLE = /^[\s\u3000]*[=+\-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20]/u

/** What must not reach a reader as it came: a control character, a direction override, a zero-width space. */
const UNSHOWABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b]/u

describe("hostile user data, end to end", () => {
  it("runs, mails and judges every account", () => {
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain("Users: 9 (9 enabled")
    expect(run.stdout).toContain("0 invalid records")
    expect(smtp.received).toHaveLength(1)
  })

  it("keeps every text exactly in the JSON report", () => {
    const report = JSON.parse(readFileSync(reportFile(".json"), "utf8"))
    for (const sent of HOSTILE) {
      const stale = report.findings.find(
        (finding: { userId: string; finding: string }) =>
          finding.userId === sent.id && finding.finding === "STALE_LOGIN"
      )
      expect(stale, JSON.stringify(sent.id)).toMatchObject({
        email: sent.email,
        givenName: sent.givenName,
        familyName: sent.familyName
      })
    }
  })

  it("writes no CSV cell a spreadsheet would run, and keeps each API text behind the guard", () => {
    const [header, ...rows] = csvRows(reportFile(".csv"))
    expect(rows.length).toBe(HOSTILE.length * 2)
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(RUNNABLE)
    const column = (name: string) => header?.indexOf(name) ?? -1
    const row = rows.find((cells) => cells[column("user_id")] === "../../../etc/passwd")
    expect(row?.[column("email")]).toBe(`'=HYPERLINK("http://evil.example","x")`)
    expect(row?.[column("given_name")]).toBe("'+1+1")
    const crlf = rows.find((cells) => cells[column("user_id")] === "crlf\r\nBcc: id@evil.example")
    expect(crlf?.[column("family_name")]).toBe("Lone\rCR\nLF")
  })

  it("gains no header or recipient, and names no user in the subject", () => {
    expect(smtp.received[0]?.to).toEqual(["security@acme.example"])
    expect([...mail.headers.keys()].sort()).toEqual(
      [
        "auto-submitted",
        "content-type",
        "date",
        "from",
        "message-id",
        "mime-version",
        "subject",
        "to",
        "x-panther-audit-run"
      ].sort()
    )
    expect(mail.subject).toMatch(/^\[Panther user audit\] 127\.0\.0\.1:\d+: 9 high \(9 users\)$/u)
  })

  it("shows each name as text in the HTML part, with nothing that reorders or hides it", () => {
    const html = mail.html === false ? "" : (mail.html ?? "")
    expect(html.includes("&#60;script&#62;alert(1)&#60;/script&#62;")).toBe(true)
    expect(html).not.toMatch(/<script|<img/iu)
    expect(html.replaceAll("\n", "")).not.toMatch(UNSHOWABLE)
  })

  it("keeps each listed user to its own lines in the text part, cut short", () => {
    const text = mail.text ?? ""
    expect(text.replaceAll("\n", "")).not.toMatch(UNSHOWABLE)
    // A line break in a name would start a line of its own: a forged field, or a header to a careless filter.
    for (const line of text.split("\n")) expect(line).not.toMatch(/^(Bcc|Subject|LF|CR):/u)
    expect(text).toContain("User: Eve  Bcc: given@evil.example  Subject: owned Lone CR LF")
    expect(text).toContain("bidi gnp.exe")
    expect(Math.max(...text.split("\n").map((line) => line.length))).toBeLessThan(1000)
  })

  it("attaches the findings CSV byte for byte", () => {
    expect(mail.attachments).toHaveLength(1)
    expect(mail.attachments[0]?.content.equals(readFileSync(reportFile(".csv")))).toBe(true)
  })

  it("reads its own review workbook back as the same accounts, then exports what verify accepts", async () => {
    const env = { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken, AUDIT_AS_OF: AS_OF }
    const folder = (name: string) => {
      const path = join(directory, name)
      mkdirSync(path)
      return path
    }
    const first = folder("first-review")
    expect((await runCli(["review", "--report-dir", first], { env })).code).toBe(0)
    const workbook = join(first, readdirSync(first).find((file) => file.startsWith("access-review-")) ?? "")
    const [header, ...rows] = csvRows(workbook.replace(/\.html$/u, ".csv"))
    const ids = rows.map((row) => row[header?.indexOf("user_id") ?? -1])
    expect(ids.sort()).toEqual(HOSTILE.map(({ id }) => id).sort())
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(RUNNABLE)

    const second = await runCli(
      ["review", "--report-dir", folder("second-review"), "--compare-with", workbook.replace(/\.html$/u, ".csv")],
      { env }
    )
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain("0 accounts added, 0 removed, 0 changed")

    const exports = folder("exports")
    expect((await runCli(["export", "--report-dir", exports], { env })).code).toBe(0)
    const [made] = readdirSync(exports)
    const verified = await runCli(["verify", join(exports, made ?? "")])
    expect(verified.code, verified.stdout + verified.stderr).toBe(0)

    // Every file the commands wrote is one of theirs, by its stamp: no user's id became a path.
    const written = [directory, first, join(exports, made ?? "")].flatMap((path) => readdirSync(path))
    for (const file of written) {
      expect(file).toMatch(
        /^(first-review|second-review|exports|manifest\.json|(user-audit|access-review|inventory)-\d{8}T\d{6}Z\.(csv|json|html))$/u
      )
    }
  })
})
