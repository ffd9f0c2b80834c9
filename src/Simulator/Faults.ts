/**
 * Faults on demand, all off by default: added latency, a rate limit answering 429 with `Retry-After`, a seeded
 * random rate of 5xx answers, and a deterministic form for tests ("requests 3 and 7 get a 503"). They sit in front
 * of everything else, as a load balancer or gateway would, so even a request without a key can be rate-limited.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as Effect from "effect/Effect"
import { errorResponse } from "./ErrorResponse.js"
import { seededRandom } from "./SeededRandom.js"

/** What `--fail-requests` answers with, and which requests `--error-rate` fails, when not given. */
export const DEFAULT_FAIL_STATUS = 503
export const DEFAULT_ERROR_SEED = 1

export interface FaultOptions {
  /** Milliseconds added before every response. Default 0. */
  readonly latencyMs?: number
  /** Requests allowed per second (a fixed one-second window); more get 429 with `Retry-After`. Default: no limit. */
  readonly rateLimit?: number
  /** Share of requests, 0 to 1, answered with a random 500, 502, 503 or 504. Default 0. */
  readonly errorRate?: number
  /** Seed for which requests `errorRate` picks, so a flaky run can be replayed. Default 1. */
  readonly errorSeed?: number
  /** Request numbers (1-based, counting every request the server receives) answered with `failStatus`. */
  readonly failRequests?: ReadonlyArray<number>
  /** The status for `failRequests`. Default 503. */
  readonly failStatus?: number
}

const RANDOM_STATUSES = [500, 502, 503, 504] as const

export const hasFaults = (options: FaultOptions): boolean =>
  (options.latencyMs ?? 0) > 0 ||
  (options.rateLimit ?? 0) > 0 ||
  (options.errorRate ?? 0) > 0 ||
  (options.failRequests ?? []).length > 0

/** A middleware holding the fault state (request counter, rate window, random stream) of one server run. */
export const injectFaults = (options: FaultOptions) => {
  const latencyMs = options.latencyMs ?? 0
  const rateLimit = options.rateLimit ?? 0
  const errorRate = options.errorRate ?? 0
  const failRequests = new Set(options.failRequests ?? [])
  const failStatus = options.failStatus ?? DEFAULT_FAIL_STATUS
  const random = seededRandom(options.errorSeed ?? DEFAULT_ERROR_SEED, "faults")
  let requestNumber = 0
  let windowSecond = 0
  let windowCount = 0

  /** The fault response for this request, if any, decided at arrival so the numbering follows arrival order. */
  const decide = () => {
    requestNumber++
    if (failRequests.has(requestNumber)) {
      return errorResponse(failStatus, `simulated failure of request ${requestNumber} (--fail-requests)`)
    }
    if (rateLimit > 0) {
      const second = Math.floor(Date.now() / 1000)
      if (second !== windowSecond) {
        windowSecond = second
        windowCount = 0
      }
      windowCount++
      if (windowCount > rateLimit) {
        // The window resets on the next whole second, so one second is always long enough to wait.
        return errorResponse(429, `rate limit exceeded: at most ${rateLimit} requests per second`, {
          "retry-after": "1"
        })
      }
    }
    if (errorRate > 0 && random.next() < errorRate) {
      const status = random.pick(RANDOM_STATUSES)
      return errorResponse(status, `simulated server error (--error-rate ${errorRate})`)
    }
    return undefined
  }

  return <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
    Effect.suspend(() => {
      const fault = decide()
      const answer = fault === undefined ? app : Effect.succeed(fault)
      return latencyMs > 0 ? Effect.zipRight(Effect.sleep(latencyMs), answer) : answer
    })
}
