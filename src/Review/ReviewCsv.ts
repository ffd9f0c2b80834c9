/**
 * The review workbook: one row per user in review order, with empty columns for the reviewer to fill. Same
 * conventions as the findings CSV (UTF-8 with a byte order mark, RFC 4180 with CRLF, formula neutralisation), so
 * it opens the same way in Excel and LibreOffice. Columns may be appended later, never reordered.
 */
import { instanceLabel } from "../Audit/PantherInstance.js"
import { neutraliseFormula } from "../Reports/FormulaGuard.js"
import { findingCodesText, highestSeverity } from "./FindingSet.js"
import { accountKey, isAddedSinceLastReview, type SinceLastReview } from "./LastReview.js"
import type { Review } from "./Review.js"
import type { ReviewRow } from "./ReviewRow.js"
import { daysSinceLogin, isoOf, suppressedCodesText, suppressionReasonsText } from "./ReviewValues.js"

export const REVIEW_COLUMNS = [
  "privileged",
  "role_name",
  "family_name",
  "given_name",
  "email",
  "status",
  "enabled",
  "created_at",
  "last_logged_in_at",
  "days_since_login",
  "findings",
  "highest_severity",
  "privilege_reason",
  "user_id",
  "role_id",
  "decision",
  "reviewer",
  "reviewed_at",
  "notes",
  // Appended after the reviewer's columns so that sheets built on the earlier layout keep working.
  "suppressed_findings",
  "suppression_reasons",
  // The same on every row: a workbook saved apart from its page still says what it covers.
  "instance",
  "as_of",
  "new_since_last_review",
  "changed_since_last_review"
] as const

/** What every row of one workbook shares: the Panther and instant it covers, and what the last review had. */
export interface WorkbookContext {
  readonly instance: string
  readonly asOf: string
  readonly sinceLastReview: SinceLastReview | undefined
}

export const workbookContext = (review: Review): WorkbookContext => ({
  instance: instanceLabel(review.run.apiBaseUrl),
  asOf: review.run.asOf,
  sinceLastReview: review.sinceLastReview
})

/** `true` or `false` against the last review; empty when there was none to compare with. */
const newSinceLastReview = (row: ReviewRow, context: WorkbookContext): string =>
  context.sinceLastReview?._tag === "Compared" ? String(isAddedSinceLastReview(context.sinceLastReview, row)) : ""

/** What changed in the account's access since the last review ("role Analyst -> Admin; now privileged"), or "". */
const changedSinceLastReview = (row: ReviewRow, context: WorkbookContext): string =>
  context.sinceLastReview?._tag === "Compared"
    ? (context.sinceLastReview.changed.get(accountKey(row.userId, row.email)) ?? "")
    : ""

/** What a reviewer may write in `decision`; documented in the README, and named by the HTML and the command. */
export const DECISIONS = ["keep", "revoke", "change-role:<role>"] as const

/** `keep, revoke or change-role:<role>`, each decision through `mark` (HTML emphasis, say). */
export const decisionsText = (mark: (decision: string) => string = (decision) => decision): string =>
  `${DECISIONS.slice(0, -1).map(mark).join(", ")} or ${mark(DECISIONS[DECISIONS.length - 1] ?? "")}`

export const reviewRow = (row: ReviewRow, asOf: number, context: WorkbookContext): Array<string> => {
  const days = daysSinceLogin(row, asOf)
  return [
    row.privileged === null ? "" : String(row.privileged),
    neutraliseFormula(row.roleName),
    neutraliseFormula(row.familyName),
    neutraliseFormula(row.givenName),
    neutraliseFormula(row.email),
    neutraliseFormula(row.status),
    row.enabled === null ? "" : String(row.enabled),
    isoOf(row.createdAt) ?? "",
    isoOf(row.lastLoggedInAt) ?? "",
    days === null ? "" : String(days),
    findingCodesText(row.findings),
    highestSeverity(row.findings) ?? "",
    // The reason quotes the role's name, which comes from the API.
    neutraliseFormula(row.privilegeReason),
    neutraliseFormula(row.userId),
    neutraliseFormula(row.roleId),
    "",
    "",
    "",
    "",
    suppressedCodesText(row),
    // The reasons are the suppressions file's text: someone's, not the API's, but a spreadsheet runs either.
    neutraliseFormula(suppressionReasonsText(row)),
    neutraliseFormula(context.instance),
    context.asOf,
    newSinceLastReview(row, context),
    // Quotes role names and emails, which come from the API.
    neutraliseFormula(changedSinceLastReview(row, context))
  ]
}
