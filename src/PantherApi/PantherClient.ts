/**
 * The Panther Users API client: every user as a lazy stream, the four single-user operations, and roles.
 *
 * Built on a hand-made `HttpClient` pipeline rather than `HttpApiClient.make(PantherApi)`, although both would read
 * the same description: the live API sends bodies the description does not have (403 `{"error":"forbidden"}`,
 * HTML from load balancers) which a derived client turns into opaque decode errors, and a derived client decodes a
 * page of users as a whole, so one bad record would fail 60 good ones. Paths and methods still come from the
 * description (`Routes.ts`), and bodies are decoded with its schemas.
 */
// Module paths, not the package indexes: the indexes load every platform module, servers included, at start-up.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import {
  Chunk,
  Clock,
  Duration,
  Effect,
  Exit,
  FiberId,
  flow,
  Option,
  Redacted,
  Ref,
  Schema,
  Scope,
  Stream
} from "effect"
import { InvalidResponse, PaginationLoop, type PantherApiError } from "./ClientErrors.js"
import { PantherConnection } from "./Connection.js"
import { decodeUserRecord, describeParseError, rawUserId } from "./DecodeUser.js"
import { paginate } from "./Pagination.js"
import { checkStatus, errorDetail, parseJson, transportFailure } from "./Responses.js"
import { TransientFailure, withRetries } from "./Retry.js"
import { pathWithId, type Route, Routes } from "./Routes.js"
import {
  ListRespEnvelope,
  ModifyUser,
  type ModifyUser as ModifyUserBody,
  RoleListResp,
  RoleWithPermissions,
  type User,
  User as UserSchema
} from "./Schemas.js"
import { settleCreate, settleDelete } from "./UncertainChanges.js"
import { UserRecord } from "./UserRecord.js"
import { API_KEY_HEADER } from "./UsersApi.js"

/** Resumes after the event loop has turned once (`setImmediate`): I/O callbacks and queued writes go first. */
const nextTurn: Effect.Effect<void> = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

/** The API's maximum page size: fewer round trips for the same users. */
export const PAGE_LIMIT = 60

/** `GET /users` filters. Empty strings count as not given, as the API treats them. */
export interface ListUsersFilters {
  /** Case-insensitive search in names and email. */
  readonly contains?: string | undefined
  /** Exact email; the API then ignores every other filter. */
  readonly email?: string | undefined
  /** A Cognito status, e.g. `FORCE_CHANGE_PASSWORD`. */
  readonly status?: string | undefined
  readonly ids?: ReadonlyArray<string> | undefined
  /** Deactivated users are left out unless this is true. */
  readonly includeDeactivated?: boolean | undefined
}

/** What a run cost, for reports: HTTP requests sent (retries included), list pages fetched, and retries. */
export interface ClientStats {
  readonly requests: number
  readonly pagesFetched: number
  readonly retries: number
}

const listUsersParams = (filters: ListUsersFilters, cursor: Option.Option<string>): Array<[string, string]> => {
  const params: Array<[string, string]> = [["limit", String(PAGE_LIMIT)]]
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== "") params.push([name, value])
  }
  add("contains", filters.contains)
  add("email", filters.email)
  add("status", filters.status)
  add("ids", filters.ids?.filter((id) => id !== "").join(","))
  if (filters.includeDeactivated === true) add("include-deactivated", "true")
  // The cursor is opaque and may hold `+`, `/` and `=`: the request's URL params percent-encode it.
  add("cursor", Option.getOrUndefined(cursor))
  return params
}

export class PantherClient extends Effect.Service<PantherClient>()("PantherApi/PantherClient", {
  effect: Effect.gen(function* () {
    const settings = yield* PantherConnection
    const counters = yield* Ref.make<ClientStats>({ requests: 0, pagesFetched: 0, retries: 0 })
    const count = (key: keyof ClientStats) => Ref.update(counters, (stats) => ({ ...stats, [key]: stats[key] + 1 }))

    // Defence in depth: nothing the server sends back is quoted with the token in it.
    const scrub = (text: string): string => {
      const token = Redacted.value(settings.token)
      return token === "" ? text : text.replaceAll(token, "[redacted]")
    }
    /** Its reason quotes the rejected values and ends up in reports, so it is scrubbed like any other answer. */
    const decodeRecord = (raw: unknown): UserRecord => {
      const record = decodeUserRecord(raw)
      if (record._tag === "ValidUser") return record
      return UserRecord.InvalidUser({ userId: record.userId, email: record.email, reason: scrub(record.reason) })
    }
    const timeoutReason = `no answer within ${Duration.format(settings.requestTimeout)}`

    const http = (yield* HttpClient.HttpClient).pipe(
      // No tracer is set up in this tool, and a span per request (with its attributes) cost about 0.1 ms a page.
      HttpClient.withTracerDisabledWhen(() => true),
      HttpClient.mapRequest(
        flow(
          HttpClientRequest.prependUrl(settings.baseUrl),
          // The only place the token is sent; `scrub` above is the only other place that unwraps it, to compare.
          HttpClientRequest.setHeader(API_KEY_HEADER, Redacted.value(settings.token)),
          HttpClientRequest.acceptJson
        )
      )
    )

    // Each exchange gets its own scope; closing it aborts the request, which is how the deadline below cuts one off.
    const scopedHttp = HttpClient.withScope(http)

    /**
     * Gives `exchange` until the request timeout, body included, then aborts it; `timedOut` says whether that is why
     * it failed. `Effect.timeoutFail` would run the request in a forked fiber, and the wake-up of that fiber let the
     * caller's work on the previous page run first: about a millisecond between one page's answer and the next
     * page's request, every page. Here the request runs in the caller's fiber and a forked watchdog, on the same
     * clock, closes the exchange's scope at the deadline.
     */
    const withDeadline = <A, E>(
      exchange: (timedOut: () => boolean) => Effect.Effect<A, E, Scope.Scope>
    ): Effect.Effect<A, E> =>
      Effect.acquireUseRelease(
        Scope.make(),
        (scope) =>
          Effect.gen(function* () {
            let timedOut = false
            const watchdog = yield* Effect.forkDaemon(
              Effect.zipRight(
                Effect.sleep(settings.requestTimeout),
                Effect.suspend(() => {
                  timedOut = true
                  return Scope.close(scope, Exit.void)
                })
              )
            )
            // Signalled, not awaited: the watchdog may be the one closing the scope.
            yield* Scope.addFinalizer(
              scope,
              Effect.sync(() => watchdog.unsafeInterruptAsFork(FiberId.none))
            )
            return yield* Scope.extend(
              exchange(() => timedOut),
              scope
            )
          }),
        (scope, exit) => Scope.close(scope, exit)
      )

    /**
     * One request, judged and retried. `request.url` is still the API path here (the base URL is prepended on the
     * way out), which is what errors and warnings name.
     */
    const execute = (
      request: HttpClientRequest.HttpClientRequest,
      repeatable = true
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, PantherApiError> => {
      const method = request.method
      const path = request.url
      const attempt = withDeadline((timedOut) =>
        count("requests").pipe(
          Effect.zipRight(scopedHttp.execute(request)),
          // The whole body is read before the deadline: a response that stalls halfway is cut off and retried.
          Effect.flatMap((response) => Effect.map(response.text, (body) => ({ response, body }))),
          Effect.mapError((error) =>
            timedOut()
              ? new TransientFailure({
                  method,
                  path,
                  status: Option.none(),
                  reason: timeoutReason,
                  retryAfter: Option.none(),
                  detail: undefined,
                  mayHaveTakenEffect: true
                })
              : transportFailure(method, path, error)
          )
        )
      ).pipe(
        // The status is judged before the retry, so a 503 is retried and a 404 is not.
        Effect.flatMap(({ response, body }) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.as(
              checkStatus(
                { method, path, status: response.status, retryAfter: response.headers["retry-after"], body },
                now,
                scrub
              ),
              response
            )
          )
        )
      )
      return withRetries(settings.retry, count("retries"), { repeatable })(attempt)
    }

    /** Decoding comes after the retries, never inside them: a wrong shape does not improve by asking again. */
    const decodeBody =
      <A, I>(schema: Schema.Schema<A, I>, route: Route, path: string) =>
      (response: HttpClientResponse.HttpClientResponse): Effect.Effect<A, InvalidResponse> => {
        const invalid = (reason: string) => new InvalidResponse({ method: route.method, path, reason })
        return response.text.pipe(
          Effect.mapError(() => invalid("the body could not be read")),
          Effect.flatMap((body) =>
            Option.match(parseJson(body), {
              onNone: () => Effect.fail(invalid(`the body is not JSON but ${errorDetail(scrub(body)) ?? "empty"}`)),
              onSome: (json) =>
                Schema.decodeUnknown(schema, { errors: "all" })(json).pipe(
                  // A parse error quotes the values it rejected: an echo of the request would quote the token.
                  Effect.mapError((error) => invalid(scrub(describeParseError(error))))
                )
            })
          )
        )
      }

    const send = <A, I>(
      route: Route,
      path: string,
      schema: Schema.Schema<A, I>,
      request: HttpClientRequest.HttpClientRequest = HttpClientRequest.make(route.method)(path),
      repeatable = true
    ): Effect.Effect<A, PantherApiError> =>
      execute(request, repeatable).pipe(Effect.flatMap(decodeBody(schema, route, path)))

    const withBody = (route: Route, path: string, body: ModifyUserBody) =>
      HttpClientRequest.make(route.method)(path).pipe(
        HttpClientRequest.schemaBodyJson(ModifyUser)(body),
        // Encoding a value that already has the schema's type cannot fail; if it does, it is a bug.
        Effect.orDie
      )

    const listUsers = (filters: ListUsersFilters = {}): Stream.Stream<UserRecord, PantherApiError> => {
      const route = Routes.listUsers
      return paginate({
        fetchPage: (cursor) =>
          send(
            route,
            route.path,
            ListRespEnvelope,
            HttpClientRequest.get(route.path, { urlParams: listUsersParams(filters, cursor) })
          ).pipe(
            Effect.tap(() => count("pagesFetched")),
            Effect.map((page) => ({ items: page.results, next: Option.fromNullable(page.next) }))
          ),
        // The id a raw record claims, as a decoded one would have it; an empty id names no user, so it cannot
        // mark a repeat: every such record is passed on.
        idOf: rawUserId,
        onLoop: (reason, pagesFetched) =>
          new PaginationLoop({ method: route.method, path: route.path, reason, pagesFetched })
      }).pipe(
        // One page ahead: the next page is on its way while the caller works through the current one.
        Stream.bufferChunks({ capacity: 1 }),
        // Each record is decoded on its own: one bad record becomes an InvalidUser, the rest pass. Decoding after
        // the buffer, and after a turn of the event loop, keeps it and the caller's work on the page off the path
        // from one page's answer to the next page's request: undici writes a request to the socket only once the
        // pending microtasks have run, and working through a page would otherwise be one of them.
        Stream.mapChunksEffect((chunk) =>
          Effect.zipRight(
            nextTurn,
            Effect.sync(() => Chunk.map(chunk, decodeRecord))
          )
        )
      )
    }

    /** The user with exactly this email, deactivated or not (emails are compared as Panther does, ignoring case). */
    const findByEmail = (email: string): Effect.Effect<Option.Option<User>, PantherApiError> =>
      listUsers({ email, includeDeactivated: true }).pipe(
        Stream.filterMap((record) =>
          record._tag === "ValidUser" && record.user.email.toLowerCase() === email.toLowerCase()
            ? Option.some(record.user)
            : Option.none()
        ),
        Stream.runHead
      )

    const listRoles = (): Stream.Stream<RoleWithPermissions, PantherApiError> => {
      const route = Routes.listRoles
      return paginate({
        fetchPage: (cursor) =>
          send(
            route,
            route.path,
            RoleListResp,
            HttpClientRequest.get(route.path, {
              urlParams: [
                ["limit", String(PAGE_LIMIT)],
                ...Option.toArray(Option.map(cursor, (c) => ["cursor", c] as const))
              ]
            })
          ).pipe(
            // `pagesFetched` counts pages of users, the figure reports show; role pages count as requests only.
            Effect.map((page) => ({ items: page.results, next: Option.fromNullable(page.next) }))
          ),
        idOf: (role) => Option.some(role.id),
        onLoop: (reason, pagesFetched) =>
          new PaginationLoop({ method: route.method, path: route.path, reason, pagesFetched })
      })
    }

    return {
      listUsers,
      getUser: (id: string): Effect.Effect<User, PantherApiError> =>
        send(Routes.getUser, pathWithId(Routes.getUser, id), UserSchema),
      createUser: (body: ModifyUserBody): Effect.Effect<User, PantherApiError> =>
        settleCreate({
          create: Effect.flatMap(withBody(Routes.createUser, Routes.createUser.path, body), (request) =>
            send(Routes.createUser, Routes.createUser.path, UserSchema, request, false)
          ),
          findByEmail: findByEmail(body.email),
          rounds: settings.retry.maxAttempts,
          onRetry: count("retries")
        }),
      // An update sends the whole user, so repeating it after an uncertain failure is harmless.
      updateUser: (id: string, body: ModifyUserBody): Effect.Effect<User, PantherApiError> => {
        const path = pathWithId(Routes.updateUser, id)
        return Effect.flatMap(withBody(Routes.updateUser, path, body), (request) =>
          send(Routes.updateUser, path, UserSchema, request)
        )
      },
      deleteUser: (id: string): Effect.Effect<void, PantherApiError> =>
        settleDelete({
          // 200 with no body: nothing to decode.
          deleteOnce: (repeatable) =>
            execute(
              HttpClientRequest.make(Routes.deleteUser.method)(pathWithId(Routes.deleteUser, id)),
              repeatable
            ).pipe(Effect.asVoid),
          onRetry: count("retries")
        }),
      listRoles,
      getRole: (id: string): Effect.Effect<RoleWithPermissions, PantherApiError> =>
        send(Routes.getRole, pathWithId(Routes.getRole, id), RoleWithPermissions),
      stats: Ref.get(counters)
    } as const
  }),
  dependencies: [NodeHttpClient.layerUndici]
}) {}
