import { describe, expect, it } from "@effect/vitest"
import { Clock, Cron, Deferred, Duration, Effect, Either, Fiber, Logger, Ref, TestClock } from "effect"
import { type CronSchedule, parseCronSchedule } from "../../src/Schedule/CronSchedule.js"
import { runOnSchedule, type ScheduledRun, sleepUntil } from "../../src/Schedule/RunOnSchedule.js"

const START = Date.parse("2026-03-01T00:00:00Z")

const schedule = (expression: string, timeZone = "UTC"): CronSchedule =>
  Either.getOrThrow(parseCronSchedule(expression, timeZone, START))

interface Line {
  readonly level: string
  readonly message: string
  readonly annotations: Record<string, unknown>
  readonly cause: string
}

/** Collects log lines instead of printing them. */
const captureLogs = Effect.gen(function* () {
  const lines: Array<Line> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    lines.push({
      level: logLevel.label,
      message: String(Array.isArray(message) ? message[0] : message),
      annotations: Object.fromEntries(annotations),
      cause: cause._tag === "Empty" ? "" : String(cause)
    })
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
})

/** A job that records the (test) clock when it starts and ends, and runs `body`. */
const recordingJob = <E>(body: (run: number) => Effect.Effect<void, E> = () => Effect.void) =>
  Effect.gen(function* () {
    const starts = yield* Ref.make<ReadonlyArray<string>>([])
    const running = yield* Ref.make(0)
    const mostAtOnce = yield* Ref.make(0)
    const job = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const run = (yield* Ref.getAndUpdate(starts, (all) => [...all, new Date(now).toISOString()])).length + 1
      const atOnce = yield* Ref.updateAndGet(running, (n) => n + 1)
      yield* Ref.update(mostAtOnce, (most) => Math.max(most, atOnce))
      yield* body(run).pipe(Effect.ensuring(Ref.update(running, (n) => n - 1)))
    })
    return { job, starts, mostAtOnce }
  })

/** A clock that reads `now` and, for each sleep, calls `slept` with its length, then lets other fibers run. */
const handMovedClock = (now: () => number, slept: (ms: number) => void): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: now,
  unsafeCurrentTimeNanos: () => BigInt(now()) * 1_000_000n,
  currentTimeMillis: Effect.sync(now),
  currentTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n),
  sleep: (duration) => Effect.sync(() => slept(Duration.toMillis(duration))).pipe(Effect.zipRight(Effect.yieldNow()))
})

/**
 * A clock as a Node timer sees it: a sleep ends after the time asked for, however the wall clock moved meanwhile
 * (`TestClock` instead runs every sleep due on the way to a new time, as if time had passed gradually). The wall
 * clock moves on by each sleep, and by `jumpMs` more during the first (a machine suspended, or a clock corrected:
 * back when negative); `shift` moves it at any time. The job records when it runs; `twoRuns` tells when it has run
 * twice.
 */
const jumpingClock = (start: number, jumpMs = 0) =>
  Effect.gen(function* () {
    let now = start
    let sleeps = 0
    const clock = handMovedClock(
      () => now,
      (ms) => {
        now += ms + (++sleeps === 1 ? jumpMs : 0)
      }
    )
    const starts: Array<string> = []
    const twoRuns = yield* Deferred.make<ReadonlyArray<string>>()
    const job = (during: (run: number) => void = () => undefined) =>
      Effect.suspend(() => {
        starts.push(new Date(now).toISOString())
        during(starts.length)
        return starts.length === 2 ? Deferred.succeed(twoRuns, [...starts]) : Effect.void
      })
    const shift = (ms: number) => {
      now += ms
    }
    return { clock, job, twoRuns, shift }
  })

describe("runOnSchedule", () => {
  it.effect("runs at each tick: two ticks, two runs, at the right times, and logs the next run after each", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { lines, layer } = yield* captureLogs
      const { job, starts } = yield* recordingJob()
      const fiber = yield* Effect.fork(
        runOnSchedule(job, {
          schedule: schedule("0 2 * * *"),
          runNow: false,
          label: "audit",
          wakeEvery: "1 hour"
        }).pipe(Effect.provide(layer))
      )
      yield* TestClock.adjust(Duration.hours(1))
      expect(yield* Ref.get(starts)).toEqual([])
      yield* TestClock.adjust(Duration.hours(25))
      expect(yield* Ref.get(starts)).toEqual(["2026-03-01T02:00:00.000Z", "2026-03-02T02:00:00.000Z"])
      yield* Fiber.interrupt(fiber)

      const next = lines.filter((line) => line.message.startsWith("next audit at"))
      expect(next.map((line) => line.annotations.nextRunAt)).toEqual([
        "2026-03-01T02:00:00.000Z",
        "2026-03-02T02:00:00.000Z",
        "2026-03-03T02:00:00.000Z"
      ])
      // In UTC the local time is the same, and not said twice.
      expect(next[0]?.message).toBe("next audit at 2026-03-01T02:00:00.000Z")
      expect(lines[0]?.message).toBe("audit schedule started")
      expect(lines[0]?.annotations).toMatchObject({
        cron: "0 2 * * *",
        timeZone: "UTC",
        // Which rules the zone is read by: this Node's time-zone data, e.g. 2025c.
        timeZoneData: process.versions.tz,
        phase: "schedule"
      })
      expect(String(lines[0]?.annotations.timeZoneData)).toMatch(/^\d{4}[a-z]$/)
    })
  )

  it.effect("reads the cron expression in the given time zone", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { job, starts } = yield* recordingJob()
      const fiber = yield* Effect.fork(
        runOnSchedule(job, { schedule: schedule("0 2 * * *", "Europe/Berlin"), runNow: false, wakeEvery: "1 hour" })
      )
      yield* TestClock.adjust(Duration.hours(24))
      // 02:00 in Berlin in winter is 01:00 UTC.
      expect(yield* Ref.get(starts)).toEqual(["2026-03-01T01:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect(
    "runs once on the nights the clocks change: a missing time an hour later, a repeated one the first time",
    () =>
      Effect.gen(function* () {
        const berlin = schedule("30 2 * * *", "Europe/Berlin")
        const twoNightsFrom = (start: string) =>
          Effect.gen(function* () {
            yield* TestClock.setTime(Date.parse(start))
            const { job, starts } = yield* recordingJob()
            const fiber = yield* Effect.fork(
              runOnSchedule(job, { schedule: berlin, runNow: false, wakeEvery: "1 hour" })
            )
            yield* TestClock.adjust(Duration.days(2))
            yield* Fiber.interrupt(fiber)
            return yield* Ref.get(starts)
          })
        // 02:30 does not exist on 29 March (clocks go from 02:00 to 03:00): 03:30 CEST. Then 02:30 CEST.
        expect(yield* twoNightsFrom("2026-03-28T12:00:00Z")).toEqual([
          "2026-03-29T01:30:00.000Z",
          "2026-03-30T00:30:00.000Z"
        ])
        // 02:30 happens twice on 25 October (CEST, then CET): once, the first time. Then 02:30 CET.
        expect(yield* twoNightsFrom("2026-10-24T12:00:00Z")).toEqual([
          "2026-10-25T00:30:00.000Z",
          "2026-10-26T01:30:00.000Z"
        ])
      })
  )

  it.effect("started in the hour clocks go back, after its tick's first time, it waits for the next night", () =>
    Effect.gen(function* () {
      // 01:30 happened at 05:30 UTC (EDT); 06:10 UTC is 01:10 EST, the hour's second time. Started then, the
      // schedule ran 01:30 EDT's audit at once, and again after each run until 06:30 UTC.
      yield* TestClock.setTime(Date.parse("2026-11-01T06:10:00Z"))
      const { lines, layer } = yield* captureLogs
      const { job, starts } = yield* recordingJob(() => Effect.sleep(Duration.seconds(5)))
      const fiber = yield* Effect.fork(
        runOnSchedule(job, {
          schedule: schedule("30 1 * * *", "America/New_York"),
          runNow: false,
          label: "audit",
          wakeEvery: "1 hour"
        }).pipe(Effect.provide(layer))
      )
      yield* TestClock.adjust(Duration.hours(1))
      expect(yield* Ref.get(starts)).toEqual([])
      yield* TestClock.adjust(Duration.days(1))
      expect(yield* Ref.get(starts)).toEqual(["2026-11-02T06:30:00.000Z"])
      yield* Fiber.interrupt(fiber)
      expect(
        lines.filter((line) => line.message.startsWith("next audit at")).map((line) => line.annotations.nextRunAt)
      ).toEqual(["2026-11-02T06:30:00.000Z", "2026-11-03T06:30:00.000Z"])
    })
  )

  it.effect("a failed run is logged with its cause and the next tick runs again", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { lines, layer } = yield* captureLogs
      const { job, starts } = yield* recordingJob((run) =>
        run === 1 ? Effect.fail(new Error("Panther answered 503 after 4 attempts")) : Effect.void
      )
      const fiber = yield* Effect.fork(
        runOnSchedule(job, { schedule: schedule("*/5 * * * *"), runNow: false, label: "audit" }).pipe(
          Effect.provide(layer)
        )
      )
      yield* TestClock.adjust(Duration.minutes(10))
      expect(yield* Ref.get(starts)).toEqual(["2026-03-01T00:05:00.000Z", "2026-03-01T00:10:00.000Z"])
      const failed = lines.filter((line) => line.level === "ERROR")
      expect(failed).toHaveLength(1)
      expect(failed[0]?.message).toBe(
        "scheduled audit failed; the schedule goes on: Panther answered 503 after 4 attempts"
      )
      expect(failed[0]?.annotations).toMatchObject({ error: "Error", scheduledFor: "2026-03-01T00:05:00.000Z" })
      // Still scheduled after the failure.
      expect(lines.filter((line) => line.message.startsWith("next audit at")).at(-1)?.annotations.nextRunAt).toBe(
        "2026-03-01T00:15:00.000Z"
      )
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("a defect in a run is logged with its whole cause and does not end the schedule either", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { lines, layer } = yield* captureLogs
      const { job, starts } = yield* recordingJob((run) =>
        run === 1 ? Effect.die(new Error("a bug in the audit")) : Effect.void
      )
      const fiber = yield* Effect.fork(
        runOnSchedule(job, { schedule: schedule("* * * * *"), runNow: false }).pipe(Effect.provide(layer))
      )
      yield* TestClock.adjust(Duration.minutes(2))
      expect(yield* Ref.get(starts)).toHaveLength(2)
      const failed = lines.filter((line) => line.level === "ERROR")
      expect(failed.map((line) => line.message)).toEqual(["scheduled run failed; the schedule goes on"])
      expect(failed[0]?.cause).toContain("a bug in the audit")
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("runs never overlap: ticks that pass during a long run are skipped and logged", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { lines, layer } = yield* captureLogs
      // Every minute, but each run takes two and a half minutes.
      const { job, starts, mostAtOnce } = yield* recordingJob(() => Effect.sleep(Duration.seconds(150)))
      const fiber = yield* Effect.fork(
        runOnSchedule(job, { schedule: schedule("* * * * *"), runNow: false, label: "audit" }).pipe(
          Effect.provide(layer)
        )
      )
      yield* TestClock.adjust(Duration.minutes(8))
      expect(yield* Ref.get(mostAtOnce)).toBe(1)
      // 00:01 runs until 00:03:30 (00:02 and 00:03 skipped), 00:04 until 00:06:30, then 00:07.
      expect(yield* Ref.get(starts)).toEqual([
        "2026-03-01T00:01:00.000Z",
        "2026-03-01T00:04:00.000Z",
        "2026-03-01T00:07:00.000Z"
      ])
      const skipped = lines.filter((line) => line.level === "WARN")
      expect(skipped.map((line) => line.message)).toEqual([
        "2 scheduled audits skipped: the previous audit was still going",
        "2 scheduled audits skipped: the previous audit was still going"
      ])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("a tick at the very instant a run ends is skipped, and said to be", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { lines, layer } = yield* captureLogs
      // Every minute, each run taking exactly one: it ends on the next tick.
      const { job, starts } = yield* recordingJob(() => Effect.sleep(Duration.minutes(1)))
      const fiber = yield* Effect.fork(
        runOnSchedule(job, { schedule: schedule("* * * * *"), runNow: false, label: "audit" }).pipe(
          Effect.provide(layer)
        )
      )
      yield* TestClock.adjust(Duration.minutes(4))
      expect(yield* Ref.get(starts)).toEqual(["2026-03-01T00:01:00.000Z", "2026-03-01T00:03:00.000Z"])
      // 00:02 and 00:04, each the instant a run ended.
      expect(lines.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
        "1 scheduled audit skipped: the previous audit was still going",
        "1 scheduled audit skipped: the previous audit was still going"
      ])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("stops counting skipped ticks at 10000, saying at least", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { lines, layer } = yield* captureLogs
      // Every second, and the first run takes three hours: 10800 ticks pass.
      const { job } = yield* recordingJob((run) => (run === 1 ? Effect.sleep(Duration.hours(3)) : Effect.void))
      const fiber = yield* Effect.fork(
        runOnSchedule(job, { schedule: schedule("* * * * * *"), runNow: true, label: "audit" }).pipe(
          Effect.provide(layer)
        )
      )
      yield* TestClock.adjust(Duration.hours(3))
      expect(lines.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
        "at least 10000 scheduled audits skipped: the previous audit was still going"
      ])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("runs a tick once, even when the clock is set back during its run", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { job, starts } = yield* recordingJob((run) =>
        // The host's clock corrected by half an hour back, while the 01:00 run is going.
        run === 1 ? TestClock.setTime(Date.parse("2026-03-01T00:30:00Z")) : Effect.void
      )
      const fiber = yield* Effect.fork(
        runOnSchedule(job, { schedule: schedule("0 * * * *"), runNow: false, wakeEvery: "1 hour" })
      )
      yield* TestClock.adjust(Duration.hours(1))
      yield* TestClock.adjust(Duration.minutes(90))
      expect(yield* Ref.get(starts)).toEqual(["2026-03-01T01:00:00.000Z", "2026-03-01T02:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("ticks that passed while the machine was suspended are said to be, not blamed on a run still going", () =>
    Effect.gen(function* () {
      const { lines, layer } = yield* captureLogs
      // Suspended for an hour during the first minute's sleep: no audit was going.
      const { clock, job, twoRuns } = yield* jumpingClock(START, Duration.toMillis("1 hour"))
      const fiber = yield* Effect.fork(
        runOnSchedule(job(), { schedule: schedule("*/5 * * * *"), runNow: false, label: "audit" }).pipe(
          Effect.provide(layer),
          Effect.withClock(clock)
        )
      )
      expect(yield* Deferred.await(twoRuns)).toEqual(["2026-03-01T01:01:00.000Z", "2026-03-01T01:05:00.000Z"])
      yield* Fiber.interrupt(fiber)
      const warnings = lines.filter((line) => line.level === "WARN").map((line) => line.message)
      expect(warnings).toEqual([
        "11 more scheduled audits passed while none could run (the machine was suspended, or the clock jumped " +
          "ahead): the audit of 2026-03-01T00:05:00.000Z runs now, late, and they are not made up for"
      ])
    })
  )

  it.effect("a single tick that passed while the machine was suspended is said to have, too", () =>
    Effect.gen(function* () {
      const { lines, layer } = yield* captureLogs
      // Suspended 9 minutes in the first minute's sleep: woken at 00:10, one tick after the 00:05 it waited for.
      const { clock, job, twoRuns } = yield* jumpingClock(START, Duration.toMillis("9 minutes"))
      const fiber = yield* Effect.fork(
        runOnSchedule(job(), { schedule: schedule("*/5 * * * *"), runNow: false, label: "audit" }).pipe(
          Effect.provide(layer),
          Effect.withClock(clock)
        )
      )
      expect(yield* Deferred.await(twoRuns)).toEqual(["2026-03-01T00:10:00.000Z", "2026-03-01T00:15:00.000Z"])
      yield* Fiber.interrupt(fiber)
      expect(lines.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
        "1 more scheduled audit passed while none could run (the machine was suspended, or the clock jumped " +
          "ahead): the audit of 2026-03-01T00:05:00.000Z runs now, late, and it is not made up for"
      ])
    })
  )

  it.effect("a clock set back by just under three hours after a run is not followed: no tick runs twice", () =>
    Effect.gen(function* () {
      const { lines, layer } = yield* captureLogs
      const { clock, job, twoRuns, shift } = yield* jumpingClock(START)
      // Corrected during the 01:00 run by 2 hours and 59 minutes: within the limit, so 02:00 runs next, not 23:00.
      const corrected = job((run) => (run === 1 ? shift(-Duration.toMillis("3 hours") + 60_000) : undefined))
      const fiber = yield* Effect.fork(
        runOnSchedule(corrected, { schedule: schedule("0 * * * *"), runNow: false, label: "audit" }).pipe(
          Effect.provide(layer),
          Effect.withClock(clock)
        )
      )
      expect(yield* Deferred.await(twoRuns)).toEqual(["2026-03-01T01:00:00.000Z", "2026-03-01T02:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
      expect(lines.filter((line) => line.level === "WARN")).toEqual([])
    })
  )

  it.effect("a clock set back by hours after a run (it was ahead) is followed, not waited out", () =>
    Effect.gen(function* () {
      const { lines, layer } = yield* captureLogs
      const { clock, job, twoRuns, shift } = yield* jumpingClock(START)
      // The host's clock was two days ahead, and is corrected during the 01:00 run.
      const corrected = job((run) => (run === 1 ? shift(-Duration.toMillis("2 days") + 30_000) : undefined))
      const fiber = yield* Effect.fork(
        runOnSchedule(corrected, { schedule: schedule("0 * * * *"), runNow: false, label: "audit" }).pipe(
          Effect.provide(layer),
          Effect.withClock(clock)
        )
      )
      expect(yield* Deferred.await(twoRuns)).toEqual(["2026-03-01T01:00:00.000Z", "2026-02-27T02:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
      expect(lines.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
        "the clock went back by 1d 23h 59m 30s, to before the scheduled audits already dealt with: the schedule " +
          "goes on from 2026-02-27T01:00:30.000Z"
      ])
    })
  )

  it.effect("a clock set back by just over three hours after a run is followed, as one set back by days is", () =>
    Effect.gen(function* () {
      const { lines, layer } = yield* captureLogs
      const { clock, job, twoRuns, shift } = yield* jumpingClock(START)
      // Corrected during the 01:00 run by 3 hours and 1 minute: past the limit, so 22:00 the day before runs next.
      const corrected = job((run) => (run === 1 ? shift(-Duration.toMillis("3 hours") - 60_000) : undefined))
      const fiber = yield* Effect.fork(
        runOnSchedule(corrected, { schedule: schedule("0 * * * *"), runNow: false, label: "audit" }).pipe(
          Effect.provide(layer),
          Effect.withClock(clock)
        )
      )
      expect(yield* Deferred.await(twoRuns)).toEqual(["2026-03-01T01:00:00.000Z", "2026-02-28T22:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
      expect(lines.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
        "the clock went back by 3h 1m, to before the scheduled audits already dealt with: the schedule goes on " +
          "from 2026-02-28T21:59:00.000Z"
      ])
    })
  )

  it.effect("a clock set back by hours while waiting (it was ahead at start-up) is followed, not waited out", () =>
    Effect.gen(function* () {
      // Started while the clock was a day ahead; corrected during the first minute's sleep.
      const { clock, job, twoRuns } = yield* jumpingClock(
        Date.parse("2026-03-02T00:00:00Z"),
        -Duration.toMillis("1 day")
      )
      const fiber = yield* Effect.fork(
        runOnSchedule(job(), { schedule: schedule("0 2 * * *"), runNow: false }).pipe(Effect.withClock(clock))
      )
      expect(yield* Deferred.await(twoRuns)).toEqual(["2026-03-01T02:00:00.000Z", "2026-03-02T02:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("a clock set back by under three hours before any scheduled run is followed: no tick is lost", () =>
    Effect.gen(function* () {
      // Started at 02:30 by a clock an hour ahead (01:30 in truth), corrected during the first minute's sleep: the
      // 02:00 run has not happened, and is due in half an hour, not tomorrow.
      const { clock, job, twoRuns } = yield* jumpingClock(
        Date.parse("2026-03-01T02:30:00Z"),
        -Duration.toMillis("1 hour")
      )
      const { lines, layer } = yield* captureLogs
      const fiber = yield* Effect.fork(
        runOnSchedule(job(), { schedule: schedule("0 2 * * *"), runNow: false }).pipe(
          Effect.withClock(clock),
          Effect.provide(layer)
        )
      )
      expect(yield* Deferred.await(twoRuns)).toEqual(["2026-03-01T02:00:00.000Z", "2026-03-02T02:00:00.000Z"])
      expect(lines.map((line) => line.message)).toContain(
        "the clock went back by 59m, to before this schedule started: the schedule goes on from 2026-03-01T01:31:00.000Z"
      )
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("logs the next run in the schedule's time zone as well as in UTC", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const { lines, layer } = yield* captureLogs
      const { job } = yield* recordingJob()
      const fiber = yield* Effect.fork(
        runOnSchedule(job, {
          schedule: schedule("0 2 * * *", "Europe/Berlin"),
          runNow: false,
          label: "audit"
        }).pipe(Effect.provide(layer))
      )
      yield* TestClock.adjust(Duration.millis(1))
      const [next] = lines.filter((line) => line.message.startsWith("next audit at"))
      expect(next?.annotations).toMatchObject({
        nextRunAt: "2026-03-01T01:00:00.000Z",
        nextRunLocal: "2026-03-01T02:00:00.000+01:00[Europe/Berlin]"
      })
      expect(next?.message).toBe(
        "next audit at 2026-03-01T01:00:00.000Z (2026-03-01T02:00:00.000+01:00[Europe/Berlin])"
      )
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("warns at start of a first tick more than 31 days away, once, and not of a monthly one", () =>
    Effect.gen(function* () {
      const firstWarnings = (expression: string, at: number) =>
        Effect.gen(function* () {
          yield* TestClock.setTime(at)
          const { lines, layer } = yield* captureLogs
          const fiber = yield* Effect.fork(
            runOnSchedule(Effect.void, { schedule: schedule(expression), runNow: false, label: "audit" }).pipe(
              Effect.provide(layer)
            )
          )
          yield* TestClock.adjust(Duration.millis(1))
          yield* Fiber.interrupt(fiber)
          return lines.filter((line) => line.level === "WARN")
        })
      // A leap day: from 1 March 2026 the next is 29 February 2028.
      const [leapDay, ...more] = yield* firstWarnings("0 2 29 2 *", START)
      expect(more).toEqual([])
      expect(leapDay?.message).toBe(
        "the first scheduled audit is 730 days away, at 2028-02-29T02:00:00.000Z: the cron expression " +
          '"0 2 29 2 *" fires that seldom; if a nightly, weekly or monthly audit was meant, correct it'
      )
      expect(leapDay?.annotations).toMatchObject({ firstRunAt: "2028-02-29T02:00:00.000Z" })
      // Monthly, started at the instant of a tick: the next is 31 days away, the longest a month has.
      expect(yield* firstWarnings("@monthly", START)).toEqual([])
      // Just over 31 days: warned of.
      expect(yield* firstWarnings("0 0 1 4 *", START - 1)).toHaveLength(1)
    })
  )

  it.effect("--run-now runs once at start, then on schedule", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START + 30_000)
      const { lines, layer } = yield* captureLogs
      const { job, starts } = yield* recordingJob()
      const fiber = yield* Effect.fork(
        runOnSchedule(job, { schedule: schedule("0 * * * *"), runNow: true }).pipe(Effect.provide(layer))
      )
      yield* TestClock.adjust(Duration.millis(1))
      expect(yield* Ref.get(starts)).toEqual(["2026-03-01T00:00:30.000Z"])
      // The start-up line says so, for a reader wondering why an audit ran off schedule.
      expect(lines[0]?.annotations).toMatchObject({ runNow: true })
      yield* TestClock.adjust(Duration.hours(1))
      expect(yield* Ref.get(starts)).toEqual(["2026-03-01T00:00:30.000Z", "2026-03-01T01:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("a missed tick is made up for once at start, late, with a warning, and each run is told which it is", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START + 30_000)
      const { lines, layer } = yield* captureLogs
      const runs: Array<ScheduledRun> = []
      const job = (run: ScheduledRun) => Effect.sync(() => runs.push(run)).pipe(Effect.zipRight(Effect.logInfo("ran")))
      const missed = Date.parse("2026-02-28T23:00:00Z")
      const fiber = yield* Effect.fork(
        runOnSchedule(job, {
          schedule: schedule("0 * * * *"),
          runNow: false,
          catchUp: { tick: missed, why: "no report since" },
          label: "audit"
        }).pipe(Effect.provide(layer))
      )
      yield* TestClock.adjust(Duration.millis(1))
      expect(runs).toEqual([{ scheduledFor: "2026-02-28T23:00:00.000Z", catchUp: true }])
      yield* TestClock.adjust(Duration.hours(1))
      expect(runs).toEqual([
        { scheduledFor: "2026-02-28T23:00:00.000Z", catchUp: true },
        { scheduledFor: "2026-03-01T01:00:00.000Z", catchUp: false }
      ])
      yield* Fiber.interrupt(fiber)
      const warning = lines.find((line) => line.level === "WARN")
      expect(warning?.message).toBe(
        "the audit of 2026-02-28T23:00:00.000Z has not run: no report since; it runs now, late"
      )
      expect(warning?.annotations).toMatchObject({ missed: "2026-02-28T23:00:00.000Z" })
      // The run's own lines say which it is, as the README tells a reader of the logs to look for.
      const ran = lines.filter((line) => line.message === "ran").map((line) => line.annotations)
      expect(ran).toEqual([
        expect.objectContaining({ scheduledFor: "2026-02-28T23:00:00.000Z", catchUp: true }),
        expect.not.objectContaining({ catchUp: expect.anything() })
      ])
      expect(ran[1]).toMatchObject({ scheduledFor: "2026-03-01T01:00:00.000Z" })
    })
  )

  it.effect("--run-now runs at start in place of a catch-up, not besides it", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START + 30_000)
      const runs: Array<ScheduledRun> = []
      const job = (run: ScheduledRun) => Effect.sync(() => runs.push(run))
      const catchUp = { tick: Date.parse("2026-02-28T23:00:00Z"), why: "no report since" }
      const fiber = yield* Effect.fork(runOnSchedule(job, { schedule: schedule("0 * * * *"), runNow: true, catchUp }))
      yield* TestClock.adjust(Duration.millis(1))
      expect(runs).toEqual([{ scheduledFor: "start-up", catchUp: false }])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("interrupting the schedule interrupts the run in progress", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const released = yield* Ref.make(false)
      const job = Effect.acquireRelease(Effect.void, () => Ref.set(released, true)).pipe(
        Effect.zipRight(Effect.never),
        Effect.scoped
      )
      const fiber = yield* Effect.fork(runOnSchedule(job, { schedule: schedule("* * * * *"), runNow: true }))
      yield* TestClock.adjust(Duration.millis(1))
      expect(yield* Ref.get(released)).toBe(false)
      yield* Fiber.interrupt(fiber)
      expect(yield* Ref.get(released)).toBe(true)
    })
  )

  it.effect("waits longer than a Node timer can (24.8 days) without hanging", () =>
    Effect.gen(function* () {
      // From the 1st of February at 00:00:01, the next monthly tick is 28 days minus a second away. A Node timer
      // waits 2^31 - 1 ms at most, and Effect's clock never ends a longer sleep; TestClock ends any, so each sleep
      // asked for is checked against that bound rather than waited out.
      const { clock, job, twoRuns } = yield* jumpingClock(Date.parse("2026-02-01T00:00:01Z"))
      let longestSleep = 0
      const recordingLongest: Clock.Clock = {
        ...clock,
        sleep: (duration) => {
          longestSleep = Math.max(longestSleep, Duration.toMillis(duration))
          return clock.sleep(duration)
        }
      }
      const fiber = yield* Effect.fork(
        runOnSchedule(job(), { schedule: schedule("@monthly"), runNow: false }).pipe(Effect.withClock(recordingLongest))
      )
      expect(yield* Deferred.await(twoRuns)).toEqual(["2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
      expect(longestSleep).toBeGreaterThan(0)
      expect(longestSleep).toBeLessThanOrEqual(2 ** 31 - 1)
    })
  )

  it.effect("sleepUntil sleeps a minute at a time unless told otherwise", () =>
    Effect.gen(function* () {
      // A clock that records each sleep asked of it and moves on by that much at once.
      let now = START
      const slept: Array<number> = []
      const recording = handMovedClock(
        () => now,
        (ms) => {
          slept.push(ms)
          now += ms
        }
      )
      yield* sleepUntil(START + Duration.toMillis("150 seconds")).pipe(Effect.withClock(recording))
      expect(slept).toEqual([60_000, 60_000, 30_000])
    })
  )

  it.effect("sleepUntil reads the clock again after each slice", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(START)
      const fiber = yield* Effect.fork(sleepUntil(START + Duration.toMillis("90 minutes"), "1 hour"))
      yield* TestClock.adjust(Duration.minutes(89))
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust(Duration.minutes(1))
      yield* Fiber.join(fiber)
    })
  )
})

describe("parseCronSchedule", () => {
  const message = (expression: string, timeZone = "UTC") =>
    Either.match(parseCronSchedule(expression, timeZone, START), {
      onLeft: (error) => error.message,
      onRight: () => "valid"
    })

  it("accepts 5 fields, 6 with seconds, and the @ shorthands", () => {
    expect(message("0 2 * * *")).toBe("valid")
    expect(message("* * * * * *")).toBe("valid")
    expect(message("0 2 * * 1-5", "Europe/Berlin")).toBe("valid")
    expect(message("@daily")).toBe("valid")
    expect(message("0 0 29 2 *")).toBe("valid")
  })

  it("takes a shorthand in any case and with space around it, and a time zone with space around it", () => {
    for (const expression of ["@DAILY", " @daily ", "@Hourly"]) expect(message(expression), expression).toBe("valid")
    const parsed = Either.getOrThrow(parseCronSchedule("0 2 * * *", " Europe/Berlin ", START))
    expect(parsed.timeZone).toBe("Europe/Berlin")
  })

  it("reads the @ shorthands as Vixie cron does", () => {
    // START, 1 March 2026, is a Sunday at midnight; each is the first tick after it.
    const next = (expression: string) =>
      Cron.next(Either.getOrThrow(parseCronSchedule(expression, "UTC", START)).cron, START).toISOString()
    expect(next("@yearly")).toBe("2027-01-01T00:00:00.000Z")
    expect(next("@annually")).toBe("2027-01-01T00:00:00.000Z")
    expect(next("@monthly")).toBe("2026-04-01T00:00:00.000Z")
    expect(next("@weekly")).toBe("2026-03-08T00:00:00.000Z")
    expect(next("@daily")).toBe("2026-03-02T00:00:00.000Z")
    expect(next("@midnight")).toBe("2026-03-02T00:00:00.000Z")
    expect(next("@hourly")).toBe("2026-03-01T01:00:00.000Z")
  })

  it("takes a zone written as TZ may write it, after a colon, and says a file's path there is not read", () => {
    for (const zone of [":Europe/Berlin", " :Europe/Berlin ", ":europe/berlin"]) {
      const parsed = Either.getOrThrow(parseCronSchedule("0 2 * * *", zone, START))
      expect(parsed.timeZone, zone).toBe("Europe/Berlin")
    }
    expect(Either.getOrThrow(parseCronSchedule("0 2 * * *", ":UTC", START)).timeZone).toBe("UTC")
    expect(message("0 2 * * *", ":/etc/localtime")).toBe(
      '--tz / AUDIT_TZ ":/etc/localtime" is not a time zone: give an IANA name such as UTC, Europe/Berlin or ' +
        "America/New_York. A file's path, as TZ may give one after its colon, is not read here."
    )
    expect(message("0 2 * * *", "::Europe/Berlin")).toMatch(/is not a time zone: give an IANA name/)
    expect(message("0 2 * * *", ":+02:00")).toContain("A fixed offset does not follow daylight saving time.")
    expect(message("0 2 * * *", ":Etc/GMT+2")).toContain("is a fixed offset from UTC (UTC-02:00 all year)")
  })

  it("spells the time zone as Intl does", () => {
    const parsed = Either.getOrThrow(parseCronSchedule("0 2 * * *", "utc", START))
    expect(parsed.timeZone).toBe("UTC")
  })

  it("rejects a bad expression, saying what is wrong and what is expected", () => {
    expect(message("0 2 * *")).toMatch(
      /--cron \/ AUDIT_SCHEDULE "0 2 \* \*" is not a cron expression: Invalid number of segments/
    )
    expect(message("0 2 * *")).toContain("Expected 5 fields")
    expect(message("61 2 * * *")).toContain('between 0 and 59 (at "61")')
    expect(message("*/0 * * * *")).toContain("step value")
    expect(message("every night")).toContain("is not a cron expression")
    expect(message("")).toContain("is not a cron expression")
  })

  it("rejects an expression that never fires", () => {
    expect(message("0 0 30 2 *")).toBe('--cron / AUDIT_SCHEDULE "0 0 30 2 *" never fires: no date matches it.')
  })

  it("rejects a time zone that is not an IANA name", () => {
    for (const zone of ["Mars/Olympus", "CEST+1", "", "+02:00"]) {
      expect(message("0 2 * * *", zone)).toMatch(/^--tz \/ AUDIT_TZ ".*" is not a time zone: give an IANA name/)
    }
  })

  it("rejects a fixed offset, which Node 22 takes for a time zone, saying it ignores daylight saving time", () => {
    for (const zone of ["+02:00", "+0200", "+02", "-05:00", "\u221202:00", " +01:00 "]) {
      expect(message("0 2 * * *", zone)).toBe(
        `--tz / AUDIT_TZ "${zone}" is not a time zone: give an IANA name such as UTC, Europe/Berlin or ` +
          "America/New_York. A fixed offset does not follow daylight saving time."
      )
    }
  })

  it("rejects a fixed offset under a zone's name for the same reason, with the place's name to give instead", () => {
    // Node 20 with tzdata 2024b or later reads EST, MST and HST as America/Panama, America/Phoenix and
    // Pacific/Honolulu; older ones as zones of their own; either way one offset all year.
    for (const [zone, offset, hint] of [
      ["Etc/GMT+2", "UTC-02:00", "Europe/Berlin"],
      ["etc/gmt-14", "UTC+14:00", "Europe/Berlin"],
      ["EST", "UTC-05:00", "America/New_York"],
      [" mst ", "UTC-07:00", "America/Denver"],
      ["HST", "UTC-10:00", "Pacific/Honolulu"],
      ["SystemV/CST6", "UTC-06:00", "Europe/Berlin"]
    ] as const) {
      const said = message("0 2 * * *", zone)
      expect(said, zone).toContain(`--tz / AUDIT_TZ "${zone}" is a fixed offset from UTC (${offset} all year)`)
      expect(said, zone).toContain("does not follow daylight saving time")
      expect(said, zone).toContain(hint)
    }
    expect(message("0 2 * * *", "Etc/GMT+2")).toContain("the sign of Etc/GMT+N is reversed")
  })

  it("takes the names that follow daylight saving time, the names of UTC, and places that keep one offset", () => {
    for (const zone of ["EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "SystemV/CST6CDT", "CET", "US/Eastern"]) {
      expect(message("0 2 * * *", zone), zone).toBe("valid")
    }
    for (const zone of ["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/GMT+0", "Etc/GMT-0", "Zulu", "Universal"]) {
      expect(message("0 2 * * *", zone), zone).toBe("valid")
    }
    for (const zone of ["Asia/Tokyo", "America/Phoenix", "America/Panama", "Pacific/Honolulu"]) {
      expect(message("0 2 * * *", zone), zone).toBe("valid")
    }
  })
})
