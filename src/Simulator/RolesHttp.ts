/**
 * `GET /roles` and `GET /roles/{id}` (from the notes; not in the seed document): the roles with their permissions,
 * filtered by `name-contains`, `id`/`ids`, ordered by name with `sort-dir`, paged like `GET /users`; or the one role
 * of an exact `name`, which Panther's documentation of the endpoint says makes every other parameter ignored.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { BadRequestError, NotFoundError, type RoleWithPermissions } from "../PantherApi/Schemas.js"
import { type ListRolesUrlParams, PantherApi } from "../PantherApi/UsersApi.js"
import { Cursors, cursorProblemMessage, queryFingerprint } from "./Cursor.js"
import { given, parseIds, parseLimit, single } from "./ListQuery.js"
import { Roles } from "./RoleCatalog.js"
import { fold } from "./UserDirectory.js"

const badRequest = (message: string) => new BadRequestError({ message })

const parseSortDir = (value: string | undefined): Either.Either<"asc" | "desc", string> => {
  const text = given(value)?.trim().toLowerCase()
  if (text === undefined || text === "" || text === "asc") return Either.right("asc")
  if (text === "desc") return Either.right("desc")
  return Either.left(`sort-dir must be asc or desc, got "${value}"`)
}

/** A `GET /roles` query without `name`: its filters, order and paging. */
interface RolesQuery {
  readonly limit: number
  readonly sortDir: "asc" | "desc"
  /** `name-contains`, folded. */
  readonly needle: string | undefined
  readonly ids: ReadonlyArray<string> | undefined
  readonly cursor: string | undefined
}

/** The query's parameters read one value each, or the 400 message naming the bad parameter. */
const parseListRoles = (params: ListRolesUrlParams): Either.Either<RolesQuery, string> =>
  Either.gen(function* () {
    const limit = yield* parseLimit(yield* single("limit", params.limit))
    const sortDir = yield* parseSortDir(yield* single("sort-dir", params["sort-dir"]))
    const nameContains = given(yield* single("name-contains", params["name-contains"]))
    const ids = parseIds(params.id, yield* single("ids", params.ids))
    const cursor = given(yield* single("cursor", params.cursor))
    return { limit, sortDir, needle: nameContains === undefined ? undefined : fold(nameContains), ids, cursor }
  })

/** The matching roles in the requested order, and the filters a cursor is bound to. */
const selectRoles = (roles: ReadonlyArray<RoleWithPermissions>, { needle, ids, sortDir }: RolesQuery) => {
  const selected = roles
    .filter(
      (role) =>
        (needle === undefined || fold(role.name).includes(needle)) && (ids === undefined || ids.includes(role.id))
    )
    .sort((a, b) => (sortDir === "asc" ? 1 : -1) * a.name.localeCompare(b.name, "en"))
  const fingerprint = [needle ?? "", ids === undefined ? "" : [...ids].sort().join(","), sortDir]
  return { selected, fingerprint }
}

export const RolesHttpLive = HttpApiBuilder.group(PantherApi, "roles", (handlers) =>
  Effect.gen(function* () {
    const catalog = yield* Roles
    const cursors = yield* Cursors
    return handlers
      .handle("listRoles", ({ urlParams }) =>
        Effect.gen(function* () {
          const name = given(yield* Either.mapLeft(single("name", urlParams.name), badRequest))
          // "An exact match of a role's name to return. If provided all other parameters are ignored": malformed
          // and repeated ones too, as `email` on GET /users. Names are unique, so it is one role or none, on one page.
          if (name !== undefined) return { results: catalog.roles.filter((role) => role.name === name) }
          const query = yield* Either.mapLeft(parseListRoles(urlParams), badRequest)
          const { limit, cursor } = query
          const { selected, fingerprint } = selectRoles(catalog.roles, query)
          const digest = queryFingerprint(["roles", ...fingerprint])
          // Roles never move, so a position in the ordered selection is a stable key here.
          const start =
            cursor === undefined
              ? 0
              : yield* Either.mapLeft(cursors.decode("roles", cursor, digest), (problem) =>
                  badRequest(cursorProblemMessage(problem, "roles"))
                )
          const results = selected.slice(start, start + limit)
          const end = start + results.length
          return end < selected.length ? { results, next: cursors.encode("roles", end, digest) } : { results }
        })
      )
      .handle("getRole", ({ path }) =>
        Effect.suspend(() => {
          const role = catalog.get(path.id)
          return role === undefined
            ? Effect.fail(new NotFoundError({ message: `no role with id "${path.id}"` }))
            : Effect.succeed(role)
        })
      )
  })
)
