/**
 * Turning raw JSON into users one record at a time, so one bad record becomes an `InvalidUser` naming its field
 * instead of failing the page it came in.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { plainExpected } from "./PlainTypes.js"
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
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
      place: renderPath(issue.path),
      message: issue.message
    }))
    return joinAlternatives(issues)
      .map(({ place, message }) => (place === "" ? message : `${place}: ${message}`))
      .join("; ")
  } catch {
    return NESTED_TOO_DEEPLY
  }
}

/**
 * One record of an answer decoded by `decode`; its failure as the reason to report (`describeParseError`). A record
 * nested thousands of levels deep overflows the stack: one bad record, not a failed audit.
 */
export const decodeRecord = <A>(
  decode: (raw: unknown) => Either.Either<A, ParseResult.ParseError>,
  raw: unknown
): Either.Either<A, string> => {
  try {
    return Either.mapLeft(decode(raw), describeParseError)
  } catch {
    return Either.left(NESTED_TOO_DEEPLY)
  }
}

// The type up to the first ", actual ": the value quoted after it may hold those words too.
const EXPECTED_ACTUAL = /^Expected (.+?), actual (.+)$/s

/**
 * A union's members each fail on their own (`lastLoggedInAt: Expected string, actual 12345; lastLoggedInAt: Expected
 * null, actual 12345`): said once, `Expected string or null, actual 12345`, each type in plain words (PlainTypes.ts).
 */
const joinAlternatives = (
  issues: ReadonlyArray<{ readonly place: string; readonly message: string }>
): ReadonlyArray<{ readonly place: string; readonly message: string }> => {
  const joined: Array<{ place: string; expected: Array<string>; actual: string } | { place: string; message: string }> =
    []
  for (const issue of issues) {
    const match = EXPECTED_ACTUAL.exec(issue.message)
    const last = joined.at(-1)
    if (match !== null && last !== undefined && "expected" in last && last.place === issue.place) {
      if (last.actual === match[2]) {
        last.expected.push(match[1] ?? "")
        continue
      }
    }
    joined.push(match === null ? issue : { place: issue.place, expected: [match[1] ?? ""], actual: match[2] ?? "" })
  }
  return joined.map((entry) =>
    "expected" in entry
      ? { place: entry.place, message: `Expected ${plainExpected(entry.expected)}, actual ${entry.actual}` }
      : entry
  )
}

/** A string field of a record that may not be an object at all; empty text counts as none. */
export const stringField = (raw: unknown, field: string): Option.Option<string> => {
  if (typeof raw !== "object" || raw === null || !(field in raw)) return Option.none()
  const value: unknown = Reflect.get(raw, field)
  return typeof value === "string" && value !== "" ? Option.some(value) : Option.none()
}

/** The id a raw record claims, valid or not: what the pagination uses to spot a user sent twice. */
export const rawUserId = (raw: unknown): Option.Option<string> => stringField(raw, "id")

/** The email a raw record claims, valid or not. */
export const rawUserEmail = (raw: unknown): Option.Option<string> => stringField(raw, "email")

/** The Cognito status a raw record claims, valid or not. */
export const rawUserStatus = (raw: unknown): Option.Option<string> => stringField(raw, "status")

/** "user ID (EMAIL)", or as much of it as the record holds: how messages name a record that may not be valid. */
export const describeUserRecord = (userId: Option.Option<string>, email: Option.Option<string>): string =>
  Option.match(userId, {
    onSome: (id) => Option.match(email, { onSome: (address) => `user ${id} (${address})`, onNone: () => `user ${id}` }),
    onNone: () =>
      Option.match(email, { onSome: (address) => `user ${address} (no id)`, onNone: () => "a user record with no id" })
  })

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

/** A text field as read, or blank. */
const textOrBlank = (raw: object, key: string): string => {
  const value: unknown = Reflect.get(raw, key)
  return typeof value === "string" ? value : ""
}

/**
 * An optional text as `OptionalText` reads it; anything else present made text that is no timestamp nor status,
 * so a rule sees a value it cannot read rather than none.
 */
const textOrUnreadable = (raw: object, key: string): string | undefined => {
  const value: unknown = Reflect.get(raw, key)
  if (value === undefined || value === null || value === "") return undefined
  return typeof value === "string" ? value : typeof value === "object" ? "(not text)" : `(not text: ${String(value)})`
}

/** See `InvalidUser.readable` (UserRecord.ts). */
const readableUser = (raw: unknown): User | undefined => {
  if (!isObject(raw)) return undefined
  const role: unknown = Reflect.get(raw, "role")
  const roleId = isObject(role) ? Reflect.get(role, "id") : undefined
  const roleName = isObject(role) ? Reflect.get(role, "name") : undefined
  const id = Reflect.get(raw, "id")
  const enabled = Reflect.get(raw, "enabled")
  const user: Fields = {
    ...(typeof id === "string" ? { id } : {}),
    email: textOrBlank(raw, "email"),
    givenName: textOrBlank(raw, "givenName"),
    familyName: textOrBlank(raw, "familyName"),
    role: {
      ...(typeof roleId === "string" ? { id: roleId } : {}),
      ...(typeof roleName === "string" ? { name: roleName } : {})
    },
    enabled: typeof enabled === "boolean" ? enabled : true
  }
  // A status that is not text is left out: taken as one, it would read as a status Panther does not have.
  const status: unknown = Reflect.get(raw, "status")
  if (typeof status === "string" && status !== "") user.status = status
  const createdAt = textOrUnreadable(raw, "createdAt")
  if (createdAt !== undefined) user.createdAt = createdAt
  const lastLoggedInAt = textOrUnreadable(raw, "lastLoggedInAt")
  if (lastLoggedInAt !== undefined) user.lastLoggedInAt = lastLoggedInAt
  return user
}

export const decodeUserRecord = (raw: unknown): UserRecord => {
  const typical = decodeTypicalUser(raw)
  if (typical !== undefined) return UserRecord.ValidUser({ user: typical })
  const invalid = (reason: string) =>
    UserRecord.InvalidUser({
      userId: rawUserId(raw),
      email: stringField(raw, "email"),
      reason,
      readable: readableUser(raw)
    })
  return Either.match(decodeRecord(decodeUser, raw), {
    onRight: (user) => UserRecord.ValidUser({ user }),
    onLeft: invalid
  })
}

/** `user` with `scrub` applied to every text it holds, for a record whose fields the reports quote as read. */
export const scrubbedUser = (user: User, scrub: (text: string) => string): User => {
  const scrubbed: Fields = {
    ...(user.id === undefined ? {} : { id: scrub(user.id) }),
    email: scrub(user.email),
    givenName: scrub(user.givenName),
    familyName: scrub(user.familyName),
    role: {
      ...(user.role.id === undefined ? {} : { id: scrub(user.role.id) }),
      ...(user.role.name === undefined ? {} : { name: scrub(user.role.name) })
    },
    enabled: user.enabled
  }
  if (user.status !== undefined) scrubbed.status = scrub(user.status)
  if (user.createdAt !== undefined) scrubbed.createdAt = scrub(user.createdAt)
  if (user.lastLoggedInAt !== undefined) scrubbed.lastLoggedInAt = scrub(user.lastLoggedInAt)
  return scrubbed
}
