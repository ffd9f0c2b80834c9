/**
 * Whether the schedule's last tick before start-up went without an audit: no report in the directory is stamped at
 * or after it. The container was down then (a host rebooted overnight, a redeploy), or its run was killed or failed;
 * without a run at start-up the night's audit would be lost until the next tick, as anacron and systemd's persistent
 * timers know. A directory holding no report says nothing of earlier runs (a first deployment): nothing is missed.
 */
import { readdirSync } from "node:fs"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { isSameInstance } from "../Audit/PantherInstance.js"
import { asOfInHead, readRunHead, runHeadField } from "../Audit/PreviousReportChoice.js"
import { LOCK_FILE, leftCatchUpOf } from "../Reports/DirectoryLock.js"
import { isNewer, isStampedAhead, parseReportName, type ReportName } from "../Reports/ReportName.js"
import { type CronSchedule, nextTickAfter } from "./CronSchedule.js"

export interface MissedAudit {
  /** The tick that went without an audit, epoch ms. */
  readonly tick: number
  /** The newest report's name, from before that tick, or after it but as of an earlier instant. */
  readonly newestReport: string
  /** Whether the newest report was written after the tick, by a run `--as-of` an earlier instant (a backfill). */
  readonly newestIsBackfill: boolean
}

/** Looking back further than this for a tick, the schedule fires too seldom for a missed run to be told apart. */
const LOOK_BACK_LIMIT_MS = 400 * 24 * 3_600_000

/** Whether the schedule has a tick after `from` and at or before `now`. */
const ticksBy = (schedule: CronSchedule, from: number, now: number): boolean => nextTickAfter(schedule, from) <= now

/**
 * The latest tick at or before `now`, or undefined when none is within the look-back limit. Effect's `Cron.prev`
 * is not used: in effect 3.22 it skips a tick a fraction of a second before `now` and throws for some time zones.
 * Windows reaching back twice as far each time find one with a tick; then a bisection finds the latest start from
 * which the next tick, as the schedule itself finds it (`nextTickAfter`), still lands by `now`: a few dozen steps,
 * where reading the window forward would step through every second of a per-second schedule's day.
 */
export const lastTickAtOrBefore = (schedule: CronSchedule, now: number): number | undefined => {
  let without = now
  for (let reach = 1_000; ; reach = Math.min(reach * 2, LOOK_BACK_LIMIT_MS)) {
    let within = now - reach
    if (ticksBy(schedule, within, now)) {
      while (without - within > 1) {
        const middle = Math.floor((within + without) / 2)
        if (ticksBy(schedule, middle, now)) within = middle
        else without = middle
      }
      return nextTickAfter(schedule, within)
    }
    if (reach === LOOK_BACK_LIMIT_MS) return undefined
    without = within
  }
}

/**
 * The findings reports among `names`, leaving out those stamped ahead of `now` beyond the skew allowed between
 * machines: a clock that was ahead made them (and has been set back since), and they say nothing of the ticks up to
 * now. Taken, one such report would hide every missed night until the clock caught up with it, as the runs
 * themselves do not take it for their previous report (PreviousReportChoice.ts).
 */
const findingsReports = (names: ReadonlyArray<string>, now: number): ReadonlyArray<ReportName> =>
  names.flatMap((name) => {
    const report = parseReportName(name)
    return report?.ending === ".json" && !isStampedAhead(report.stampedAt, now) ? [report] : []
  })

/** What a report's head says of its run; without a directory to read it in, what its name says. */
export interface ReportRun {
  /** Its run's as-of, epoch ms; its stamp when it records none. */
  readonly asOf: number
  /** The API base URL its run audited, when its head names one. */
  readonly apiBaseUrl: string | undefined
}

export type ReadReportRun = (report: ReportName) => ReportRun

const byName: ReadReportRun = (report) => ({ asOf: report.stampedAt, apiBaseUrl: undefined })

/** Each report's run in `directory`, as its head says. */
export const reportRunsIn =
  (directory: string): ReadReportRun =>
  (report) => {
    const head = readRunHead(join(directory, `${report.stem}.json`))
    return { asOf: asOfInHead(head) ?? report.stampedAt, apiBaseUrl: runHeadField(head, "apiBaseUrl", 2048) }
  }

/**
 * This Panther's findings reports among `names`, as `findingsReports` has them. A report of another Panther (two
 * instances' schedules on one report directory, which runs warn of) is none of its audits: taken, the other's nightly
 * run hid this one's missed night, and made this one's run for a tick it had waited for not run at all. A report whose
 * head names no Panther is taken for this one's.
 */
const thisPanthersReports = (
  reports: ReadonlyArray<ReportName>,
  read: ReadReportRun,
  apiBaseUrl: string | undefined
): ReadonlyArray<{ readonly report: ReportName; readonly run: ReportRun }> =>
  reports
    .map((report) => ({ report, run: read(report) }))
    .filter(
      ({ run }) =>
        apiBaseUrl === undefined || run.apiBaseUrl === undefined || isSameInstance(run.apiBaseUrl, apiBaseUrl)
    )

/**
 * Whether a report is of an audit of `tick`: written at it or after (a run for a tick starts at it or after, and its
 * stamp is its start to the second) and as of it or after. A backfill into the same directory (`run --as-of` a past
 * day), written after the tick, is no audit of it: the night's would stay missing.
 */
const auditsTick = (report: ReportName, run: ReportRun, tick: number): boolean =>
  report.stampedAt >= tick && run.asOf >= tick

export interface ReportsOf {
  /** How to read a report's run; by default, from its name alone. */
  readonly read?: ReadReportRun
  /** The Panther the schedule audits: reports of another are left out. */
  readonly apiBaseUrl?: string
}

/**
 * The missed audit, given the names in the report directory; undefined when the last tick has its report. Reports are
 * read newest first, and only as far as needed: those written since the tick, then back to this Panther's newest. A
 * volume shared by replicas is often a network one, where reading the head of every night of years delayed each
 * start-up by seconds to minutes.
 */
export const findMissedAudit = (
  schedule: CronSchedule,
  now: number,
  names: ReadonlyArray<string>,
  of: ReportsOf = {}
): MissedAudit | undefined => {
  const reports = [...findingsReports(names, now)].sort((a, b) => (isNewer(a, b) ? -1 : isNewer(b, a) ? 1 : 0))
  if (reports.length === 0) return undefined
  const tick = lastTickAtOrBefore(schedule, now)
  if (tick === undefined) return undefined
  let newest: ReportName | undefined
  for (const report of reports) {
    if (newest !== undefined && report.stampedAt < tick) break
    const [mine] = thisPanthersReports([report], of.read ?? byName, of.apiBaseUrl)
    if (mine === undefined) continue
    if (auditsTick(report, mine.run, tick)) return undefined
    newest ??= report
  }
  // A directory holding only another Panther's reports holds none of this one's: nothing is known to be missed.
  if (newest === undefined) return undefined
  return { tick, newestReport: `${newest.stem}.json`, newestIsBackfill: newest.stampedAt >= tick }
}

/**
 * For a tick's run holding the report directory at last (a catch-up's too): the report of that tick's audit another
 * run of the same Panther wrote while it waited for the directory (a second schedule on the same volume, for the same
 * tick or catching up on the same night; a `run` by hand), or undefined. Its audit is then made: a second would only
 * send the email again.
 */
export const reportMadeSince = (
  directory: string,
  tick: number,
  now: number,
  apiBaseUrl: string
): string | undefined => {
  let names: ReadonlyArray<string>
  try {
    names = readdirSync(directory)
  } catch {
    return undefined
  }
  // Only those written since the tick are read: a directory without retention holds years of nights.
  const since = findingsReports(names, now).filter((report) => report.stampedAt >= tick)
  const made = thisPanthersReports(since, reportRunsIn(directory), apiBaseUrl).find(({ report, run }) =>
    auditsTick(report, run, tick)
  )
  return made === undefined ? undefined : `${made.report.stem}.json`
}

/**
 * The catch-up to make at start-up, with why, for `runOnSchedule`; undefined when the last tick has its report, the
 * directory cannot be listed (the run's own checks will say why), or a catch-up of the same tick was killed before.
 */
export const catchUpAtStart = (
  directory: string,
  schedule: CronSchedule,
  now: number,
  /** The Panther the schedule audits. */
  apiBaseUrl: string
): Effect.Effect<{ readonly tick: number; readonly why: string } | undefined> =>
  Effect.gen(function* () {
    let names: ReadonlyArray<string>
    try {
      names = readdirSync(directory)
    } catch {
      return undefined
    }
    const missed = findMissedAudit(schedule, now, names, { read: reportRunsIn(directory), apiBaseUrl })
    if (missed === undefined) return undefined
    const tick = new Date(missed.tick).toISOString()
    if (leftCatchUpOf(directory) === tick) {
      yield* Effect.logWarning(
        `the audit of ${tick} has not run, and its catch-up at an earlier start was killed, or still runs in ` +
          `another container on this directory (its ${LOCK_FILE} is in ${directory}): it is not tried again, and ` +
          "the schedule waits for its next tick. To run it now once the cause is fixed (a memory limit too low " +
          "kills a run outright), start once with --run-now (AUDIT_RUN_NOW=true)"
      ).pipe(Effect.annotateLogs({ missed: tick }))
      return undefined
    }
    return {
      tick: missed.tick,
      why:
        `no report in ${directory} is from since (the newest is ${missed.newestReport}` +
        `${missed.newestIsBackfill ? ", of a run --as-of an earlier instant" : ""}): the schedule was not running ` +
        "then, or that run was stopped or failed"
    }
  })
