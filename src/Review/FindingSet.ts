/**
 * A user's findings as one number: for each finding code, the highest severity raised (rank + 1, 0 for none) in
 * base 8. A review over 200,000 users keeps one row per user in memory for sorting; a number per row costs
 * nothing, where an array of finding objects per row would cost more than the row itself. Plain arithmetic, not
 * bit shifts, so the set stays exact for up to 17 codes (2^53).
 */
import { FINDING_CODES, type Finding, type FindingCode } from "../Audit/Finding.js"
import { SEVERITIES, type Severity, severityRank } from "../Audit/Severity.js"

export type FindingSet = number

export const NO_FINDINGS: FindingSet = 0

const BASE = 8
const place = (code: FindingCode): number => BASE ** FINDING_CODES.indexOf(code)
const levelAt = (set: FindingSet, index: number): number => Math.floor(set / BASE ** index) % BASE

export const addFinding = (set: FindingSet, code: FindingCode, severity: Severity): FindingSet => {
  const index = FINDING_CODES.indexOf(code)
  const current = levelAt(set, index)
  const level = severityRank(severity) + 1
  return level > current ? set + (level - current) * place(code) : set
}

export const findingSetOf = (findings: ReadonlyArray<Pick<Finding, "finding" | "severity">>): FindingSet =>
  findings.reduce((set, finding) => addFinding(set, finding.finding, finding.severity), NO_FINDINGS)

export const withoutFinding = (set: FindingSet, code: FindingCode): FindingSet =>
  set - levelAt(set, FINDING_CODES.indexOf(code)) * place(code)

export const hasFinding = (set: FindingSet, code: FindingCode): boolean => levelAt(set, FINDING_CODES.indexOf(code)) > 0

export interface FindingEntry {
  readonly code: FindingCode
  readonly severity: Severity
}

/** The findings, most severe first, then by code: the order the findings report uses. */
export const findingEntries = (set: FindingSet): Array<FindingEntry> => {
  const entries: Array<FindingEntry> = []
  FINDING_CODES.forEach((code, index) => {
    const level = levelAt(set, index)
    const severity = SEVERITIES[level - 1]
    if (severity !== undefined) entries.push({ code, severity })
  })
  return entries.sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  )
}

export const highestSeverity = (set: FindingSet): Severity | undefined => findingEntries(set)[0]?.severity

/** `STALE_LOGIN PRIVILEGED_ROLE`: space-separated, most severe first, the form the CSV files use. */
export const findingCodesText = (set: FindingSet): string =>
  findingEntries(set)
    .map((entry) => entry.code)
    .join(" ")
