/**
 * What the rules need to know about one user, worked out once: parsed timestamps, days since login, privilege,
 * and the report columns. Rules then stay one-screen functions of these facts.
 */
import type { User } from "../PantherApi/Schemas.js"
import type { AuditParameters } from "./AuditParameters.js"
import type { FindingSubject } from "./Finding.js"
import type { PrivilegePolicy, PrivilegeVerdict } from "./Privilege.js"
import { EARLIEST_REAL_TIME, isNoTimePlaceholder, readInstant, wholeDaysBetween } from "./Timestamps.js"

export interface UserFacts {
  readonly user: User
  readonly parameters: AuditParameters
  readonly subject: FindingSubject
  /** Epoch ms; undefined when absent or unparseable (see `problems`). */
  readonly createdAt: number | undefined
  readonly lastLoggedInAt: number | undefined
  /**
   * Whether the record holds a login: a `lastLoggedInAt` that is a time, or text that is none (data present but
   * broken, which INVALID_RECORD reports). Absent or blank is no login, and so is a placeholder before 2000: Go's
   * zero time is how a service in Go writes the `null` another writes.
   */
  readonly loginRecorded: boolean
  readonly privilege: PrivilegeVerdict
  /**
   * What is wrong with the record (why it failed validation, an unparseable timestamp); together they make one
   * INVALID_RECORD finding.
   */
  readonly problems: ReadonlyArray<string>
  /** Remarks appended to every finding's detail, such as a timestamp in the future. */
  readonly notes: ReadonlyArray<string>
}

interface ParsedTimestamp {
  readonly field: string
  readonly epoch: number | undefined
  readonly iso: string | null
  readonly problem: string | undefined
  readonly note: string | undefined
  /**
   * Absent, blank, or a placeholder for "no time": no instant at all, rather than one that could not be read. Blank
   * ("  ") is the `""` that means "never", padded: still an INVALID_RECORD, but no login.
   */
  readonly noTime: boolean
}

/** How far a login may seem to come before the account's creation, by the clocks of the services that stamp them. */
const LOGIN_BEFORE_CREATION_SLACK_MS = 60_000

const readTimestamp = (field: string, text: string | undefined, asOf: number): ParsedTimestamp => {
  if (text === undefined) {
    return { field, epoch: undefined, iso: null, problem: undefined, note: undefined, noTime: true }
  }
  const instant = readInstant(text)
  if (instant === undefined) {
    return {
      field,
      epoch: undefined,
      iso: null,
      problem: `${field} is not a timestamp: ${JSON.stringify(text)}`,
      note: undefined,
      noTime: isNoTimePlaceholder(text)
    }
  }
  const { epoch, iso } = instant
  if (epoch < EARLIEST_REAL_TIME) {
    return {
      field,
      epoch: undefined,
      iso: null,
      problem: `${field} ${JSON.stringify(text)} is before 2000: a placeholder for "no time", not a real one`,
      note: undefined,
      noTime: true
    }
  }
  const note = epoch > asOf ? `${field} ${iso} is after the audit time; counted as 0 days` : undefined
  return { field, epoch, iso, problem: undefined, note, noTime: false }
}

/**
 * A record that failed validation, judged as far as it can be read (`ReadableUser`): why it failed, and the id and
 * email it is reported under (as read, cleaned of secrets, or none).
 */
export interface FailedValidation {
  readonly reason: string
  readonly userId: string | null
  readonly email: string | null
}

/** Whether a validation failure's reason (`field: problem; ...`) is about `field` already. */
const namesField = (reason: string, field: string): boolean =>
  reason.startsWith(`${field}:`) || reason.includes(`; ${field}:`)

/**
 * The id and email a user's findings are reported under: a record that failed validation is named as it came, what
 * could be read of it standing in for the rest.
 */
export const reportedAs = (
  user: User,
  failed: FailedValidation | undefined
): { readonly userId: string | null; readonly email: string | null } =>
  failed === undefined ? { userId: user.id ?? null, email: user.email } : { userId: failed.userId, email: failed.email }

export const userFacts = (
  user: User,
  parameters: AuditParameters,
  privilegePolicy: PrivilegePolicy,
  failed?: FailedValidation
): UserFacts => {
  const created = readTimestamp("createdAt", user.createdAt, parameters.asOf)
  const lastLogin = readTimestamp("lastLoggedInAt", user.lastLoggedInAt, parameters.asOf)
  const problems: Array<string> = failed === undefined ? [] : [failed.reason]
  const notes: Array<string> = []
  for (const parsed of [created, lastLogin]) {
    // A timestamp that was not text is in the reason already.
    if (parsed.problem !== undefined && (failed === undefined || !namesField(failed.reason, parsed.field))) {
      problems.push(parsed.problem)
    }
    if (parsed.note !== undefined) notes.push(parsed.note)
  }
  // A login can only follow the account's creation: one before it (by more than two services' clocks may differ)
  // is a record carried over or a clock that was wrong, and the days since that login say less than they seem to.
  if (
    created.epoch !== undefined &&
    lastLogin.epoch !== undefined &&
    created.epoch - lastLogin.epoch > LOGIN_BEFORE_CREATION_SLACK_MS
  ) {
    notes.push(`lastLoggedInAt ${lastLogin.iso} is before createdAt ${created.iso}`)
  }
  const reported = reportedAs(user, failed)
  return {
    user,
    parameters,
    createdAt: created.epoch,
    lastLoggedInAt: lastLogin.epoch,
    loginRecorded: !lastLogin.noTime,
    privilege: privilegePolicy.judge(user.role),
    problems,
    notes,
    subject: {
      // Named fields, not `...reportedAs(user, failed)`: with that spread in this literal, a 20,000-user run took
      // 1.12 s against 0.77 s (bench/RESULTS.md).
      userId: reported.userId,
      email: reported.email,
      givenName: user.givenName,
      familyName: user.familyName,
      roleId: user.role.id ?? null,
      roleName: user.role.name ?? null,
      status: user.status ?? null,
      enabled: user.enabled,
      createdAt: created.iso,
      lastLoggedInAt: lastLogin.iso,
      daysSinceLogin: lastLogin.epoch === undefined ? null : wholeDaysBetween(lastLogin.epoch, parameters.asOf)
    }
  }
}
