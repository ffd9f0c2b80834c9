/**
 * Whether the previous report was judged by the same rules as this run. Findings are compared by id only, so after
 * `--stale-days 45` became 90 every login between 45 and 90 days old reads as resolved though no account changed:
 * the run then says which settings differ, so nobody takes the difference for remediation (or for a new risk).
 */
import { printable } from "../PantherApi/Responses.js"
import type { AuditParameters } from "./AuditParameters.js"
import { parsePolicy } from "./Policy.js"

/**
 * The settings that decide which findings a run has: not `--fail-on`, which only decides the exit code, nor
 * `--include-deactivated`, which adds only users that get no findings.
 */
export type ComparedParameters = Pick<
  AuditParameters,
  "staleDays" | "pendingDays" | "privilegedRoles" | "privilegedPermissions" | "policy"
>

/** As the previous report's `run.parameters` recorded them; a field it lacks or holds in another shape is left out. */
export type RecordedParameters = Partial<ComparedParameters>

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const isTextList = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((item) => typeof item === "string")

/** The compared settings of a report's `run.parameters`, or undefined when it has none (a hand-made report). */
export const readRecordedParameters = (value: unknown): RecordedParameters | undefined => {
  if (!isRecord(value)) return undefined
  const policy = typeof value.policy === "string" ? parsePolicy(value.policy) : undefined
  return {
    ...(typeof value.staleDays === "number" ? { staleDays: value.staleDays } : {}),
    ...(typeof value.pendingDays === "number" ? { pendingDays: value.pendingDays } : {}),
    ...(isTextList(value.privilegedRoles) ? { privilegedRoles: value.privilegedRoles } : {}),
    ...(isTextList(value.privilegedPermissions) ? { privilegedPermissions: value.privilegedPermissions } : {}),
    ...(policy === undefined ? {} : { policy })
  }
}

/** The same entries in any order; `fold` says which spellings count as one (role names match in any case). */
const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>, fold: (text: string) => string): boolean => {
  const left = new Set(a.map(fold))
  const right = new Set(b.map(fold))
  return left.size === right.size && [...left].every((item) => right.has(item))
}

const listFlag = (flag: string, values: ReadonlyArray<string>): string =>
  `${flag} ${values.length === 0 ? '""' : printable(values.join(","))}`

interface Difference {
  readonly before: string
  readonly now: string
  /**
   * Whether the setting decides a finding's severity, not only whether there is one: --pending-days (a pending status
   * low or medium), the privileged roles and permissions (a stale login medium or high).
   */
  readonly severity?: true
}

const differences = (previous: RecordedParameters, current: ComparedParameters): ReadonlyArray<Difference> => {
  const found: Array<Difference> = []
  if (previous.staleDays !== undefined && previous.staleDays !== current.staleDays) {
    found.push({ before: `--stale-days ${previous.staleDays}`, now: `--stale-days ${current.staleDays}` })
  }
  if (previous.pendingDays !== undefined && previous.pendingDays !== current.pendingDays) {
    found.push({
      before: `--pending-days ${previous.pendingDays}`,
      now: `--pending-days ${current.pendingDays}`,
      severity: true
    })
  }
  // Role names are matched in any case (Privilege.ts), so "admin" and "Admin" list the same roles.
  if (
    previous.privilegedRoles !== undefined &&
    !sameSet(previous.privilegedRoles, current.privilegedRoles, (role) => role.toLowerCase())
  ) {
    found.push({
      before: listFlag("--privileged-roles", previous.privilegedRoles),
      now: listFlag("--privileged-roles", current.privilegedRoles),
      severity: true
    })
  }
  if (
    previous.privilegedPermissions !== undefined &&
    !sameSet(previous.privilegedPermissions, current.privilegedPermissions, (permission) => permission)
  ) {
    found.push({
      before: listFlag("--privileged-permissions", previous.privilegedPermissions),
      now: listFlag("--privileged-permissions", current.privilegedPermissions),
      severity: true
    })
  }
  return found
}

/** `--stale-days 45 and --pending-days 3`, then the policy that set them, if one did. */
const describeSide = (flags: ReadonlyArray<string>, policy: string | null | undefined): string => {
  const listed = flags.length <= 2 ? flags.join(" and ") : `${flags.slice(0, -1).join(", ")} and ${flags.at(-1)}`
  return policy === null || policy === undefined ? listed : `${listed} (policy ${policy})`
}

/** How a run decided which roles are privileged: by their permissions, or by their names alone. */
export type PrivilegeSource = "role-permissions" | "role-names-only"

/** A report's `run.privilegeSource`, or undefined for one that has none or another value. */
export const readPrivilegeSource = (value: unknown): PrivilegeSource | undefined =>
  value === "role-permissions" || value === "role-names-only" ? value : undefined

/**
 * Privilege decided another way than the previous report's: roles could not be read for one of the two runs (a
 * request that failed for good), so one judged by permissions and the other by role names alone. Every
 * PRIVILEGED_ROLE finding that only permissions give then reads as resolved, or as new, with its first-seen time
 * lost, though no account changed: said, as a change of settings is.
 */
export const privilegeSourceWarning = (
  reportName: string,
  previous: PrivilegeSource | undefined,
  current: PrivilegeSource
): string | undefined => {
  if (previous === undefined || previous === current) return undefined
  const said = (source: PrivilegeSource) => (source === "role-permissions" ? "role permissions" : "role names alone")
  return (
    `The previous report (${reportName}) decided privilege by ${said(previous)}, this run by ${said(current)}` +
    `${current === "role-names-only" ? ", since roles could not be read" : ""}: privileged-role findings shown as ` +
    "new or resolved, and severities that changed with privilege, may come from that, not from the accounts."
  )
}

/**
 * A run warning naming each setting the previous report was made with that this run does not share, or undefined
 * when they agree (or the report does not say).
 */
export const parameterChangeWarning = (
  reportName: string,
  previous: RecordedParameters,
  current: ComparedParameters
): string | undefined => {
  const found = differences(previous, current)
  if (found.length === 0) return undefined
  const before = describeSide(
    found.map((difference) => difference.before),
    previous.policy
  )
  const now = describeSide(
    found.map((difference) => difference.now),
    current.policy
  )
  const change = found.length === 1 ? "that change" : "those changes"
  // A finding found again at another severity reads escalated or de-escalated, and is news to --email on-change too.
  const shown = found.some((difference) => difference.severity === true)
    ? "new, resolved, escalated or de-escalated"
    : "new or resolved"
  return (
    `The previous report (${reportName}) was made with ${before}, this run with ${now}: findings shown as ${shown} ` +
    `may come from ${change}, not from the accounts. Runs with the same settings compare like with like.`
  )
}
