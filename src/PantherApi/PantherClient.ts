/**
 * The Panther Users API client: every user as a lazy stream, the four single-user operations, and roles.
 *
 * Built by hand rather than with `HttpApiClient.make(PantherApi)`, although both would read the same description:
 * the live API sends bodies the description does not have (403 `{"error":"forbidden"}`, HTML from load balancers)
 * which a derived client turns into opaque decode errors, and a derived client decodes a page of users as a whole,
 * so one bad record would fail 60 good ones. Paths and methods still come from the description (`Routes.ts`), and
 * bodies are decoded with its schemas. Each request is sent, judged, retried and decoded by `ApiExchange.ts`; what
 * an answer to a create or update means is `ChangeAnswer.ts`'s.
 */
import * as Arr from "effect/Array"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { answerScanner, looksGenerated, revealsAny, scrubSecrets, secretsOf } from "../Cli/Redact.js"
import { makeApiExchange } from "./ApiExchange.js"
import { answerAbout, changeAdvice, updateAnswerAbout } from "./ChangeAnswer.js"
import { InvalidResponse, PaginationLoop, type PantherApiError } from "./ClientErrors.js"
import type { ClientStats } from "./ClientStats.js"
import { normalCognitoStatus } from "./CognitoStatus.js"
import { type ConnectionSettings, PantherConnection } from "./Connection.js"
import {
  decodeUserRecord,
  describeUserRecord,
  rawUserEmail,
  rawUserId,
  rawUserStatus,
  scrubbedUser,
  TYPICAL_USER_FIELDS
} from "./DecodeUser.js"
import { HttpTransport, type Reply } from "./HttpTransport.js"
import { type Page, paginate } from "./Pagination.js"
import { makeRepeatedIds } from "./RepeatedIds.js"
import { printable } from "./Responses.js"
import { backoffDelay } from "./Retry.js"
import { decodeRoleRecord, type RoleRecord, roleRecordId } from "./RoleRecord.js"
import { pathWithId, Routes } from "./Routes.js"
import {
  ListRespEnvelope,
  type ModifyUser as ModifyUserBody,
  RoleListEnvelope,
  RoleWithPermissions,
  type User,
  User as UserSchema
} from "./Schemas.js"
import { afterLostAnswer, isAsAsked, settleCreate, settleDelete } from "./UncertainChanges.js"
import {
  IDS_PER_REQUEST,
  isNarrowed,
  type ListUsersFilters,
  listUsersParams,
  MAX_USERS_PER_PAGE,
  PAGE_LIMIT,
  type QueryOf,
  typicalPage
} from "./UserListRequests.js"
import { UserRecord } from "./UserRecord.js"
import type { ListRolesUrlParams } from "./UsersApi.js"

/** A user record, decoded, with the record as Panther sent it (fields the schema does not know included). */
export interface RecordAsSent {
  readonly record: UserRecord
  readonly asSent: unknown
}

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
    const { execute, send, decodeBody, withBody, plain, askForPage } = makeApiExchange({
      settings,
      transport: yield* HttpTransport,
      scrub,
      readable: withoutSecrets,
      countRequest: count("requests"),
      countRetry: count("retries")
    })

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
        // A narrowed list is short when the server honours it, and its callers (a create's and a delete's look-ups,
        // a search by email) do not count repeats; the whole list's callers (the audit, `users list`) count them
        // against every id they take, and it is kept to a page's ids here, for memory.
        remembersEveryId: isNarrowed(filters),
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

    /** Every role, each as a `RoleRecord`: one that does not decode is named, not the end of the list. */
    const listRoles = (): Stream.Stream<RoleRecord, PantherApiError> => {
      const route = Routes.listRoles
      return paginate({
        requestPage: (cursor) =>
          askForPage(
            {
              method: route.method,
              path: route.path,
              // No `limit`: Panther's documentation of GET /roles lists none (only the filters), and a parameter
              // an endpoint does not declare may be refused, which would leave privilege to role names alone.
              query: Option.toArray(
                Option.map(cursor, (c) => ["cursor", c] as const)
              ) satisfies QueryOf<ListRolesUrlParams>
            },
            (reply) =>
              // `pagesFetched` counts pages of users, the figure reports show; role pages count as requests only.
              Effect.map(decodeBody(RoleListEnvelope, route, route.path)(reply), (page) => ({
                items: page.results.map((raw) => decodeRoleRecord(raw, scrub)),
                next: Option.fromNullable(page.next)
              })),
            cursor
          ),
        idOf: roleRecordId,
        onLoop: (reason, pagesFetched) =>
          new PaginationLoop({ method: route.method, path: route.path, reason, pagesFetched }),
        // Roles are few, and the audit collects them whole: no caller counts their repeats.
        remembersEveryId: true
      })
    }

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
                  answerAbout(
                    Routes.createUser,
                    Routes.createUser.path,
                    user,
                    { email: body.email, role: body.role },
                    scrub
                  )
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
            // Read as a record: a user whose record fails the API description in a field no update sends is
            // updated all the same (updateAnswerAbout).
            send(
              Routes.updateUser,
              Schema.Unknown,
              request,
              true,
              changeAdvice(`users get ${printable(scrub(id))}`),
              afterLostAnswer
            ),
            (raw) =>
              updateAnswerAbout(
                Routes.updateUser,
                pathWithId(Routes.updateUser, id),
                decodeRecord(raw),
                { id, email: body.email, role: body.role, names: body },
                scrub,
                changeAdvice(`users get ${printable(scrub(id))}`)
              )
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
