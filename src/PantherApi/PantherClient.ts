/**
 * The Panther Users API client: every user as a lazy stream, the four single-user operations, and roles.
 *
 * Built by hand rather than with `HttpApiClient.make(PantherApi)`, although both would read the same description:
 * the live API sends bodies the description does not have (403 `{"error":"forbidden"}`, HTML from load balancers)
 * which a derived client turns into opaque decode errors, and a derived client decodes a page of users as a whole,
 * so one bad record would fail 60 good ones. Paths and methods still come from the description (`Routes.ts`), and
 * bodies are decoded with its schemas. The bytes travel through `HttpTransport.ts`.
 */
import {
  Array as Arr,
  Chunk,
  Clock,
  Duration,
  Effect,
  identity,
  Layer,
  Option,
  Random,
  Redacted,
  Ref,
  Schema,
  Stream
} from "effect"
import { answerScanner, looksGenerated, revealsAny, scrubSecrets, secretsOf } from "../Cli/Redact.js"
import { InvalidResponse, NotFound, PaginationLoop, type PantherApiError } from "./ClientErrors.js"
import { normalCognitoStatus } from "./CognitoStatus.js"
import { type ConnectionSettings, PantherConnection } from "./Connection.js"
import {
  decodeUserRecord,
  describeParseError,
  describeUserRecord,
  rawUserEmail,
  rawUserId,
  rawUserStatus,
  scrubbedUser,
  TYPICAL_USER_FIELDS
} from "./DecodeUser.js"
import { type Exchange, HttpTransport, type OutgoingRequest, type Reply } from "./HttpTransport.js"
import { type Page, type PendingPage, paginate } from "./Pagination.js"
import { makeRepeatedIds } from "./RepeatedIds.js"
import { checkStatus, errorDetail, parseJson, printable, transportFailure, unaskedEncoding } from "./Responses.js"
import { backoffDelay, withRetries } from "./Retry.js"
import { pathWithId, type Route, Routes } from "./Routes.js"
import {
  ListRespEnvelope,
  ModifyUser,
  type ModifyUser as ModifyUserBody,
  RoleListResp,
  type RoleRef,
  RoleWithPermissions,
  type User,
  User as UserSchema
} from "./Schemas.js"
import { isSuccess } from "./SuccessStatus.js"
import { trailingContentAt } from "./TrailingContent.js"
import { afterLostAnswer, isAsAsked, settleCreate, settleDelete } from "./UncertainChanges.js"
import { unsendableCursor } from "./UnsendableCursor.js"
import {
  IDS_PER_REQUEST,
  type ListUsersFilters,
  listUsersParams,
  MAX_USERS_PER_PAGE,
  PAGE_LIMIT,
  type QueryOf,
  typicalPage
} from "./UserListRequests.js"
import { UserRecord } from "./UserRecord.js"
import type { ListRolesUrlParams } from "./UsersApi.js"
import { looksUtf16, UTF16_BODY } from "./Utf16Body.js"

/** A user record, decoded, with the record as Panther sent it (fields the schema does not know included). */
export interface RecordAsSent {
  readonly record: UserRecord
  readonly asSent: unknown
}

/** What a run cost, for reports: HTTP requests sent (retries included), list pages fetched, and retries. */
export interface ClientStats {
  readonly requests: number
  readonly pagesFetched: number
  readonly retries: number
  /** User records the list left out because the same id had just come (on the page, or the page before). */
  readonly repeatsDropped: number
  /** The first few ids of those (`RepeatedIds.ts`). */
  readonly repeatsDroppedIds: ReadonlyArray<string>
  /**
   * Answers whose content held the API token, read with it replaced by `[redacted]`: a user's field set to it, say,
   * which the reports and the email would otherwise quote.
   */
  readonly answersQuotingSecrets: number
}

/**
 * What a command says when answers held the token (`answersQuotingSecrets`): where it may be, that nothing printed
 * quotes it, and what to do, since anyone who can read that user in Panther can read the token.
 */
export const secretsQuotedWarning = (stats: ClientStats): string | undefined => {
  const count = stats.answersQuotingSecrets
  if (count === 0) return undefined
  return (
    `${count === 1 ? "1 answer" : `${count} answers`} from Panther held the API token in ` +
    `${count === 1 ? "its" : "their"} content, most likely in a user's name, email or role: it is shown as ` +
    "[redacted] in what this command wrote. Find the field in Panther's console and clear it, and rotate the token."
  )
}

/** A request as the client builds it; the transport adds the base URL and the headers. */
interface ApiRequest {
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
  return last !== (first === "{" ? "}" : "]") && !hasTrailingContent(body)
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
 * Whether the body is a whole JSON document with something after it (`{...}garbage`), which asking again will not
 * mend: the parser says so ("... after JSON at position N"). Only read for a body whose end already looks wrong.
 */
const hasTrailingContent = (body: string): boolean => {
  try {
    JSON.parse(body)
    return false
  } catch (error) {
    return error instanceof SyntaxError && error.message.includes("after JSON")
  }
}

/**
 * The role a create or update was answered with, when it is another than the one sent, compared by the field it was
 * sent by (a role's name in any case): an answer naming a role sent by name only by its id tells nothing either way.
 */
const otherRole = (answered: RoleRef, sent: RoleRef): string | undefined => {
  const given = (text: string | undefined) => (text === undefined || text === "" ? undefined : text)
  const [answeredId, answeredName] = [given(answered.id), given(answered.name)]
  if (sent.id !== undefined && answeredId !== undefined && answeredId !== sent.id) return answeredName ?? answeredId
  if (sent.name !== undefined && answeredName !== undefined && answeredName.toLowerCase() !== sent.name.toLowerCase()) {
    return answeredName
  }
  return undefined
}

const roleSent = (role: RoleRef): string => role.name ?? role.id ?? ""

export class PantherClient extends Effect.Service<PantherClient>()("PantherApi/PantherClient", {
  effect: Effect.gen(function* () {
    const settings = yield* PantherConnection
    const counters = yield* Ref.make<ClientStats>({
      requests: 0,
      pagesFetched: 0,
      retries: 0,
      repeatsDropped: 0,
      repeatsDroppedIds: [],
      answersQuotingSecrets: 0
    })
    const repeatedIds = makeRepeatedIds()
    const count = (key: "requests" | "pagesFetched" | "retries") =>
      Ref.update(counters, (stats) => ({ ...stats, [key]: stats[key] + 1 }))

    // Defence in depth: nothing the server sends back is quoted with the token in it, in any form an echo may give
    // it (Redact.ts): replaced where it stands, or the whole quote withheld. Nor with the proxy's password, which a
    // proxy's own error page may echo with the request's headers.
    const proxyLogin = settings.proxy?.login
    const tokenSecrets = secretsOf(
      [Redacted.value(settings.token), ...(proxyLogin === undefined ? [] : [Redacted.value(proxyLogin.password)])],
      proxyLogin === undefined ? [] : [Redacted.value(proxyLogin.authorization)],
      // The token is random through and through: half of it echoed gives it away. The proxy's password only if it
      // looks generated as well; a chosen one only whole.
      [
        Redacted.value(settings.token),
        ...(proxyLogin !== undefined && looksGenerated(Redacted.value(proxyLogin.password))
          ? [Redacted.value(proxyLogin.password)]
          : [])
      ]
    )
    const scrub = (text: string): string => scrubSecrets(text, tokenSecrets)
    // The token alone, for user data: random, it is found in no ordinary text in any case, where a proxy's password
    // chosen as a word ("acmecorp") would be found in names and roles, and have them redacted and changes refused.
    const tokenAlone = secretsOf([Redacted.value(settings.token)], [], [Redacted.value(settings.token)])
    const scanner = answerScanner(tokenAlone)
    /**
     * A successful answer with the token in its content (a name or email set to it by mistake) is read with it
     * replaced, so no report or email quotes it, and counted, so the run can say so. Only the texts that hold it
     * change, and the answer is JSON as before. Looked for in any case and behind `\u` escapes; an encoded token
     * (base64 and the like) only in what an error quotes (`scrub`), since reading every page so would cost the
     * audit's time.
     */
    const withoutSecrets = (reply: Reply): Effect.Effect<Reply> => {
      const body = scanner.mayHold(reply.body) ? scanner.redactJson(reply.body) : undefined
      return body === undefined
        ? Effect.succeed(reply)
        : Effect.as(
            Ref.update(counters, (stats) => ({ ...stats, answersQuotingSecrets: stats.answersQuotingSecrets + 1 })),
            { ...reply, body }
          )
    }
    /**
     * Its reason quotes the rejected values, and its id and email are the record's own: all end up in reports, so
     * all are scrubbed like any other answer.
     */
    const decodeRecord = (raw: unknown): UserRecord => {
      const record = decodeUserRecord(raw)
      if (record._tag === "ValidUser") return record
      return UserRecord.InvalidUser({
        userId: Option.map(record.userId, scrub),
        email: Option.map(record.email, scrub),
        reason: scrub(record.reason),
        readable: record.readable === undefined ? undefined : scrubbedUser(record.readable, scrub)
      })
    }
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

    const transport = yield* HttpTransport

    /** The request as the transport sends it: the query, if any, joined to the path. */
    const toOutgoing = (request: ApiRequest): OutgoingRequest => ({
      method: request.method,
      pathAndQuery:
        request.query === undefined || request.query.length === 0
          ? request.path
          : // The cursor is opaque and may hold `+`, `/` and `=`: URLSearchParams percent-encodes them.
            `${request.path}?${new URLSearchParams(request.query as Array<[string, string]>).toString()}`,
      jsonBody: request.jsonBody
    })

    /** Sends a request now without waiting for it; `execute` then waits for it as its first attempt. */
    const begin = (request: ApiRequest): Effect.Effect<Exchange> =>
      Effect.zipRight(count("requests"), transport.begin(toOutgoing(request)))

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
        const fresh = () => Effect.zipRight(count("requests"), transport.exchange(toOutgoing(request)))
        return (exchange === undefined ? fresh() : exchange.reply).pipe(
          // A read that went out on a kept-alive socket the server had closed: once more at once, on a new one,
          // rather than a warning and a backoff for every page of a server that closes each connection.
          Effect.catchIf(
            (failure) => failure.staleSocket === true && method === "GET",
            () => fresh()
          )
        )
      }).pipe(
        Effect.mapError((failure) => transportFailure(method, path, failure, timeout, scrub, settings.extraCa)),
        // The status is judged before the retry, so a 503 is retried and a 404 is not.
        Effect.flatMap((reply) =>
          isSuccess(method, reply.status)
            ? reply.endedByClose && endsEarly(reply.body)
              ? Effect.fail(
                  transportFailure(method, path, { stage: "response", code: "JSON cut short" }, timeout, scrub)
                )
              : withoutSecrets(reply)
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
      return withRetries(settings.retry, count("retries"), { repeatable, attemptsBefore, afterLostAnswer })(attempt)
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
     * `unreadableAdvice`: what to do when the request succeeded but its answer cannot be read (see `changeAdvice`);
     * `afterLostAnswer`: for a change repeated as it is, what a failure becomes after an attempt whose answer was lost.
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

    /**
     * A create or update that Panther answered with success but with a body that is not a user: the change was
     * most likely made, and the usual advice alone (check --api-url) would have a script send it again, a create
     * then refused as "already exists". A wrong --api-url (a console page answering 200) stays possible.
     */
    const changeAdvice = (check: string) =>
      `If --api-url is the API (https://api.<instance-domain>), the change was most likely made all the same: check ` +
      `with \`${check}\` before sending it again. Otherwise correct --api-url: it may be the web console or a proxy page.`

    /** Encoding a value that already has the schema's type cannot fail; if it does, it is a bug. */
    const withBody = (route: Route, path: string, body: ModifyUserBody): Effect.Effect<ApiRequest> =>
      Schema.encode(ModifyUser)(body).pipe(
        Effect.map((encoded): ApiRequest => ({ method: route.method, path, jsonBody: JSON.stringify(encoded) })),
        Effect.orDie
      )

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
      const unsendable = Option.isSome(cursor)
        ? unsendableCursor(request.method, request.path, cursor.value)
        : undefined
      if (unsendable !== undefined) return Effect.succeed({ page: Effect.fail(unsendable), cancel: Effect.void })
      return Effect.map(begin(request), (started) => ({
        page: Effect.flatMap(execute(request, true, started), read).pipe(
          // The first page came from this very address: a 404 at a cursor Panther gave is about the cursor.
          Effect.mapError((error) =>
            error._tag === "NotFound" && Option.isSome(cursor)
              ? new NotFound({ method: error.method, path: error.path, detail: error.detail, atCursor: true })
              : error
          )
        ),
        cancel: Effect.sync(started.cancel)
      }))
    }

    /**
     * The records of every page, as Panther sent them. Many ids are asked for in parts: a query string of
     * hundreds of them is refused by servers in between (414, 431), as Node's own is past 16 KB.
     */
    const listRecords = (filters: ListUsersFilters): Stream.Stream<unknown, PantherApiError> => {
      // With an email Panther ignores the ids, so they are not sent (a long list would only make the request fail);
      // an id given twice is asked for once, or a second part would bring its user again.
      const email = filters.email ?? ""
      if (email !== "") {
        return listPages({ ...filters, ids: [] }).pipe(
          onlyAsked("email", rawUserEmail, (found) => found.trim().toLowerCase() === email.trim().toLowerCase())
        )
      }
      const ids = Arr.dedupe(filters.ids?.filter((id) => id !== "") ?? [])
      const records =
        ids.length <= IDS_PER_REQUEST
          ? listPages({ ...filters, ids })
          : Stream.flatMap(Stream.fromIterable(Arr.chunksOf(ids, IDS_PER_REQUEST)), (part) =>
              listPages({ ...filters, ids: part })
            )
      const asked = new Set(ids.map((id) => id.toLowerCase()))
      // A status as the audit reads it (" CONFIRMED" is CONFIRMED): a user it judges CONFIRMED is one asked for.
      const status = filters.status === undefined ? "" : normalCognitoStatus(filters.status)
      return records.pipe(
        ids.length === 0 ? identity : onlyAsked("ids", rawUserId, (found) => asked.has(found.toLowerCase())),
        status === "" ? identity : onlyAsked("status", rawUserStatus, (found) => normalCognitoStatus(found) === status)
      )
    }

    /**
     * Fails at the first record the filter did not ask for (one whose field cannot be read is left to the decoding,
     * which names it). A server that ignores the filter, as a Panther reading only `id` of the two the API describes
     * or a proxy dropping the query would, answers with every user: a script deleting each user `users list --id`
     * (or `--status FORCE_CHANGE_PASSWORD`, invitations never accepted) prints would delete them all. Compared in
     * any case: Panther takes emails so, and may ids and statuses.
     */
    const onlyAsked =
      (filter: string, field: (raw: unknown) => Option.Option<string>, isAsked: (value: string) => boolean) =>
      <E>(records: Stream.Stream<unknown, E>): Stream.Stream<unknown, E | InvalidResponse> =>
        Stream.mapChunksEffect(records, (page) =>
          Option.match(
            Chunk.findFirst(page, (raw) => Option.exists(field(raw), (value) => !isAsked(value))),
            {
              onNone: () => Effect.succeed(page),
              onSome: (stray) => {
                const who = describeUserRecord(rawUserId(stray), rawUserEmail(stray))
                return Effect.fail(
                  new InvalidResponse({
                    method: Routes.listUsers.method,
                    path: Routes.listUsers.path,
                    reason:
                      `it lists ${printable(scrub(who))}, which the ${filter} filter did not ask for: Panther, ` +
                      "or a proxy in between, may have ignored the filter",
                    advice: "The list stopped there. Check that --api-url is the API (https://api.<instance-domain>)."
                  })
                )
              }
            }
          )
        )

    const listPages = (filters: ListUsersFilters): Stream.Stream<unknown, PantherApiError> => {
      const route = Routes.listUsers
      const readPage = (reply: Reply): Effect.Effect<Page<unknown>, PantherApiError> => {
        // A body that is not UTF-8 is left to decodeBody, which refuses it.
        const page = reply.utf8 ? typicalPage(reply.body) : undefined
        const read =
          page === undefined
            ? Effect.map(decodeBody(ListRespEnvelope, route, route.path)(reply), (decoded) => ({
                items: decoded.results,
                next: Option.fromNullable(decoded.next)
              }))
            : Effect.succeed(page)
        return Effect.flatMap(read, (got) =>
          got.items.length > MAX_USERS_PER_PAGE
            ? Effect.fail(
                new InvalidResponse({
                  method: route.method,
                  path: route.path,
                  reason: `a page holds ${got.items.length} users, where ${PAGE_LIMIT} were asked for`
                })
              )
            : Effect.as(count("pagesFetched"), got)
        )
      }
      return paginate({
        requestPage: (cursor) =>
          askForPage(
            { method: route.method, path: route.path, query: listUsersParams(filters, cursor) },
            readPage,
            cursor
          ),
        // The id a raw record claims, as a decoded one would have it; an empty id names no user, so it cannot
        // mark a repeat: every such record is passed on.
        idOf: rawUserId,
        onLoop: (reason, pagesFetched) =>
          new PaginationLoop({ method: route.method, path: route.path, reason, pagesFetched }),
        onRepeats: (ids) =>
          Ref.update(counters, (stats) => {
            for (const id of ids) repeatedIds.add(id)
            return {
              ...stats,
              repeatsDropped: stats.repeatsDropped + ids.length,
              repeatsDroppedIds: repeatedIds.named()
            }
          })
      })
    }

    // Each record is decoded on its own: one bad record becomes an InvalidUser, the rest pass. A plain map, not an
    // effect: in effect 3.22 a stage of `mapChunksEffect` keeps each page reachable long enough to be moved to the
    // old generation (about 15 MB more per 200,000 users, measured with --trace-gc-nvp).
    const listUsers = (filters: ListUsersFilters = {}): Stream.Stream<UserRecord, PantherApiError> =>
      listRecords(filters).pipe(Stream.mapChunks(Chunk.map(decodeRecord)))

    const listUsersAsSent = (filters: ListUsersFilters = {}): Stream.Stream<RecordAsSent, PantherApiError> =>
      listRecords(filters).pipe(Stream.mapChunks(Chunk.map((asSent) => ({ record: decodeRecord(asSent), asSent }))))

    /**
     * Every record with this email in any case, deactivated or not, valid or not, as Panther sent it: accounts made
     * before Panther compared emails without case can hold one address in two cases. Searched for with `contains`,
     * which ignores case, not with the `email` filter, which is exact.
     */
    const usersByEmail = (email: string): Stream.Stream<RecordAsSent, PantherApiError> =>
      listUsersAsSent({ contains: email, includeDeactivated: true }).pipe(
        Stream.filter(({ record }) => {
          const found = record._tag === "ValidUser" ? record.user.email : Option.getOrUndefined(record.email)
          return found?.toLowerCase() === email.toLowerCase()
        })
      )

    /**
     * The user with this email in any case, deactivated or not (emails are compared as Panther does, ignoring case):
     * the first valid one `usersByEmail` finds.
     */
    const findByEmail = (email: string): Effect.Effect<Option.Option<User>, PantherApiError> =>
      usersByEmail(email).pipe(
        Stream.filterMap(({ record }) => (record._tag === "ValidUser" ? Option.some(record.user) : Option.none())),
        Stream.runHead
      )

    const listRoles = (): Stream.Stream<RoleWithPermissions, PantherApiError> => {
      const route = Routes.listRoles
      return paginate({
        requestPage: (cursor) =>
          askForPage(
            {
              method: route.method,
              path: route.path,
              query: [
                ["limit", String(PAGE_LIMIT)],
                ...Option.toArray(Option.map(cursor, (c) => ["cursor", c] as const))
              ] satisfies QueryOf<ListRolesUrlParams>
            },
            (reply) =>
              // `pagesFetched` counts pages of users, the figure reports show; role pages count as requests only.
              Effect.map(decodeBody(RoleListResp, route, route.path)(reply), (page) => ({
                items: page.results,
                next: Option.fromNullable(page.next)
              })),
            cursor
          ),
        idOf: (role) => Option.some(role.id),
        onLoop: (reason, pagesFetched) =>
          new PaginationLoop({ method: route.method, path: route.path, reason, pagesFetched })
      })
    }

    /** A request without a body, to the route's path or the one given (with an id filled in). */
    const plain = (route: Route, path: string = route.path): ApiRequest => ({ method: route.method, path })

    /**
     * The user as a record that may be invalid: what a caller needs that only asks whether the user is there (a
     * delete), where a record the audit reports as INVALID_RECORD must not stop it. Whatever else fails the schema,
     * the answer must be this user: a proxy answering every path with one user, or any JSON object from a wrong
     * --api-url, must not pass for it before a delete, or give an update another user's fields.
     */
    const getUserAnswer = (
      id: string,
      idRequired: boolean
    ): Effect.Effect<{ readonly asSent: unknown; readonly record: UserRecord }, PantherApiError> => {
      const path = pathWithId(Routes.getUser, id)
      return Effect.flatMap(send(Routes.getUser, Schema.Unknown, plain(Routes.getUser, path)), (raw) => {
        const claimed = rawUserId(raw)
        // The API's User may leave its id out: enough for a read, not before a delete. An id present but empty (or
        // not text) is not left out: it is no id of the user asked for.
        const idLeftOut = typeof raw === "object" && raw !== null && (Reflect.get(raw, "id") ?? undefined) === undefined
        // Without an id, only a record holding some field of a user is taken for this one: a list page (`{"results":
        // [...]}`), an array or `{}` from a wrong --api-url would otherwise be shown as this user's invalid record,
        // with advice to mend the user rather than the URL.
        const userLike = idLeftOut && !Array.isArray(raw) && TYPICAL_USER_FIELDS.some((field) => field in raw)
        return Option.contains(claimed, id) || (!idRequired && userLike)
          ? Effect.succeed({ asSent: raw, record: decodeRecord(raw) })
          : Effect.fail(
              new InvalidResponse({
                method: Routes.getUser.method,
                path,
                reason: Option.match(claimed, {
                  onNone: () =>
                    idLeftOut && !userLike
                      ? "it holds none of a user's fields, so it is no user"
                      : "it names no user id",
                  onSome: (other) => `it is another user (${printable(scrub(other))})`
                })
              })
            )
      })
    }
    const getUserRecord = (id: string, idRequired = true): Effect.Effect<UserRecord, PantherApiError> =>
      Effect.map(getUserAnswer(id, idRequired), ({ record }) => record)

    /**
     * The user a create or update answered with, if it is the one sent: the same email (in any case) and, when the
     * answer names one, the same id. Another user's record (a proxy answering every path alike, a wrong --api-url)
     * would otherwise be printed as the change made, and its id kept by a script for a later delete. And with the
     * role sent: an Admin's demotion answered with the user still an Admin did not take, and must not be told as
     * done (nor a user invited with more than the role asked for).
     */
    const answerAbout = (
      route: Route,
      path: string,
      user: User,
      sent: { readonly id?: string; readonly email: string; readonly role: RoleRef }
    ): Effect.Effect<User, InvalidResponse> => {
      const sameId = sent.id !== undefined && user.id === sent.id
      const otherId = sent.id !== undefined && user.id !== undefined && !sameId
      if (!otherId && user.email.trim().toLowerCase() === sent.email.trim().toLowerCase()) {
        const role = otherRole(user.role, sent.role)
        if (role === undefined) return Effect.succeed(user)
        const shown = (text: string) => printable(scrub(text))
        const check = `users get ${shown(user.id ?? sent.id ?? "")}`
        return Effect.fail(
          new InvalidResponse({
            method: route.method,
            path,
            reason: `it names the user, but with the role ${shown(role)}, not ${shown(roleSent(sent.role))} as sent`,
            advice:
              sent.id !== undefined
                ? `The update may not have been made: check the user with \`${check}\` before sending it again.`
                : user.id === undefined
                  ? `The user was created all the same: check it with \`users list --contains ${shown(sent.email)}\`.`
                  : `The user was created all the same: check it with \`${check}\`, and give it the role asked for ` +
                    `with \`users update ${shown(user.id)}\`.`
          })
        )
      }
      const asked = printable(scrub(sent.email))
      if (sameId) {
        // The user asked for, holding another email than the one sent (a change of email that did not take, or an
        // email changed elsewhere meanwhile): not another user, and no sign of a wrong --api-url.
        return Effect.fail(
          new InvalidResponse({
            method: route.method,
            path,
            reason: `it names the user, but with the email ${printable(scrub(user.email))}, not ${asked} as sent`,
            advice:
              `The update may have been made in part: check the user with \`users get ${printable(scrub(sent.id ?? ""))}\`; ` +
              "if its email was to change, change it in the Panther console."
          })
        )
      }
      const other = printable(scrub([user.email, user.id].filter((part) => part !== undefined).join(", ")))
      return Effect.fail(
        new InvalidResponse({
          method: route.method,
          path,
          reason:
            `it describes another user (${other}), not the one sent (${asked}); the change may have been made all ` +
            `the same: check with \`users list --contains ${asked}\``
        })
      )
    }

    /** The user, valid, with the answer as Panther sent it (fields the schema does not know included). */
    const getValidUser = (
      id: string,
      idRequired: boolean
    ): Effect.Effect<{ readonly user: User; readonly asSent: unknown }, PantherApiError> =>
      Effect.flatMap(getUserAnswer(id, idRequired), ({ asSent, record }) =>
        record._tag === "ValidUser"
          ? Effect.succeed({ user: record.user, asSent })
          : Effect.fail(
              new InvalidResponse({
                method: Routes.getUser.method,
                path: pathWithId(Routes.getUser, id),
                reason: record.reason
              })
            )
      )

    return {
      listUsers,
      /**
       * Each record with the record as Panther sent it: what `users list` prints as ndjson, so a field Panther adds
       * is shown rather than dropped by the decoding. The audit reads `listUsers`, which lets each raw record go.
       */
      listUsersAsSent,
      /** The user; `idRequired` refuses an answer that names no id, as an update must (it writes that user). */
      getUser: (id: string, idRequired = false): Effect.Effect<User, PantherApiError> =>
        Effect.map(getValidUser(id, idRequired), ({ user }) => user),
      /**
       * The user as Panther sent it, with its record, valid or not: what `users get` prints, so a field Panther adds
       * is shown rather than dropped by the decoding, and a record the audit reports as INVALID_RECORD can be seen.
       */
      getUserAsSent: (id: string): Effect.Effect<RecordAsSent, PantherApiError> => getUserAnswer(id, false),
      getUserRecord: (id: string) => getUserRecord(id),
      /**
       * The record with this email in any case, deactivated or not, valid or not, as Panther sent it; none when
       * Panther has none. Searched for with `contains`, which ignores case, where the `email` filter is exact:
       * Panther refuses a new user whose email differs from one it has in case alone.
       */
      findUserByEmail: (email: string): Effect.Effect<Option.Option<RecordAsSent>, PantherApiError> =>
        Stream.runHead(usersByEmail(email)),
      usersByEmail,
      createUser: (body: ModifyUserBody): Effect.Effect<User, PantherApiError> =>
        Effect.flatMap(Clock.currentTimeMillis, (started) =>
          settleCreate({
            create: Effect.flatMap(withBody(Routes.createUser, Routes.createUser.path, body), (request) =>
              Effect.flatMap(
                send(
                  Routes.createUser,
                  UserSchema,
                  request,
                  false,
                  changeAdvice(`users list --contains ${printable(scrub(body.email))}`)
                ),
                (user) =>
                  answerAbout(Routes.createUser, Routes.createUser.path, user, { email: body.email, role: body.role })
              )
            ),
            findByEmail: findByEmail(body.email),
            // A user who has signed in was there before this create: one it made is only invited as yet.
            asAsked: (user) => user.enabled && user.lastLoggedInAt === undefined && isAsAsked(user, body),
            rounds: settings.retry.maxAttempts,
            onRetry: count("retries"),
            // The whole create keeps to the retry budget, as one request's retries do.
            pause: (round) =>
              Effect.gen(function* () {
                const delay = backoffDelay(settings.retry, round, yield* Random.next)
                const elapsed = (yield* Clock.currentTimeMillis) - started
                if (elapsed + Duration.toMillis(delay) > Duration.toMillis(settings.retry.maxElapsed)) return false
                yield* Effect.sleep(delay)
                return true
              })
          })
        ),
      // An update sends the whole user, so repeating it after an uncertain failure is harmless; if the repeats fail
      // too, the error still says the first may have made the change.
      updateUser: (id: string, body: ModifyUserBody): Effect.Effect<User, PantherApiError> =>
        Effect.flatMap(withBody(Routes.updateUser, pathWithId(Routes.updateUser, id), body), (request) =>
          Effect.flatMap(
            send(
              Routes.updateUser,
              UserSchema,
              request,
              true,
              changeAdvice(`users get ${printable(scrub(id))}`),
              afterLostAnswer
            ),
            (user) =>
              answerAbout(Routes.updateUser, pathWithId(Routes.updateUser, id), user, {
                id,
                email: body.email,
                role: body.role
              })
          )
        ),
      deleteUser: (id: string): Effect.Effect<void, PantherApiError> =>
        settleDelete({
          // 200 with no body: nothing to decode.
          deleteOnce: (repeatable, attemptsBefore) =>
            execute(
              plain(Routes.deleteUser, pathWithId(Routes.deleteUser, id)),
              repeatable,
              undefined,
              attemptsBefore
            ).pipe(Effect.asVoid),
          maxAttempts: settings.retry.maxAttempts,
          onRetry: count("retries")
        }),
      listRoles,
      getRole: (id: string): Effect.Effect<RoleWithPermissions, PantherApiError> =>
        send(Routes.getRole, RoleWithPermissions, plain(Routes.getRole, pathWithId(Routes.getRole, id))),
      stats: Ref.get(counters),
      /** Whether a text holds the API token, in any form (`Redact.ts`). */
      holdsSecret: (text: string): boolean => revealsAny(text, tokenAlone),
      /** The API's base URL, as settled from the flags and environment (never with credentials). */
      baseUrl: settings.baseUrl
    } as const
  }),
  dependencies: [HttpTransport.Default]
}) {}

/**
 * A users list stopped because it kept sending users already seen: what a caller that knows every id so far fails
 * with when `repeatsOutnumberUsers` says so.
 */
export const repeatsLoop = (pagesFetched: number, repeated: number, taken: number): PaginationLoop =>
  new PaginationLoop({
    method: Routes.listUsers.method,
    path: Routes.listUsers.path,
    reason: `${repeated} records repeated users already seen (more than the ${taken} distinct users it sent)`,
    pagesFetched
  })

/** The client for one connection: how every command gets it, once its settings are read. */
export const pantherClientFor = (settings: ConnectionSettings): Layer.Layer<PantherClient> =>
  PantherClient.Default.pipe(Layer.provide(PantherConnection.layer(settings)))
