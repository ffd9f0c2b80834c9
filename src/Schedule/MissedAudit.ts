/**
 * Whether the schedule's last tick before start-up went without an audit: no report in the directory is stamped at
 * or after it. The container was down then (a host rebooted overnight, a redeploy), or its run was killed or failed;
 * without a run at start-up the night's audit would be lost until the next tick, as anacron and systemd's persistent
 * timers know. A directory holding no report says nothing of earlier runs (a first deployment): nothing is missed.
 */
import { readdirSync } from "node:fs"
import * as Effect from "effect/Effect"
import { reportAsOf } from "../Audit/PreviousReportChoice.js"
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

/** A report's as-of, epoch ms: its run's (`reportAsOf`), or without a directory to read it in, its stamp. */
export type ReportAsOf = (report: ReportName) => number

const stampAsOf: ReportAsOf = (report) => report.stampedAt

/** The as-of each report in `directory` records, read from its head; its stamp when it records none. */
export const asOfIn =
  (directory: string): ReportAsOf =>
  (report) =>
    reportAsOf(directory, `${report.stem}.json`, report.stampedAt)

/**
 * Whether `report` is of an audit of `tick`: written at it or after (a run for a tick starts at it or after, and its
 * stamp is its start to the second) and as of it or after. A backfill into the same directory (`run --as-of` a past
 * day), written after the tick, is no audit of it: the night's would stay missing.
 */
const auditsTick = (report: ReportName, tick: number, asOf: ReportAsOf): boolean =>
  report.stampedAt >= tick && asOf(report) >= tick

/** The missed audit, given the names in the report directory; undefined when the last tick has its report. */
export const findMissedAudit = (
  schedule: CronSchedule,
  now: number,
  names: ReadonlyArray<string>,
  asOf: ReportAsOf = stampAsOf
): MissedAudit | undefined => {
  const reports = findingsReports(names, now)
  if (reports.length === 0) return undefined
  const tick = lastTickAtOrBefore(schedule, now)
  if (tick === undefined || reports.some((report) => auditsTick(report, tick, asOf))) return undefined
  const newest = reports.reduce((newest, report) => (isNewer(report, newest) ? report : newest))
  return { tick, newestReport: `${newest.stem}.json`, newestIsBackfill: newest.stampedAt >= tick }
}

/**
 * For a tick's run holding the report directory at last (a catch-up's too): the report of that tick's audit another
 * run wrote while it waited for the directory (a second schedule on the same volume, for the same tick or catching up
 * on the same night; a `run` by hand), or undefined. Its audit is then made: a second would only send the email again.
 */
export const reportMadeSince = (directory: string, tick: number, now: number): string | undefined => {
  let names: ReadonlyArray<string>
  try {
    names = readdirSync(directory)
  } catch {
    return undefined
  }
  const made = findingsReports(names, now).find((report) => auditsTick(report, tick, asOfIn(directory)))
  return made === undefined ? undefined : `${made.stem}.json`
}

/**
 * The catch-up to make at start-up, with why, for `runOnSchedule`; undefined when the last tick has its report, the
 * directory cannot be listed (the run's own checks will say why), or a catch-up of the same tick was killed before.
 */
export const catchUpAtStart = (
  directory: string,
  schedule: CronSchedule,
  now: number
): Effect.Effect<{ readonly tick: number; readonly why: string } | undefined> =>
  Effect.gen(function* () {
    let names: ReadonlyArray<string>
    try {
      names = readdirSync(directory)
    } catch {
      return undefined
    }
    const missed = findMissedAudit(schedule, now, names, asOfIn(directory))
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
