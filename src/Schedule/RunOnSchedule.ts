/**
 * Runs a job at every tick of a cron schedule until interrupted, one run at a time. Independent of the command
 * line, so tests drive it with the `TestClock`.
 *
 * - Runs never overlap: a tick that passes while a run is still going is skipped, and the skip is logged.
 *   Catching up would start a missed audit late, back to back with the next one, and an audit judged "as of
 *   now" gains nothing from running twice in a row.
 * - A failed run is logged by the schedule, with its cause, and the schedule goes on. Interruption (SIGTERM,
 *   SIGINT) is not caught: it ends the run, whose scoped resources are released, and then the schedule.
 * - The next run time is logged at start and after every run; `runNow` also runs once at start (a schedule
 *   otherwise waits for its first tick), and so does `catchUp`, for a tick that went without an audit while no
 *   schedule ran (MissedAudit.ts), with a warning.
 * - A first tick more than `FAR_AHEAD` away is warned of at start: `0 2 29 2 *` fires on leap days alone, once in
 *   up to four years, most likely a slip for a nightly or weekly expression that a quiet start would hide until the
 *   first report was missed. A yearly or quarterly schedule meant as such only gets the warning.
 * - Waits are slept in slices of at most a minute, reading the clock in between. A Node timer cannot wait longer
 *   than 24.8 days (Effect would then never wake: a yearly schedule would hang), and after a host was suspended
 *   the run starts within a minute instead of a full timer's length late. The ticks that passed meanwhile are said
 *   to have passed while none could run, not blamed on a run still going.
 * - A clock set back by more than `CLOCK_SET_BACK_LIMIT` (it was ahead: a host that started with a wrong clock) is
 *   followed, as Vixie cron does: waiting for the ticks after those dealt with by the wrong clock would leave the job
 *   silent for as long as the clock was ahead. Set back by less, a tick already run is not run again; before any
 *   tick has run, a clock set back by any amount is followed, since none can run twice.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { errorAnnotations } from "../Cli/AuditRunLog.js"
import { counted } from "../Cli/Counted.js"
import { type CronSchedule, nextTickAfter } from "./CronSchedule.js"

export interface RunOnScheduleOptions {
  readonly schedule: CronSchedule
  /** Also run once at start, before the first tick. */
  readonly runNow: boolean
  /** Without `runNow`: a tick that went without its run, made up for once at start, late. */
  readonly catchUp?: { readonly tick: number; readonly why: string } | undefined
  /** What a run is called in log lines: "next audit at ...". Default "run". */
  readonly label?: string
  /** The longest single sleep while waiting for a tick; the clock is read again after each. Default a minute. */
  readonly wakeEvery?: Duration.DurationInput
}

/** Which run a job is making: `scheduledFor` is a tick's ISO instant, or "start-up" for `runNow`'s. */
export interface ScheduledRun {
  readonly scheduledFor: string
  /** A tick's run made up for at start-up, late. */
  readonly catchUp: boolean
}

const WAKE_EVERY = Duration.minutes(1)
/** Counting skipped ticks stops here: a per-second schedule behind by days says "at least 10000". */
const MAX_COUNTED = 10_000
const CLOCK_SET_BACK_LIMIT = Duration.toMillis(Duration.hours(3))
/** Longer than any monthly schedule waits for its first tick: a schedule that waits longer is likely a slip. */
const FAR_AHEAD = Duration.toMillis(Duration.days(31))
const DAY = Duration.toMillis(Duration.days(1))

/**
 * Sleeps until the clock reads `target`: true then, or false as soon as it reads before `giveUpBefore` (it was set
 * back).
 */
export const sleepUntil = (
  target: number,
  wakeEvery: Duration.DurationInput = WAKE_EVERY,
  giveUpBefore: number = Number.NEGATIVE_INFINITY
): Effect.Effect<boolean> =>
  Effect.gen(function* () {
    const slice = Duration.decode(wakeEvery)
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      if (now < giveUpBefore) return false
      if (now >= target) return true
      yield* Effect.sleep(Duration.min(Duration.millis(target - now), slice))
    }
  })

const atLeast = (count: number): string => (count >= MAX_COUNTED ? "at least " : "")

/** Ticks in (after, upTo]: those that came while a run was going. */
const ticksBetween = (schedule: CronSchedule, after: number, upTo: number): number => {
  let count = 0
  for (
    let tick = nextTickAfter(schedule, after);
    tick <= upTo && count < MAX_COUNTED;
    tick = nextTickAfter(schedule, tick)
  ) {
    count++
  }
  return count
}

const describeInstant = (epoch: number, timeZone: string): { utc: string; local: string } => {
  const utc = new Date(epoch).toISOString()
  return {
    utc,
    local: timeZone === "UTC" ? utc : DateTime.formatIsoZoned(DateTime.unsafeMakeZoned(epoch, { timeZone }))
  }
}

/**
 * A failed run, as the schedule's error line: an expected failure by its message (its stack trace helps nobody), a
 * defect with its whole cause. The run's own lines (an audit's "audit failed") carry its run id.
 */
const logFailure = (label: string, cause: Cause.Cause<unknown>) =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => Effect.logError(`scheduled ${label} failed; the schedule goes on`, cause),
    onSome: (error) => {
      const { error: tag, reason } = errorAnnotations(error)
      return Effect.logError(`scheduled ${label} failed; the schedule goes on: ${reason}`).pipe(
        Effect.annotateLogs({ error: tag })
      )
    }
  })

export const runOnSchedule = <E, R>(
  job: Effect.Effect<unknown, E, R> | ((run: ScheduledRun) => Effect.Effect<unknown, E, R>),
  options: RunOnScheduleOptions
): Effect.Effect<never, never, R> => {
  const { schedule } = options
  const label = options.label ?? "run"

  const runOnce = (scheduledFor: string, catchUp = false) =>
    (Effect.isEffect(job) ? job : job({ scheduledFor, catchUp })).pipe(
      // When this fiber itself is interrupted (SIGTERM), Effect skips the handler: the run ends, then the schedule.
      Effect.catchAllCause((cause) => logFailure(label, cause)),
      Effect.annotateLogs(catchUp ? { scheduledFor, catchUp } : { scheduledFor })
    )

  const logNext = (next: number) => {
    const at = describeInstant(next, schedule.timeZone)
    return Effect.logInfo(`next ${label} at ${at.utc}${at.local === at.utc ? "" : ` (${at.local})`}`).pipe(
      Effect.annotateLogs({ nextRunAt: at.utc, nextRunLocal: at.local })
    )
  }

  return Effect.gen(function* () {
    // The last tick dealt with (run or skipped); ticks after it are still to come. Until a tick is, the start.
    let handled = yield* Clock.currentTimeMillis
    let ranTick = false
    yield* Effect.logInfo(`${label} schedule started`).pipe(
      Effect.annotateLogs({
        cron: schedule.expression,
        timeZone: schedule.timeZone,
        // The rules of the zone are those of this Node's time-zone data (2025c in Node 20.20, 2026e in 22.23):
        // where a zone's rules changed lately (Canada's in 2026), two Nodes run the same --tz an hour apart.
        timeZoneData: process.versions.tz ?? "unknown",
        runNow: options.runNow
      })
    )
    const first = nextTickAfter(schedule, handled)
    if (first - handled > FAR_AHEAD) {
      const days = Math.floor((first - handled) / DAY)
      yield* Effect.logWarning(
        `the first scheduled ${label} is ${days} days away, at ${new Date(first).toISOString()}: the cron expression ` +
          `"${schedule.expression}" fires that seldom; if a nightly, weekly or monthly ${label} was meant, correct it`
      ).pipe(Effect.annotateLogs({ firstRunAt: new Date(first).toISOString() }))
    }
    if (options.runNow) yield* runOnce("start-up")
    else if (options.catchUp !== undefined) {
      const tick = new Date(options.catchUp.tick).toISOString()
      yield* Effect.logWarning(`the ${label} of ${tick} has not run: ${options.catchUp.why}; it runs now, late`).pipe(
        Effect.annotateLogs({ missed: tick })
      )
      yield* runOnce(tick, true)
    }
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      if (handled - now > CLOCK_SET_BACK_LIMIT || (!ranTick && now < handled)) {
        const back = Duration.format(Duration.millis(handled - now))
        yield* Effect.logWarning(
          `the clock went back by ${back}, to before ${ranTick ? `the scheduled ${label}s already dealt with` : "this schedule started"}: ` +
            `the schedule goes on from ${new Date(now).toISOString()}`
        )
        handled = now
      }
      const skipped = ticksBetween(schedule, handled, now)
      if (skipped > 0) {
        yield* Effect.logWarning(
          `${atLeast(skipped)}${counted(skipped, `scheduled ${label}`)} skipped: the previous ${label} was still going`
        ).pipe(Effect.annotateLogs({ skipped }))
      }
      const next = nextTickAfter(schedule, Math.max(now, handled))
      yield* logNext(next)
      // Before any tick has run, no tick can run twice: a clock set back by any amount is followed.
      const giveUpBefore = ranTick ? handled - CLOCK_SET_BACK_LIMIT : handled
      if (!(yield* sleepUntil(next, options.wakeEvery, giveUpBefore))) continue
      // Woken later than the tick (a suspended machine, a clock that jumped ahead): the ticks since are not made up for.
      handled = yield* Clock.currentTimeMillis
      const passed = ticksBetween(schedule, next, handled)
      if (passed > 0) {
        yield* Effect.logWarning(
          `${atLeast(passed)}${counted(passed, `more scheduled ${label}`)} passed while none could run (the machine was ` +
            `suspended, or the clock jumped ahead): the ${label} of ${new Date(next).toISOString()} runs now, ` +
            `late, and ${passed === 1 ? "it is" : "they are"} not made up for`
        ).pipe(Effect.annotateLogs({ passed }))
      }
      ranTick = true
      yield* runOnce(new Date(next).toISOString())
    }
  }).pipe(
    // Stopped while waiting, the last line would otherwise be "next audit at ...": a stopped job read as a waiting one.
    Effect.onInterrupt(() => Effect.logInfo(`${label} schedule stopped`)),
    Effect.annotateLogs({ phase: "schedule" })
  )
}
