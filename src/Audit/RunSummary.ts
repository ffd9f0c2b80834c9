/**
 * The short summary `run` prints to stdout: what was audited, the counts by severity and finding, warnings,
 * and where the reports are. Plain text, stable enough for a person to scan and a log to keep. What a suppressions
 * file's entry says (a ticket pasted into it) passes through `printable`, as names from the server do: the summary is
 * printed on a terminal, and a line break in an owner made a line of its own, `Findings: 0`.
 */
import { counted } from "../Cli/Counted.js"
import { printable } from "../PantherApi/Responses.js"
import { type AuditRun, loginsUnknown } from "./AuditRun.js"
import { FINDING_CODES } from "./Finding.js"
import { instanceLabel } from "./PantherInstance.js"
import { entryShown, namedEntries, unusedEntryOutcome, warningsBesideSuppressions } from "./RunWarnings.js"
import { SEVERITIES } from "./Severity.js"

/**
 * "N deactivated", or, for a run that left them out (no --include-deactivated) and was sent none, that they were not
 * read: "0 deactivated" reads as "there are none".
 */
export const deactivatedCount = (run: AuditRun): string =>
  run.parameters.includeDeactivated || run.users.deactivated > 0
    ? `${run.users.deactivated} deactivated`
    : "deactivated not read without --include-deactivated"

/**
 * "N enabled, N deactivated", and the records that are neither since they are not user records at all (`42`, `null`
 * in the list): counted in `seen` and `invalid` only, so without them the breakdown does not add up to the users seen.
 */
export const usersBreakdown = (run: AuditRun): string => {
  const { seen, enabled, deactivated } = run.users
  const notUsers = seen - enabled - deactivated
  return (
    `${enabled} enabled, ${deactivatedCount(run)}` +
    (notUsers > 0 ? `, ${counted(notUsers, "record that is not a user", "records that are not users")}` : "")
  )
}

/** "1 escalated, 2 de-escalated, ", each only when there are some: the line stays as it was when none changed. */
const severityChanges = (changes: AuditRun["changes"]): string =>
  (changes.escalated > 0 ? `${changes.escalated} escalated, ` : "") +
  (changes.deEscalated > 0 ? `${changes.deEscalated} de-escalated, ` : "")

export const formatRunSummary = (run: AuditRun, reportPaths: ReadonlyArray<string>): string => {
  const { users, findings } = run
  const severities = [...SEVERITIES]
    .reverse()
    .map((severity) => `${findings.bySeverity[severity]} ${severity}`)
    .join(", ")
  const codes = FINDING_CODES.filter((code) => findings.byFinding[code] > 0).map(
    (code) => `  ${code.padEnd(22)}${String(findings.byFinding[code]).padStart(8)}`
  )
  const { changes, suppressions } = run
  const expired = namedEntries(suppressions.expired, "expired")
  const unused = namedEntries(suppressions.unused, "unused")
  const warnings = warningsBesideSuppressions(run)
  const changeLine =
    changes.previousReport === null
      ? `Changes: everything is new (${changes.previousReportProblem ?? "no previous report"})`
      : `Changes since the previous report: ${changes.new} new, ${severityChanges(changes)}${changes.unchanged} unchanged, ${changes.resolved.length} resolved`
  return [
    `Panther user audit of ${instanceLabel(run.apiBaseUrl)} as of ${run.asOf}${run.parameters.policy === null ? "" : ` (policy ${run.parameters.policy})`}`,
    `Users: ${users.seen} (${usersBreakdown(run)}, ${users.privileged} privileged, ${counted(users.invalid, "invalid record")}) in ${counted(run.pagesFetched, "page")}, ${counted(run.retries, "retry", "retries")}`,
    `Findings: ${findings.total} (${severities})`,
    ...codes,
    changeLine,
    ...(run.parameters.suppressionsFile === null
      ? []
      : [
          `Suppressions: ${counted(suppressions.applied, "finding")} suppressed (${counted(suppressions.active, "active entry", "active entries")}); ${suppressions.expired.length} expired, ${suppressions.unused.length} unused`,
          ...expired.named.map(
            (entry) =>
              `  - expired: ${entryShown(entry, `owner ${printable(entry.owner)}`)} ended ${entry.expires}; it no longer suppresses`
          ),
          ...expired.rest.map((line) => `  ${line}`),
          ...unused.named.map(
            (entry) => `  - unused: ${entryShown(entry)} ${unusedEntryOutcome(entry, loginsUnknown(run))}`
          ),
          ...unused.rest.map((line) => `  ${line}`)
        ]),
    ...(warnings.length > 0 ? ["Warnings:", ...warnings.map((warning) => `  - ${warning}`)] : []),
    "Reports:",
    ...reportPaths.map((path) => `  ${path}`)
  ].join("\n")
}
