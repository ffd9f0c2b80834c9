/**
 * How the client sends one request to Panther and reads its answer: sent through `HttpTransport.ts`, the status
 * judged, retried where asking again can help (`Retry.ts`), then the body decoded with the API description's
 * schemas. Everything the client asks for goes through here; what it asks for, and what the answers mean for users,
 * is `PantherClient.ts`'s.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import {
  BadRequest,
  Forbidden,
  InvalidResponse,
  LATER_PAGE_CONNECTION,
  LATER_PAGE_NOT_API,
  NotFound,
  type PantherApiError,
  TransportError,
  Unauthorized
} from "./ClientErrors.js"
import type { ConnectionSettings } from "./Connection.js"
import { describeParseError } from "./DecodeUser.js"
import type { Exchange, HttpTransport, OutgoingRequest, Reply } from "./HttpTransport.js"
import type { Page, PendingPage } from "./Pagination.js"
import { checkStatus, errorDetail, parseJson, transportFailure, unaskedEncoding } from "./Responses.js"
import { withRetries } from "./Retry.js"
import type { Route } from "./Routes.js"
import { ModifyUser, type ModifyUser as ModifyUserBody } from "./Schemas.js"
import { isSuccess } from "./SuccessStatus.js"
import { trailingContentAt } from "./TrailingContent.js"
import { unsendableCursor } from "./UnsendableCursor.js"
import { looksUtf16, UTF16_BODY } from "./Utf16Body.js"

/**
 * What a failure at a list's page after the first means, where the address and the token had answered the pages
 * before: a 404 is about the cursor, a 401 or 403 a token changed while the list was read, and a page that is not
 * the API's (a redirect, a status such as a 405 that only something else gives), or a connection that failed at every
 * try, is not for want of the right --api-url.
 */
const atLaterPage = (error: PantherApiError): PantherApiError => {
  const fields = (of: { readonly earlierAnswerLost?: boolean | undefined }) => ({
    method: error.method,
    path: error.path,
    ...(of.earlierAnswerLost === undefined ? {} : { earlierAnswerLost: of.earlierAnswerLost })
  })
  /** The fields of an error at a cursor: Panther's reason kept where it gave one. */
  const atCursor = (of: {
    readonly earlierAnswerLost?: boolean | undefined
    readonly detail?: string | undefined
  }) => ({
    ...fields(of),
    ...(of.detail === undefined ? {} : { detail: of.detail }),
    atCursor: true
  })
  switch (error._tag) {
    case "NotFound":
      return new NotFound(atCursor(error))
    case "Unauthorized":
      return new Unauthorized(atCursor(error))
    case "Forbidden":
      return new Forbidden({ ...atCursor(error), permission: error.permission })
    case "BadRequest":
      return new BadRequest({
        ...atCursor(error),
        status: error.status,
        ...(error.location === undefined ? {} : { location: error.location })
      })
    case "TransportError":
      // A proxy's own failure, or advice of its own (a certificate), says more than where the page came in the list;
      // not an answer the API never gives (not HTTP), whose "check --api-url" the first page answered.
      if (error.notApiAnswer === true) return new TransportError({ ...error, advice: LATER_PAGE_NOT_API })
      return error.proxyFailed === true || error.advice !== undefined
        ? error
        : new TransportError({ ...error, advice: LATER_PAGE_CONNECTION })
    case "InvalidResponse":
      // Whatever a read's answer was advised alone (a 206's "check --api-url" among them), the address answered
      // the first page, so this advice is the one that holds.
      return new InvalidResponse({ ...fields(error), reason: error.reason, advice: LATER_PAGE_NOT_API })
    default:
      return error
  }
}

/**
 * What a list sends that narrows nothing the user chose: the page size, and whether deactivated users are included,
 * which an export always asks for. "Check the filters given" sent an export's reader, who gave none, looking.
 */
const NOT_FILTERS: ReadonlySet<string> = new Set(["limit", "include-deactivated"])

/**
 * A 400 at a list's first page asked for with no filter (a run's, an export's, a `users list` without flags, the
 * roles): nothing the user gave was refused, and its message must not send them to check filters they never gave.
 */
const atFirstPage = (request: ApiRequest, error: PantherApiError): PantherApiError =>
  error._tag === "BadRequest" && (request.query ?? []).every(([name]) => NOT_FILTERS.has(name))
    ? new BadRequest({ ...error, unfiltered: true })
    : error

/** A request as the client builds it; the transport adds the base URL and the headers. */
export interface ApiRequest {
  readonly method: string
  /** The API path, with any id filled in; what errors name. */
  readonly path: string
  readonly query?: ReadonlyArray<readonly [string, string]> | undefined
  readonly jsonBody?: string | undefined
}

/**
 * A JSON document whose end is missing: an answer without a Content-Length cut off when the connection closed,
 * which the transport cannot tell from a whole one. Asking again may get all of it, so it is retried as a cut-off
 * answer, where the parser would have blamed --api-url. Only the ends are looked at: a page is never parsed twice.
 * Only asked of a body that ended where the connection closed (`Reply.endedByClose`): one whose Content-Length or
 * chunks all came is whole, and a `{` alone there is what the server sent, not JSON, and not worth asking again.
 */
const endsEarly = (body: string): boolean => {
  const first = body.trimStart()[0]
  if (first !== "{" && first !== "[") return false
  const last = body.trimEnd().at(-1)
  // A whole document with something after it (`{...}garbage`) is not cut short: asking again will not mend it.
  return last !== (first === "{" ? "}" : "]") && trailingContentAt(body) === undefined
}

/**
 * Why a successful answer whose body is not UTF-8, which JSON is (RFC 8259), is not read: its names would be
 * reported altered (`José` in ISO-8859-1 as `Jos\uFFFD`). Not retried, as no wrong shape is: the same server sends
 * the same bytes. A body cut off inside a character is cut short first, and retried as such.
 */
const NOT_UTF8 =
  "the body is not valid UTF-8, the encoding JSON is sent in, so the names and emails in it cannot be read as " +
  "sent (a server or proxy in between may be sending another character set, such as ISO-8859-1)"

/**
 * A lone UTF-16 surrogate (in a `u` expression a surrogate matches only when it is not half of a pair) has no UTF-8
 * form: sent as U+FFFD, where `encodeURIComponent` would throw. A cursor holding one is refused before
 * (`UnsendableCursor.ts`); the other values come from the command line, which cannot give one.
 */
const encoded = (text: string): string => encodeURIComponent(text.replace(/\p{Cs}/gu, "\uFFFD"))

/**
 * The query as sent: names and values percent-encoded, a space as `%20`. `+` for a space is HTML forms' convention,
 * which a server or gateway reading the query by RFC 3986 takes for a plus sign: `--contains "Ada Lovelace"` would
 * be looked for as `Ada+Lovelace`, and find no one. The cursor's own `+`, `/` and `=` arrive as Panther gave them.
 */
const queryString = (query: ReadonlyArray<readonly [string, string]>): string =>
  query.map(([name, value]) => `${encoded(name)}=${encoded(value)}`).join("&")

/** What the exchange needs of the client that builds it. */
export interface ApiExchangeParts {
  readonly settings: ConnectionSettings
  readonly transport: HttpTransport
  /** Takes every secret out of a text an error will quote (`Redact.ts`). */
  readonly scrub: (text: string) => string
  /** A successful answer as the client reads it: with the token replaced, should its content hold it. */
  readonly readable: (reply: Reply) => Effect.Effect<Reply>
  readonly countRequest: Effect.Effect<void>
  readonly countRetry: Effect.Effect<void>
}

export const makeApiExchange = ({
  settings,
  transport,
  scrub,
  readable,
  countRequest,
  countRetry
}: ApiExchangeParts) => {
  const timeout = Duration.format(settings.requestTimeout)
  // An http:// API through a proxy is asked through the proxy itself, so a 407 is the proxy's; an https:// one is
  // tunnelled, and a proxy's refusal comes as a failed tunnel instead (`Responses.ts`).
  const answeringProxy =
    settings.proxy === undefined || !settings.baseUrl.startsWith("http:")
      ? undefined
      : {
          address: settings.proxy.address,
          variable: settings.proxy.variable,
          credentialsGiven: settings.proxy.login !== undefined
        }

  /**
   * The last request that got no answer at any of its tries (`GET /roles`), until anything answers. A run whose
   * roles went unanswered for a whole retry budget spent another on the users before it failed: the request after
   * such a one is tried once, and retried as usual once anything answers (`withRetries`).
   */
  let unanswered: string | undefined

  /** The request as the transport sends it: the query, if any, joined to the path. */
  const toOutgoing = (request: ApiRequest): OutgoingRequest => ({
    method: request.method,
    pathAndQuery:
      request.query === undefined || request.query.length === 0
        ? request.path
        : `${request.path}?${queryString(request.query)}`,
    jsonBody: request.jsonBody
  })

  /** Sends a request now without waiting for it; `execute` then waits for it as its first attempt. */
  const begin = (request: ApiRequest): Effect.Effect<Exchange> =>
    Effect.zipRight(countRequest, transport.begin(toOutgoing(request)))

  /**
   * One request, judged and retried. `request.path` is the API path without the query string, which is what
   * errors and warnings name. `started` is the first attempt when `begin` already sent it.
   */
  const execute = (
    request: ApiRequest,
    repeatable = true,
    started?: Exchange,
    attemptsBefore = 0,
    afterLostAnswer?: (error: PantherApiError) => PantherApiError
  ): Effect.Effect<Reply, PantherApiError> => {
    const { method, path } = request
    let first = started
    const attempt = Effect.suspend(() => {
      const exchange = first
      first = undefined
      // Built only for an attempt of its own: a page whose first attempt `begin` sent has its query already.
      const fresh = () => Effect.zipRight(countRequest, transport.exchange(toOutgoing(request)))
      return (exchange === undefined ? fresh() : exchange.reply).pipe(
        // A read that went out on a kept-alive socket the server had closed: once more at once, on a new one,
        // rather than a warning and a backoff for every page of a server that closes each connection.
        Effect.catchIf(
          (failure) => failure.staleSocket === true && method === "GET",
          () => fresh()
        ),
        Effect.tap(() => {
          unanswered = undefined
        })
      )
    }).pipe(
      Effect.mapError((failure) => transportFailure(method, path, failure, timeout, scrub, settings.extraCa)),
      // The status is judged before the retry, so a 503 is retried and a 404 is not.
      Effect.flatMap((reply) =>
        isSuccess(method, reply.status)
          ? reply.endedByClose && endsEarly(reply.body)
            ? Effect.fail(transportFailure(method, path, { stage: "response", code: "JSON cut short" }, timeout, scrub))
            : readable(reply)
          : Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.as(
                checkStatus(
                  {
                    method,
                    path,
                    status: reply.status,
                    retryAfter: reply.retryAfter,
                    body: reply.body,
                    location: reply.location,
                    contentEncoding: reply.contentEncoding,
                    proxy: answeringProxy,
                    proxyLogins: reply.proxyLogins
                  },
                  now,
                  scrub
                ),
                reply
              )
            )
      )
    )
    return withRetries(settings.retry, countRetry, {
      repeatable,
      attemptsBefore,
      afterLostAnswer,
      unansweredBefore: () => unanswered
    })(attempt).pipe(
      Effect.tapError((error) =>
        Effect.sync(() => {
          // Only a request that spent its retries: a create or delete not sent again (its answer lost), or a failure
          // never retried (a certificate), leaves the look-ups after it their own. An answer that is not HTTP is an
          // answer: something at the address is there.
          if (
            error._tag === "TransportError" &&
            error.notApiAnswer !== true &&
            error.notRepeated !== true &&
            (error.attempts > 1 || error.budgetStop !== undefined)
          ) {
            unanswered = `${method} ${path}`
          }
        })
      )
    )
  }

  /** What a body JSON.parse refused is, quoted: what follows a whole document, or else the body itself. */
  const notJson = (body: string): string => {
    const after = trailingContentAt(body)
    return after === undefined
      ? `the body is not JSON but ${errorDetail(body, scrub) ?? "empty"}`
      : `the body is a JSON document with more after it, from character ${after + 1}: ` +
          (errorDetail(body.slice(after), scrub) ?? "")
  }

  /** Decoding comes after the retries, never inside them: a wrong shape does not improve by asking again. */
  const decodeBody =
    <A, I>(schema: Schema.Schema<A, I>, route: Route, path: string, advice?: string) =>
    (reply: Reply): Effect.Effect<A, InvalidResponse> => {
      const invalid = (reason: string) =>
        new InvalidResponse({ method: route.method, path, reason, ...(advice === undefined ? {} : { advice }) })
      return Option.match(parseJson(reply.body), {
        onNone: () => {
          const encoding = unaskedEncoding(reply.contentEncoding, scrub)
          return Effect.fail(
            invalid(
              encoding !== undefined
                ? `the body is compressed (${encoding}), which was not asked for: a proxy in between may be ` +
                    "compressing answers"
                : looksUtf16(reply.body)
                  ? UTF16_BODY
                  : notJson(reply.body)
            )
          )
        },
        // Not UTF-8 is said of JSON only: a compressed body or a page that is no JSON is named as such above.
        onSome: (json) =>
          reply.utf8
            ? Schema.decodeUnknown(schema, { errors: "all" })(json).pipe(
                // A parse error quotes the values it rejected: an echo of the request would quote the token.
                Effect.mapError((error) => invalid(scrub(describeParseError(error))))
              )
            : Effect.fail(invalid(NOT_UTF8))
      })
    }

  /**
   * `unreadableAdvice`: what to do when the request succeeded but its answer cannot be read (`changeAdvice`,
   * `ChangeAnswer.ts`); `afterLostAnswer`: for a change repeated as it is, what a failure becomes after an attempt
   * whose answer was lost.
   */
  const send = <A, I>(
    route: Route,
    schema: Schema.Schema<A, I>,
    request: ApiRequest,
    repeatable = true,
    unreadableAdvice?: string,
    afterLostAnswer?: (error: PantherApiError) => PantherApiError
  ): Effect.Effect<A, PantherApiError> =>
    execute(request, repeatable, undefined, 0, afterLostAnswer).pipe(
      Effect.flatMap(decodeBody(schema, route, request.path, unreadableAdvice))
    )

  /** Encoding a value that already has the schema's type cannot fail; if it does, it is a bug. */
  const withBody = (route: Route, path: string, body: ModifyUserBody): Effect.Effect<ApiRequest> =>
    Schema.encode(ModifyUser)(body).pipe(
      Effect.map((encoded): ApiRequest => ({ method: route.method, path, jsonBody: JSON.stringify(encoded) })),
      Effect.orDie
    )

  /** A request without a body, to the route's path or the one given (with an id filled in). */
  const plain = (route: Route, path: string = route.path): ApiRequest => ({ method: route.method, path })

  /**
   * A page asked for now: the request goes out at once, `page` waits for it (retried as any request is) and reads
   * it with `read`, and `cancel` gives it up. How both lists ask for their next page early.
   */
  const askForPage = <A>(
    request: ApiRequest,
    read: (reply: Reply) => Effect.Effect<Page<A>, PantherApiError>,
    cursor: Option.Option<string>
  ): Effect.Effect<PendingPage<A, PantherApiError>> => {
    // Refused before anything is sent: a cursor altered on its way is no longer Panther's (UnsendableCursor.ts).
    const unsendable = Option.isSome(cursor) ? unsendableCursor(request.method, request.path, cursor.value) : undefined
    if (unsendable !== undefined) return Effect.succeed({ page: Effect.fail(unsendable), cancel: Effect.void })
    return Effect.map(begin(request), (started) => ({
      page: Effect.flatMap(execute(request, true, started), read).pipe(
        // The first page came from this very address, with this token.
        Effect.mapError((error) => (Option.isNone(cursor) ? atFirstPage(request, error) : atLaterPage(error)))
      ),
      cancel: Effect.sync(started.cancel)
    }))
  }

  return { execute, send, decodeBody, withBody, plain, askForPage } as const
}
