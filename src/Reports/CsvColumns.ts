/**
 * The findings CSV's columns, in the order users' spreadsheets depend on. Later columns may be appended, never
 * reordered. Cells that come from the API are neutralised against formula injection.
 */
import type { Finding } from "../Audit/Finding.js"

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
  "detail"
] as const

/**
 * A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula (tab and carriage return let such a
 * cell slip past naive checks), so a name like `=HYPERLINK(...)` is prefixed with `'` and shows as text (OWASP).
 */
export const neutraliseFormula = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text)

const cell = (value: string | null): string => (value === null ? "" : neutraliseFormula(value))

export const findingRow = (finding: Finding): Array<string> => [
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
  neutraliseFormula(finding.detail)
]
