import * as Schema from "effect/Schema"

/** Finding severities, lowest first. The order is the contract: reports sort by it, `--fail-on` compares by it. */
export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const
export const Severity = Schema.Literal(...SEVERITIES)
export type Severity = typeof Severity.Type

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity)

export const isAtLeast = (severity: Severity, threshold: Severity): boolean =>
  severityRank(severity) >= severityRank(threshold)

/** `--fail-on`: a severity, or `none` for "never fail because of findings". */
export const FAIL_ON_VALUES = ["none", ...SEVERITIES] as const
export type FailOn = (typeof FAIL_ON_VALUES)[number]
