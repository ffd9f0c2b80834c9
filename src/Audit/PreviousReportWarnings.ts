/**
 * What a run says, before its users are read, of the report it compares with: one stamped after it started, one
 * dated after --as-of, reports passed over, settings changed since, first-seen dates it could not take.
 */
import { basename } from "node:path"
import type { AuditParameters } from "./AuditParameters.js"
import { rejectedFirstSeenWarning } from "./FirstSeen.js"
import { parameterChangeWarning } from "./ParameterChanges.js"
import type { PreviousReportLookup } from "./PreviousReport.js"
import { datedAfterAsOfWarning, passedOverWarning } from "./PreviousReportChoice.js"

const aheadOfClockWarning = (names: ReadonlyArray<string>, startedAt: number): string => {
  const listed = names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`
  return (
    `${names.length === 1 ? "A report is" : `${names.length} reports are`} stamped after this run started ` +
    `(${new Date(startedAt).toISOString()}): ${listed}. A clock was ahead when ${names.length === 1 ? "it was" : "they were"} ` +
    "made, or this machine's is behind now. Changes were worked out against a report from before this run. If " +
    "those stamps are wrong, move those reports out of the report directory: retention takes them for the newest."
  )
}

/** The warnings, in the order the run lists them. */
export const previousReportWarnings = (
  previous: PreviousReportLookup,
  parameters: AuditParameters,
  startedAt: number
): Array<string> => {
  const warnings: Array<string> = []
  if (previous.aheadOfClock !== undefined) warnings.push(aheadOfClockWarning(previous.aheadOfClock, startedAt))
  if (previous.datedAfterAsOf !== undefined) {
    warnings.push(datedAfterAsOfWarning(parameters.asOf, previous.datedAfterAsOf, previous.chosen, startedAt))
  }
  if (previous.passedOver !== undefined && previous.chosen !== undefined) {
    warnings.push(passedOverWarning(previous.passedOver, previous.chosen))
  }
  if (previous._tag !== "Found") return warnings
  const name = basename(previous.report.path)
  const changedParameters =
    previous.report.parameters === undefined
      ? undefined
      : parameterChangeWarning(name, previous.report.parameters, parameters)
  if (changedParameters !== undefined) warnings.push(changedParameters)
  if (previous.report.rejectedFirstSeen !== undefined) {
    warnings.push(rejectedFirstSeenWarning(name, previous.report.rejectedFirstSeen))
  }
  return warnings
}
