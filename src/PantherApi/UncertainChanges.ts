/**
 * What to do when a create or delete fails in a way that leaves open whether Panther made the change (a 408, 500,
 * 502 or 504, a timeout, a connection dropped after sending). Sending it again blindly could invite a user twice, or
 * report "not found" for a delete that worked, so each is settled by what can be known instead.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import {
  BadRequest,
  Forbidden,
  InvalidResponse,
  type PantherApiError,
  RateLimited,
  ServerError,
  TransportError,
  Unauthorized
} from "./ClientErrors.js"
import { printable } from "./Responses.js"
import { proxyFields } from "./Retry.js"
import type { ModifyUser, User } from "./Schemas.js"

/** A failure after which the change may or may not have been made. */
export const isUncertain = (error: PantherApiError): error is ServerError | TransportError =>
  (error._tag === "ServerError" || error._tag === "TransportError") && error.notRepeated === true

/**
 * The failure of a create that was sent `attempts` times and, as the look-up after the last showed, made nothing:
 * no longer "may have been made", and counted as the ordinary retries are.
 */
const notMade = (failure: ServerError | TransportError, attempts: number): ServerError | TransportError =>
  failure._tag === "ServerError"
    ? new ServerError({
        method: failure.method,
        path: failure.path,
        status: failure.status,
        attempts,
        ...(failure.detail === undefined ? {} : { detail: failure.detail })
      })
    : new TransportError({
        method: failure.method,
        path: failure.path,
        reason: failure.reason,
        attempts,
        ...proxyFields(failure)
      })

/**
 * A create: if a user with that email now exists as asked (`asAsked`: the same names and role, enabled, and never
 * signed in, as a user just invited is), the create went through (or someone made the same user) and the wanted
 * state holds. If none exists, nothing was made
 * and creating again is safe, after `pause` (the retry policy's backoff for that round, or false when that wait
 * would end past the retry budget). One that exists otherwise was there before: it is not taken for the new user,
 * and the create is sent again, for Panther to say the email is taken. At most `rounds` rounds.
 */
export const settleCreate = (options: {
  readonly create: Effect.Effect<User, PantherApiError>
  readonly findByEmail: Effect.Effect<Option.Option<User>, PantherApiError>
  readonly asAsked: (user: User) => boolean
  readonly rounds: number
  readonly onRetry: Effect.Effect<void>
  readonly pause: (round: number) => Effect.Effect<boolean>
}): Effect.Effect<User, PantherApiError> => {
  /**
   * `postsBefore`: the creates sent in earlier rounds, the ordinary retries of a 429 or 503 included. `noneListed`:
   * sent again because no user had the email after a lost answer; a refusal now (the email is taken) most likely
   * means the lost create made the user and the list did not show it yet, which the error must say.
   */
  const round = (sent: number, postsBefore: number, noneListed = false): Effect.Effect<User, PantherApiError> =>
    options.create.pipe(
      Effect.mapError((error) => (noneListed && error._tag === "BadRequest" ? afterLostAnswer(error) : error)),
      Effect.catchIf(isUncertain, (uncertain) => {
        const posts = postsBefore + uncertain.attempts
        const giveUp = Effect.fail(notMade(uncertain, posts))
        const sendAgain = (noneFound: boolean) =>
          sent >= options.rounds
            ? giveUp
            : Effect.flatMap(options.pause(sent), (waited) =>
                waited
                  ? options.onRetry.pipe(
                      Effect.zipRight(
                        Effect.logWarning(
                          `Panther: the create did not go through; sending it again (retry ${sent} of ${options.rounds - 1})`
                        )
                      ),
                      Effect.zipRight(round(sent + 1, posts, noneFound))
                    )
                  : giveUp
              )
        return Effect.flatMap(
          // If even the look-up fails, the first failure says best what the caller must check.
          options.findByEmail.pipe(
            Effect.tapError((error) =>
              Effect.logWarning(`Panther: could not check whether the create worked: ${error.message}`)
            ),
            Effect.mapError(() => uncertain)
          ),
          Option.match({
            onNone: () => sendAgain(true),
            onSome: (user) =>
              options.asAsked(user)
                ? Effect.as(
                    Effect.logWarning(
                      `Panther: the answer to the create was lost, but ${user.email} exists as asked: taking it`
                    ),
                    user
                  )
                : Effect.zipRight(
                    Effect.logWarning(
                      printable(
                        `Panther: the answer to the create was lost; ${user.email} exists, but not as the create ` +
                          "would have made it " +
                          `(user ${user.id ?? "without an id"}): not taken for the new one; sending the create ` +
                          "again for Panther to say whether the email is taken"
                      )
                    ),
                    sendAgain(false)
                  )
          })
        )
      })
    )
  return round(1, 0)
}

/**
 * A delete: sent again (`deleteOnce(true)`, with the ordinary retries left), and "not found" then means the first
 * one worked, which is what was asked, provided the caller saw the user exist just before (`users delete` looks it
 * up first): otherwise a mistyped id would read as deleted. A "not found" on the first try is still an error. All
 * the attempts together keep to `maxAttempts` (--max-retries), and the last failure counts them all.
 */
export const settleDelete = (options: {
  readonly deleteOnce: (repeatable: boolean, attemptsBefore: number) => Effect.Effect<void, PantherApiError>
  readonly maxAttempts: number
  readonly onRetry: Effect.Effect<void>
}): Effect.Effect<void, PantherApiError> =>
  options.deleteOnce(false, 0).pipe(
    Effect.catchIf(isUncertain, (uncertain) =>
      uncertain.attempts >= options.maxAttempts
        ? Effect.fail(uncertain)
        : options.onRetry.pipe(
            Effect.zipRight(options.deleteOnce(true, uncertain.attempts)),
            Effect.catchTag("NotFound", () =>
              Effect.logWarning("Panther: the answer to the delete was lost, and the user is gone: it worked")
            ),
            // However the later attempts failed, the first may have deleted the user: said so, not "try later".
            Effect.mapError(afterLostAnswer)
          )
    )
  )

/**
 * A failure of a change sent again after a lost answer, saying that the lost one may have made the change: whatever
 * the repeat met (a server error, a token revoked in between, a gateway's refusal) is about the repeat alone. A "not
 * found" is not a failure there (see `settleDelete`); the pagination's errors do not come from a change.
 */
export const afterLostAnswer = (error: PantherApiError): PantherApiError => {
  switch (error._tag) {
    case "Unauthorized":
      return new Unauthorized({
        method: error.method,
        path: error.path,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        earlierAnswerLost: true
      })
    case "Forbidden":
      return new Forbidden({
        method: error.method,
        path: error.path,
        permission: error.permission,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        earlierAnswerLost: true
      })
    case "BadRequest":
      return new BadRequest({
        method: error.method,
        path: error.path,
        status: error.status,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        ...(error.location === undefined ? {} : { location: error.location }),
        earlierAnswerLost: true
      })
    case "InvalidResponse":
      return new InvalidResponse({
        method: error.method,
        path: error.path,
        reason: error.reason,
        ...(error.advice === undefined ? {} : { advice: error.advice }),
        earlierAnswerLost: true
      })
    case "ServerError":
      return new ServerError({
        method: error.method,
        path: error.path,
        status: error.status,
        attempts: error.attempts,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        ...(error.budgetStop === undefined ? {} : { budgetStop: error.budgetStop }),
        earlierAnswerLost: true
      })
    case "TransportError":
      return new TransportError({
        method: error.method,
        path: error.path,
        reason: error.reason,
        attempts: error.attempts,
        ...(error.budgetStop === undefined ? {} : { budgetStop: error.budgetStop }),
        ...(error.advice === undefined ? {} : { advice: error.advice }),
        ...proxyFields(error),
        earlierAnswerLost: true
      })
    case "RateLimited":
      return new RateLimited({
        method: error.method,
        path: error.path,
        attempts: error.attempts,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        ...(error.budgetStop === undefined ? {} : { budgetStop: error.budgetStop }),
        earlierAnswerLost: true
      })
    default:
      return error
  }
}

/** A name as a server may store it: trimmed, in one Unicode form. */
export const storedName = (name: string): string => name.trim().normalize("NFC")

/**
 * Whether `user` is what `body` asks for: the same names (as stored: Panther trims them) and the role by its id or
 * (ignoring case) its name.
 */
export const isAsAsked = (user: User, body: ModifyUser): boolean =>
  storedName(user.givenName) === storedName(body.givenName) &&
  storedName(user.familyName) === storedName(body.familyName) &&
  (body.role.id !== undefined
    ? user.role.id === body.role.id
    : user.role.name?.toLowerCase() === body.role.name?.toLowerCase())
