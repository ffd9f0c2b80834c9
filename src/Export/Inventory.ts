/**
 * The full inventory: every user the API returned (deactivated ones included and flagged), with every field of
 * the API's user record and the audit's computed columns. The CSV and the JSON hold the same fields, the JSON in
 * camelCase with JSON types, as the findings reports do. Timestamps that parsed are ISO 8601 UTC; one that did
 * not is kept as the API sent it (and the user has an INVALID_RECORD finding).
 */

import { toIsoUtc } from "../Audit/Timestamps.js"
import { neutraliseFormula } from "../Reports/FormulaGuard.js"
import { findingCodesText, findingEntries, highestSeverity } from "../Review/FindingSet.js"
import type { ReviewRow, ReviewTimestamp } from "../Review/ReviewRow.js"
import {
  daysSinceLogin,
  suppressedCodesText,
  suppressedInOrder,
  suppressionReasonsText
} from "../Review/ReviewValues.js"

export const INVENTORY_COLUMNS = [
  // The API's fields.
  "user_id",
  "email",
  "given_name",
  "family_name",
  "role_id",
  "role_name",
  "enabled",
  "status",
  "created_at",
  "last_logged_in_at",
  // Computed by the audit.
  "deactivated",
  "valid",
  "invalid_reason",
  "privileged",
  "privilege_reason",
  "days_since_login",
  "findings",
  "highest_severity",
  "suppressed_findings",
  "suppression_reasons"
] as const

const timestamp = (value: ReviewTimestamp): string | null => (typeof value === "number" ? toIsoUtc(value) : value)

const orNull = (text: string): string | null => (text === "" ? null : text)

export const inventoryRecord = (row: ReviewRow, asOf: number) => ({
  userId: orNull(row.userId),
  email: orNull(row.email),
  givenName: row.enabled === null ? null : row.givenName,
  familyName: row.enabled === null ? null : row.familyName,
  roleId: orNull(row.roleId),
  roleName: orNull(row.roleName),
  enabled: row.enabled,
  status: orNull(row.status),
  createdAt: timestamp(row.createdAt),
  lastLoggedInAt: timestamp(row.lastLoggedInAt),
  deactivated: row.enabled === null ? null : !row.enabled,
  valid: row.invalidReason === "",
  invalidReason: orNull(row.invalidReason),
  privileged: row.privileged,
  privilegeReason: orNull(row.privilegeReason),
  daysSinceLogin: daysSinceLogin(row, asOf),
  findings: findingEntries(row.findings).map((entry) => entry.code),
  highestSeverity: highestSeverity(row.findings) ?? null,
  // As the findings report has them: still findings, with the reason a suppression entry accepts them.
  suppressedFindings: suppressedInOrder(row).map((item) => ({ finding: item.code, reason: item.reason }))
})

const text = (value: string | null): string => (value === null ? "" : neutraliseFormula(value))
const flag = (value: boolean | null): string => (value === null ? "" : String(value))

export const inventoryCsvRow = (row: ReviewRow, asOf: number): Array<string> => {
  const record = inventoryRecord(row, asOf)
  return [
    text(record.userId),
    text(record.email),
    text(record.givenName),
    text(record.familyName),
    text(record.roleId),
    text(record.roleName),
    flag(record.enabled),
    text(record.status),
    text(record.createdAt),
    text(record.lastLoggedInAt),
    flag(record.deactivated),
    String(record.valid),
    // The reason quotes the bad value from the API.
    text(record.invalidReason),
    flag(record.privileged),
    text(record.privilegeReason),
    record.daysSinceLogin === null ? "" : String(record.daysSinceLogin),
    findingCodesText(row.findings),
    record.highestSeverity ?? "",
    suppressedCodesText(row),
    neutraliseFormula(suppressionReasonsText(row))
  ]
}
