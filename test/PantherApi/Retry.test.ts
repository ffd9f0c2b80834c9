import { describe, expect, it } from "@effect/vitest"
import { Chunk, Clock, Duration, Effect, Fiber, Option, Ref, TestClock, TestServices } from "effect"
import { NotFound } from "../../src/PantherApi/ClientErrors.js"
import { defaultRetryPolicy, type RetryPolicy } from "../../src/PantherApi/Connection.js"
import { backoffDelay, parseRetryAfter, TransientFailure, withRetries } from "../../src/PantherApi/Retry.js"
import { runCli } from "../support/cli.js"
import { json, scriptedServer, startScriptedServer } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

const transient = (status: number, retryAfter: Option.Option<Duration.Duration> = Option.none()) =>
  new TransientFailure({
    method: "GET",
    path: "/users",
    status: Option.some(status),
    reason: `HTTP ${status}`,
    retryAfter,
    detail: undefined,
    mayHaveTakenEffect: status !== 429 && status !== 503
  })

/** An operation that fails with `failures` in turn, then succeeds; it records the (test) clock at each attempt. */
const scripted = (failures: ReadonlyArray<TransientFailure | NotFound>) =>
  Effect.gen(function* () {
    const attempts = yield* Ref.make<Array<number>>([])
    const operation = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const done = yield* Ref.modify(attempts, (times) => [times.length, [...times, now]])
      const failure = failures[done]
      return failure === undefined ? "ok" : yield* Effect.fail(failure)
    })
    return { attempts, operation }
  })

const policy: RetryPolicy = {
  maxAttempts: 6,
  maxElapsed: Duration.seconds(300),
  baseDelay: Duration.seconds(1),
  maxDelay: Duration.seconds(8),
  maxRetryAfter: Duration.seconds(60)
}

/** Moves the test clock forward a second at a time until the fiber is done. */
const driveToEnd = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) =>
  Effect.gen(function* () {
    for (let second = 0; second < 600; second++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) break
      yield* TestClock.adjust(Duration.seconds(1))
    }
    return yield* Fiber.join(fiber)
  })

describe("Retry-After", () => {
  it("reads delta-seconds and HTTP dates, and ignores anything else", () => {
    const now = Date.parse("2025-06-01T12:00:00Z")
    expect(parseRetryAfter("5", now)).toEqual(Option.some(Duration.seconds(5)))
    expect(parseRetryAfter(" 120 ", now)).toEqual(Option.some(Duration.seconds(120)))
    expect(parseRetryAfter("Sun, 01 Jun 2025 12:00:30 GMT", now)).toEqual(Option.some(Duration.millis(30_000)))
    // A date already past is ignored, so the retry backs off as usual rather than going out at once, every time.
    expect(parseRetryAfter("Sun, 01 Jun 2025 11:00:00 GMT", now)).toEqual(Option.none())
    expect(parseRetryAfter("0", now)).toEqual(Option.some(Duration.zero))
    expect(parseRetryAfter("soon", now)).toEqual(Option.none())
    expect(parseRetryAfter("-3", now)).toEqual(Option.none())
    // Delta-seconds are whole digits and nothing else: a fraction or a unit is not read as some other wait.
    expect(parseRetryAfter("1.5", now)).toEqual(Option.none())
    expect(parseRetryAfter("30s", now)).toEqual(Option.none())
    // Nor is a date in another form than an HTTP date's, however far ahead.
    expect(parseRetryAfter("2099-01-01T00:00:00Z", now)).toEqual(Option.none())
    expect(parseRetryAfter(undefined, now)).toEqual(Option.none())
  })

  it("reads a date that names no zone, in the other forms too, as GMT whatever the machine's time zone", () => {
    const now = Date.parse("2025-06-01T12:00:00Z")
    const zone = process.env.TZ
    // Node reads TZ again when it is set: four hours behind GMT on that day.
    process.env.TZ = "America/New_York"
    try {
      expect(new Date(now).getHours()).toBe(8)
      expect(parseRetryAfter("Sun, 01 Jun 2025 12:00:30", now)).toEqual(Option.some(Duration.millis(30_000)))
      expect(parseRetryAfter("Sunday, 01-Jun-25 12:00:30", now)).toEqual(Option.some(Duration.millis(30_000)))
      // A zone given is kept.
      expect(parseRetryAfter("Sun, 01 Jun 2025 08:00:30 -0400", now)).toEqual(Option.some(Duration.millis(30_000)))
      expect(parseRetryAfter("Sun, 01 Jun 2025 12:00:30 UTC", now)).toEqual(Option.some(Duration.millis(30_000)))
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
  })

  it("reads a date in asctime's form, which names no zone, as GMT whatever the machine's time zone", async () => {
    const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    const two = (n: number) => String(n).padStart(2, "0")
    // `Sun Nov  6 08:49:37 1994`, in GMT as every HTTP date is.
    const asctime = (at: Date) =>
      `${weekdays[at.getUTCDay()]} ${months[at.getUTCMonth()]} ${String(at.getUTCDate()).padStart(2, " ")} ` +
      `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} ${at.getUTCFullYear()}`
    const server = await startScriptedServer([
      (_request, response) => {
        response.writeHead(429, {
          "content-type": "application/json",
          "retry-after": asctime(new Date(Date.now() + 3_000))
        })
        response.end(JSON.stringify({ message: "slow down" }))
      },
      json(200, { results: [rawUser("u1")] })
    ])
    try {
      // Five hours behind GMT: read as local time, the date was five hours ahead, past any retry budget.
      const result = await runCli(["users", "list", "--format", "ndjson", "--retry-budget-seconds", "20"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token", TZ: "America/New_York" }
      })
      expect(result.stderr).not.toContain("Panther asked to wait")
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('"id":"u1"')
      const [first, second] = server.requests
      // The date's whole seconds: two to three seconds after the first request, not a backoff's half second.
      expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThan(1_500)
    } finally {
      await server.close()
    }
  })
})

describe("backoff", () => {
  it("doubles from the base delay, with jitter between half and the whole step, up to the cap", () => {
    const at = (retry: number, random: number) => Duration.toMillis(backoffDelay(policy, retry, random))
    expect([1, 2, 3, 4, 5, 6].map((retry) => at(retry, 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000])
    expect([1, 2, 3, 4].map((retry) => at(retry, 0))).toEqual([500, 1000, 2000, 4000])
    expect(at(3, 0.5)).toBe(3000)
  })
})

describe("withRetries (TestClock)", () => {
  it.effect("waits exactly what Retry-After asks before the next attempt", () =>
    Effect.gen(function* () {
      const { attempts, operation } = yield* scripted([transient(429, Option.some(Duration.seconds(5)))])
      const fiber = yield* Effect.fork(withRetries(policy, Effect.void)(operation))
      yield* TestClock.adjust(Duration.millis(4_999))
      expect(yield* Ref.get(attempts)).toEqual([0])
      yield* TestClock.adjust(Duration.millis(1))
      expect(yield* Fiber.join(fiber)).toBe("ok")
      expect(yield* Ref.get(attempts)).toEqual([0, 5_000])
    })
  )

  it.effect("caps a Retry-After that asks too much", () =>
    Effect.gen(function* () {
      const { attempts, operation } = yield* scripted([transient(503, Option.some(Duration.hours(2)))])
      const fiber = yield* Effect.fork(withRetries(policy, Effect.void)(operation))
      expect(yield* driveToEnd(fiber)).toBe("ok")
      expect(yield* Ref.get(attempts)).toEqual([0, 60_000])
    })
  )

  it.effect("backs off exponentially, within the jitter bounds, and caps the step", () =>
    Effect.gen(function* () {
      const { attempts, operation } = yield* scripted([
        transient(503),
        transient(502),
        transient(500),
        transient(504),
        transient(503)
      ])
      const fiber = yield* Effect.fork(withRetries(policy, Effect.void)(operation))
      expect(yield* driveToEnd(fiber)).toBe("ok")
      const times = yield* Ref.get(attempts)
      const waits = times.slice(1).map((time, index) => time - (times[index] ?? 0))
      // Steps of 1, 2, 4, 8 and (capped) 8 seconds; each wait is between half the step and the step, rounded up to
      // the next whole second by the one-second clock adjustments.
      const steps = [1, 2, 4, 8, 8]
      waits.forEach((wait, index) => {
        const step = (steps[index] ?? 0) * 1000
        expect(wait).toBeGreaterThanOrEqual(step / 2)
        expect(wait).toBeLessThanOrEqual(step + 1000)
      })
      expect(waits).toHaveLength(5)
    })
  )

  it.effect("stops after the allowed attempts and turns the last failure into the final error", () =>
    Effect.gen(function* () {
      const { attempts, operation } = yield* scripted(Array.from({ length: 10 }, () => transient(429)))
      const retries = yield* Ref.make(0)
      const fiber = yield* Effect.fork(
        Effect.flip(
          withRetries(
            { ...policy, maxAttempts: 3 },
            Ref.update(retries, (n) => n + 1)
          )(operation)
        )
      )
      const error = yield* driveToEnd(fiber)
      expect(error._tag).toBe("RateLimited")
      expect(error.message).toContain("after 3 attempts")
      expect(yield* Ref.get(attempts)).toHaveLength(3)
      expect(yield* Ref.get(retries)).toBe(2)
    })
  )

  it.effect("never starts a wait that would end past the time budget", () =>
    Effect.gen(function* () {
      const { attempts, operation } = yield* scripted(
        Array.from({ length: 10 }, () => transient(503, Option.some(Duration.seconds(40))))
      )
      const fiber = yield* Effect.fork(
        Effect.flip(withRetries({ ...policy, maxElapsed: Duration.seconds(100) }, Effect.void)(operation))
      )
      const error = yield* driveToEnd(fiber)
      expect(error._tag).toBe("ServerError")
      // 0 s, 40 s, 80 s; a third wait would end at 120 s, past the 100 s budget.
      expect(yield* Ref.get(attempts)).toEqual([0, 40_000, 80_000])
    })
  )

  it.effect("does not repeat a change that may already have been made", () =>
    Effect.gen(function* () {
      const post = (status: number) => new TransientFailure({ ...transient(status), method: "POST" })
      const once = { repeatable: false }
      const turnedAway = yield* scripted([post(503), post(429)])
      const fiber = yield* Effect.fork(withRetries(policy, Effect.void, once)(turnedAway.operation))
      expect(yield* driveToEnd(fiber)).toBe("ok")
      expect(yield* Ref.get(turnedAway.attempts)).toHaveLength(3)

      const maybeDone = yield* scripted([post(502)])
      const error = yield* Effect.flip(withRetries(policy, Effect.void, once)(maybeDone.operation))
      expect(error._tag).toBe("ServerError")
      expect(error.message).toContain("not retried, because the change may already have been made")
      expect(yield* Ref.get(maybeDone.attempts)).toHaveLength(1)

      // An update replaces the whole user, so sending it twice is harmless: it is retried.
      const update = yield* scripted([post(502)])
      const updated = yield* Effect.fork(withRetries(policy, Effect.void, { repeatable: true })(update.operation))
      expect(yield* driveToEnd(updated)).toBe("ok")
      expect(yield* Ref.get(update.attempts)).toHaveLength(2)
    })
  )

  it.effect("does not retry a failure that is not transient", () =>
    Effect.gen(function* () {
      const { attempts, operation } = yield* scripted([new NotFound({ method: "GET", path: "/users/x" })])
      const error = yield* Effect.flip(withRetries(policy, Effect.void)(operation))
      expect(error._tag).toBe("NotFound")
      expect(yield* Ref.get(attempts)).toHaveLength(1)
    })
  )

  it.effect("the default policy is bounded in attempts and in time", () =>
    Effect.sync(() => {
      expect(defaultRetryPolicy.maxAttempts).toBe(5)
      expect(Duration.toSeconds(defaultRetryPolicy.maxElapsed)).toBe(120)
    })
  )
})

describe("Retry-After over HTTP (TestClock, real loopback server)", () => {
  it.scoped("a 429 with Retry-After: 5 is asked again 5 s later, not before", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(429, { message: "slow down" }, { "retry-after": "5" }),
        json(200, rawUser("u1"))
      ])
      const fiber = yield* Effect.fork(
        runWithClient(server.url, (client) => client.getUser("u1"), {
          retry: { ...policy, maxRetryAfter: Duration.seconds(60) }
        })
      )
      // Real time passes for the socket; the retry's wait is on the test clock.
      const waitFor = (ready: () => Effect.Effect<boolean>) =>
        Effect.gen(function* () {
          for (let tries = 0; tries < 500; tries++) {
            if (yield* ready()) return
            yield* TestServices.provideLive(Effect.sleep(Duration.millis(5)))
          }
          throw new Error("timed out waiting in real time")
        })
      yield* waitFor(() =>
        Effect.map(TestClock.sleeps(), (sleeps) => Chunk.some(sleeps, (deadline) => deadline === 5_000))
      )
      yield* TestClock.adjust(Duration.millis(4_999))
      yield* TestServices.provideLive(Effect.sleep(Duration.millis(50)))
      expect(server.requests).toHaveLength(1)
      yield* TestClock.adjust(Duration.millis(1))
      const user = yield* Fiber.join(fiber)
      expect(user.id).toBe("u1")
      expect(server.requests).toHaveLength(2)
    })
  )
})
