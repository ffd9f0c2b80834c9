/**
 * What the rules need to know about one user, worked out once: parsed timestamps, days since login, privilege,
 * and the report columns. Rules then stay one-screen functions of these facts.
 */
import type { User } from "../PantherApi/Schemas.js"
import type { AuditParameters } from "./AuditParameters.js"
import type { FindingSubject } from "./Finding.js"
import type { PrivilegePolicy, PrivilegeVerdict } from "./Privilege.js"
import { readInstant, wholeDaysBetween } from "./Timestamps.js"

export interface UserFacts {
  readonly user: User
  readonly parameters: AuditParameters
  readonly subject: FindingSubject
  /** Epoch ms; undefined when absent or unparseable (see `problems`). */
  readonly createdAt: number | undefined
  readonly lastLoggedInAt: number | undefined
  readonly privilege: PrivilegeVerdict
  /** What is wrong with the record (an unparseable timestamp); together they make one INVALID_RECORD finding. */
  readonly problems: ReadonlyArray<string>
  /** Remarks appended to every finding's detail, such as a timestamp in the future. */
  readonly notes: ReadonlyArray<string>
}

interface ParsedTimestamp {
  readonly epoch: number | undefined
  readonly iso: string | null
  readonly problem: string | undefined
  readonly note: string | undefined
}

/**
 * Before any Panther existed: what a service sends for "no time" (Go's zero time, 0001-01-01, or the Unix epoch),
 * not a login. Taken as one, it made a STALE_LOGIN "739431 days ago" on a user created last week.
 */
const EARLIEST_REAL_TIME = Date.UTC(2000, 0, 1)

const readTimestamp = (field: string, text: string | undefined, asOf: number): ParsedTimestamp => {
  if (text === undefined) return { epoch: undefined, iso: null, problem: undefined, note: undefined }
  const instant = readInstant(text)
  if (instant === undefined) {
    return {
      epoch: undefined,
      iso: null,
      problem: `${field} is not a timestamp: ${JSON.stringify(text)}`,
      note: undefined
    }
  }
  const { epoch, iso } = instant
  if (epoch < EARLIEST_REAL_TIME) {
    return {
      epoch: undefined,
      iso: null,
      problem: `${field} ${JSON.stringify(text)} is before 2000: a placeholder for "no time", not a real one`,
      note: undefined
    }
  }
  const note = epoch > asOf ? `${field} ${iso} is after the audit time; counted as 0 days` : undefined
  return { epoch, iso, problem: undefined, note }
}

export const userFacts = (user: User, parameters: AuditParameters, privilegePolicy: PrivilegePolicy): UserFacts => {
  const created = readTimestamp("createdAt", user.createdAt, parameters.asOf)
  const lastLogin = readTimestamp("lastLoggedInAt", user.lastLoggedInAt, parameters.asOf)
  const problems: Array<string> = []
  const notes: Array<string> = []
  for (const parsed of [created, lastLogin]) {
    if (parsed.problem !== undefined) problems.push(parsed.problem)
    if (parsed.note !== undefined) notes.push(parsed.note)
  }
  return {
    user,
    parameters,
    createdAt: created.epoch,
    lastLoggedInAt: lastLogin.epoch,
    privilege: privilegePolicy.judge(user.role),
    problems,
    notes,
    subject: {
      userId: user.id ?? null,
      email: user.email,
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
