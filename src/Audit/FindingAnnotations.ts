/**
 * What a run adds to each finding beyond the rules: a stable id, whether it is new since the last run (or its
 * severity changed), whether a suppression covers it, and the controls it is evidence for.
 */
import type { Finding, FindingCode } from "./Finding.js"
import { type Severity, severityRank } from "./Severity.js"

/**
 * Against the previous report: a finding it did not have, one it had at the same severity, or one whose severity
 * rose (`escalated`: a stale login whose user became privileged, an invitation left past --pending-days) or fell.
 */
export type FindingChange = "new" | "unchanged" | "escalated" | "de-escalated"

/** The change of a finding the previous report had at `before`, now at another severity. */
export const severityChange = (before: Severity, now: Severity): FindingChange =>
  severityRank(now) > severityRank(before) ? "escalated" : "de-escalated"

export interface FindingAnnotations {
  /** `<code>:<user id>` (or `<code>:email:<email>` when the id is unknown, or `<code>` for run-level findings). */
  readonly id: string
  /** When this finding was first reported, ISO 8601 UTC, carried forward from earlier reports. */
  readonly firstSeen: string
  readonly change: FindingChange
  readonly suppressed: boolean
  readonly suppressionReason: string | null
  readonly controls: ReadonlyArray<string>
}

export type AnnotatedFinding = Finding & FindingAnnotations

/** Stable across runs: the same user with the same problem gets the same id, whatever the detail says. */
export const findingId = (finding: {
  readonly finding: FindingCode
  readonly userId: string | null
  readonly email: string | null
}): string =>
  finding.userId !== null && finding.userId !== ""
    ? `${finding.finding}:${finding.userId}`
    : finding.email !== null
      ? `${finding.finding}:email:${finding.email.toLowerCase()}`
      : finding.finding
