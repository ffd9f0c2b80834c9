/**
 * The review's summary figures and chart data, worked out in one pass over the rows. The findings by severity
 * come from the run itself, so the HTML and the findings report beside it give the same numbers.
 */
import { loginsUnknown } from "../Audit/AuditRun.js"
import { FINDING_CODES, type FindingCode } from "../Audit/Finding.js"
import type { Severity } from "../Audit/Severity.js"
import { isNoTimePlaceholder } from "../Audit/Timestamps.js"
import { hasFinding, highestSeverity } from "./FindingSet.js"
import type { Review } from "./Review.js"
import { daysSinceLogin } from "./ReviewValues.js"

export interface RoleCount {
  readonly role: string
  readonly users: number
  readonly privileged: boolean
  /** Why the role is privileged, as the audit decided it; "" when it is not. */
  readonly reason: string
}

export interface LoginBin {
  readonly label: string
  readonly users: number
  /** Every login in this bin is more than `--stale-days` ago ("stale"), some are ("mixed"), or none ("recent"). */
  readonly state: "recent" | "mixed" | "stale" | "never"
}

export interface ReviewFigures {
  readonly users: number
  readonly enabled: number
  readonly deactivated: number
  readonly invalid: number
  /** Privileged rows, deactivated ones included: the page's first section, in review order. */
  readonly privileged: number
  /** Of those, the ones able to sign in: the run's `users.privileged`, the page's figure. */
  readonly privilegedEnabled: number
  /** Users with a finding above info (PRIVILEGED_ROLE alone is info: being an admin is not a problem). */
  readonly withFindings: number
  /**
   * `null` when unknown: the run raised LOGIN_DATA_MISSING (Panther sent no enabled user's last login), so no
   * user could be judged stale or never logged in, and a count of 0 would say everyone was fine.
   */
  readonly stale: number | null
  readonly neverLoggedIn: number | null
  readonly byRole: ReadonlyArray<RoleCount>
  /** Days since the last login of every enabled user; deactivated users cannot log in. */
  readonly loginBins: ReadonlyArray<LoginBin>
  readonly bySeverity: Readonly<Record<Severity, number>>
  /** Findings a suppression covers, by code (run-level findings have no user, so are never suppressed). */
  readonly suppressedByFinding: Readonly<Record<FindingCode, number>>
}

/** Inclusive upper bounds, in days. */
const BIN_LIMITS: ReadonlyArray<readonly [label: string, low: number, high: number]> = [
  ["0–7", 0, 7],
  ["8–30", 8, 30],
  ["31–60", 31, 60],
  ["61–90", 61, 90],
  ["91–180", 91, 180],
  ["181–365", 181, 365],
  ["366+", 366, Number.POSITIVE_INFINITY]
]

const NO_ROLE = "(no role)"
/** A record that failed validation: its role could not be read, which is not the same as having none. */
const INVALID = "(invalid record)"

/** A placeholder read as text (Go's zero time, a blank) is no login to the run, which calls it NEVER_LOGGED_IN. */
const isNoLoginText = (timestamp: string | number): boolean =>
  typeof timestamp === "string" && isNoTimePlaceholder(timestamp)

export const reviewFigures = (review: Review): ReviewFigures => {
  const { run, asOf } = review
  const { staleDays } = run.parameters
  const roles = new Map<string, { users: number; privileged: boolean; reason: string }>()
  const bins = BIN_LIMITS.map(() => 0)
  let never = 0
  let neverBin = 0
  let unreadableBin = 0
  let enabled = 0
  let deactivated = 0
  let invalid = 0
  let privileged = 0
  let privilegedEnabled = 0
  let withFindings = 0
  let stale = 0
  const suppressedByFinding = Object.fromEntries(FINDING_CODES.map((code) => [code, 0])) as Record<FindingCode, number>
  for (const row of review.rows) {
    for (const item of row.suppressed) suppressedByFinding[item.code]++
    // As the run counts them: a deactivated user is not judged, so it is no invalid record there.
    if (row.invalidReason !== "" && row.enabled !== false) invalid++
    if (row.enabled === true) enabled++
    else if (row.enabled === false) deactivated++
    if (row.privileged) privileged++
    if (row.privileged === true && row.enabled !== false) privilegedEnabled++
    const severity = highestSeverity(row.findings)
    if (severity !== undefined && severity !== "info") withFindings++
    if (hasFinding(row.findings, "STALE_LOGIN")) stale++
    if (hasFinding(row.findings, "NEVER_LOGGED_IN")) never++
    const role =
      row.roleName !== "" ? row.roleName : row.roleId !== "" ? row.roleId : row.enabled === null ? INVALID : NO_ROLE
    const entry = roles.get(role) ?? { users: 0, privileged: false, reason: "" }
    roles.set(role, {
      users: entry.users + 1,
      privileged: entry.privileged || row.privileged === true,
      reason: entry.reason || row.privilegeReason
    })
    if (row.enabled === true) {
      const days = daysSinceLogin(row, asOf)
      if (days !== null) {
        const index = BIN_LIMITS.findIndex(([, , high]) => days <= high)
        bins[index] = (bins[index] ?? 0) + 1
      } else if (row.lastLoggedInAt === null || isNoLoginText(row.lastLoggedInAt)) neverBin++
      else unreadableBin++
    }
  }
  return {
    users: review.rows.length,
    enabled,
    deactivated,
    invalid,
    privileged,
    privilegedEnabled,
    withFindings,
    stale: loginsUnknown(run) ? null : stale,
    neverLoggedIn: loginsUnknown(run) ? null : never,
    byRole: [...roles.entries()]
      .map(([role, entry]) => ({ role, ...entry }))
      .sort((a, b) => b.users - a.users || (a.role < b.role ? -1 : a.role > b.role ? 1 : 0)),
    loginBins: [
      ...BIN_LIMITS.map(
        ([label, low, high], index): LoginBin => ({
          label,
          users: bins[index] ?? 0,
          // Stale is more than N x 24 hours, so N whole days may or may not be stale: a bin reaching N is "mixed".
          state: low > staleDays ? "stale" : high >= staleDays ? "mixed" : "recent"
        })
      ),
      { label: "never", users: neverBin, state: "never" },
      // A last login that did not parse (an INVALID_RECORD finding): counted, so the bars add up to the users.
      ...(unreadableBin > 0 ? [{ label: "unreadable", users: unreadableBin, state: "never" as const }] : [])
    ],
    bySeverity: run.findings.bySeverity,
    suppressedByFinding
  }
}
