/**
 * A finding: one row of the report, for one user (or, for run-level findings, none). The field names follow
 * the CSV columns; users' scripts and spreadsheets depend on the codes, so they never change meaning.
 */
import * as Schema from "effect/Schema"
import { Severity } from "./Severity.js"

export const FINDING_CODES = [
  "STALE_LOGIN",
  "NEVER_LOGGED_IN",
  "PENDING_STATUS",
  "COMPROMISED_ACCOUNT",
  "PRIVILEGED_ROLE",
  "INVALID_RECORD",
  "LOGIN_DATA_MISSING",
  "UNRECOGNIZED_STATUS"
] as const
export const FindingCode = Schema.Literal(...FINDING_CODES)
export type FindingCode = typeof FindingCode.Type
/** Each code's place in FINDING_CODES: a code kept as a small number, by the spool and the ledger's tally. */
export const FINDING_CODE_INDEXES: ReadonlyMap<FindingCode, number> = new Map(
  FINDING_CODES.map((code, index) => [code, index])
)

/** The finding as the JSON report writes it; the CSV has the same fields in snake_case. */
export const Finding = Schema.Struct({
  severity: Severity,
  finding: FindingCode,
  userId: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  givenName: Schema.NullOr(Schema.String),
  familyName: Schema.NullOr(Schema.String),
  roleId: Schema.NullOr(Schema.String),
  roleName: Schema.NullOr(Schema.String),
  status: Schema.NullOr(Schema.String),
  enabled: Schema.NullOr(Schema.Boolean),
  createdAt: Schema.NullOr(Schema.String),
  lastLoggedInAt: Schema.NullOr(Schema.String),
  daysSinceLogin: Schema.NullOr(Schema.Number),
  detail: Schema.String
})
export type Finding = typeof Finding.Type

/** The user columns of a finding; empty for run-level findings such as LOGIN_DATA_MISSING. */
export type FindingSubject = Omit<Finding, "severity" | "finding" | "detail">

export const NO_SUBJECT: FindingSubject = {
  userId: null,
  email: null,
  givenName: null,
  familyName: null,
  roleId: null,
  roleName: null,
  status: null,
  enabled: null,
  createdAt: null,
  lastLoggedInAt: null,
  daysSinceLogin: null
}
