/**
 * What the roles stream yields: a role read whole, or one whose entry does not match the role of the notes (its
 * `permissions` left out, as a Go service leaves out an empty list it tags `omitempty`, or not a list of names). One
 * such role costs only itself: the audit judges its users by its name and id and names it in a warning, and every
 * other role keeps its permissions. Failing the whole list on it judged every role by name alone.
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { decodeRecord, stringField } from "./DecodeUser.js"
import { RoleWithPermissions } from "./Schemas.js"

export type RoleRecord = Data.TaggedEnum<{
  ValidRole: { readonly role: RoleWithPermissions }
  /**
   * `id` and `name` as read from the entry where they are text, so the role can still be found and named; `reason`
   * names the field and what was wrong.
   */
  UnreadableRole: {
    readonly id: Option.Option<string>
    readonly name: Option.Option<string>
    readonly reason: string
  }
}>
export const RoleRecord = Data.taggedEnum<RoleRecord>()

const decodeRole = Schema.decodeUnknownEither(RoleWithPermissions, { errors: "all" })

/** One entry of a `GET /roles` page; `scrub` keeps the token out of what an unreadable one quotes. */
export const decodeRoleRecord = (raw: unknown, scrub: (text: string) => string): RoleRecord => {
  const unreadable = (reason: string) =>
    RoleRecord.UnreadableRole({
      id: Option.map(stringField(raw, "id"), scrub),
      name: Option.map(stringField(raw, "name"), scrub),
      reason: scrub(reason)
    })
  return Either.match(decodeRecord(decodeRole, raw), {
    onRight: (role) => RoleRecord.ValidRole({ role }),
    onLeft: unreadable
  })
}

/** The id pagination tells roles apart by; one without an id is told apart by what it holds. */
export const roleRecordId = (record: RoleRecord): Option.Option<string> =>
  record._tag === "ValidRole" ? Option.some(record.role.id) : record.id
