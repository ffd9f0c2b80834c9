/**
 * The run section of the JSON report: what was audited, how, and what came of it. An auditor reads it to tell
 * whether the run was complete; nothing in it is secret (the API URL never carries the token).
 */
import type { FindingCode } from "./Finding.js"
import type { FailOn, Severity } from "./Severity.js"

export interface AuditRun {
  readonly runId: string
  readonly tool: { readonly name: string; readonly version: string }
  readonly asOf: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly apiBaseUrl: string
  readonly parameters: {
    readonly staleDays: number
    readonly pendingDays: number
    readonly privilegedRoles: ReadonlyArray<string>
    readonly privilegedPermissions: ReadonlyArray<string>
    readonly includeDeactivated: boolean
    readonly failOn: FailOn
  }
  readonly users: {
    /** Records received, valid or not, each user once. */
    readonly seen: number
    readonly enabled: number
    readonly deactivated: number
    readonly privileged: number
    readonly invalid: number
  }
  readonly pagesFetched: number
  readonly requests: number
  readonly retries: number
  /** How privilege was decided: from role permissions, or from role names and ids only. */
  readonly privilegeSource: "role-permissions" | "role-names-only"
  readonly findings: {
    readonly total: number
    readonly bySeverity: Readonly<Record<Severity, number>>
    readonly byFinding: Readonly<Record<FindingCode, number>>
  }
  readonly warnings: ReadonlyArray<string>
}

/** `20261128T020000Z`, the stamp in report file names. */
export const reportStamp = (epoch: number): string =>
  new Date(epoch)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "")
