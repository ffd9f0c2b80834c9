/**
 * Retrying transient failures: 408, 429, 500, 502, 503, 504, connection errors and timeouts. Anything else fails at
 * once. The loop is written out rather than built from `Schedule` because each wait depends on the failure
 * itself (a server's `Retry-After`) and on the time already spent (the budget), and each retry is logged.
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import {
  type BudgetStop,
  type PantherApiError,
  type ProxyInPath,
  RateLimited,
  ServerError,
  TransportError
} from "./ClientErrors.js"
import type { RetryPolicy } from "./Connection.js"

/** One attempt that may succeed if tried again. Internal to the client: callers only ever see `PantherApiError`. */
export class TransientFailure extends Data.TaggedError("TransientFailure")<{
  readonly method: string
  readonly path: string
  /** The HTTP status, or none when no response arrived (connection, TLS, timeout). */
  readonly status: Option.Option<number>
  /** What happened, for the warning and the final error: "503", "timed out after 30 s", "connection reset". */
  readonly reason: string
  readonly retryAfter: Option.Option<Duration.Duration>
  readonly detail: string | undefined
  /**
   * Whether the server may have acted on the request before it failed (a 408, 500, 502 or 504, a timeout, a connection
   * dropped after sending). A 429, a 503 or a refused connection say it did not.
   */
  readonly mayHaveTakenEffect: boolean
  /** The proxy the request went through, when no answer came; `proxyFailed` when the proxy itself failed. */
  readonly proxy?: ProxyInPath | undefined
  readonly proxyFailed?: boolean | undefined
  /** What to do once the retries are spent, where the usual hint (the network path, the timeout) does not fit. */
  readonly advice?: string | undefined
}> {}

/** A transport failure's proxy fields, to carry into the error it becomes. */
export const proxyFields = (failure: {
  readonly proxy?: ProxyInPath | undefined
  readonly proxyFailed?: boolean | undefined
}): { readonly proxy?: ProxyInPath; readonly proxyFailed?: boolean } => ({
  ...(failure.proxy === undefined ? {} : { proxy: failure.proxy }),
  ...(failure.proxyFailed === true ? { proxyFailed: true } : {})
})

/**
 * Whether a request may be sent again as it is. A read, or an update that replaces the whole user, can always be
 * repeated. A create or delete that may already have happened cannot: repeating it could invite the user twice, or
 * answer "not found" for a delete that worked. The client decides per operation (`repeatable`).
 */
export const isSafeToRepeat = (failure: TransientFailure, repeatable: boolean): boolean =>
  repeatable || !failure.mayHaveTakenEffect

/** The error a transient failure becomes once the retries (or their time budget) are spent. */
export const exhausted = (
  failure: TransientFailure,
  attempts: number,
  repeatable = true,
  stoppedByBudget?: BudgetStop
): PantherApiError => {
  const { method, path } = failure
  const budget = stoppedByBudget === undefined ? {} : { budgetStop: stoppedByBudget }
  // A 429 says the request was turned away, so it is always safe to repeat.
  const extra = { ...(isSafeToRepeat(failure, repeatable) ? {} : { notRepeated: true }), ...budget }
  return Option.match(failure.status, {
    onNone: () =>
      new TransportError({
        method,
        path,
        reason: failure.reason,
        attempts,
        ...extra,
        ...proxyFields(failure),
        ...(failure.advice === undefined ? {} : { advice: failure.advice })
      }),
    onSome: (status) =>
      status === 429
        ? new RateLimited({
            method,
            path,
            attempts,
            ...(failure.detail === undefined ? {} : { detail: failure.detail }),
            ...budget
          })
        : new ServerError({
            method,
            path,
            status,
            attempts,
            ...(failure.detail === undefined ? {} : { detail: failure.detail }),
            ...extra
          })
  })
}

/** A date's closing zone: GMT as HTTP dates name it, or another a server may write instead. */
const NAMES_ZONE = /(?:\b(?:GMT|UTC|UT|Z)|[+-]\d{2}:?\d{2})$/i

/**
 * `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 10.2.3). Anything else is ignored, and so is a
 * date already past (a server clock behind this one): taken as "now", it had every retry go out at once.
 */
export const parseRetryAfter = (value: string | undefined, nowMillis: number): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const text = value.trim()
  if (/^\d+$/.test(text)) return Option.some(Duration.seconds(Number(text)))
  // An HTTP date always names its month; without the check, Date.parse reads "-3" as the year 3 BC. Its third form,
  // ANSI C's asctime() (`Sun Nov  6 08:49:37 1994`, RFC 9110 5.6.7), names no zone, nor does a server that leaves GMT
  // off the others, and Date.parse reads such a date in this machine's zone: it is GMT, as every HTTP date is.
  const inGmt = NAMES_ZONE.test(text) ? text : `${text} GMT`
  const at = /[a-z]{3}/i.test(text) ? Date.parse(inGmt) : Number.NaN
  if (Number.isNaN(at)) return Option.none()
  return at > nowMillis ? Option.some(Duration.millis(at - nowMillis)) : Option.none()
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so concurrent clients spread out
 * but no wait collapses to nothing. `retry` counts from 1.
 */
export const backoffDelay = (policy: RetryPolicy, retry: number, random01: number): Duration.Duration => {
  const step = Math.min(Duration.toMillis(policy.maxDelay), Duration.toMillis(policy.baseDelay) * 2 ** (retry - 1))
  return Duration.millis(Math.round(step / 2 + (step / 2) * random01))
}

/** The wait before the next attempt: the server's `Retry-After` (capped) when it sent one, backoff otherwise. */
export const delayBefore = (
  policy: RetryPolicy,
  failure: TransientFailure,
  retry: number,
  random01: number
): Duration.Duration =>
  Option.match(failure.retryAfter, {
    onNone: () => backoffDelay(policy, retry, random01),
    onSome: (asked) => Duration.min(asked, policy.maxRetryAfter)
  })

/**
 * Runs `attempt` until it succeeds, fails for good, or the policy's attempts or time budget are spent.
 * `onRetry` runs before each wait (the client counts retries with it).
 */
export const withRetries =
  (
    policy: RetryPolicy,
    onRetry: Effect.Effect<void>,
    options: {
      readonly repeatable: boolean
      /** Attempts of the same request already made (a delete sent again), counted with these. */
      readonly attemptsBefore?: number
      /**
       * For a change repeated as it is (an update): what its last failure becomes when the answer to an earlier
       * attempt was lost, which may have made the change all the same (`afterLostAnswer` in UncertainChanges.ts).
       */
      readonly afterLostAnswer?: ((error: PantherApiError) => PantherApiError) | undefined
      /**
       * The request before this one that got no answer at any of its tries, while nothing has answered since
       * (`ApiExchange.ts`): a failure without an answer is then not tried again. Panther, or the way to it, has just
       * been given a whole retry budget; another for this request doubled the time a run took to say so.
       */
      readonly unansweredBefore?: (() => string | undefined) | undefined
    } = { repeatable: true }
  ) =>
  <A>(attempt: Effect.Effect<A, TransientFailure | PantherApiError>): Effect.Effect<A, PantherApiError> =>
    Effect.gen(function* () {
      const started = yield* Clock.currentTimeMillis
      /** Whether an attempt before this one failed after Panther may have acted on it. */
      let earlierAnswerLost = false
      const fail = (error: PantherApiError) =>
        Effect.fail(earlierAnswerLost && options.afterLostAnswer !== undefined ? options.afterLostAnswer(error) : error)
      for (let attempts = 1 + (options.attemptsBefore ?? 0); ; attempts++) {
        const result = yield* Effect.either(attempt)
        if (Either.isRight(result)) return result.right
        const failure = result.left
        if (failure._tag !== "TransientFailure") return yield* fail(failure)
        const unanswered = Option.isNone(failure.status) ? options.unansweredBefore?.() : undefined
        if (unanswered !== undefined) {
          const error = exhausted(failure, attempts, options.repeatable)
          return yield* fail(
            error._tag === "TransportError" ? new TransportError({ ...error, afterUnanswered: unanswered }) : error
          )
        }
        if (attempts >= policy.maxAttempts || !isSafeToRepeat(failure, options.repeatable)) {
          return yield* fail(exhausted(failure, attempts, options.repeatable))
        }
        const delay = delayBefore(policy, failure, attempts, yield* Random.next)
        const elapsed = (yield* Clock.currentTimeMillis) - started
        if (elapsed + Duration.toMillis(delay) > Duration.toMillis(policy.maxElapsed)) {
          return yield* fail(
            exhausted(failure, attempts, true, {
              waitMillis: Duration.toMillis(delay),
              ...Option.match(failure.retryAfter, {
                onNone: () => ({}),
                onSome: (asked) => ({ askedMillis: Duration.toMillis(asked) })
              }),
              spentMillis: elapsed,
              budgetMillis: Duration.toMillis(policy.maxElapsed)
            })
          )
        }
        earlierAnswerLost ||= failure.mayHaveTakenEffect
        yield* onRetry
        yield* Effect.logWarning(
          `Panther: ${failure.method} ${failure.path} failed (${failure.reason}); ` +
            `retry ${attempts} of ${policy.maxAttempts - 1} in ${Duration.format(delay)}`
        )
        yield* Effect.sleep(delay)
      }
    })
