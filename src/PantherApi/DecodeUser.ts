/**
 * Turning raw JSON into users one record at a time, so one bad record becomes an `InvalidUser` naming its field
 * instead of failing the page it came in.
 */
import { Either, Option, ParseResult, Schema } from "effect"
import { User } from "./Schemas.js"
import { UserRecord } from "./UserRecord.js"

const renderPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`),
    ""
  )

/** Every problem of a failed decode, each with the field it is about: `role.name: Expected string, actual 42`. */
export const describeParseError = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => (issue.path.length === 0 ? issue.message : `${renderPath(issue.path)}: ${issue.message}`))
    .join("; ")

/** A string field of a record that may not be an object at all. */
const stringField = (raw: unknown, field: string): Option.Option<string> => {
  if (typeof raw !== "object" || raw === null || !(field in raw)) return Option.none()
  const value: unknown = Reflect.get(raw, field)
  return typeof value === "string" && value !== "" ? Option.some(value) : Option.none()
}

/** The id a raw record claims, valid or not: what the pagination uses to spot a user sent twice. */
export const rawUserId = (raw: unknown): Option.Option<string> => stringField(raw, "id")

const decodeUser = Schema.decodeUnknownEither(User, { errors: "all" })

export const decodeUserRecord = (raw: unknown): UserRecord =>
  Either.match(decodeUser(raw), {
    onRight: (user) => UserRecord.ValidUser({ user }),
    onLeft: (error) =>
      UserRecord.InvalidUser({
        userId: rawUserId(raw),
        email: stringField(raw, "email"),
        reason: describeParseError(error)
      })
  })
