/**
 * The five user operations, served from the shared `PantherApi` definition. Handlers answer with the stored wire
 * records directly (`handleRaw`): decoding and re-encoding would turn the `null` and `""` last-login values the
 * live API sends into "absent", and those are exactly what clients must be tested against. The conformance tests
 * check these bodies against the OpenAPI document instead.
 */

import { randomUUID } from "node:crypto"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { ListResp } from "../PantherApi/Schemas.js"
import { BadRequestError, NotFoundError } from "../PantherApi/Schemas.js"
import { type ListUsersUrlParams, PantherApi } from "../PantherApi/UsersApi.js"
import { Cursors, cursorProblemMessage, queryFingerprint } from "./Cursor.js"
import { formatTimestamp } from "./GenerateUsers.js"
import { given, parseBoolean, parseIds, parseLimit, single } from "./ListQuery.js"
import { parseModifyUser, type UserChanges } from "./ModifyUserBody.js"
import { readJsonBody } from "./RequestBody.js"
import { Roles } from "./RoleCatalog.js"
import { ADMIN_ROLE_NAME } from "./Roles.js"
import { SimulatedClock } from "./SimulatedClock.js"
import { Directory, fold, type PageRequest, searchMatches } from "./UserDirectory.js"
import type { WireUser } from "./WireUser.js"

const badRequest = (message: string) => new BadRequestError({ message })
const notFound = (id: string) => new NotFoundError({ message: `no user with id "${id}"` })

const json = (body: WireUser | typeof ListResp.Encoded) => HttpServerResponse.unsafeJson(body)

const RESULTS_START = Buffer.from('{"results":[')
const COMMA = Buffer.from(",")
const RESULTS_END = Buffer.from("]")
const NEXT = Buffer.from(',"next":')
const OBJECT_END = Buffer.from("}")

/**
 * A page's body from its users' stored JSON: the same bytes `json({ results, next })` would send, without
 * serialising and encoding the page again on every request.
 */
const listPage = (wire: ReadonlyArray<Buffer>, next: string | undefined) => {
  const parts: Array<Buffer> = [RESULTS_START]
  wire.forEach((record, index) => {
    if (index > 0) parts.push(COMMA)
    parts.push(record)
  })
  parts.push(RESULTS_END)
  if (next !== undefined) parts.push(NEXT, Buffer.from(JSON.stringify(next)))
  parts.push(OBJECT_END)
  return HttpServerResponse.uint8Array(Buffer.concat(parts), { contentType: "application/json" })
}

/**
 * Panther insists that at least one password-based Admin remains; the simulator refuses to delete or demote the
 * last active one, as the live API does, so a client's error handling for that 400 can be tested.
 */
const isAnchorAdmin = (user: WireUser): boolean =>
  user.enabled && user.role.name === ADMIN_ROLE_NAME && user.status === "CONFIRMED"

type ListRequest =
  | { readonly _tag: "ByEmail"; readonly email: string }
  | {
      readonly _tag: "Page"
      readonly page: Omit<PageRequest, "afterSeq">
      readonly cursor: string | undefined
      /** The filters a cursor is bound to (not limit: a client may change its page size while paging). */
      readonly fingerprint: ReadonlyArray<string>
    }

/** The query parameters as a page request, or the 400 message naming the bad parameter. */
const parseListUsers = (params: ListUsersUrlParams): Either.Either<ListRequest, string> =>
  Either.gen(function* () {
    const email = given(yield* single("email", params.email))
    // "If provided all other parameters are ignored", including malformed and repeated ones.
    if (email !== undefined) return { _tag: "ByEmail", email } as const
    const limit = yield* parseLimit(yield* single("limit", params.limit))
    const includeDeactivated = yield* parseBoolean(
      "include-deactivated",
      yield* single("include-deactivated", params["include-deactivated"])
    )
    const contains = given(yield* single("contains", params.contains))
    const needle = contains === undefined ? undefined : fold(contains)
    const status = given(yield* single("status", params.status))
    const cursor = given(yield* single("cursor", params.cursor))
    const ids = parseIds(params.id, yield* single("ids", params.ids))
    const matches = (user: WireUser, search: string): boolean =>
      (includeDeactivated || user.enabled) &&
      (status === undefined || user.status === status) &&
      (needle === undefined || searchMatches(search, needle))
    return {
      _tag: "Page",
      cursor,
      page: { limit, matches, ...(ids === undefined ? {} : { ids }) },
      fingerprint: [
        needle ?? "",
        status ?? "",
        ids === undefined ? "" : [...ids].sort().join(","),
        String(includeDeactivated)
      ]
    } as const
  })

export const UsersHttpLive = HttpApiBuilder.group(PantherApi, "users", (handlers) =>
  Effect.gen(function* () {
    const directory = yield* Directory
    const roles = yield* Roles
    const cursors = yield* Cursors
    const clock = yield* SimulatedClock

    /** The checks create and update share: the role exists and the email is not someone else's. */
    const resolveChanges = (changes: UserChanges, exceptId?: string) =>
      Either.gen(function* () {
        const role = yield* roles.resolve(changes.role)
        if (directory.emailTaken(changes.email, exceptId)) {
          return yield* Either.left(`a user with email "${changes.email}" already exists`)
        }
        return { ...changes, role }
      }).pipe(Either.mapLeft(badRequest))

    const readChanges = Effect.flatMap(readJsonBody, (body) => Effect.mapError(parseModifyUser(body), badRequest))

    return handlers
      .handleRaw("listUsers", ({ urlParams }) =>
        Effect.gen(function* () {
          const request = yield* Effect.mapError(parseListUsers(urlParams), badRequest)
          if (request._tag === "ByEmail") {
            const user = directory.findByEmail(request.email)
            return json({ results: user === undefined ? [] : [user] })
          }
          const fingerprint = queryFingerprint(request.fingerprint)
          const afterSeq =
            request.cursor === undefined
              ? 0
              : yield* Either.mapLeft(cursors.decode("users", request.cursor, fingerprint), (problem) =>
                  badRequest(cursorProblemMessage(problem, "users"))
                )
          const page = directory.page({ ...request.page, afterSeq })
          return listPage(
            page.wire,
            page.nextAfterSeq === undefined ? undefined : cursors.encode("users", page.nextAfterSeq, fingerprint)
          )
        })
      )
      .handleRaw("getUser", ({ path }) =>
        Effect.gen(function* () {
          const user = directory.get(path.id)
          return user === undefined ? yield* Effect.fail(notFound(path.id)) : json(user)
        })
      )
      .handleRaw("createUser", () =>
        Effect.gen(function* () {
          const resolved = yield* resolveChanges(yield* readChanges)
          const user: WireUser = {
            id: randomUUID(),
            email: resolved.email,
            givenName: resolved.givenName,
            familyName: resolved.familyName,
            role: resolved.role,
            enabled: true,
            // A new Panther user is invited: Cognito holds a temporary password until the first sign-in.
            status: "FORCE_CHANGE_PASSWORD",
            createdAt: formatTimestamp(clock.nowMs(), 3)
          }
          return json(directory.insert(user))
        })
      )
      .handleRaw("updateUser", ({ path }) =>
        Effect.gen(function* () {
          const changes = yield* readChanges
          const existing = directory.get(path.id)
          if (existing === undefined) return yield* Effect.fail(notFound(path.id))
          const resolved = yield* resolveChanges(changes, existing.id)
          if (
            isAnchorAdmin(existing) &&
            resolved.role.name !== ADMIN_ROLE_NAME &&
            directory.count(isAnchorAdmin) === 1
          ) {
            return yield* Effect.fail(badRequest("cannot change the role of the last active password-based Admin"))
          }
          const updated: WireUser = {
            ...existing,
            email: resolved.email,
            givenName: resolved.givenName,
            familyName: resolved.familyName,
            role: resolved.role
          }
          directory.replace(updated)
          return json(updated)
        })
      )
      .handleRaw("deleteUser", ({ path }) =>
        Effect.gen(function* () {
          const existing = directory.get(path.id)
          if (existing === undefined) return yield* Effect.fail(notFound(path.id))
          if (isAnchorAdmin(existing) && directory.count(isAnchorAdmin) === 1) {
            return yield* Effect.fail(badRequest("cannot delete the last active password-based Admin"))
          }
          directory.remove(path.id)
          // 200 with no body, as the seed document specifies (not 204).
          return HttpServerResponse.empty({ status: 200 })
        })
      )
  })
)
