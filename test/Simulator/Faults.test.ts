import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel } from "effect"
import { type RunningSimulator, type SimulatorOptions, serveSimulator } from "../../src/Simulator/Server.js"
import { call, messageOf, type Reply } from "./SimulatorHttp.js"

/** A simulator for the length of one scoped test, with request logs kept quiet. */
const simulator = (options: SimulatorOptions) =>
  serveSimulator({ users: 5, ...options }).pipe(Logger.withMinimumLogLevel(LogLevel.Warning))

const get = (sim: RunningSimulator, path = "/users?limit=1", key?: string | null) =>
  Effect.promise(() => call(sim, "GET", path, key === undefined ? {} : { key }))

const statuses = (replies: ReadonlyArray<Reply>) => replies.map((reply) => reply.status)

describe("faults", () => {
  it.scopedLive("are off by default", () =>
    Effect.gen(function* () {
      const sim = yield* simulator({})
      const replies = yield* Effect.forEach(Array.from({ length: 20 }), () => get(sim))
      expect(new Set(statuses(replies))).toEqual(new Set([200]))
    })
  )

  it.scopedLive("--latency-ms delays every response", () =>
    Effect.gen(function* () {
      const sim = yield* simulator({ faults: { latencyMs: 150 } })
      const started = performance.now()
      const reply = yield* get(sim)
      expect(reply.status).toBe(200)
      expect(performance.now() - started).toBeGreaterThanOrEqual(145)
    })
  )

  it.scopedLive("--fail-requests fails exactly those request numbers, before authentication, with --fail-status", () =>
    Effect.gen(function* () {
      const sim = yield* simulator({ faults: { failRequests: [2, 4] } })
      const replies = yield* Effect.forEach([1, 2, 3, 4, 5], () => get(sim))
      expect(statuses(replies)).toEqual([200, 503, 200, 503, 200])
      expect(messageOf(replies[1] as Reply)).toContain("request 2")

      const other = yield* simulator({ faults: { failRequests: [1], failStatus: 500 } })
      expect((yield* get(other, "/users", null)).status).toBe(500)
      expect((yield* get(other, "/users", null)).status).toBe(401)
    })
  )

  it.scopedLive("--rate-limit answers 429 with Retry-After beyond the limit, and serves again after waiting", () =>
    Effect.gen(function* () {
      const sim = yield* simulator({ faults: { rateLimit: 3 } })
      // Start at the beginning of a wall-clock second, so the burst normally falls in one one-second window; even if
      // a slow machine spreads it over two, no more than 2 x 3 get through.
      yield* Effect.sleep(1000 - (Date.now() % 1000) + 5)
      const replies = yield* Effect.forEach(Array.from({ length: 10 }), () => get(sim), { concurrency: "unbounded" })
      const limited = replies.filter((reply) => reply.status === 429)
      const served = replies.filter((reply) => reply.status === 200)
      expect(served.length).toBeGreaterThanOrEqual(3)
      expect(served.length).toBeLessThanOrEqual(6)
      expect(limited).toHaveLength(10 - served.length)
      for (const reply of limited) {
        expect(reply.headers.get("retry-after")).toBe("1")
        expect(messageOf(reply)).toContain("rate limit")
      }
      yield* Effect.sleep(Number(limited[0]?.headers.get("retry-after")) * 1000)
      expect((yield* get(sim)).status).toBe(200)
    })
  )

  it.scopedLive("--error-rate fails a seeded, repeatable share of requests with 5xx", () =>
    Effect.gen(function* () {
      const run = (errorSeed: number) =>
        Effect.gen(function* () {
          const sim = yield* simulator({ faults: { errorRate: 0.3, errorSeed } })
          return statuses(yield* Effect.forEach(Array.from({ length: 60 }), () => get(sim)))
        })
      const first = yield* run(42)
      const again = yield* run(42)
      const other = yield* run(43)
      expect(again).toEqual(first)
      expect(other).not.toEqual(first)
      const failed = first.filter((status) => status !== 200)
      expect(failed.length).toBeGreaterThan(5)
      expect(failed.length).toBeLessThan(35)
      for (const status of failed) expect([500, 502, 503, 504]).toContain(status)
      // Not one status over and over: a client must meet each 5xx a gateway may send.
      expect(new Set(failed).size).toBeGreaterThan(2)
    })
  )
})
