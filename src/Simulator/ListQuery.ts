/**
 * Reading `GET /users` and `GET /roles` query parameters as the spec describes them: empty values count as not
 * given, `limit` is 1..60 (default 60) and anything else is a 400 naming the parameter, `id` may repeat and `ids`
 * is comma-separated.
 */
import * as Either from "effect/Either"
import { MAX_PAGE_SIZE } from "../PantherApi/UsersApi.js"

export const MAX_LIMIT = MAX_PAGE_SIZE

/** A parameter's value, with "" (and a missing parameter) both meaning "not given". */
export const given = (value: string | undefined): string | undefined =>
  value === undefined || value === "" ? undefined : value

/** The value of a parameter that may be given once, or the 400 message for one given more often. */
export const single = (
  name: string,
  value: string | ReadonlyArray<string> | undefined
): Either.Either<string | undefined, string> =>
  value === undefined || typeof value === "string"
    ? Either.right(value)
    : Either.left(`parameter ${name} may be given only once`)

export const parseLimit = (value: string | undefined): Either.Either<number, string> => {
  const text = given(value)?.trim()
  if (text === undefined || text === "") return Either.right(MAX_LIMIT)
  const limit = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN
  return limit >= 1 && limit <= MAX_LIMIT
    ? Either.right(limit)
    : Either.left(`limit must be a whole number from 1 to ${MAX_LIMIT}, got "${value}"`)
}

export const parseBoolean = (name: string, value: string | undefined): Either.Either<boolean, string> => {
  const text = given(value)?.trim().toLowerCase()
  if (text === undefined || text === "") return Either.right(false)
  if (text === "true") return Either.right(true)
  if (text === "false") return Either.right(false)
  return Either.left(`${name} must be true or false, got "${value}"`)
}

/** The union of repeated `id` values and comma-separated `ids`, or undefined when neither selects anything. */
export const parseIds = (
  id: string | ReadonlyArray<string> | undefined,
  ids: string | undefined
): ReadonlyArray<string> | undefined => {
  const repeated = id === undefined ? [] : typeof id === "string" ? [id] : id
  const listed = ids === undefined ? [] : ids.split(",")
  const all = [...new Set([...repeated, ...listed].map((value) => value.trim()).filter((value) => value !== ""))]
  return all.length === 0 ? undefined : all
}
