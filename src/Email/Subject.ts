/**
 * `[Panther user audit] api.acme.example: 2 high, 11 medium (418 users)`, counting findings not suppressed (and
 * then how many are). Only the instance (its host and any path prefix) and counts: a subject is shown in
 * notifications, lock screens and mail server logs, so no user data ever goes in it.
 */
import type { AuditRun } from "../Audit/AuditRun.js"
import { instanceLabel } from "../Audit/PantherInstance.js"
import { SEVERITIES } from "../Audit/Severity.js"
import { counted } from "../Cli/Counted.js"

/** `2 high, 11 medium`, most severe first; `info` only when nothing else was found. */
export const severityCounts = (bySeverity: Readonly<Record<(typeof SEVERITIES)[number], number>>): string => {
  const actionable = [...SEVERITIES]
    .reverse()
    .filter((severity) => severity !== "info" && bySeverity[severity] > 0)
    .map((severity) => `${bySeverity[severity]} ${severity}`)
  if (actionable.length > 0) return actionable.join(", ")
  return bySeverity.info > 0 ? `no issues, ${bySeverity.info} info` : "no findings"
}

/** What needs acting on, then how many findings are accepted exceptions: `2 high, 3 suppressed`. */
const findingCounts = (run: AuditRun): string => {
  const open = severityCounts(run.findings.unsuppressedBySeverity)
  const { suppressed } = run.findings
  if (suppressed === 0) return open
  return `${open === "no findings" ? "nothing open" : open}, ${suppressed} suppressed`
}

export const emailSubject = (prefix: string, run: AuditRun): string => {
  const subject = `${instanceLabel(run.apiBaseUrl)}: ${findingCounts(run)} (${counted(run.users.seen, "user")})`
  // A header may not hold a line break; the prefix comes from configuration.
  return (prefix === "" ? subject : `${prefix} ${subject}`).replace(/[\r\n]+/gu, " ")
}
