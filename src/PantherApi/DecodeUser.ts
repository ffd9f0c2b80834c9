/**
 * Turning raw JSON into users one record at a time, so one bad record becomes an `InvalidUser` naming its field
 * instead of failing the page it came in.
 */
import { Either, Option, ParseResult, Schema } from "effect"
import { RoleRef, User } from "./Schemas.js"
import { UserRecord } from "./UserRecord.js"

const renderPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`),
    ""
  )

const NESTED_TOO_DEEPLY = "a field holds a value nested too deeply to read"

/**
 * Every problem of a failed decode, each with the field it is about: `role.name: Expected string, actual 42`. A
 * value nested thousands of levels deep overflows the formatter's stack as it quotes it: said so instead.
 */
export const describeParseError = (error: ParseResult.ParseError): string => {
  try {
    return ParseResult.ArrayFormatter.formatErrorSync(error)
      .map((issue) => (issue.path.length === 0 ? issue.message : `${renderPath(issue.path)}: ${issue.message}`))
      .join("; ")
  } catch {
    return NESTED_TOO_DEEPLY
  }
}

/** A string field of a record that may not be an object at all. */
const stringField = (raw: unknown, field: string): Option.Option<string> => {
  if (typeof raw !== "object" || raw === null || !(field in raw)) return Option.none()
  const value: unknown = Reflect.get(raw, field)
  return typeof value === "string" && value !== "" ? Option.some(value) : Option.none()
}

/** The id a raw record claims, valid or not: what the pagination uses to spot a user sent twice. */
export const rawUserId = (raw: unknown): Option.Option<string> => stringField(raw, "id")

const decodeUser = Schema.decodeUnknownEither(User, { errors: "all" })

type Fields = { -readonly [K in keyof User]: User[K] }

const isObject = (value: unknown): value is object =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** `Schema.optional(Schema.String)`: a string, null for absent, undefined for anything the schema must judge. */
const optionalString = (raw: object, key: string): string | null | undefined => {
  const value: unknown = Reflect.get(raw, key)
  if (typeof value === "string") return value
  return value === undefined && !(key in raw) ? null : undefined
}

/** `OptionalText`: a string stays, `null` and `""` are absent (null here), anything else is for the schema. */
const optionalText = (raw: object, key: string): string | null | undefined => {
  const value: unknown = Reflect.get(raw, key)
  if (typeof value === "string") return value === "" ? null : value
  if (value === null) return null
  return value === undefined && !(key in raw) ? null : undefined
}

/** The fields `decodeTypicalUser` knows, of `User` and of its role. */
export const TYPICAL_USER_FIELDS = [
  "id",
  "email",
  "givenName",
  "familyName",
  "role",
  "enabled",
  "status",
  "createdAt",
  "lastLoggedInAt"
] as const
export const TYPICAL_ROLE_FIELDS = ["id", "name"] as const

const sameFields = (schemaFields: object, known: ReadonlyArray<string>): boolean => {
  const names = Object.keys(schemaFields)
  return names.length === known.length && names.every((name, index) => name === known[index])
}

/**
 * Should `User` gain a field the fast path does not know, the fast path stands aside and every record goes through
 * the schema, rather than dropping the new field (test/PantherApi/DecodeUser.test.ts fails too, as a reminder).
 */
const typicalPathFits = sameFields(User.fields, TYPICAL_USER_FIELDS) && sameFields(RoleRef.fields, TYPICAL_ROLE_FIELDS)

/**
 * The common case by hand: a record whose every field already has the type `User` wants becomes the very object
 * `Schema.decodeUnknown(User)` makes of it (the same keys in the same order, unknown keys dropped, `null` and `""`
 * texts absent), many times faster, which at 60 users a page is most of what decoding costs. Anything else
 * returns undefined and goes to the schema, which also words the problem. test/PantherApi/DecodeUser.test.ts holds
 * the two to each other.
 */
const decodeTypicalUser = (raw: unknown): User | undefined => {
  if (!typicalPathFits || !isObject(raw)) return undefined
  const id = optionalString(raw, "id")
  const email: unknown = Reflect.get(raw, "email")
  const givenName: unknown = Reflect.get(raw, "givenName")
  const familyName: unknown = Reflect.get(raw, "familyName")
  const role: unknown = Reflect.get(raw, "role")
  const enabled: unknown = Reflect.get(raw, "enabled")
  if (
    id === undefined ||
    typeof email !== "string" ||
    typeof givenName !== "string" ||
    typeof familyName !== "string" ||
    typeof enabled !== "boolean" ||
    !isObject(role)
  ) {
    return undefined
  }
  const roleId = optionalString(role, "id")
  const roleName = optionalString(role, "name")
  const status = optionalText(raw, "status")
  const createdAt = optionalText(raw, "createdAt")
  const lastLoggedInAt = optionalText(raw, "lastLoggedInAt")
  if (
    roleId === undefined ||
    roleName === undefined ||
    status === undefined ||
    createdAt === undefined ||
    lastLoggedInAt === undefined
  ) {
    return undefined
  }
  const roleOut =
    roleId === null
      ? roleName === null
        ? {}
        : { name: roleName }
      : roleName === null
        ? { id: roleId }
        : { id: roleId, name: roleName }
  const user: Fields =
    id === null
      ? { email, givenName, familyName, role: roleOut, enabled }
      : { id, email, givenName, familyName, role: roleOut, enabled }
  if (status !== null) user.status = status
  if (createdAt !== null) user.createdAt = createdAt
  if (lastLoggedInAt !== null) user.lastLoggedInAt = lastLoggedInAt
  return user
}

export const decodeUserRecord = (raw: unknown): UserRecord => {
  const typical = decodeTypicalUser(raw)
  if (typical !== undefined) return UserRecord.ValidUser({ user: typical })
  const invalid = (reason: string) =>
    UserRecord.InvalidUser({ userId: rawUserId(raw), email: stringField(raw, "email"), reason })
  try {
    return Either.match(decodeUser(raw), {
      onRight: (user) => UserRecord.ValidUser({ user }),
      onLeft: (error) => invalid(describeParseError(error))
    })
  } catch {
    // A record nested thousands of levels deep overflows the stack: one bad record, not a failed audit.
    return invalid(NESTED_TOO_DEEPLY)
  }
}
