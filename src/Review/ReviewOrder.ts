/**
 * The review's order: privileged users first, then by role name, then by family name, given name, email and id.
 * Names compare case-insensitively ("de Vries" beside "Dekker", not after "Zimmer") with a code-point tie-break,
 * so the order is the same on every machine and locale. Rows without a role (records that failed validation)
 * come after every role.
 */
import type { ReviewRow } from "./ReviewRow.js"

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Two names in the review's order; also that of the roles renamed since the last review (LastReview.ts). */
export const compareName = (a: string, b: string): number =>
  compareText(a.toLowerCase(), b.toLowerCase()) || compareText(a, b)

const compareRole = (a: string, b: string): number => {
  if (a === b) return 0
  if (a === "") return 1
  if (b === "") return -1
  return compareName(a, b)
}

export const compareReviewRows = (a: ReviewRow, b: ReviewRow): number =>
  Number(b.privileged) - Number(a.privileged) ||
  compareRole(a.roleName, b.roleName) ||
  compareName(a.familyName, b.familyName) ||
  compareName(a.givenName, b.givenName) ||
  compareName(a.email, b.email) ||
  compareText(a.userId, b.userId)
