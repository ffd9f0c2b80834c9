import type { Finding } from "../Finding.js"
import type { UserFacts } from "../UserFacts.js"

/** A per-user rule: the findings it raises for one enabled user (usually none or one). */
export type UserRule = (facts: UserFacts) => ReadonlyArray<Finding>

/** A finding about the user the facts describe, with the facts' notes appended to its detail. */
export const userFinding = (facts: UserFacts, finding: Pick<Finding, "severity" | "finding" | "detail">): Finding => ({
  severity: finding.severity,
  finding: finding.finding,
  ...facts.subject,
  detail: [finding.detail, ...facts.notes].join("; ")
})
