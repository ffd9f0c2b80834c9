/**
 * Validation of user data given to the simulator instead of generated users (`--data FILE`): a JSON array of users
 * in the wire format, or a saved `GET /users` page (`{"results": [...]}`). A bad entry is refused with a message
 * naming it, before the server starts.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { quotedName } from "../Audit/QuotedName.js"
import { User } from "../PantherApi/Schemas.js"
import { loneSurrogateProblem } from "./UnicodeText.js"
import { fold } from "./UserDirectory.js"
import type { WireUser } from "./WireUser.js"

/** The wire form of a user: `""` is kept for `lastLoggedInAt`, `createdAt` and `status`, `null` for the first. */
const WireUserSchema = Schema.encodedSchema(User)
const decodeEntry = Schema.decodeUnknownEither(WireUserSchema)

/**
 * `entry` counts from 1, as suppression entries do: the first element of the array is entry 1. Its id and email are
 * quoted as warnings quote API text: the file may be a saved GET /users page, whose escape sequences would drive the
 * terminal the refusal is printed to, and whose line breaks would forge lines of it.
 */
const describeEntry = (entry: number, raw: unknown): string => {
  const hints: Array<string> = []
  if (typeof raw === "object" && raw !== null) {
    if ("id" in raw && typeof raw.id === "string") hints.push(`id "${quotedName(raw.id)}"`)
    if ("email" in raw && typeof raw.email === "string") hints.push(`email "${quotedName(raw.email)}"`)
  }
  return `entry ${entry}${hints.length === 0 ? "" : ` (${hints.join(", ")})`}`
}

// A value nested thousands of levels deep overflows the formatter's stack as it quotes it, which ended the command
// with exit 70: said so instead.
const firstIssue = (error: ParseResult.ParseError): string => {
  try {
    const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
    if (issue === undefined) return "does not match the User schema"
    return issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
  } catch {
    return "a value is nested too deeply to read, as no user's is"
  }
}

/**
 * The fields the wire schema reads as absent when `null` (`OptionalText`, lenient for the client) that no Panther
 * sends so: the document types them as strings, and the notes know `null` for a last login only. Served, an entry
 * holding one would answer as Panther does not.
 */
const STRING_ONLY = ["status", "createdAt"] as const

const nullWhereString = (raw: unknown): string | undefined =>
  typeof raw === "object" && raw !== null ? STRING_ONLY.find((field) => Reflect.get(raw, field) === null) : undefined

/** What is wrong with the first text field of a user holding half of a surrogate pair, or undefined. */
const loneSurrogateField = (user: WireUser): string | undefined => {
  const texts: ReadonlyArray<readonly [string, unknown]> = [
    ["id", user.id],
    ["email", user.email],
    ["givenName", user.givenName],
    ["familyName", user.familyName],
    ["role.id", user.role.id],
    ["role.name", user.role.name],
    ["status", user.status],
    ["createdAt", user.createdAt],
    ["lastLoggedInAt", user.lastLoggedInAt]
  ]
  for (const [field, value] of texts) {
    const problem = typeof value === "string" ? loneSurrogateProblem(field, value) : undefined
    if (problem !== undefined) return problem
  }
  return undefined
}

/**
 * The users, each with an id (`newId` supplies missing ones), or a message naming the first bad entry.
 * Entries are numbered from 1, as a person counts them and as suppression entries are.
 */
export const validateUsersData = (data: unknown, newId: () => string): Either.Either<Array<WireUser>, string> => {
  const entries = Array.isArray(data)
    ? data
    : typeof data === "object" && data !== null && "results" in data && Array.isArray(data.results)
      ? data.results
      : undefined
  if (entries === undefined) {
    return Either.left('expected a JSON array of users (or a GET /users page, {"results": [...]})')
  }
  const users: Array<WireUser> = []
  const idsSeen = new Map<string, number>()
  const emailsSeen = new Map<string, number>()
  for (const [index, raw] of entries.entries()) {
    const entry = index + 1
    const decoded = decodeEntry(raw)
    if (Either.isLeft(decoded)) return Either.left(`${describeEntry(entry, raw)}: ${firstIssue(decoded.left)}`)
    const nullField = nullWhereString(raw)
    if (nullField !== undefined) {
      return Either.left(
        `${describeEntry(entry, raw)}: ${nullField}: Expected string, actual null (only lastLoggedInAt may be null, ` +
          `as the live API sends it; leave ${nullField} out instead)`
      )
    }
    const { id, ...rest } = decoded.right
    if (id === "")
      return Either.left(`${describeEntry(entry, raw)}: id must not be empty (leave it out to have one assigned)`)
    const user: WireUser = { ...rest, id: id ?? newId() }
    const halfPair = loneSurrogateField(user)
    if (halfPair !== undefined) {
      return Either.left(
        `${describeEntry(entry, raw)}: ${halfPair}, which is no character and which the live API never sends: ` +
          "write the whole pair, or the character itself"
      )
    }
    const sameId = idsSeen.get(user.id)
    if (sameId !== undefined) return Either.left(`${describeEntry(entry, raw)}: the id is also used by entry ${sameId}`)
    const sameEmail = emailsSeen.get(fold(user.email))
    if (sameEmail !== undefined) {
      return Either.left(`${describeEntry(entry, raw)}: the email is also used by entry ${sameEmail}`)
    }
    idsSeen.set(user.id, entry)
    emailsSeen.set(fold(user.email), entry)
    users.push(user)
  }
  return Either.right(users)
}
