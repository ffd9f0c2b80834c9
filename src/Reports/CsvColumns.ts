/**
 * The findings CSV's columns, in the order users' spreadsheets depend on. Later columns may be appended, never
 * reordered. Cells that come from the API are neutralised against formula injection.
 */
import { controlsFor } from "../Audit/Controls.js"
import type { Finding } from "../Audit/Finding.js"
import type { FindingAnnotations } from "../Audit/FindingAnnotations.js"
import { asWritten, fitSpreadsheetCell } from "./Csv.js"

export const FINDING_COLUMNS = [
  "severity",
  "finding",
  "user_id",
  "email",
  "given_name",
  "family_name",
  "role_id",
  "role_name",
  "status",
  "enabled",
  "created_at",
  "last_logged_in_at",
  "days_since_login",
  "detail",
  "first_seen",
  "change",
  "suppressed",
  "suppression_reason",
  "controls"
] as const

/**
 * A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula (tab and carriage return let such a
 * cell slip past naive checks), so a name like `=HYPERLINK(...)` is prefixed with `'` and shows as text (OWASP). So
 * is one where space comes first (` =HYPERLINK(...)`, or a no-break space): a spreadsheet that trims cells as it opens
 * the file (LibreOffice's "Trim spaces") runs what the space hid.
 */
export const neutraliseFormula = (text: string): string => (needsQuote(text) ? `'${text}` : text)

/**
 * The text a cell written for `value` reads back as (`unneutraliseFormula`): cut as the file cuts it
 * (`fitSpreadsheetCell`), half of a surrogate pair as U+FFFD. What this run compares with a cell of the last workbook,
 * like with like: a value cut there and sent the same now is no change, and an account with an id of 100 KB is still
 * found by it.
 */
export const asCellReadsBack = (value: string): string =>
  unneutraliseFormula(fitSpreadsheetCell(neutraliseFormula(asWritten(value))))

/** The text `neutraliseFormula` was given, from a cell read back (a spreadsheet may have dropped the `'` itself). */
export const unneutraliseFormula = (cell: string): string =>
  cell.startsWith("'") && needsQuote(cell.slice(1)) ? cell.slice(1) : cell

/**
 * A formula's first character, after any quotes: a text that itself begins `'=` is quoted once more, so that reading
 * the cell back (`unneutraliseFormula`) takes off only the quote added here and gives `'=` again, not `=`.
 */
const needsQuote = (text: string): boolean => {
  let start = 0
  while (text.charCodeAt(start) === QUOTE) start++
  for (; start < text.length; start++) {
    const code = text.charCodeAt(start)
    if (FORMULA_START.has(code)) return true
    // Most cells start with a printable ASCII character other than space: no pattern is run for them.
    if ((code > 0x20 && code < 0x7f) || !LEADING_SPACE.test(text.charAt(start))) return false
  }
  return false
}

/** Space a trim takes off before a formula: any Unicode space (a no-break space, U+3000), as JavaScript's trim. */
const LEADING_SPACE = /\s/u

const QUOTE = 0x27

/**
 * `=`, `+`, `-`, `@`, tab, carriage return and line feed, the full-width `＝＋－＠` some spreadsheets (Apple
 * Numbers) read as the same, and NUL (OWASP ASVS 1.2.10), by character code: tested on every cell of every row.
 */
const FORMULA_START: ReadonlySet<number> = new Set([
  0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d, 0x0a, 0xff1d, 0xff0b, 0xff0d, 0xff20, 0x00
])

const cell = (value: string | null): string => (value === null ? "" : neutraliseFormula(value))

/** A finding's row; a finding not yet annotated by a run (see FindingLedger) gets empty change columns. */
export const findingRow = (finding: Finding & Partial<FindingAnnotations>): Array<string> => [
  finding.severity,
  finding.finding,
  cell(finding.userId),
  cell(finding.email),
  cell(finding.givenName),
  cell(finding.familyName),
  cell(finding.roleId),
  cell(finding.roleName),
  cell(finding.status),
  finding.enabled === null ? "" : String(finding.enabled),
  finding.createdAt ?? "",
  finding.lastLoggedInAt ?? "",
  finding.daysSinceLogin === null ? "" : String(finding.daysSinceLogin),
  // The detail quotes API values (an unparseable timestamp, a role name), so it is neutralised too.
  neutraliseFormula(finding.detail),
  // Carried forward from the previous report, a file that can be edited: checked when read (FirstSeen.ts), and
  // neutralised all the same, as every cell of text that does not come from this tool's own formatting is.
  neutraliseFormula(finding.firstSeen ?? ""),
  finding.change ?? "",
  String(finding.suppressed ?? false),
  // The reason is text from the suppressions file, written by people: neutralised like API text.
  neutraliseFormula(finding.suppressionReason ?? ""),
  (finding.controls ?? controlsFor(finding.finding)).join("; ")
]
