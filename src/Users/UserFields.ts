/**
 * The user fields `users create` and `users update` take, and the role: by name (`--role Analyst`, what people
 * know) or by id (`--role-id`, what scripts may hold), never both, as the API wants exactly one of them.
 */
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { requireOptionValue, type Wanted } from "../Cli/FlagValues.js"
import type { RoleRef } from "../PantherApi/Schemas.js"

// An empty value (`--given-name ""`, an unset variable in a script) is a usage error here, as in `users list`:
// sent, the API would refuse it after the call; a role left empty would keep the old one without a word. Its message
// says what the flag takes, and offers leaving it out only where that is a way out: never for a new user's fields,
// which the API requires. Space around a value (a CSV split on commas, a line read with its CR) is no part of it:
// Panther stores the address trimmed, and a create whose answer was lost would look for it untrimmed, find nothing
// and create it again.
const text = (name: string, description: string, wanted: Wanted) =>
  Options.text(name).pipe(
    Options.mapEffect(requireOptionValue(`--${name}`, wanted)),
    Options.map((value) => value.trim()),
    Options.withDescription(description)
  )

const ROLE_NAMES = "e.g. Admin, Analyst or AnalystReadOnly"
const ROLE = "Role by name, e.g. Admin, Analyst, AnalystReadOnly."
const ROLE_ID = "Role by id, instead of --role."

/** `users create`'s: every field is sent, and a new user needs a role, by name or by id. */
export const newUserOptions = {
  email: text("email", "The user's email address.", { required: true, kind: "the new user's email address" }),
  givenName: text("given-name", "First name.", { required: true, kind: "the new user's first name" }),
  familyName: text("family-name", "Last name.", { required: true, kind: "the new user's last name" }),
  // Each optional to the parser, as either will do; the help says one is needed, which the command then checks.
  role: Options.optional(
    text("role", `${ROLE} A new user needs this or --role-id.`, {
      required: true,
      kind: `a role's name, ${ROLE_NAMES}`,
      or: "--role-id"
    })
  ),
  roleId: Options.optional(
    text("role-id", `${ROLE_ID} A new user needs this or --role.`, {
      required: true,
      kind: "a role's id",
      or: "--role"
    })
  )
}

/** `users update`'s: a field left out keeps its value. */
const KEEP = "to keep the current one"
export const changedUserOptions = {
  email: Options.optional(
    text("email", "The user's email address.", { kind: "the email address to change to", leftOut: KEEP })
  ),
  givenName: Options.optional(
    text("given-name", "First name.", { kind: "the first name to change to", leftOut: KEEP })
  ),
  familyName: Options.optional(
    text("family-name", "Last name.", { kind: "the last name to change to", leftOut: KEEP })
  ),
  role: Options.optional(
    text("role", ROLE, { kind: `the name of the role to change to, ${ROLE_NAMES}`, leftOut: KEEP })
  ),
  roleId: Options.optional(text("role-id", ROLE_ID, { kind: "the id of the role to change to", leftOut: KEEP }))
}

const nonEmpty = (value: Option.Option<string>) => Option.filter(value, (text) => text.trim() !== "")

/** The role the flags name, if any. */
export const chosenRole = (
  role: Option.Option<string>,
  roleId: Option.Option<string>
): Effect.Effect<Option.Option<RoleRef>, ConfigurationError> => {
  const byName = nonEmpty(role)
  const byId = nonEmpty(roleId)
  if (Option.isSome(byName) && Option.isSome(byId)) {
    return Effect.fail(new ConfigurationError({ message: "Give the role by --role or by --role-id, not both." }))
  }
  return Effect.succeed(
    Option.orElse(
      Option.map(byName, (name): RoleRef => ({ name: name.trim() })),
      () => Option.map(byId, (id): RoleRef => ({ id: id.trim() }))
    )
  )
}

/**
 * Refuses to write the API token into a user: pasted into the wrong flag, it would be
 * readable by everyone who can list users, and Panther's answer, read with it redacted, would no longer match what
 * was sent. `fields` pairs each flag with its value, none when not given.
 */
export const refuseSecretFields = (
  holdsSecret: (text: string) => boolean,
  fields: ReadonlyArray<readonly [flag: string, value: Option.Option<string>]>
): Effect.Effect<void, ConfigurationError> => {
  const flags = fields.flatMap(([flag, value]) => (Option.exists(value, holdsSecret) ? [flag] : []))
  return flags.length === 0
    ? Effect.void
    : Effect.fail(
        new ConfigurationError({
          message:
            `${flags.join(" and ")} ${flags.length === 1 ? "holds" : "hold"} the API token: ` +
            "a user's fields are readable by everyone who can list users. Check what was pasted there; nothing was sent."
        })
      )
}

/**
 * Refuses to send the API token in a request's address (a user id pasted from the wrong clipboard): proxies and
 * Panther's access logs keep addresses, and every message about the request would quote it.
 */
export const refuseSecretInAddress = (
  holdsSecret: (text: string) => boolean,
  what: string,
  value: string
): Effect.Effect<void, ConfigurationError> =>
  holdsSecret(value)
    ? Effect.fail(
        new ConfigurationError({
          message:
            `${what} holds the API token, which would be sent in the request's address, where proxies and logs ` +
            "keep it. Check what was pasted there; nothing was sent."
        })
      )
    : Effect.void

/** The role's flag and value, for `refuseSecretFields`. */
export const roleField = (role: Option.Option<RoleRef>): readonly [string, Option.Option<string>] =>
  Option.match(role, {
    onNone: () => ["--role", Option.none()] as const,
    onSome: (chosen) =>
      chosen.name !== undefined
        ? (["--role", Option.some(chosen.name)] as const)
        : (["--role-id", Option.fromNullable(chosen.id)] as const)
  })
