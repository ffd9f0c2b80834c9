/**
 * Comparing a review with the last review's workbook: only a workbook of the same Panther, read as this tool writes
 * it, and a clear reason otherwise; accounts told apart by id, or by email when a record has none.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Readable } from "node:stream"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { NO_INPUT_FILE_SECRETS } from "../../src/Cli/InputFileSecrets.js"
import { secretsOf } from "../../src/Cli/Redact.js"
import { compareWithLastReview, lastWorkbook, NO_EARLIER_WORKBOOK } from "../../src/Review/LastReview.js"
import { sinceLastReviewHtml } from "../../src/Review/LastReviewHtml.js"
import type { PantherRoles } from "../../src/Review/PantherRoles.js"
import { REVIEW_COLUMNS, reviewRow } from "../../src/Review/ReviewCsv.js"
import type { ReviewRow } from "../../src/Review/ReviewRow.js"
import { describeSinceLastReview } from "../../src/Review/SinceLastReviewText.js"
import { reviewRowOf } from "./fixtures.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "last-review-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const row = (userId: string, email = `${userId}@example.com`) => reviewRowOf(userId, { email })

const workbook = (name: string, lines: ReadonlyArray<string>) =>
  writeFileSync(join(directory, name), `\uFEFF${lines.join("\r\n")}\r\n`)

/** Panther's default roles, as GET /roles names them. */
const DEFAULT_ROLES: PantherRoles = {
  named: [
    { id: "r-admin", name: "Admin" },
    { id: "r-analyst", name: "Analyst" },
    { id: "r-analyst-read-only", name: "AnalystReadOnly" }
  ],
  read: "all"
}

const compare = (rows: ReadonlyArray<ReviewRow>, apiBaseUrl = "https://api.acme.example", roles = DEFAULT_ROLES) =>
  Effect.runPromise(
    compareWithLastReview(
      directory,
      "access-review-20261001T000000Z",
      apiBaseUrl,
      rows,
      undefined,
      NO_INPUT_FILE_SECRETS,
      roles
    )
  )

it("compares with the newest earlier workbook, by id, or by email in any case for a record without one", async () => {
  workbook("access-review-20260101T000000Z.csv", [
    "user_id,email,instance,decision",
    "old,old@example.com,api.acme.example"
  ])
  workbook("access-review-20260701T000000Z.csv", [
    "privileged,given_name,family_name,user_id,email,instance,as_of,decision",
    "false,Kept,One,kept,kept@example.com,api.acme.example,2026-07-01T00:00:00.000Z",
    "true,Gone,Two,gone,gone@example.com,api.acme.example,2026-07-01T00:00:00.000Z",
    "false,No,Id,,NoId@Example.com,api.acme.example,2026-07-01T00:00:00.000Z"
  ])
  const since = await compare([row("kept"), row("", "noid@example.com"), row("new")])
  expect(since).toMatchObject({
    _tag: "Compared",
    workbook: "access-review-20260701T000000Z.csv",
    asOf: "2026-07-01T00:00:00.000Z",
    removed: [{ userId: "gone", email: "gone@example.com", name: "Gone Two", privileged: "true" }]
  })
  expect(since._tag === "Compared" ? [...since.added] : []).toEqual(["id:new"])
})

it("takes the last workbook of one second by the number its name ends in, in whatever order listed", () => {
  const names = [
    "access-review-20260701T000000Z.csv",
    "access-review-20260701T000000Z-10.csv",
    "access-review-20260701T000000Z-9.csv",
    "access-review-20260630T000000Z-11.csv"
  ]
  for (const listed of [names, [...names].reverse()]) {
    expect(lastWorkbook(listed, "access-review-20261001T000000Z")).toEqual({
      workbook: "access-review-20260701T000000Z-10.csv",
      passedOver: [],
      misnamed: []
    })
  }
})

it("names the workbooks stamped after this review started in their stamps' order, however the directory lists them", () => {
  const ahead = ["access-review-20991231T000000Z.csv", "access-review-20990101T000000Z.csv"]
  const names = ["access-review-20260701T000000Z.csv", ...ahead]
  for (const listed of [names, [...names].reverse()]) {
    expect(lastWorkbook(listed, "access-review-20261001T000000Z.csv")).toEqual({
      workbook: "access-review-20260701T000000Z.csv",
      passedOver: ["access-review-20990101T000000Z.csv", "access-review-20991231T000000Z.csv"],
      misnamed: []
    })
  }
})

it("names a copy of a workbook saved under another name, which it does not take, so its decisions are not lost", async () => {
  workbook("access-review-20260701T000000Z.csv", [HEADER, "false,Analyst,true,u1,u1@example.com,"])
  // The reviewer's filled-in copy, as a download or a "Save as" names it.
  workbook("access-review-20260701T000000Z (1).csv", [HEADER, "false,Analyst,true,u1,u1@example.com,revoke"])
  workbook("access-review-20260701T000000Z-filled.CSV", [HEADER, "false,Analyst,true,u1,u1@example.com,revoke"])
  // Renamed by hand with a stamp no review gives (a 13th month): no workbook's name either.
  workbook("access-review-20261301T000000Z.csv", [HEADER, "false,Analyst,true,u1,u1@example.com,revoke"])
  // A copy from a quarter before the workbook taken is not the last review's: not named.
  workbook("access-review-20260401T000000Z (1).csv", [HEADER, "false,Analyst,true,u1,u1@example.com,revoke"])
  const since = await compare([row("u1")])
  expect(since).toMatchObject({
    _tag: "Compared",
    workbook: "access-review-20260701T000000Z.csv",
    misnamed: [
      "access-review-20260701T000000Z (1).csv",
      "access-review-20260701T000000Z-filled.CSV",
      "access-review-20261301T000000Z.csv"
    ]
  })
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "Not taken, as not named as a review names its workbook (access-review-<stamp>.csv): " +
      "access-review-20260701T000000Z (1).csv, access-review-20260701T000000Z-filled.CSV, " +
      "access-review-20261301T000000Z.csv; if one is the last " +
      "review's workbook filled in, give it with --compare-with."
  )
})

it("names the first five copies of a workbook not taken and counts the rest, so none passes unsaid", async () => {
  workbook("access-review-20260701T000000Z.csv", [HEADER, "false,Analyst,true,u1,u1@example.com,"])
  for (let copy = 1; copy <= 7; copy++) {
    workbook(`access-review-20260701T000000Z (${copy}).csv`, [HEADER, "false,Analyst,true,u1,u1@example.com,revoke"])
  }
  const since = await compare([row("u1")])
  expect(since.misnamed).toHaveLength(7)
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "(access-review-<stamp>.csv): access-review-20260701T000000Z (1).csv, access-review-20260701T000000Z (2).csv, " +
      "access-review-20260701T000000Z (3).csv, access-review-20260701T000000Z (4).csv, " +
      "access-review-20260701T000000Z (5).csv, and 2 more; if one is the last review's workbook filled in"
  )
})

it("names the first five workbooks stamped after this review started and counts the rest", async () => {
  workbook("access-review-20260701T000000Z.csv", [HEADER, "false,Analyst,true,u1,u1@example.com,"])
  for (let month = 1; month <= 7; month++) {
    workbook(`access-review-20990${month}01T000000Z.csv`, [HEADER, "false,Analyst,true,u1,u1@example.com,"])
  }
  const since = await compare([row("u1")])
  expect(since.passedOver).toHaveLength(7)
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "behind): access-review-20990101T000000Z.csv, access-review-20990201T000000Z.csv, " +
      "access-review-20990301T000000Z.csv, access-review-20990401T000000Z.csv, " +
      "access-review-20990501T000000Z.csv, and 2 more; move them out of the report directory"
  )
})

it("takes for a workbook only a file named as one, not a copy with another ending", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    "user_id,email,instance,decision",
    "a,a@example.com,api.acme.example"
  ])
  workbook("access-review-20260901T000000Z.csv.bak", [
    "user_id,email,instance,decision",
    "b,b@example.com,api.acme.example"
  ])
  expect(await compare([row("a")])).toMatchObject({ _tag: "Compared", workbook: "access-review-20260701T000000Z.csv" })
})

it("does not read a workbook over 256 MiB, and says so", async () => {
  const path = join(directory, "access-review-20260701T000000Z.csv")
  writeFileSync(path, "user_id,email,decision\r\n")
  // Sparse: no disk is used for it.
  truncateSync(path, 256 * 1024 * 1024 + 1)
  expect(await compare([row("a")])).toEqual({
    _tag: "NotCompared",
    reason: "the last review's workbook, access-review-20260701T000000Z.csv, could not be read (it is over 256 MiB)"
  })
})

it("reads a workbook of a few MiB, as of ten thousand users, well under the 256 MiB it refuses", async () => {
  const accounts = Array.from({ length: 10_000 }, (_, index) => `u${index},u${index}@example.com,${"n".repeat(300)},`)
  workbook("access-review-20260701T000000Z.csv", ["user_id,email,notes,decision", ...accounts])
  expect(await compare([row("u0")])).toMatchObject({ _tag: "Compared", addedAccounts: 0 })
})

it("does not compare with a workbook of another Panther, or one saved with other columns, and says why", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    "user_id,email,instance,decision",
    "a,a@example.com,api.other.example"
  ])
  expect(await compare([row("a")])).toEqual({
    _tag: "NotCompared",
    reason: "the last review's workbook, access-review-20260701T000000Z.csv, is of another Panther (api.other.example)"
  })
  workbook("access-review-20260801T000000Z.csv", ["User;Email", "a;a@example.com"])
  expect(await compare([row("a")])).toMatchObject({
    _tag: "NotCompared",
    reason: expect.stringContaining("has no user_id, email and decision columns")
  })
})

it("says a workbook whose columns were renamed in case or spacing alone was, rather than that it is none", async () => {
  // Headings made to read better in the spreadsheet ("Decision", "User ID"), where the message said the file was no
  // review workbook at all.
  const cases = [
    [
      "user_id,email,instance,Decision",
      'its decision column is headed "Decision", not decision as the review wrote it: rename it back'
    ],
    [
      "User-Id,email,instance,decision",
      'its user_id column is headed "User-Id", not user_id as the review wrote it: rename it back'
    ],
    [
      "User ID,email,instance, Decision ",
      'its user_id and decision columns are headed "User ID" and "Decision", not user_id and decision as the review ' +
        "wrote them: rename them back"
    ]
  ] as const
  for (const [header, why] of cases) {
    workbook("access-review-20260801T000000Z.csv", [header, "a,a@example.com,api.acme.example,keep"])
    expect(await compare([row("a")])).toEqual({
      _tag: "NotCompared",
      reason: `the last review's workbook, access-review-20260801T000000Z.csv, could not be read (${why})`
    })
  }
})

it("says the columns compared were renamed, rather than compare without them and say nothing changed", async () => {
  // Headings made to read better ("Privileged", "Role Name") over the columns each account's access is compared by:
  // read as columns left out, the privilege, role and sign-in an account had went unread, and no change was said.
  workbook("access-review-20260801T000000Z.csv", [
    "Privileged,Role Name,enabled,user_id,email,decision",
    "false,Analyst,true,a,a@example.com,keep"
  ])
  expect(await compare([reviewRowOf("a", { roleName: "Admin", privileged: true })])).toEqual({
    _tag: "NotCompared",
    reason:
      "the last review's workbook, access-review-20260801T000000Z.csv, could not be read (its privileged and " +
      'role_name columns are headed "Privileged" and "Role Name", not privileged and role_name as the review wrote ' +
      "them: rename them back)"
  })
  // One alone too: an account unable to sign in then and gone since was counted as removed.
  workbook("access-review-20260801T000000Z.csv", ["Enabled,user_id,email,decision", "false,b,b@example.com,keep"])
  expect(await compare([reviewRowOf("a")])).toMatchObject({
    _tag: "NotCompared",
    reason: expect.stringContaining(
      'could not be read (its enabled column is headed "Enabled", not enabled as the review wrote it: rename it back)'
    )
  })
  // A column left out, not renamed, says nothing still.
  workbook("access-review-20260801T000000Z.csv", ["enabled,user_id,email,decision", "true,a,a@example.com,keep"])
  expect(await compare([reviewRowOf("a", { roleName: "Admin", privileged: true })])).toMatchObject({
    _tag: "Compared"
  })
})

it("knows a workbook of another Panther by the first row that says, though rows above it were left blank", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    "user_id,email,instance,as_of,decision",
    // A row a spreadsheet left blank, as a sort or a cleared row leaves it at the top.
    ",,,,",
    "a,a@example.com,api.other.example,2026-07-01T00:00:00.000Z"
  ])
  expect(await compare([row("a")])).toEqual({
    _tag: "NotCompared",
    reason: "the last review's workbook, access-review-20260701T000000Z.csv, is of another Panther (api.other.example)"
  })
  workbook("access-review-20260801T000000Z.csv", [
    "user_id,email,instance,as_of,decision",
    ",,,,",
    "a,a@example.com,api.acme.example,2026-08-01T00:00:00.000Z"
  ])
  expect(await compare([row("a")])).toMatchObject({ _tag: "Compared", asOf: "2026-08-01T00:00:00.000Z" })
})

it("leaves out its own workbook, and says when there is no earlier one", async () => {
  workbook("access-review-20261001T000000Z.csv", ["user_id,email,decision", "a,a@example.com"])
  expect(await compare([row("a")])).toEqual({
    _tag: "NotCompared",
    reason: NO_EARLIER_WORKBOOK
  })
})

it("does not take an empty file, or one without the workbook's columns, for a review of no accounts", async () => {
  writeFileSync(join(directory, "access-review-20260701T000000Z.csv"), "")
  expect(await compare([row("a")])).toMatchObject({
    _tag: "NotCompared",
    reason: "the last review's workbook, access-review-20260701T000000Z.csv, could not be read (it is empty)"
  })
  workbook("access-review-20260801T000000Z.csv", ["this is not a workbook"])
  expect(await compare([row("a")])).toMatchObject({
    _tag: "NotCompared",
    reason: expect.stringContaining("has no user_id, email and decision columns")
  })
})

it("reads a workbook back as a spreadsheet saves it: guards taken off or kept, TRUE/FALSE, blank rows", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    "privileged,given_name,family_name,user_id,email,decision",
    // Saved by a spreadsheet: the formula guard dropped from one id, kept on another, booleans in capitals.
    "TRUE,'=cmd,Evil,=one,one@example.com",
    "FALSE,Two,Kept,'-two,two@example.com",
    ",,,,"
  ])
  const since = await compare([row("-two")])
  expect(since).toMatchObject({
    _tag: "Compared",
    removed: [{ userId: "=one", email: "one@example.com", name: "=cmd Evil", privileged: "true" }]
  })
  expect(since._tag === "Compared" ? since.added.size : -1).toBe(0)
})

it.each([
  ["German", "WAHR", "FALSCH"],
  ["French", "VRAI", "FAUX"],
  ["Spanish", "VERDADERO", "FALSO"],
  ["Italian", "VERO", "FALSO"],
  ["Dutch", "WAAR", "ONWAAR"],
  ["Portuguese", "VERDADEIRO", "FALSO"],
  ["Swedish", "SANT", "FALSKT"],
  ["Danish", "SAND", "FALSK"],
  ["Norwegian", "SANN", "USANN"],
  ["Finnish", "TOSI", "EPÄTOSI"],
  ["Polish", "PRAWDA", "FAŁSZ"],
  ["Czech", "PRAVDA", "NEPRAVDA"],
  ["Hungarian", "IGAZ", "HAMIS"],
  ["English, in lower case", "true", "false"]
])("reads TRUE and FALSE as saved in %s, %s and %s, in any case", async (_language, yes, no) => {
  const lower = (word: string) => word.toLowerCase()
  const title = (word: string) => `${word.charAt(0)}${word.slice(1).toLowerCase()}`
  workbook("access-review-20260701T000000Z.csv", [
    "privileged,enabled,user_id,email,instance,decision",
    `${yes},${yes},demoted,demoted@example.com,api.acme.example`,
    `${lower(no)},${lower(no)},promoted,promoted@example.com,api.acme.example`,
    // Unable to sign in then: its leaving since took no access away.
    `${title(yes)},${title(no)},off-then,off-then@example.com,api.acme.example`,
    `${title(yes)},${lower(yes)},gone,gone@example.com,api.acme.example`
  ])
  const since = await compare([
    reviewRowOf("demoted", { enabled: false, privileged: false }),
    reviewRowOf("promoted", { enabled: true, privileged: true })
  ])
  expect(since).toMatchObject({
    _tag: "Compared",
    removed: [{ userId: "gone", privileged: "true" }],
    changed: new Map([
      ["id:demoted", "deactivated; no longer privileged"],
      ["id:promoted", "reactivated; now privileged"]
    ])
  })
})

it("reads a Finnish FALSE, EPÄTOSI, from a workbook saved in Windows-1252, as Excel's plain CSV is", async () => {
  const lines = [
    "privileged,enabled,user_id,email,instance,decision",
    "TOSI,EPÄTOSI,off-then,o@example.com,api.acme.example"
  ]
  // Ä is one byte there, 0xC4, as in Latin-1: no BOM, not UTF-8.
  writeFileSync(
    join(directory, "access-review-20260701T000000Z.csv"),
    Buffer.from(`${lines.join("\r\n")}\r\n`, "latin1")
  )
  expect(await compare([])).toMatchObject({ _tag: "Compared", removed: [] })
})

it("reads a Polish FALSE, FAŁSZ, from a workbook saved in Windows-1250, as a Polish Excel's plain CSV is", async () => {
  // Ł is the byte 0xA3 there, which a workbook not UTF-8 is read as in Windows-1252: £.
  const lines = [
    "privileged,enabled,user_id,email,instance,decision",
    "PRAWDA,FA\u00A3SZ,off-then,o@example.com,api.acme.example"
  ]
  writeFileSync(
    join(directory, "access-review-20260701T000000Z.csv"),
    Buffer.from(`${lines.join("\r\n")}\r\n`, "latin1")
  )
  expect(await compare([])).toMatchObject({ _tag: "Compared", removed: [] })
})

it("counts only accounts that can sign in as added, and shows no escape sequence from the workbook", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    "user_id,email,instance,decision",
    "a,a@example.com,api.acme.example"
  ])
  const since = await compare([row("a"), { ...row("off"), enabled: false }, row("on")])
  expect(since._tag === "Compared" ? [...since.added] : []).toEqual(["id:on"])
  workbook("access-review-20260801T000000Z.csv", [
    "user_id,email,instance,decision",
    "a,a@example.com,evil\u001b[2J.example"
  ])
  const other = await compare([row("a")])
  expect(other._tag === "NotCompared" ? other.reason : "").toContain("another Panther (evil\uFFFD[2J.example)")
})

it("reads rows short of the header, as Excel saves trailing empty cells, but not a file cut in a row", async () => {
  // Excel's "CSV (Comma delimited)" leaves out trailing empty cells in stretches of rows: read as empty.
  const lines = [
    "user_id,email,instance,decision,notes",
    "a,a@example.com,api.acme.example",
    "b,b@example.com,api.acme.example,keep,checked",
    "c,c@example.com,api.acme.example"
  ]
  workbook("access-review-20260701T000000Z.csv", lines)
  expect(await compare([row("a"), row("b"), row("c")])).toMatchObject({ _tag: "Compared", addedAccounts: 0 })
  // Cut short in the middle of row 4 (no line break after it): the rows after it would all pass for added.
  writeFileSync(join(directory, "access-review-20260801T000000Z.csv"), `\uFEFF${lines.join("\r\n")}`.slice(0, -25))
  expect(await compare([row("a"), row("b"), row("c")])).toEqual({
    _tag: "NotCompared",
    reason:
      "the last review's workbook, access-review-20260801T000000Z.csv, could not be read (it ends in the middle " +
      "of row 4 (2 of the header's 5 cells, and no line break after them): the file was cut short; copy the whole " +
      "workbook again)"
  })
})

it("reads a workbook saved with a carriage return alone ending each row, its last row short of the header", async () => {
  // Excel for Mac's "CSV (Macintosh)" ends rows with CR alone, and leaves out trailing empty cells like the others.
  const lines = [
    "user_id,email,instance,decision,notes",
    "a,a@example.com,api.acme.example,keep,checked",
    "b,b@example.com"
  ]
  writeFileSync(join(directory, "access-review-20260701T000000Z.csv"), `\uFEFF${lines.join("\r")}\r`)
  expect(await compare([row("a"), row("b")])).toMatchObject({ _tag: "Compared", addedAccounts: 0, removed: [] })
})

it("reads a workbook whose last row is whole though no line break follows it, as an editor may save it", async () => {
  const lines = ["user_id,email,instance,decision", "a,a@example.com,api.acme.example,keep", "b,b@example.com,,keep"]
  writeFileSync(join(directory, "access-review-20260701T000000Z.csv"), lines.join("\n"))
  expect(await compare([row("a"), row("b")])).toMatchObject({ _tag: "Compared", addedAccounts: 0, removed: [] })
})

it("refuses a row a comma typed into its as_of cell lengthened, though its instance is still the others'", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    "user_id,email,decision,instance,as_of,changed_since_last_review",
    "a,a@example.com,keep,api.acme.example,2026-07-01T00:00:00.000Z,",
    "b,b@example.com,keep,api.acme.example,1 July, checked,"
  ])
  const since = await compare([row("a"), row("b")])
  expect(since._tag === "NotCompared" ? since.reason : "").toContain(
    "could not be read (row 3 has 7 cells, 1 more than the header, and its instance and as_of are not those of row 2"
  )
})

it("says a file cut short inside a quoted cell was cut short, naming the row, not the parser's words", async () => {
  // Every privileged row has a quoted cell (`"role ""Admin"" is listed as privileged"`); a copy cut inside one.
  const lines = [
    "user_id,email,instance,privilege_reason,decision",
    'a,a@example.com,api.acme.example,"role ""Admin"" is listed as privileged",keep',
    'b,b@example.com,api.acme.example,"role ""Admin"" is listed as privileged",keep'
  ]
  writeFileSync(join(directory, "access-review-20260801T000000Z.csv"), `\uFEFF${lines.join("\r\n")}`.slice(0, -20))
  expect(await compare([row("a"), row("b")])).toEqual({
    _tag: "NotCompared",
    reason:
      "the last review's workbook, access-review-20260801T000000Z.csv, could not be read (row 3 opens a quoted " +
      "cell that is never closed: the file was cut short, so copy the whole workbook again, or a quote was typed " +
      "into it outside a spreadsheet, so remove it)"
  })
})

it("names the cell a quote was typed into as a spreadsheet does, past a cell of several lines", async () => {
  const header = "user_id,email,instance,decision,reviewer,reviewed_at,notes"
  const notes = ['said "ok" on the call', '"ok" said on the call']
  const expected = ["holds a quote but does not start with one", "has text after the quote that closes it"]
  for (const [index, note] of notes.entries()) {
    writeFileSync(
      join(directory, "access-review-20260801T000000Z.csv"),
      `\uFEFF${[
        header,
        'a,a@example.com,api.acme.example,keep,ann,2026-07-01,"asked twice,\nonce by mail\nand once by phone"',
        "b,b@example.com,api.acme.example,keep,ann,2026-07-01,",
        `c,c@example.com,api.acme.example,keep,ann,2026-07-01,${note}`
      ].join("\r\n")}\r\n`
    )
    expect(await compare([row("a"), row("b"), row("c")])).toEqual({
      _tag: "NotCompared",
      reason:
        "the last review's workbook, access-review-20260801T000000Z.csv, could not be read (cell G4 (notes) " +
        `${expected[index]}: a quote was typed into it outside a spreadsheet, which would have put the cell in ` +
        'quotes and doubled the quotes in it ("said ""ok"""); remove the quote, or write the cell so)'
    })
  }
})

it("names a cell past column Z as a spreadsheet does, AA and on, where a quote was typed into it", async () => {
  // The review's 25 columns (A to Y) and two a reviewer added after them: the second is AA.
  const header = [...REVIEW_COLUMNS, "comment", "second_comment"]
  const cells = (id: string, last: string) =>
    header.map((column) =>
      column === "user_id"
        ? id
        : column === "email"
          ? `${id}@example.com`
          : column === "enabled"
            ? "true"
            : column === "second_comment"
              ? last
              : ""
    )
  workbook("access-review-20260701T000000Z.csv", [
    header.join(","),
    cells("a", "").join(","),
    cells("b", 'said "ok"').join(",")
  ])
  const since = await compare([row("a"), row("b")])
  expect(since._tag === "NotCompared" ? since.reason : "").toContain(
    "could not be read (cell AA3 (second_comment) holds a quote but does not start with one"
  )
})

it("says a header below the first row is one, and what to remove: a title typed above it, PowerShell's type line", async () => {
  const rows = ["user_id,email,instance,decision", "a,a@example.com,api.acme.example,keep"]
  const cases = [
    // Excel pads a title row with commas to the width of the sheet.
    [
      ["Q2 access review signed off by the CISO,,,", ",,,", ...rows],
      "its header (the columns' names) is on row 3, not row 1: remove the 2 rows above it (a title typed in), so " +
        "that the header is the first row"
    ],
    [
      ["#TYPE System.Management.Automation.PSCustomObject", ...rows.map((line) => `"${line.replaceAll(",", '","')}"`)],
      'its first line is the type line ("#TYPE ...") PowerShell\'s Export-Csv writes without -NoTypeInformation, ' +
        "above the header: remove that line, or export again with -NoTypeInformation"
    ]
  ] as const
  for (const [lines, why] of cases) {
    workbook("access-review-20260801T000000Z.csv", lines)
    expect(await compare([row("a")])).toEqual({
      _tag: "NotCompared",
      reason: `the last review's workbook, access-review-20260801T000000Z.csv, could not be read (${why})`
    })
  }
})

it("says a header sorted in among the accounts was, rather than to remove the accounts above it as a title", async () => {
  // A sort of the whole sheet (Google Sheets' "Sort sheet" without a frozen row 1, or a range taken with its header)
  // puts the header where its text falls: "privileged" between the "false" and the "true" rows.
  workbook("access-review-20260801T000000Z.csv", [
    "false,a,a@example.com,api.acme.example,keep",
    "false,b,b@example.com,api.acme.example,revoke",
    "privileged,user_id,email,instance,decision",
    "true,c,c@example.com,api.acme.example,keep"
  ])
  expect(await compare([row("a"), row("b"), row("c")])).toEqual({
    _tag: "NotCompared",
    reason:
      "the last review's workbook, access-review-20260801T000000Z.csv, could not be read (its header (the columns' " +
      "names) is on row 3, below rows of accounts: the sheet was sorted with its header among the rows; move that " +
      "row back to the top, or sort again with row 1 taken as the header, so that the header is the first row)"
  })
})

it("says a workbook of its header alone was cut short, rather than read every account as added", async () => {
  for (const rest of ["", "\r\n", "\r\n,,,\r\n"]) {
    writeFileSync(
      join(directory, "access-review-20260801T000000Z.csv"),
      `\uFEFFuser_id,email,instance,privilege_reason,decision${rest}`
    )
    expect(await compare([row("a"), row("b")]), JSON.stringify(rest)).toEqual({
      _tag: "NotCompared",
      reason:
        "the last review's workbook, access-review-20260801T000000Z.csv, could not be read (it holds its header and " +
        "no account, where every review lists one at least: the file was cut short after its first line; copy the " +
        "whole workbook again)"
    })
  }
})

it("refuses a row with more cells than the header, whose cells may each be in the wrong column", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    "user_id,email,instance,decision",
    "a,a@example.com,api.acme.example,keep",
    // A comma typed into an email without quotes: the instance reads as the decision.
    "b,b@example,com,api.acme.example,revoke",
    "c,c@example.com,api.acme.example,keep"
  ])
  const since = await compare([row("a"), row("b"), row("c")])
  expect(since._tag === "NotCompared" ? since.reason : "").toContain(
    "could not be read (row 3 has 5 cells, 1 more than the header: a cell past the last column, or a comma typed " +
      "into a cell without quotes"
  )
})

it("refuses a row with a cell typed past the last column, though an empty cell follows it", async () => {
  // Two columns past the header: one typed into, one left empty, as a reviewer's note in the column after the next.
  workbook("access-review-20260701T000000Z.csv", [
    "user_id,email,instance,decision",
    "a,a@example.com,api.acme.example,keep",
    "b,b@example.com,api.acme.example,revoke,ask Sam,",
    "c,c@example.com,api.acme.example,keep"
  ])
  const since = await compare([row("a"), row("b"), row("c")])
  expect(since._tag === "NotCompared" ? since.reason : "").toContain(
    "could not be read (row 3 has 6 cells, 2 more than the header: a cell past the last column"
  )
})

it("reads a row whose cells past the last column are empty, as Excel writes them after a column was cleared", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    "user_id,email,instance,decision",
    "a,a@example.com,api.acme.example,keep,,",
    "b,b@example.com,api.acme.example,revoke, ,",
    "c,c@example.com,api.acme.example,keep"
  ])
  const since = await compare([row("a"), row("b"), row("c")])
  expect(since._tag).toBe("Compared")
})

it("refuses a row a comma moved one cell to the right even when the cell it pushed past the last column was empty", async () => {
  // As a first review's workbook has it, changed_since_last_review is empty: a comma typed without quotes into the
  // family name moves the given name into the email column and the role into the user id, which read as another
  // account, removed, and the real one added; only its instance and as_of, moved along, tell.
  workbook("access-review-20260701T000000Z.csv", [
    "family_name,user_id,email,decision,instance,as_of,changed_since_last_review",
    "One,a,a@example.com,keep,api.acme.example,2026-07-01T00:00:00.000Z,",
    "Smith, Jr,b,b@example.com,revoke,api.acme.example,2026-07-01T00:00:00.000Z,",
    "Three,c,c@example.com,keep,api.acme.example,2026-07-01T00:00:00.000Z,"
  ])
  const since = await compare([row("a"), row("b"), row("c")])
  expect(since._tag === "NotCompared" ? since.reason : "").toContain(
    "could not be read (row 3 has 8 cells, 1 more than the header, and its instance and as_of are not those of " +
      "row 2: a comma typed into a cell without quotes moved every cell after it"
  )
  // Empty cells past the last column with every cell in place (a column cleared in Excel) are still read.
  workbook("access-review-20260801T000000Z.csv", [
    "family_name,user_id,email,decision,instance,as_of,changed_since_last_review",
    "One,a,a@example.com,keep,api.acme.example,2026-07-01T00:00:00.000Z,,",
    "Two,b,b@example.com,revoke,api.acme.example,2026-07-01T00:00:00.000Z,,",
    ",,,,,,,,",
    "Three,c,c@example.com,keep,api.acme.example,2026-07-01T00:00:00.000Z"
  ])
  expect(await compare([row("a"), row("b"), row("c")])).toMatchObject({ _tag: "Compared", addedAccounts: 0 })
})

/** What changed, by key, when comparing `rows` with a workbook of these lines. */
const changesAgainst = async (lines: ReadonlyArray<string>, rows: ReadonlyArray<ReviewRow>, bytes?: Buffer) => {
  if (bytes === undefined) workbook("access-review-20260701T000000Z.csv", lines)
  else writeFileSync(join(directory, "access-review-20260701T000000Z.csv"), bytes)
  const since = await compare(rows)
  if (since._tag !== "Compared") throw new Error(`not compared: ${since.reason}`)
  return since
}

const HEADER = "privileged,role_name,enabled,user_id,email,decision"

it("says nothing changed for accounts that share a key, here or on the workbook, rather than guess which", async () => {
  // Two accounts without an id, their emails alike but for case: an Admin and an Analyst, unchanged.
  const admin = reviewRowOf("", { email: "Sam@x.com", roleName: "Admin", privileged: true })
  const analyst = reviewRowOf("", { email: "sam@x.com", roleName: "Analyst" })
  const since = await changesAgainst(
    [HEADER, "true,Admin,true,,Sam@x.com,", "false,Analyst,true,,sam@x.com,"],
    [admin, analyst]
  )
  expect([...since.changed]).toEqual([])
  expect(since.addedAccounts).toBe(0)
})

it("says no decision of the last review went undone for accounts that share a key, rather than guess whose", async () => {
  // Two rows on the workbook without an id, emails alike but for case, one account here: whose revoke is unknown.
  const since = await changesAgainst(
    [HEADER, "true,Admin,true,,Sam@x.com,revoke", "false,Analyst,true,,sam@x.com,"],
    [reviewRowOf("", { email: "sam@x.com", roleName: "Analyst" })]
  )
  expect([...since.changed]).toEqual([])
})

it("says nothing changed for a key two accounts share on one side only, whichever side", async () => {
  const admin = reviewRowOf("", { email: "Sam@x.com", roleName: "Admin", privileged: true })
  const analyst = reviewRowOf("", { email: "sam@x.com", roleName: "Analyst" })
  // Two here, one on the workbook.
  const here = await changesAgainst([HEADER, "true,Admin,true,,Sam@x.com,"], [admin, analyst])
  expect([...here.changed]).toEqual([])
  // One here, two on the workbook.
  const there = await changesAgainst(
    [HEADER, "true,Admin,true,,Sam@x.com,", "false,Analyst,true,,sam@x.com,"],
    [analyst]
  )
  expect([...there.changed]).toEqual([])
})

it("reads a row copied in the workbook as the same account: its changes and decisions told, a removal counted once", async () => {
  const since = await changesAgainst(
    [
      HEADER,
      // Promoted since, and its row copied once with the revoke written on the copy alone.
      "false,Analyst,true,u1,u1@example.com,",
      "false,Analyst,true,u1,u1@example.com,revoke",
      // Deleted since, its row copied twice.
      "true,Admin,true,u2,u2@example.com,",
      "true,Admin,true,u2,u2@example.com,",
      "true,Admin,true,u2,u2@example.com,"
    ],
    [reviewRowOf("u1", { roleName: "Admin", privileged: true }), row("u3")]
  )
  expect([...since.changed]).toEqual([
    ["id:u1", "role Analyst -> Admin; now privileged; revoke decided at the last review, still able to sign in"]
  ])
  expect(since.removed.map((account) => account.userId)).toEqual(["u2"])
  expect(since.addedAccounts).toBe(1)
})

it("skips the header repeated where two halves of a workbook were joined, which is no account removed", async () => {
  const header = "privileged,role_name,enabled,user_id,email,decision,instance"
  const since = await changesAgainst(
    [
      header,
      "false,Analyst,true,u1,u1@example.com,keep,api.acme.example",
      // The second half as `cat` joins it: its byte order mark and header, then its rows.
      `\uFEFF${header}`,
      "false,Analyst,true,u2,u2@example.com,keep,api.acme.example"
    ],
    [row("u1"), row("u2")]
  )
  expect(since).toMatchObject({ removed: [], addedAccounts: 0, unreadDecisionCount: 0 })
  expect([...since.changed]).toEqual([])
})

it("refuses a workbook's parts joined after a column was moved in one, rather than read its rows by row 1", async () => {
  // The second reviewer moved the decision column beside the email: read by row 1's order, its rows' decisions were
  // taken for the enabled cell and the role for the decision.
  workbook("access-review-20260701T000000Z.csv", [
    "privileged,role_name,enabled,user_id,email,decision,instance",
    "false,Analyst,true,u1,u1@example.com,keep,api.acme.example",
    "privileged,role_name,user_id,email,decision,enabled,instance",
    "false,Analyst,u2,u2@example.com,revoke,true,api.acme.example"
  ])
  expect(await compare([row("u1"), row("u2")])).toEqual({
    _tag: "NotCompared",
    reason:
      "the last review's workbook, access-review-20260701T000000Z.csv, could not be read (row 3 repeats the " +
      "header with its columns not as row 1 has them: parts of the workbook were joined after columns were moved, " +
      "added or taken out in one; give that part row 1's columns, in its order, then join the parts again)"
  })
})

it("refuses two reviews' workbooks joined, which the repeated header no longer shows, rather than mix them", async () => {
  // Last quarter's part filled in by mistake and joined to this one: its accounts were listed as removed, its
  // decisions checked against this Panther, without a word.
  const header = "user_id,email,decision,instance,as_of"
  const lines = (asOf: string) => [
    header,
    "u1,u1@example.com,keep,api.acme.example,2026-07-01T00:00:00.000Z",
    header,
    `u2,u2@example.com,revoke,api.acme.example,${asOf}`
  ]
  workbook("access-review-20260701T000000Z.csv", lines("2026-04-01T00:00:00.000Z"))
  expect(await compare([row("u1")])).toEqual({
    _tag: "NotCompared",
    reason:
      "the last review's workbook, access-review-20260701T000000Z.csv, could not be read (row 4, below the header " +
      "repeated on row 3, is of another review than row 2 (its as_of, 2026-04-01T00:00:00.000Z, is not " +
      "2026-07-01T00:00:00.000Z): workbooks of different reviews were joined; give the last review's own workbook)"
  })
  // The parts of one review joined are read as one.
  workbook("access-review-20260701T000000Z.csv", lines("2026-07-01T00:00:00.000Z"))
  expect(await compare([row("u1"), row("u2")])).toMatchObject({ _tag: "Compared", removed: [] })
})

describe("a row pasted in from another review's workbook, without a header above it", () => {
  // One account's row copied from last quarter's workbook into this one: with no header repeated above it, it was
  // read as this review's, its decision checked against this Panther and its account listed as removed, unsaid.
  const header = "user_id,email,decision,instance,as_of"
  const july = "2026-07-01T00:00:00.000Z"
  const april = "2026-04-01T00:00:00.000Z"
  const rowOf = (id: string, asOf = july, instance = "api.acme.example") =>
    `${id},${id}@example.com,keep,${instance},${asOf}`
  const refusal = (lines: ReadonlyArray<string>) => {
    workbook("access-review-20260701T000000Z.csv", [header, ...lines])
    return compare(["u1", "u2", "u3", "u4"].map((id) => row(id)))
  }
  const notRead = (why: string) => ({
    _tag: "NotCompared",
    reason: `the last review's workbook, access-review-20260701T000000Z.csv, could not be read (${why})`
  })
  const pasted = (row: number, others: string, differs: string) =>
    notRead(
      `row ${row} is of another review than rows ${others} (${differs}): a row was pasted in from another ` +
        `review's workbook; remove row ${row}, or give the last review's own workbook`
    )

  it("names the row among the review's own, wherever it was pasted, and what differs", async () => {
    const asOf = `its as_of, ${april}, is not ${july}`
    expect(await refusal([rowOf("u1"), rowOf("u2", april), rowOf("u3")])).toEqual(pasted(3, "2 and 4", asOf))
    expect(await refusal([rowOf("u1", april), rowOf("u2"), rowOf("u3")])).toEqual(pasted(2, "3 and 4", asOf))
    expect(await refusal([rowOf("u1"), rowOf("u2"), rowOf("u3", april)])).toEqual(pasted(4, "2 and 3", asOf))
    const four = [rowOf("u1"), rowOf("u2"), rowOf("u3"), rowOf("u4", april)]
    expect(await refusal(four)).toEqual(pasted(5, "2, 3 and 1 more", asOf))
    expect(await refusal([rowOf("u1"), rowOf("u2", july, "api.other.example"), rowOf("u3")])).toEqual(
      pasted(3, "2 and 4", "its instance, api.other.example, is not api.acme.example")
    )
    expect(await refusal([rowOf("u1"), rowOf("u2", april, "api.other.example"), rowOf("u3")])).toEqual(
      pasted(3, "2 and 4", `its instance, api.other.example, is not api.acme.example, and ${asOf}`)
    )
  })

  it("names both rows, with what each holds, where the rows do not tell which is the review's", async () => {
    const mixed = (why: string) =>
      notRead(
        `row 3 is of another review than row 2 (${why}): rows of two reviews were mixed, as rows pasted in from ` +
          "another review's workbook are; remove the rows that are not of the last review, or give the last " +
          "review's own workbook"
      )
    const differs = `row 3's as_of, ${april}, is not row 2's, ${july}`
    expect(await refusal([rowOf("u1"), rowOf("u2", april)])).toEqual(mixed(differs))
    // Two of another review's rows pasted below two of the review's.
    expect(await refusal([rowOf("u1"), rowOf("u2", april), rowOf("u3", april), rowOf("u4")])).toEqual(mixed(differs))
  })

  it("names every row pasted in from other reviews, with what differs in each, so all are removed at once", async () => {
    const january = "2026-01-01T00:00:00.000Z"
    const october = "2025-10-01T00:00:00.000Z"
    const own = ["u1", "u2", "u3", "u4"].map((id) => rowOf(id))
    const three = [...own, rowOf("u5", april), rowOf("u6", january), rowOf("u7", july, "api.other.example")]
    expect(await refusal(three)).toEqual(
      notRead(
        `rows 6, 7 and 8 are of other reviews than rows 2, 3 and 2 more (row 6's as_of, ${april}, is not ${july}; ` +
          `row 7's as_of, ${january}, is not ${july}; row 8's instance, api.other.example, is not api.acme.example): ` +
          "rows were pasted in from other reviews' workbooks; remove rows 6, 7 and 8, or give the last review's " +
          "own workbook"
      )
    )
    // Two of one other review's, among the review's own: both named.
    expect(await refusal([...own, rowOf("u5", april), rowOf("u6", april)])).toEqual(
      notRead(
        `rows 6 and 7 are of another review than rows 2, 3 and 2 more (row 6's as_of, ${april}, is not ${july}; ` +
          `row 7's as_of, ${april}, is not ${july}): rows were pasted in from another review's workbook; remove ` +
          "rows 6 and 7, or give the last review's own workbook"
      )
    )
    // Many: the first five named, and the rest counted.
    const many = [
      ...own,
      ...own,
      ...own,
      ...[april, january, october, april, january, october, april].map((asOf) => rowOf("u5", asOf))
    ]
    const since = await refusal(many)
    expect(since).toMatchObject({ _tag: "NotCompared" })
    expect(since._tag === "NotCompared" ? since.reason : "").toContain(
      `(rows 14, 15, 16, 17, 18 and 2 more are of other reviews than rows 2, 3 and 10 more (row 14's as_of, ${april}`
    )
    expect(since._tag === "NotCompared" ? since.reason : "").toContain(
      `row 18's as_of, ${january}, is not ${july}): rows were pasted in from other reviews' workbooks; remove those ` +
        "7 rows, or give the last review's own workbook)"
    )
  })

  it("does not take rows of two other reviews for one when the review's own row is alone", async () => {
    const january = "2026-01-01T00:00:00.000Z"
    expect(await refusal([rowOf("u1"), rowOf("u2", april), rowOf("u3", january)])).toEqual(
      notRead(
        `rows 3 and 4 are of other reviews than row 2 (row 3's as_of, ${april}, is not row 2's, ${july}; row 4's ` +
          `as_of, ${january}, is not row 2's, ${july}): rows of several reviews were mixed, as rows pasted in from ` +
          "other reviews' workbooks are; remove the rows that are not of the last review, or give the last " +
          "review's own workbook"
      )
    )
  })

  it("names what differs without quoting it when the cell is no timestamp or host", async () => {
    const typed = rowOf("u2", '"see notes, 1 July"')
    expect(await refusal([rowOf("u1"), typed, rowOf("u3")])).toEqual(pasted(3, "2 and 4", "its as_of differs"))
  })

  it("reads a row that leaves its instance or as_of empty, and rows that agree, as the review's", async () => {
    const since = await refusal([rowOf("u1"), rowOf("u2", ""), "u3,u3@example.com,keep", rowOf("u4")])
    expect(since).toMatchObject({ _tag: "Compared", removed: [] })
    // The first row to say which review it is of leaves its as_of empty: it says nothing against the others'.
    expect(await refusal([rowOf("u1", ""), rowOf("u2"), rowOf("u3")])).toMatchObject({ _tag: "Compared" })
  })
})

it("counts as added only the accounts able to sign in, when one that is not shares their key", async () => {
  const since = await changesAgainst(
    [HEADER, "false,Analyst,true,u1,u1@example.com,"],
    [row("u1"), reviewRowOf("", { email: "Sam@x.com" }), reviewRowOf("", { email: "sam@x.com", enabled: false })]
  )
  expect([...since.added]).toEqual(["email:sam@x.com"])
  expect(since.addedAccounts).toBe(1)
})

it("marks new in the workbook only the account able to sign in, not one deactivated that shares its key", async () => {
  const sam = reviewRowOf("", { email: "Sam@x.com" })
  const deactivated = reviewRowOf("", { email: "sam@x.com", enabled: false })
  const since = await changesAgainst([HEADER, "false,Analyst,true,u1,u1@example.com,"], [row("u1"), sam, deactivated])
  const context = { instance: "api.acme.example", asOf: "2026-10-01T00:00:00.000Z", sinceLastReview: since }
  const newSince = (account: ReviewRow) =>
    reviewRow(account, Date.parse(context.asOf), context)[REVIEW_COLUMNS.indexOf("new_since_last_review")]
  expect([newSince(row("u1")), newSince(sam), newSince(deactivated)]).toEqual(["false", "true", "false"])
})

it("counts on the summary line each account added, two without an id sharing a key as two, as the page lists them", async () => {
  const since = await changesAgainst(
    [HEADER, "false,Analyst,true,u1,u1@example.com,"],
    [row("u1"), reviewRowOf("", { email: "Sam@x.com" }), reviewRowOf("", { email: "sam@x.com" })]
  )
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "Since the last review (access-review-20260701T000000Z.csv): 2 accounts added, 0 removed, 0 changed"
  )
})

it("takes an empty role of a record that failed validation then for no knowledge of its role, not for no role", async () => {
  const since = await changesAgainst([HEADER, ",,true,u5,u5@example.com,"], [row("u5")])
  expect([...since.changed]).toEqual([])
})

it("reads a workbook a spreadsheet saved as Windows-1252, so accented roles are not taken for changed ones", async () => {
  const rows = [reviewRowOf("u1", { roleName: "Équipe SOC" })]
  const lines = [HEADER, "false,Équipe SOC,true,u1,u1@example.com,"]
  const since = await changesAgainst(lines, rows, Buffer.from(`${lines.join("\r\n")}\r\n`, "latin1"))
  expect([...since.changed]).toEqual([])
})

it("counts a role given to an account without one, or taken away, as a change", async () => {
  const since = await changesAgainst(
    [HEADER, "false,,true,u3,u3@example.com,", "false,Analyst,true,u4,u4@example.com,"],
    [reviewRowOf("u3", { roleName: "Analyst" }), reviewRowOf("u4", { roleName: "" })]
  )
  expect([...since.changed]).toEqual([
    ["id:u3", "role (no role) -> Analyst"],
    ["id:u4", "role Analyst -> (no role)"]
  ])
})

it("counts an account able to sign in then and deactivated now as a change, not as removed", async () => {
  const since = await changesAgainst(
    [HEADER, "false,Analyst,true,u1,u1@example.com,"],
    [reviewRowOf("u1", { enabled: false })]
  )
  expect([...since.changed]).toEqual([["id:u1", "deactivated"]])
  expect(since.removed).toEqual([])
})

it("does not count an email that differs only in case as a change of email", async () => {
  const since = await changesAgainst(
    [HEADER, "false,Analyst,true,u1,U1@Example.COM,", "false,Analyst,true,u2,old@example.com,"],
    [row("u1"), row("u2")]
  )
  expect([...since.changed]).toEqual([["id:u2", "email old@example.com -> u2@example.com"]])
})

it("says a revoke was not carried out only of an account still able to sign in, and a role change only if not made", async () => {
  const since = await changesAgainst(
    [
      HEADER,
      "false,Analyst,true,u1,u1@example.com,revoke",
      "false,Analyst,true,u2,u2@example.com,Revoke",
      "false,Admin,true,u3,u3@example.com,change-role:analyst",
      "false,Admin,true,u4,u4@example.com,change-role:Analyst",
      // Deactivated since, its role left as it was: it can use no role, so none was left to change.
      "false,Admin,true,u5,u5@example.com,change-role:Analyst"
    ],
    [
      reviewRowOf("u1", { enabled: false }),
      row("u2"),
      row("u3"),
      reviewRowOf("u4", { roleName: "Admin" }),
      reviewRowOf("u5", { roleName: "Admin", enabled: false })
    ]
  )
  expect([...since.changed]).toEqual([
    ["id:u1", "deactivated"],
    ["id:u2", "revoke decided at the last review, still able to sign in"],
    ["id:u3", "role Admin -> Analyst"],
    ["id:u4", "change-role:Analyst decided at the last review, role still Admin"],
    ["id:u5", "deactivated"]
  ])
})

describe("a role change naming a role Panther does not have", () => {
  const named = [
    { id: "r-admin", name: "Admin" },
    { id: "r-analyst", name: "Analyst" },
    { id: "r-analysts", name: "Analysts" },
    { id: "r-read-only", name: "AnalystReadOnly" }
  ]
  const header = "privileged,role_id,role_name,enabled,user_id,email,decision"
  const admin = (id: string, decision: string, role = "r-admin,Admin") =>
    `true,${role},true,${id},${id}@example.com,${decision}`
  const changesWithRoles = async (lines: ReadonlyArray<string>, roles: PantherRoles) => {
    workbook("access-review-20260701T000000Z.csv", [header, ...lines])
    const rows = lines.map((_, index) =>
      reviewRowOf(`u${index + 1}`, { roleId: "r-admin", roleName: "Admin", privileged: true })
    )
    const since = await compare(rows, "https://api.acme.example", roles)
    if (since._tag !== "Compared") throw new Error(`not compared: ${since.reason}`)
    return [...since.changed]
  }
  const unknown = (decision: string, row: number, closest: string) =>
    `change-role:${decision} decided at the last review, role still Admin: no role in Panther has that name or ` +
    `id${closest}, so write the role as Panther names it, or its id, in the decision on row ${row} of the last ` +
    "review's workbook and review again"

  it("says so when the roles were read, with the roles whose names come closest", async () => {
    const changes = await changesWithRoles(
      [
        admin("u1", "change-role:Analsyt"),
        admin("u2", "change-role:Auditor"),
        admin("u3", "change-role:Analyst Read Only"),
        // Known by the last workbook alone: a role deleted since.
        admin("u4", "change-role:Old"),
        admin("u5", "keep", "r-old,Old")
      ],
      { named, read: "all" }
    )
    expect(changes).toEqual([
      ["id:u1", unknown("Analsyt", 2, " (the closest: Analyst, Analysts)")],
      ["id:u2", unknown("Auditor", 3, "")],
      ["id:u3", unknown("Analyst Read Only", 4, " (the closest: AnalystReadOnly)")],
      ["id:u4", unknown("Old", 5, "")],
      ["id:u5", "role Old -> Admin"]
    ])
  })

  it("says nothing more of a role Panther has, by name in any case, by id, or renamed since, nor of no role", async () => {
    const changes = await changesWithRoles(
      [
        admin("u1", "change-role:analyst"),
        admin("u2", "change-role:r-read-only"),
        admin("u3", "change-role:(no role)"),
        admin("u4", "change-role:Reader"),
        // Reader, as the last workbook named r-analyst: renamed Analyst since.
        admin("u5", "keep", "r-analyst,Reader")
      ],
      { named, read: "all" }
    )
    expect(changes).toEqual([
      ["id:u1", "change-role:analyst decided at the last review, role still Admin"],
      ["id:u2", "change-role:r-read-only (AnalystReadOnly) decided at the last review, role still Admin"],
      ["id:u3", "change-role:(no role) decided at the last review, role still Admin"],
      ["id:u4", "change-role:Reader decided at the last review, role still Admin"],
      ["id:u5", "role Reader -> Admin"]
    ])
  })

  it("says Panther's answers disagree, not that it has no such role, when an account of this review holds it", async () => {
    // GET /roles left out a role that an account holds, as listed by GET /users in the same review.
    const lines = [
      admin("u1", "change-role:Auditor"),
      admin("u2", "change-role:r-auditor"),
      admin("u3", "change-role:Old"),
      admin("u4", "change-role:Nobody"),
      admin("u5", "keep", "r-old,Old"),
      admin("u6", "keep"),
      // Former, as the last workbook named r-former, held now under its new name.
      admin("u7", "change-role:Former"),
      admin("u8", "keep", "r-former,Former")
    ]
    workbook("access-review-20260701T000000Z.csv", [header, ...lines])
    const held = (id: string) => reviewRowOf(id, { roleId: "r-admin", roleName: "Admin", privileged: true })
    const rows = [
      held("u1"),
      held("u2"),
      held("u3"),
      held("u4"),
      reviewRowOf("u5", { roleId: "r-old", roleName: "Old", privileged: false }),
      reviewRowOf("u6", { roleId: "r-auditor", roleName: "auditor", privileged: false }),
      held("u7"),
      reviewRowOf("u8", { roleId: "r-former", roleName: "Renamed", privileged: true })
    ]
    const since = await compare(rows, "https://api.acme.example", { named, read: "all" })
    if (since._tag !== "Compared") throw new Error(`not compared: ${since.reason}`)
    const disagree = (decision: string, row: number) =>
      `change-role:${decision} decided at the last review, role still Admin: Panther's list of roles did not ` +
      "include it, though an account of this review holds it (Panther's answers disagreed), so review again, and " +
      `if this is said again, check that role in Panther before changing the decision on row ${row} of the last ` +
      "review's workbook"
    expect([...since.changed]).toEqual([
      ["id:u1", disagree("Auditor", 2)],
      ["id:u2", disagree("r-auditor", 3)],
      ["id:u3", disagree("Old", 4)],
      ["id:u4", unknown("Nobody", 5, "")],
      ["id:u5", "no longer privileged"],
      ["id:u6", "role Admin -> auditor; no longer privileged"],
      ["id:u7", disagree("Former", 8)]
    ])
  })

  it("says nothing more of a role the last workbook's rows held, when the roles could not be read", async () => {
    const changes = await changesWithRoles([admin("u1", "change-role:Old"), admin("u2", "keep", "r-old,Old")], {
      named: [],
      read: "none"
    })
    expect(changes).toEqual([
      ["id:u1", "change-role:Old decided at the last review, role still Admin"],
      ["id:u2", "role Old -> Admin"]
    ])
  })

  it("takes a role no one knows, decided in another case than the account's name for it, as carried out", async () => {
    workbook("access-review-20260701T000000Z.csv", [header, admin("u1", "change-role:auditor")])
    const since = await compare(
      [reviewRowOf("u1", { roleId: "", roleName: "Auditor", privileged: false })],
      undefined,
      {
        named: [],
        read: "none"
      }
    )
    expect(since._tag === "Compared" ? [...since.changed] : since.reason).toEqual([
      ["id:u1", "role Admin -> Auditor; no longer privileged"]
    ])
  })

  it("says nothing of whether a role exists that an account holds, when the roles could not all be read", async () => {
    // The last workbook named no account with Auditor; one holds it now, which GET /users said: it exists.
    workbook("access-review-20260701T000000Z.csv", [header, admin("u1", "change-role:Auditor"), admin("u2", "keep")])
    const rows = [
      reviewRowOf("u1", { roleId: "r-admin", roleName: "Admin", privileged: true }),
      reviewRowOf("u2", { roleId: "r-auditor", roleName: "Auditor", privileged: false })
    ]
    for (const read of ["none", "some"] as const) {
      const since = await compare(rows, "https://api.acme.example", { named: [], read })
      if (since._tag !== "Compared") throw new Error(`not compared: ${since.reason}`)
      expect([...since.changed], read).toEqual([
        ["id:u1", "change-role:Auditor decided at the last review, role still Admin"],
        ["id:u2", "role Admin -> Auditor; no longer privileged"]
      ])
    }
  })

  it("says whether the role exists is not known when the roles could not all be read", async () => {
    const notKnown = (as: string) =>
      "change-role:Analsyt decided at the last review, role still Admin: whether Panther has a role of that name or " +
      `id is not known, as ${as}, so check the decision on row 2 of the last review's workbook against Panther's roles`
    expect(await changesWithRoles([admin("u1", "change-role:Analsyt")], { named: [], read: "none" })).toEqual([
      ["id:u1", notKnown("its roles could not be read")]
    ])
    expect(await changesWithRoles([admin("u1", "change-role:Analsyt")], { named, read: "some" })).toEqual([
      ["id:u1", notKnown("not all of its roles could be read")]
    ])
  })
})

it("says a role change not made left no role 'now', not 'still', when the last workbook could not read the role", async () => {
  // A record that failed validation then: its role and privilege cells empty, its role not known to have been none.
  const since = await changesAgainst(
    [HEADER, ",,true,u1,u1@example.com,change-role:Analyst", "false,,true,u2,u2@example.com,change-role:Analyst"],
    [reviewRowOf("u1", { roleName: "" }), reviewRowOf("u2", { roleName: "" })]
  )
  expect([...since.changed]).toEqual([
    ["id:u1", "change-role:Analyst decided at the last review, role now (no role)"],
    ["id:u2", "change-role:Analyst decided at the last review, role still (no role)"]
  ])
})

it("reads a decision with the spaces a reviewer typed around it, not as one written otherwise", async () => {
  const since = await changesAgainst(
    [
      HEADER,
      "false,Analyst,true,u1,u1@example.com, revoke ",
      "false,Admin,true,u2,u2@example.com,change-role:Analyst "
    ],
    [row("u1"), reviewRowOf("u2", { roleName: "Admin" })]
  )
  expect([...since.changed]).toEqual([
    ["id:u1", "revoke decided at the last review, still able to sign in"],
    ["id:u2", "change-role:Analyst decided at the last review, role still Admin"]
  ])
  expect(since.unreadDecisionCount).toBe(0)
})

it("quotes the first five decisions it cannot read and counts the rest, so none passes unsaid", async () => {
  const rows = ["u1", "u2", "u3", "u4", "u5", "u6", "u7"]
  const since = await changesAgainst(
    [HEADER, ...rows.map((id) => `false,Analyst,true,${id},${id}@example.com,remove ${id}`)],
    rows.map((id) => row(id))
  )
  const summary = describeSinceLastReview({ sinceLastReview: since })
  expect(summary).toContain(
    "7 decisions in access-review-20260701T000000Z.csv are none of keep, revoke or change-role:<role>, so whether " +
      'they were carried out was not checked (row 2 "remove u1", row 3 "remove u2", row 4 "remove u3", ' +
      'row 5 "remove u4", row 6 "remove u5", and 2 more)'
  )
})

/** The changes since a workbook with one account in each role `from`, the same role now named `to`. */
const changesAfterRenames = (renames: ReadonlyArray<readonly [from: string, to: string]>) =>
  changesAgainst(
    [
      "privileged,role_id,role_name,enabled,user_id,email,decision",
      ...renames.map(([from], index) => `false,r-${index + 1},${from},true,u${index + 1},u${index + 1}@example.com,`)
    ],
    renames.map(([, to], index) => reviewRowOf(`u${index + 1}`, { roleId: `r-${index + 1}`, roleName: to }))
  )

it("names roles renamed since in the order of their names, whatever order the workbook lists their accounts in", async () => {
  const since = await changesAfterRenames([
    ["Triage", "SOC Triage"],
    ["Analyst", "SOC Analyst"]
  ])
  expect([...since.changed]).toEqual([])
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "2 roles renamed in Panther since, the same role id under another name: Analyst -> SOC Analyst (1 account), " +
      "Triage -> SOC Triage (1 account)."
  )
})

it("names roles renamed since in the workbook's order of role names, the same on every machine", async () => {
  // Compared as the machine's language does, Équipe came before Zeta here and after it on a Swedish machine.
  const since = await changesAfterRenames([
    ["Équipe", "SOC Équipe"],
    ["Zeta", "SOC Zeta"]
  ])
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "2 roles renamed in Panther since, the same role id under another name: Zeta -> SOC Zeta (1 account), " +
      "Équipe -> SOC Équipe (1 account)."
  )
})

it("names the first five roles renamed since and counts the rest", async () => {
  const since = await changesAfterRenames(
    Array.from({ length: 7 }, (_, index) => [`Team ${index + 1}`, `SOC Team ${index + 1}`] as const)
  )
  expect(since.renamedRoles).toHaveLength(7)
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "7 roles renamed in Panther since, the same role id under another name: Team 1 -> SOC Team 1 (1 account), " +
      "Team 2 -> SOC Team 2 (1 account), Team 3 -> SOC Team 3 (1 account), Team 4 -> SOC Team 4 (1 account), " +
      "Team 5 -> SOC Team 5 (1 account), and 2 more. Their accounts' access is the same"
  )
})

it("says neither reactivated nor a revoke undone of an account whose record now says nothing of sign-in", async () => {
  // Deactivated at the last review, with a revoke written; its record now failed validation before its enabled field.
  const unread = reviewRowOf("u1", { enabled: null, privileged: null, roleName: "" })
  const since = await changesAgainst([HEADER, "false,Analyst,false,u1,u1@example.com,revoke"], [unread])
  expect([...since.changed]).toEqual([])
})

it("does not count a record of which nothing could be read as added, review after review", async () => {
  const unreadable = reviewRowOf("", { email: "", enabled: null, privileged: null, roleName: "" })
  const since = await changesAgainst([HEADER, "false,Analyst,true,u1,u1@example.com,"], [row("u1"), unreadable])
  expect(since.addedAccounts).toBe(0)
  expect([...since.added]).toEqual([])
})

it("reads a workbook with a byte order mark as UTF-8 even with a stray byte further on", async () => {
  const lines = [HEADER, "true,Équipe SOC,true,u1,u1@example.com,"]
  const bytes = Buffer.concat([
    Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8"),
    Buffer.from([
      0x66, 0x61, 0x6c, 0x73, 0x65, 0x2c, 0xe9, 0x2c, 0x74, 0x72, 0x75, 0x65, 0x2c, 0x75, 0x32, 0x2c, 0x2c, 0x0d, 0x0a
    ])
  ])
  const since = await changesAgainst(lines, [reviewRowOf("u1", { roleName: "Équipe SOC", privileged: true })], bytes)
  // The header read whole (its first column, privileged, after the mark), the accented role the same.
  expect([...since.changed]).toEqual([])
})

it("says a workbook cannot be read when reading it fails, rather than fail the review", async () => {
  // A regular file whose reading fails (EIO): what a workbook the process may not read looks like to it.
  const since = await Effect.runPromise(
    compareWithLastReview(directory, "access-review-20261001T000000Z", "https://api.acme.example", [], "/proc/self/mem")
  )
  expect(since).toMatchObject({ _tag: "NotCompared" })
  expect(since._tag === "NotCompared" ? since.reason : "").toMatch(
    /could not be read \(it cannot be read \(an input\/output error, from a failing disk/
  )
})

it("says the report directory could not be listed, rather than that it holds no workbook", async () => {
  // A file where the folder should be (ENOTDIR): a listing that fails, as an unreadable folder's does, even for root.
  const notAFolder = join(directory, "reports")
  writeFileSync(notAFolder, "")
  const since = await Effect.runPromise(
    compareWithLastReview(notAFolder, "access-review-20261001T000000Z", "https://api.acme.example", [])
  )
  expect(since).toEqual({
    _tag: "NotCompared",
    reason: "the report directory could not be listed (a part of the path is not a directory)"
  })
  const gone = await Effect.runPromise(
    compareWithLastReview(join(directory, "gone"), "access-review-20261001T000000Z", "https://api.acme.example", [])
  )
  expect(gone).toEqual({ _tag: "NotCompared", reason: NO_EARLIER_WORKBOOK })
})

it("refuses a UTF-16 workbook, saying how to save it", async () => {
  const text = `${HEADER}\r\nfalse,Analyst,true,u1,u1@example.com,\r\n`
  const littleEndian = Buffer.from(text, "utf16le")
  // Big-endian too, as some tools save it.
  const bigEndian = Buffer.from(littleEndian).swap16()
  for (const bytes of [
    Buffer.concat([Buffer.from([0xff, 0xfe]), littleEndian]),
    Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian])
  ]) {
    writeFileSync(join(directory, "access-review-20260701T000000Z.csv"), bytes)
    const since = await compare([row("u1")])
    expect(since._tag === "NotCompared" ? since.reason : "").toContain(
      "it is UTF-16 text: save it as CSV (UTF-8, or Comma delimited)"
    )
  }
})

it("refuses a UTF-16 workbook saved without a byte order mark, rather than quote its bytes in the parser's words", async () => {
  // As some tools save "Unicode" text: each ASCII character followed (or, big-endian, preceded) by a zero byte. The
  // parser stopped at the first quote, in words quoting a row of zero bytes, with no word of UTF-16 nor of a fix.
  const littleEndian = Buffer.from(`${HEADER}\r\ntrue,"Admin",true,u1,u1@example.com,\r\n`, "utf16le")
  for (const bytes of [littleEndian, Buffer.from(littleEndian).swap16()]) {
    writeFileSync(join(directory, "access-review-20260701T000000Z.csv"), bytes)
    const since = await compare([row("u1")])
    expect(since._tag === "NotCompared" ? since.reason : "").toContain(
      "it is UTF-16 text: save it as CSV (UTF-8, or Comma delimited)"
    )
  }
})

it("refuses a workbook saved with semicolons or tabs between its cells, saying so rather than a parser's words", async () => {
  // As Excel saves "CSV" where the list separator is a semicolon: a cell with a quote in it is quoted, which the
  // comma parser stopped at ("Invalid Opening Quote ... at line 2"), naming neither the separator nor a fix.
  for (const [separator, name] of [
    [";", "semicolons"],
    ["\t", "tabs"]
  ] as const) {
    workbook("access-review-20260701T000000Z.csv", [
      HEADER.replaceAll(",", separator),
      ["false", "Analyst", "true", "u1", "u1@example.com", '"keep; said ""ok"""'].join(separator)
    ])
    const since = await compare([row("u1")])
    expect(since._tag === "NotCompared" ? since.reason : "").toContain(
      `could not be read (its cells are separated by ${name}, not commas: save it again as CSV with commas`
    )
  }
})

it("refuses a workbook saved with semicolons below a title, saying so and what else to remove", async () => {
  // Excel where the list separator is a semicolon, a title typed above the header: the comma parser stopped at the
  // first quoted cell ("Invalid Opening Quote ... field 0 at line 3, value is ...", an account's row quoted).
  workbook("access-review-20260701T000000Z.csv", [
    `Q2 access review;;;;;`,
    HEADER.replaceAll(",", ";"),
    ["false", "Analyst", "true", "u1", "u1@example.com", '"keep; said ""ok"""'].join(";")
  ])
  const since = await compare([row("u1")])
  expect(since._tag === "NotCompared" ? since.reason : "").toBe(
    "the last review's workbook, access-review-20260701T000000Z.csv, could not be read (its cells are separated by " +
      "semicolons, not commas: save it again as CSV with commas between the cells (Excel uses the system's list " +
      "separator; LibreOffice asks for the field delimiter), and remove the row above its header (a title typed in), " +
      "so that the header is the first row)"
  )
})

it("refuses a workbook saved with semicolons and sorted with its header, saying to move the header back", async () => {
  workbook("access-review-20260701T000000Z.csv", [
    ["false", "Analyst", "true", "u1", "u1@example.com", "keep"].join(";"),
    HEADER.replaceAll(",", ";"),
    ["true", "Admin", "true", "u2", "u2@example.com", "revoke"].join(";")
  ])
  const since = await compare([row("u1"), row("u2")])
  expect(since._tag === "NotCompared" ? since.reason : "").toBe(
    "the last review's workbook, access-review-20260701T000000Z.csv, could not be read (its cells are separated by " +
      "semicolons, not commas: save it again as CSV with commas between the cells (Excel uses the system's list " +
      "separator; LibreOffice asks for the field delimiter), and move its header, on row 2 below rows of accounts (the " +
      "sheet was sorted with its header among the rows), back to the top, so that the header is the first row)"
  )
})

it("refuses a workbook saved as a spreadsheet's own file, saying how to save it", async () => {
  // The signatures of a zip archive (.xlsx, .ods) and of an OLE compound file (.xls), then bytes of no meaning.
  for (const signature of [
    [0x50, 0x4b, 0x03, 0x04],
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
  ]) {
    writeFileSync(
      join(directory, "access-review-20260701T000000Z.csv"),
      Buffer.concat([Buffer.from(signature), Buffer.from("\u0000\u0014[Content_Types].xml,user_id")])
    )
    const since = await compare([row("u1")])
    expect(since._tag === "NotCompared" ? since.reason : "").toContain(
      "it is a spreadsheet file (.xlsx, .ods or .xls), not CSV: save it as CSV (UTF-8, or Comma delimited)"
    )
  }
})

it("reads each byte that is not UTF-8 as Windows-1252, and the rest as UTF-8", async () => {
  const { decodeWorkbookBytes, workbookText } = await import("../../src/Review/WorkbookText.js")
  // "Équipe" and "5 €" as Windows-1252 (0xC9 then "q", 0x80: no UTF-8 sequence) between UTF-8 cells.
  const mixed = Buffer.concat([
    Buffer.from("Analyste sécurité,", "utf8"),
    Buffer.from([0xc9, 0x71, 0x75, 0x69, 0x70, 0x65, 0x2c, 0x35, 0x20, 0x80]),
    Buffer.from(",é", "utf8")
  ])
  expect(decodeWorkbookBytes(mixed, true).text).toBe("Analyste sécurité,Équipe,5 €,é")
  // A UTF-16 surrogate written as UTF-8 (ED A0 80) is no UTF-8: three Windows-1252 bytes.
  expect(decodeWorkbookBytes(Buffer.from([0x61, 0xed, 0xa0, 0x80]), true).text).toBe("aí\u00a0€")
  // An overlong form (E0 then a byte below A0) is no UTF-8 either: Windows-1252's à and two euro signs.
  expect(decodeWorkbookBytes(Buffer.from([0x61, 0xe0, 0x80, 0x80]), true).text).toBe("aà€€")
  // At the end of the file, a byte that would begin a sequence is a Windows-1252 character, not dropped: "Müllé" as
  // an editor without a line break after the last row saves it.
  expect(decodeWorkbookBytes(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0xe9]), true).text).toBe("Müllé")
  // A sequence cut at the end of a chunk waits for the next.
  const cut = decodeWorkbookBytes(Buffer.from("ab\u00e9", "utf8").subarray(0, 3), false)
  expect(cut).toMatchObject({ text: "ab" })
  expect([...cut.rest]).toEqual([0xc3])
  // And the stream a workbook is read through completes it with the next chunk: a byte at a time, every character
  // of two bytes or more is cut, and none may be read as Windows-1252 bytes.
  const whole = Buffer.from("Analyste sécurité,정민,5 €,😀", "utf8")
  const read: Array<Buffer> = []
  const bytes = Array.from(whole, (_, at) => whole.subarray(at, at + 1))
  for await (const text of Readable.from(bytes).pipe(workbookText())) read.push(Buffer.from(text))
  expect(Buffer.concat(read).toString("utf8")).toBe("Analyste sécurité,정민,5 €,😀")
})

it("lists as removed every account gone that shared a key, and reads no role from a workbook without role columns", async () => {
  const since = await changesAgainst(
    [
      HEADER,
      "false,Analyst,false,,R@example.com,",
      "true,Admin,true,,r@example.com,",
      "false,Analyst,true,u1,u1@example.com,"
    ],
    [row("u1")]
  )
  expect(since.removed.map((account) => [account.email, account.privileged])).toEqual([["r@example.com", "true"]])
  const noRoles = await changesAgainst(
    ["privileged,enabled,user_id,email,decision", "false,true,u1,u1@example.com,"],
    [row("u1")]
  )
  expect([...noRoles.changed]).toEqual([])
})

it("refuses a row typed in by hand, which the review never wrote, rather than list its person as removed", async () => {
  // A manager adding someone to the sheet fills in a name and an email; every row the review writes says whether its
  // account can sign in. Read as the review's, the person was listed as an account able to sign in then and removed.
  const lines = [HEADER, "false,Analyst,true,u1,u1@example.com,keep", "false,Analyst,,,new.person@example.com,keep"]
  workbook("access-review-20260701T000000Z.csv", lines)
  expect(await compare([row("u1")])).toEqual({
    _tag: "NotCompared",
    reason:
      "the last review's workbook, access-review-20260701T000000Z.csv, could not be read (row 3 has an account's " +
      "user_id or email but no enabled cell, which the review fills in on every account's row: it was typed in by " +
      "hand, and read as the review's it would be an account removed since; remove that row (access is given in " +
      "Panther, not in the workbook), or copy the account's row back from the review's own workbook)"
  })
  // Nor by id: an id typed in alone is no account's row either.
  workbook("access-review-20260701T000000Z.csv", [HEADER, "false,Analyst,true,u1,u1@example.com,", ",,,u9,,"])
  expect(await compare([row("u1")])).toMatchObject({ _tag: "NotCompared" })
  // A row left blank, and a workbook without an enabled column, are read as before.
  const blank = await changesAgainst([HEADER, "false,Analyst,true,u1,u1@example.com,", ",,,,,"], [row("u1")])
  expect(blank.removed).toEqual([])
  const older = await changesAgainst(
    ["user_id,email,decision", "u1,u1@example.com,", "u2,u2@example.com,"],
    [row("u1")]
  )
  expect(older.removed.map((account) => account.userId)).toEqual(["u2"])
})

it("shows on the page whether each removed account was privileged then: yes, no, or unknown when not said", async () => {
  const since = await changesAgainst(
    [
      HEADER,
      "true,Admin,true,a,a@example.com,",
      "false,Analyst,true,b,b@example.com,",
      ",,true,c,c@example.com,",
      "false,Analyst,true,u1,u1@example.com,"
    ],
    [row("u1")]
  )
  const run = { parameters: { includeDeactivated: false } } as unknown as AuditRun
  const page = sinceLastReviewHtml({
    run,
    asOf: Date.parse("2026-10-01T00:00:00Z"),
    rows: [row("u1")],
    sinceLastReview: since
  })
  expect(page).toContain("<th>Privileged then</th>")
  expect(page).toContain("<td>a@example.com</td><td>a</td><td>yes</td>")
  expect(page).toContain("<td>b@example.com</td><td>b</td><td>no</td>")
  expect(page).toContain("<td>c@example.com</td><td>c</td><td>unknown</td>")
})

it("quotes an unreadable decision cut short without the start of a secret the cut leaves", async () => {
  const token = "Xk9fQ2vLp7RtZ4mWb8NcYh3JdS6aGe1U"
  // 45 characters, then the token: cut at 60, the quote would end in 15 of its 32 characters, too few to be found.
  const decision = `${"revoke after the handover see ticket 4411 and".slice(0, 45)}${token}`
  workbook("access-review-20260701T000000Z.csv", [HEADER, `false,Analyst,true,u1,u1@example.com,${decision}`])
  const since = await Effect.runPromise(
    compareWithLastReview(
      directory,
      "access-review-20261001T000000Z",
      "https://api.acme.example",
      [row("u1")],
      undefined,
      {
        secrets: secretsOf([token], [], [token]),
        unread: false
      }
    )
  )
  expect(since).toMatchObject({ _tag: "Compared", unreadDecisionCount: 1 })
  const summary = describeSinceLastReview({ sinceLastReview: since })
  expect(summary).toContain('row 2 "revoke after the handover see ticket 4411 and[redacted]"')
  expect(summary).not.toContain(token.slice(0, 8))
})

it("says what the last workbook is as of without a secret pasted into its as_of cell, and cut short when long", async () => {
  const token = "Xk9fQ2vLp7RtZ4mWb8NcYh3JdS6aGe1U"
  const page = async (asOf: string) => {
    workbook("access-review-20260701T000000Z.csv", [
      `${HEADER},instance,as_of`,
      `false,Analyst,true,u1,u1@example.com,,api.acme.example,${asOf}`
    ])
    const since = await Effect.runPromise(
      compareWithLastReview(
        directory,
        "access-review-20261001T000000Z",
        "https://api.acme.example",
        [row("u1")],
        undefined,
        { secrets: secretsOf([token], [], [token]), unread: false }
      )
    )
    const run = { parameters: { includeDeactivated: false } } as unknown as AuditRun
    return sinceLastReviewHtml({
      run,
      asOf: Date.parse("2026-10-01T00:00:00Z"),
      rows: [row("u1")],
      sinceLastReview: since
    })
  }
  expect(await page("2026-07-01T00:00:00.000Z")).toContain(
    "Compared with access-review-20260701T000000Z.csv (as of 2026-07-01T00:00:00.000Z)."
  )
  const pasted = await page(token)
  expect(pasted).toContain("Compared with access-review-20260701T000000Z.csv (as of [not shown: it quoted a secret]).")
  expect(pasted).not.toContain(token.slice(0, 8))
  // A cell of 100 KB typed over it is cut in the middle, as every other cell the page quotes from the workbook is.
  const long = await page(`2026-07-01${"x".repeat(100_000)}Z`)
  expect(long).toMatch(/\(as of 2026-07-01x+…x+…?\)\./)
  expect(long.length).toBeLessThan(5_000)
})

describe("a record that failed validation now, or left without a role", () => {
  it("says no privilege lost, nor a role change not made, of an account whose record could not be read now", async () => {
    // Its privilege and role unknown now: neither was seen to change, nor a decision seen not carried out.
    const since = await changesAgainst(
      [HEADER, "true,Admin,true,u1,u1@example.com,", "true,Admin,true,u2,u2@example.com,change-role:Analyst"],
      [
        reviewRowOf("u1", { roleName: "Admin", privileged: null }),
        reviewRowOf("u2", { roleName: "", privileged: null })
      ]
    )
    expect([...since.changed]).toEqual([])
  })

  it("takes a role taken away as carried out when no role was decided, written in any case", async () => {
    const since = await changesAgainst(
      [HEADER, "false,Analyst,true,u1,u1@example.com,change-role:(No Role)"],
      [reviewRowOf("u1", { roleName: "" })]
    )
    expect([...since.changed]).toEqual([["id:u1", "role Analyst -> (no role)"]])
  })
})

/** What the review says of `change-role:admin` decided for an account now holding AdMin, with roles of these names. */
const changedWithRolesNamed = async (names: ReadonlyArray<string>) => {
  const roles = names.map((name, index) => ({ id: `r-${index + 1}`, name }))
  workbook("access-review-20260701T000000Z.csv", [HEADER, "true,Admin,true,u1,u1@example.com,change-role:admin"])
  const since = await compare([reviewRowOf("u1", { roleId: "r-3", roleName: "AdMin", privileged: true })], undefined, {
    named: roles,
    read: "all"
  })
  return since._tag === "Compared" ? [...since.changed] : since.reason
}

it("names three of the roles a decision fits and counts the rest, where their names differ in case alone", async () => {
  expect(await changedWithRolesNamed(["Admin", "ADMIN", "AdMin", "aDmin"])).toEqual([
    [
      "id:u1",
      "role Admin -> AdMin; change-role:admin decided at the last review fits 4 roles (Admin, id r-1; ADMIN, id r-2; " +
        "AdMin, id r-3; and 1 more) and the account now holds one, AdMin: whether it was carried out is not known; " +
        "decide by the role's id"
    ]
  ])
})

it("names all three roles a decision fits when there are three, with none counted", async () => {
  expect(await changedWithRolesNamed(["Admin", "ADMIN", "AdMin"])).toEqual([
    [
      "id:u1",
      "role Admin -> AdMin; change-role:admin decided at the last review fits 3 roles (Admin, id r-1; ADMIN, id r-2; " +
        "AdMin, id r-3) and the account now holds one, AdMin: whether it was carried out is not known; decide by the " +
        "role's id"
    ]
  ])
})

it("reads a Finnish FALSE whose ä was saved as a plus its two dots, as macOS may write it", async () => {
  // "epätosi" in decomposed form (NFD): the same word to the reviewer, other code points to a comparison.
  const since = await changesAgainst(
    ["privileged,role_name,enabled,user_id,email,decision", "false,Analyst,EPA\u0308TOSI,u1,u1@example.com,"],
    [row("u1")]
  )
  expect([...since.changed]).toEqual([["id:u1", "reactivated"]])
  expect(since.unreadBooleanCount).toBeUndefined()
})

it("takes a role change as carried out when the account's role id now is the decided role's in another case", async () => {
  // Ids are compared in any case everywhere here: a role sent with its id as GET /roles wrote it, upper case and all.
  workbook("access-review-20260701T000000Z.csv", [HEADER, "true,Admin,true,u1,u1@example.com,change-role:Reader"])
  const roles = { named: [{ id: "R-Reader", name: "Reader" }], read: "all" } as const
  const since = await compare([reviewRowOf("u1", { roleId: "R-Reader", roleName: "Reader" })], undefined, roles)
  expect(since._tag === "Compared" ? [...since.changed] : since.reason).toEqual([
    ["id:u1", "role Admin -> Reader; no longer privileged"]
  ])
})

it("refuses a row whose user_id and email were cleared, rather than drop its decision and call its account added", async () => {
  const header = "privileged,role_name,enabled,findings,user_id,email,decision"
  workbook("access-review-20260701T000000Z.csv", [
    header,
    "true,Admin,true,PRIVILEGED_ROLE,,,keep",
    "false,Analyst,true,,u2,u2@example.com,"
  ])
  expect(await compare([row("u1"), row("u2")])).toEqual({
    _tag: "NotCompared",
    reason:
      "the last review's workbook, access-review-20260701T000000Z.csv, could not be read (row 2 has no user_id and " +
      "no email, which the review fills in on every account's row: they were cleared in the sheet, and its account " +
      "and decision cannot be told; copy both back from the review's own workbook)"
  })
  // A record that failed validation without an id or email is written so by the review itself, and still read.
  const invalid = await changesAgainst(
    [header, "false,,true,INVALID_RECORD,,,", "false,Analyst,true,,u2,u2@example.com,"],
    [row("u2")]
  )
  expect(invalid.removed).toEqual([])
})
