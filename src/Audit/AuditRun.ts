/**
 * The run section of the JSON report: what was audited, how, and what came of it. An auditor reads it to tell
 * whether the run was complete; nothing in it is secret (the API URL never carries the token).
 */

import type { AuditParameters } from "./AuditParameters.js"
import type { FindingChanges, FindingCounts } from "./FindingLedger.js"

export interface AuditRun {
  readonly runId: string
  readonly tool: { readonly name: string; readonly version: string }
  readonly asOf: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly apiBaseUrl: string
  /** The audit's parameters as recorded: `asOf` stands above as text, the suppression entries in `suppressions`. */
  readonly parameters: Omit<AuditParameters, "asOf" | "suppressions" | "privilegedRolesGiven">
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
  readonly findings: FindingCounts
  /** What changed since the previous report: the "what changed" section. */
  readonly changes: FindingChanges
  readonly suppressions: {
    /** Entries in force at `asOf`. */
    readonly active: number
    /** Findings they suppressed in this run. */
    readonly applied: number
    readonly expired: ReadonlyArray<SuppressionSummary>
    readonly unused: ReadonlyArray<SuppressionSummary>
  }
  readonly warnings: ReadonlyArray<string>
  /**
   * What became of this run's email, for the runs after it (NewsNotMailed.ts): `to-follow`, it was to mail its
   * summary (a `.undelivered` mark beside the report says when that may have failed); `owed`, it sent none (email off,
   * a review) after a run that did, so what changed here is in no email yet; `none`, it sent none and owed none (an
   * export, which compares with no report, always).
   */
  readonly email: RecordedEmail
  /** With `owed`: the earliest earlier report whose changes no email has carried either. */
  readonly notMailedSince?: string
}

/** Whether the run raised LOGIN_DATA_MISSING: Panther sent no enabled user's last login, so none was judged. */
export const loginsUnknown = (run: Pick<AuditRun, "findings">): boolean => run.findings.byFinding.LOGIN_DATA_MISSING > 0

export type RecordedEmail = "to-follow" | "owed" | "none"

/** `20261128T020000Z`, the stamp in report file names. */
export const reportStamp = (epoch: number): string =>
  new Date(epoch)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "")

export interface SuppressionSummary {
  readonly entry: number
  readonly user: string
  readonly finding: string
  readonly owner: string
  readonly expires: string
  readonly reason: string
}
