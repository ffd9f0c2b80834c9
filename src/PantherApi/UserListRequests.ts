/**
 * How a list of users is asked for and read: the query of `GET /users` (filters, page size, cursor), and a page read
 * without the schema in the usual case. The client (`PantherClient.ts`) sends the requests and follows the cursors.
 */
import * as Option from "effect/Option"
import { parseJson } from "./Responses.js"
import { type ListUsersUrlParams, MAX_PAGE_SIZE } from "./UsersApi.js"

/** The API's maximum page size: fewer round trips for the same users. */
export const PAGE_LIMIT = MAX_PAGE_SIZE

/**
 * More users than this on one page is not an answer to `limit=60`: a page is held and decoded whole, so one of
 * millions (a proxy's, a wrong --api-url's) would take gigabytes. Generous, should a server give more than asked.
 */
export const MAX_USERS_PER_PAGE = 1000

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

/** Whether the list asks for some users only: a filter given, not just the page size and deactivated users. */
export const isNarrowed = (filters: ListUsersFilters): boolean =>
  [filters.contains, filters.email, filters.status, ...(filters.ids ?? [])].some(
    (value) => value !== undefined && value !== ""
  )

/**
 * A page of users as the API sends it, read without the schema: an object whose `results` is an array and whose
 * `next` is a cursor, `null`, `""` or absent. Anything else is undefined, and the schema then words what is wrong.
 * The schema's reading of the page costs about as much again as JSON.parse, and every page pays it.
 */
export const typicalPage = (
  body: string
): { readonly items: ReadonlyArray<unknown>; readonly next: Option.Option<string> } | undefined => {
  const json = Option.getOrUndefined(parseJson(body))
  if (typeof json !== "object" || json === null) return undefined
  const results: unknown = Reflect.get(json, "results")
  const next: unknown = Reflect.get(json, "next")
  if (!Array.isArray(results)) return undefined
  if (typeof next === "string") return { items: results, next: next === "" ? Option.none() : Option.some(next) }
  return next === null || next === undefined ? { items: results, next: Option.none() } : undefined
}

/** Ids asked for in one list request: about 3.7 KB of UUIDs in the query string. */
export const IDS_PER_REQUEST = 100

/** Query parameters by the names `UsersApi.ts` gives them, which the simulator reads. */
export type QueryOf<Params> = Array<readonly [keyof Params & string, string]>

export const listUsersParams = (
  filters: ListUsersFilters,
  cursor: Option.Option<string>
): QueryOf<ListUsersUrlParams> => {
  const params: QueryOf<ListUsersUrlParams> = [["limit", String(PAGE_LIMIT)]]
  const add = (name: keyof ListUsersUrlParams, value: string | undefined) => {
    if (value !== undefined && value !== "") params.push([name, value])
  }
  add("contains", filters.contains)
  add("email", filters.email)
  add("status", filters.status)
  add("ids", filters.ids?.filter((id) => id !== "").join(","))
  if (filters.includeDeactivated === true) add("include-deactivated", "true")
  add("cursor", Option.getOrUndefined(cursor))
  return params
}
