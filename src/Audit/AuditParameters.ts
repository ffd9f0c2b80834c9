import type { Policy } from "./Policy.js"
import type { FailOn } from "./Severity.js"
import type { SuppressionEntry } from "./Suppressions.js"

/** What an audit is judged by. Recorded in every report so a reader can tell how a finding came about. */
export interface AuditParameters {
  /** The instant the audit is judged at, epoch milliseconds. */
  readonly asOf: number
  readonly staleDays: number
  readonly pendingDays: number
  /** Role names (matched case-insensitively) or role ids that make a user privileged. */
  readonly privilegedRoles: ReadonlyArray<string>
  /**
   * Whether the user set `privilegedRoles` (--privileged-roles / AUDIT_PRIVILEGED_ROLES): without it the list is
   * `DEFAULT_PRIVILEGED_ROLES`, which no warning may speak of as the user's. Not recorded in the reports.
   */
  readonly privilegedRolesGiven: boolean
  /** Permissions that make a role privileged, as `GET /roles` reports them. */
  readonly privilegedPermissions: ReadonlyArray<string>
  readonly includeDeactivated: boolean
  readonly failOn: FailOn
  /** The compliance preset the thresholds came from, if any. */
  readonly policy: Policy | null
  readonly suppressionsFile: string | null
  readonly suppressions: ReadonlyArray<SuppressionEntry>
}

export const DEFAULT_STALE_DAYS = 90
export const DEFAULT_PENDING_DAYS = 7
export const DEFAULT_PRIVILEGED_ROLES: ReadonlyArray<string> = ["Admin"]
export const DEFAULT_PRIVILEGED_PERMISSIONS: ReadonlyArray<string> = ["UserModify", "OrganizationAPITokenModify"]
