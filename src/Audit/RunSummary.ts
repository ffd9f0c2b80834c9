/**
 * The short summary `run` prints to stdout: what was audited, the counts by severity and finding, warnings,
 * and where the reports are. Plain text, stable enough for a person to scan and a log to keep.
 */
import type { AuditRun } from "./AuditRun.js"
import { FINDING_CODES } from "./Finding.js"
import { SEVERITIES } from "./Severity.js"

export const apiHost = (apiBaseUrl: string): string => {
  try {
    return new URL(apiBaseUrl).host
  } catch {
    return apiBaseUrl
  }
}

export const formatRunSummary = (run: AuditRun, reportPaths: ReadonlyArray<string>): string => {
  const { users, findings } = run
  const severities = [...SEVERITIES]
    .reverse()
    .map((severity) => `${findings.bySeverity[severity]} ${severity}`)
    .join(", ")
  const codes = FINDING_CODES.filter((code) => findings.byFinding[code] > 0).map(
    (code) => `  ${code.padEnd(22)}${String(findings.byFinding[code]).padStart(8)}`
  )
  return [
    `Panther user audit of ${apiHost(run.apiBaseUrl)} as of ${run.asOf}`,
    `Users: ${users.seen} (${users.enabled} enabled, ${users.deactivated} deactivated, ${users.privileged} privileged, ${users.invalid} invalid records) in ${run.pagesFetched} pages, ${run.retries} retries`,
    `Findings: ${findings.total} (${severities})`,
    ...codes,
    ...(run.warnings.length > 0 ? ["Warnings:", ...run.warnings.map((warning) => `  - ${warning}`)] : []),
    "Reports:",
    ...reportPaths.map((path) => `  ${path}`)
  ].join("\n")
}
