/**
 * The findings CSV's columns, in the order users' spreadsheets depend on. Later columns may be appended, never
 * reordered. Cells that come from the API are neutralised against formula injection.
 */
import { controlsFor } from "../Audit/Controls.js"
import type { Finding } from "../Audit/Finding.js"
import type { FindingAnnotations } from "../Audit/FindingAnnotations.js"
import { asWritten, fitSpreadsheetCell } from "./Csv.js"
import { neutraliseFormula, unneutraliseFormula } from "./FormulaGuard.js"

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
 * The text a cell written for `value` reads back as (`unneutraliseFormula`): cut as the file cuts it
 * (`fitSpreadsheetCell`), half of a surrogate pair as U+FFFD. What this run compares with a cell of the last workbook,
 * like with like: a value cut there and sent the same now is no change, and an account with an id of 100 KB is still
 * found by it.
 */
export const asCellReadsBack = (value: string): string =>
  unneutraliseFormula(fitSpreadsheetCell(neutraliseFormula(asWritten(value))))

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
