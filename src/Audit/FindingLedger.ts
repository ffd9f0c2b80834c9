/**
 * Where a run's findings go: each is given its id, compared with the previous report, matched against the
 * suppressions, counted, and spooled for the reports. At the end the ledger says what changed since last time.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { type FindingSpool, makeFindingSpool } from "../Reports/FindingSpool.js"
import type { ReportError } from "../Reports/ReportError.js"
import { controlsFor } from "./Controls.js"
import { FINDING_CODE_INDEXES, FINDING_CODES, type Finding, type FindingCode } from "./Finding.js"
import {
  type AnnotatedFinding,
  FINDING_CHANGES,
  type FindingChange,
  makeFindingIds,
  severityChange
} from "./FindingAnnotations.js"
import type { PreviousFinding, PreviousReportLookup } from "./PreviousReport.js"
import { SEVERITIES, type Severity } from "./Severity.js"
import {
  makeSuppressionMatcher,
  type SuppressionEntry,
  type SuppressionOutcome,
  suppressionReason
} from "./Suppressions.js"

export interface FindingCounts {
  readonly total: number
  readonly bySeverity: Readonly<Record<Severity, number>>
  readonly byFinding: Readonly<Record<FindingCode, number>>
  readonly suppressed: number
  /** What `--fail-on` and email alerts look at: suppressed findings left out. */
  readonly unsuppressedBySeverity: Readonly<Record<Severity, number>>
}

export interface FindingChanges {
  /** The report compared against, or null when there was none to read (then everything is new). */
  readonly previousReport: string | null
  readonly previousReportProblem: string | null
  readonly new: number
  /** Found again at a higher severity than the previous report's (`change` "escalated"). */
  readonly escalated: number
  /** Found again at a lower severity (`change` "de-escalated"). */
  readonly deEscalated: number
  /** Found again at the same severity. */
  readonly unchanged: number
  /**
   * Of the new ones, those not suppressed: what `--email on-change` reacts to, with `resolvedUnsuppressed` and the
   * unsuppressed findings whose severity changed.
   */
  readonly newUnsuppressed: number
  /** Of the escalated ones, those not suppressed. */
  readonly escalatedUnsuppressed: number
  /** Of the de-escalated ones, those not suppressed. */
  readonly deEscalatedUnsuppressed: number
  readonly resolved: ReadonlyArray<PreviousFinding>
  readonly resolvedUnsuppressed: number
  /**
   * Previous findings this run could not judge or left out of its reports (login data missing: see
   * LOGIN_DATA_MISSING), of users it still lists: neither found again nor resolved. The next run takes them for
   * previous findings, so one night without login data does not make them new, first seen again.
   */
  readonly notJudged: ReadonlyArray<PreviousFinding>
  /**
   * Findings suppressed in the previous report and not now (an exception expired or was taken out): as much news
   * to `--email on-change` as a new finding.
   */
  readonly unsuppressedAgain: number
}

export interface LedgerSummary {
  readonly counts: FindingCounts
  readonly changes: FindingChanges
  readonly suppressions: SuppressionOutcome
}

export interface FindingLedger {
  readonly record: (finding: Finding) => Effect.Effect<void, ReportError>
  /**
   * Records many in one step: how the audit records a page's findings. Returns them annotated, in the same order,
   * so what else shows a user's findings (a review, an inventory) marks the same ones suppressed as the reports.
   */
  readonly recordAll: (findings: ReadonlyArray<Finding>) => Effect.Effect<ReadonlyArray<AnnotatedFinding>, ReportError>
  readonly spool: FindingSpool
  /** Whether the previous report has a finding of this id. */
  readonly hadBefore: (id: string) => boolean
  /**
   * Totals over the findings not in `exclude` (see LOGIN_DATA_MISSING). Previous findings whose ids are in `unjudged`
   * are not resolved: this run could not judge them (their user is still there, its login data is not).
   */
  readonly summarize: (exclude: ReadonlySet<FindingCode>, unjudged?: ReadonlySet<string>) => LedgerSummary
}

/** Findings alike in code, severity, suppression and change, and how many there are. */
interface TallyEntry {
  readonly code: FindingCode
  readonly severity: Severity
  readonly suppressed: boolean
  readonly change: FindingChange
  count: number
}

const placesOf = <A>(values: ReadonlyArray<A>): ReadonlyMap<A, number> =>
  new Map(values.map((value, index) => [value, index]))
const SEVERITY_PLACES = placesOf(SEVERITIES)
const CHANGE_PLACES = placesOf(FINDING_CHANGES)

/**
 * The four as one number. A string of the four put together for every finding, then hashed to look it up, took
 * 6.5 ms of a 20,000-user run's profile.
 */
const tallyKey = (finding: AnnotatedFinding): number =>
  (((FINDING_CODE_INDEXES.get(finding.finding) ?? 0) * SEVERITIES.length +
    (SEVERITY_PLACES.get(finding.severity) ?? 0)) *
    2 +
    (finding.suppressed ? 1 : 0)) *
    CHANGE_PLACES.size +
  (CHANGE_PLACES.get(finding.change) ?? 0)

const zeroBySeverity = () => Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>

export const makeFindingLedger = (options: {
  readonly directory: string
  readonly runStartedAt: string
  readonly asOf: number
  readonly previous: PreviousReportLookup
  readonly suppressions: ReadonlyArray<SuppressionEntry>
}): Effect.Effect<FindingLedger, ReportError, Scope.Scope> =>
  Effect.gen(function* () {
    const spool = yield* makeFindingSpool(options.directory)
    const matcher = makeSuppressionMatcher(options.suppressions, options.asOf)
    const previousFindings: ReadonlyMap<string, PreviousFinding> =
      options.previous._tag === "Found" ? options.previous.report.findings : new Map()
    const sharedIds: ReadonlySet<string> =
      options.previous._tag === "Found" ? options.previous.report.sharedIds : new Set()
    /** Found again at another severity: which way, unless the previous report's findings of that id were several. */
    const changeOfSeverity = (id: string, previous: PreviousFinding, now: Severity): FindingChange =>
      sharedIds.has(id) ? "unchanged" : severityChange(previous.severity, now)
    // The ids of previous findings found again; the others were resolved. Ids are not unique within a run when users
    // have no id (the API's User makes it optional; Panther sends one): records without an id share one by email,
    // and all of them count as the previous finding of that id. Records with no email either get ids of their own.
    const matchedIds = new Set<string>()
    const findingId = makeFindingIds()
    // Counts by code, severity, suppression and change: enough to answer every total after exclusions.
    const tally = new Map<number, TallyEntry>()
    /** By code, so that excluded codes can be left out: see `unsuppressedAgain`. */
    const unsuppressedAgain = new Map<FindingCode, number>()

    const annotate = (finding: Finding): AnnotatedFinding => {
      const id = findingId(finding.finding, finding)
      const previous = previousFindings.get(id)
      if (previous !== undefined) matchedIds.add(id)
      const entry = finding.userId === null && finding.email === null ? undefined : matcher.match(finding)
      if (previous?.suppressed === true && entry === undefined) {
        unsuppressedAgain.set(finding.finding, (unsuppressedAgain.get(finding.finding) ?? 0) + 1)
      }
      // Spelled out rather than spread: V8 copies a spread of this many fields on a slow path, several
      // microseconds a finding. The order is the report's (the finding's fields, then its annotations).
      return {
        severity: finding.severity,
        finding: finding.finding,
        userId: finding.userId,
        email: finding.email,
        givenName: finding.givenName,
        familyName: finding.familyName,
        roleId: finding.roleId,
        roleName: finding.roleName,
        status: finding.status,
        enabled: finding.enabled,
        createdAt: finding.createdAt,
        lastLoggedInAt: finding.lastLoggedInAt,
        daysSinceLogin: finding.daysSinceLogin,
        detail: finding.detail,
        id,
        firstSeen: previous?.firstSeen ?? options.runStartedAt,
        // One comparison for a finding found again; its severity's direction only when it differs.
        change:
          previous === undefined
            ? "new"
            : previous.severity === finding.severity
              ? "unchanged"
              : changeOfSeverity(id, previous, finding.severity),
        suppressed: entry !== undefined,
        suppressionReason: entry === undefined ? null : suppressionReason(entry),
        controls: controlsFor(finding.finding)
      }
    }

    const recordAll = (findings: ReadonlyArray<Finding>) =>
      Effect.suspend(() => {
        const annotated = findings.map(annotate)
        for (const finding of annotated) {
          const key = tallyKey(finding)
          const entry = tally.get(key)
          if (entry !== undefined) entry.count++
          else {
            const { finding: code, severity, suppressed, change } = finding
            tally.set(key, { code, severity, suppressed, change, count: 1 })
          }
        }
        return Effect.as(spool.addAll(annotated), annotated)
      })

    const record = (finding: Finding) => Effect.asVoid(recordAll([finding]))

    const summarize = (exclude: ReadonlySet<FindingCode>, unjudged?: ReadonlySet<string>): LedgerSummary => {
      const bySeverity = zeroBySeverity()
      const unsuppressedBySeverity = zeroBySeverity()
      const byFinding = Object.fromEntries(FINDING_CODES.map((code) => [code, 0])) as Record<FindingCode, number>
      let total = 0
      let suppressed = 0
      // By change: all of them, and those not suppressed.
      const byChange = { new: 0, unchanged: 0, escalated: 0, "de-escalated": 0 }
      const unsuppressedByChange = { ...byChange }
      for (const { code, severity, suppressed: isSuppressed, change, count } of tally.values()) {
        if (exclude.has(code)) continue
        total += count
        bySeverity[severity] += count
        byFinding[code] += count
        byChange[change] += count
        if (isSuppressed) suppressed += count
        else {
          unsuppressedBySeverity[severity] += count
          unsuppressedByChange[change] += count
        }
      }
      const resolved: Array<PreviousFinding> = []
      const notJudged: Array<PreviousFinding> = []
      for (const finding of previousFindings.values()) {
        if (unjudged?.has(finding.id) === true || (matchedIds.has(finding.id) && exclude.has(finding.finding))) {
          // A firstSeen not taken from the previous report is this run's, as it would be on a row of this run.
          notJudged.push(finding.firstSeen === null ? { ...finding, firstSeen: options.runStartedAt } : finding)
        } else if (!matchedIds.has(finding.id)) resolved.push(finding)
      }
      return {
        counts: { total, bySeverity, byFinding, suppressed, unsuppressedBySeverity },
        changes: {
          previousReport: options.previous._tag === "Found" ? options.previous.report.path : null,
          previousReportProblem: options.previous._tag === "NotFound" ? options.previous.reason : null,
          new: byChange.new,
          escalated: byChange.escalated,
          deEscalated: byChange["de-escalated"],
          unchanged: byChange.unchanged,
          newUnsuppressed: unsuppressedByChange.new,
          escalatedUnsuppressed: unsuppressedByChange.escalated,
          deEscalatedUnsuppressed: unsuppressedByChange["de-escalated"],
          resolved,
          resolvedUnsuppressed: resolved.filter((finding) => !finding.suppressed).length,
          notJudged,
          unsuppressedAgain: [...unsuppressedAgain].reduce(
            (sum, [code, count]) => (exclude.has(code) ? sum : sum + count),
            0
          )
        },
        suppressions: matcher.outcome(exclude)
      }
    }

    return { record, recordAll, spool, hadBefore: (id: string) => previousFindings.has(id), summarize }
  })
