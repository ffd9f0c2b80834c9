/**
 * When the audit email goes out. The decision is a pure function of the policy and the run, so `schedule`
 * and later policies (such as "only when something changed") add a case here and nothing else moves.
 */
import type { AuditRun } from "../Audit/AuditRun.js"
import { isAtLeast, SEVERITIES } from "../Audit/Severity.js"
import { counted } from "../Cli/Counted.js"

export const EMAIL_POLICIES = ["always", "on-findings", "on-change", "never"] as const
export type EmailPolicy = (typeof EMAIL_POLICIES)[number]

/** `on-findings` sends when at least one finding is of this severity or above; `info` alone is no reason to mail. */
export const ON_FINDINGS_THRESHOLD = "low" as const

export type EmailDecision =
  | { readonly _tag: "Send"; readonly reason: string }
  | { readonly _tag: "Skip"; readonly reason: string }

/** Suppressed findings (accepted exceptions) stay in the reports but are no reason to send an alert. */
export const actionableFindings = (run: AuditRun): number =>
  SEVERITIES.filter((severity) => isAtLeast(severity, ON_FINDINGS_THRESHOLD)).reduce(
    (sum, severity) => sum + run.findings.unsuppressedBySeverity[severity],
    0
  )

/**
 * `previousEmailUndelivered` names the previous report when its run's email was not delivered, or when a review,
 * which mails nothing, wrote it: `on-change` then sends even with nothing new since it, or what changed in that run
 * would reach no one (its report is the baseline, so this run finds those changes unchanged). The email's warnings
 * name that report.
 */
export const decideEmail = (policy: EmailPolicy, run: AuditRun, previousEmailUndelivered?: string): EmailDecision => {
  switch (policy) {
    case "always":
      return { _tag: "Send", reason: "--email always" }
    case "never":
      return { _tag: "Skip", reason: "--email never" }
    case "on-findings": {
      const count = actionableFindings(run)
      return count > 0
        ? {
            _tag: "Send",
            reason: `${counted(count, "finding")} of severity ${ON_FINDINGS_THRESHOLD} or above`
          }
        : { _tag: "Skip", reason: `no finding of severity ${ON_FINDINGS_THRESHOLD} or above (--email on-findings)` }
    }
    case "on-change": {
      // Suppressed findings coming, going or changing severity are accepted exceptions, not news. A change of
      // severity either way is: an escalation needs acting on sooner, and one that fell is as much news as one gone.
      const { newUnsuppressed, resolvedUnsuppressed, escalatedUnsuppressed, deEscalatedUnsuppressed } = run.changes
      const { unsuppressedAgain } = run.changes
      const news = newUnsuppressed + resolvedUnsuppressed + escalatedUnsuppressed + deEscalatedUnsuppressed
      if (unsuppressedAgain > 0 && news === 0) {
        return {
          _tag: "Send",
          reason: `${unsuppressedAgain} finding${unsuppressedAgain === 1 ? " is" : "s are"} no longer suppressed`
        }
      }
      if (news === 0 && previousEmailUndelivered !== undefined) {
        return { _tag: "Send", reason: `what changed in ${previousEmailUndelivered} may be in no email yet` }
      }
      return news > 0
        ? {
            _tag: "Send",
            reason:
              `${newUnsuppressed} new and ${resolvedUnsuppressed} resolved since the previous report` +
              (escalatedUnsuppressed > 0 ? `, ${escalatedUnsuppressed} escalated` : "") +
              (deEscalatedUnsuppressed > 0 ? `, ${deEscalatedUnsuppressed} de-escalated` : "") +
              (unsuppressedAgain > 0 ? `, ${unsuppressedAgain} no longer suppressed` : "")
          }
        : {
            _tag: "Skip",
            reason: "nothing new, resolved or changed in severity since the previous report (--email on-change)"
          }
    }
  }
}
