/**
 * Validation of the create and update body (`UserAPI.ModifyUser`). The simulator reads the body itself instead of
 * letting a generic decoder do it, so that every problem is a 400 whose message names the field and says what is
 * wrong, the way a person fixing a script needs it.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { describeParseError } from "../PantherApi/DecodeUser.js"
import { ModifyUser } from "../PantherApi/Schemas.js"
import type { RoleChoice } from "./RoleCatalog.js"
import { loneSurrogateProblem } from "./UnicodeText.js"

export interface UserChanges {
  readonly email: string
  readonly givenName: string
  readonly familyName: string
  readonly role: RoleChoice
}

const MAX_EMAIL_LENGTH = 254
const MAX_NAME_LENGTH = 256
// Deliberately loose (something@something.tld, no spaces): the point is to catch typos, not to implement RFC 5322.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value

const loneSurrogate = (field: string, text: string): string | undefined => {
  const problem = loneSurrogateProblem(field, text)
  return problem === undefined
    ? undefined
    : `${problem}, which is no character: send the whole pair, or the character as UTF-8`
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const requiredText = (body: Readonly<Record<string, unknown>>, field: string, maxLength: number) => {
  const value = body[field]
  if (value === undefined) return Either.left(`${field} is required`)
  if (typeof value !== "string") return Either.left(`${field} must be a string, not ${describe(value)}`)
  const text = value.trim()
  if (text === "") return Either.left(`${field} must not be empty`)
  const surrogate = loneSurrogate(field, text)
  if (surrogate !== undefined) return Either.left(surrogate)
  // Characters as a person counts them (code points), not UTF-16 code units: an emoji is one, not two.
  const length = [...text].length
  if (length > maxLength) return Either.left(`${field} must be at most ${maxLength} characters; it has ${length}`)
  return Either.right(text)
}

/** A role half: an absent or empty value counts as not given. */
const optionalText = (role: Readonly<Record<string, unknown>>, field: "id" | "name") => {
  const value = role[field]
  if (value === undefined || value === null) return Either.right(undefined)
  if (typeof value !== "string") return Either.left(`role.${field} must be a string, not ${describe(value)}`)
  const surrogate = loneSurrogate(`role.${field}`, value)
  if (surrogate !== undefined) return Either.left(surrogate)
  const text = value.trim()
  return Either.right(text === "" ? undefined : text)
}

const roleChoice = (value: unknown): Either.Either<RoleChoice, string> => {
  if (value === undefined) return Either.left('role is required: give {"id": ...} or {"name": ...}')
  if (!isRecord(value)) return Either.left(`role must be an object with id or name, not ${describe(value)}`)
  return Either.gen(function* () {
    const id = yield* optionalText(value, "id")
    const name = yield* optionalText(value, "name")
    if (id !== undefined && name !== undefined) {
      return yield* Either.left("role must give either id or name, not both")
    }
    if (id !== undefined) return { by: "id" as const, id }
    if (name !== undefined) return { by: "name" as const, name }
    return yield* Either.left("role must give a non-empty id or name")
  })
}

const decodeModifyUser = Schema.decodeUnknownEither(ModifyUser, { errors: "all" })

/** The validated changes, or the 400 message for the first problem found (fields in the spec's order). */
export const parseModifyUser = (body: unknown): Either.Either<UserChanges, string> => {
  if (!isRecord(body)) {
    return Either.left(
      `the request body must be a JSON object with email, givenName, familyName and role, not ${describe(body)}`
    )
  }
  return Either.gen(function* () {
    const email = yield* requiredText(body, "email", MAX_EMAIL_LENGTH)
    if (!EMAIL_SHAPE.test(email)) return yield* Either.left(`email "${email}" is not a valid email address`)
    const givenName = yield* requiredText(body, "givenName", MAX_NAME_LENGTH)
    const familyName = yield* requiredText(body, "familyName", MAX_NAME_LENGTH)
    const role = yield* roleChoice(body.role)
    // The schema judges what the checks above do not know: a field added to `ModifyUser` is then required here too.
    const checked = {
      ...body,
      email,
      givenName,
      familyName,
      role: role.by === "id" ? { id: role.id } : { name: role.name }
    }
    yield* Either.mapLeft(decodeModifyUser(checked), describeParseError)
    return { email, givenName, familyName, role }
  })
}
