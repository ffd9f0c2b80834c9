/**
 * The user fields `users create` and `users update` take, and the role: by name (`--role Analyst`, what people
 * know) or by id (`--role-id`, what scripts may hold), never both, as the API wants exactly one of them.
 */
import { Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { requireOptionValue } from "../Cli/FlagValues.js"
import type { RoleRef } from "../PantherApi/Schemas.js"

// An empty value (`--given-name ""`, an unset variable in a script) is a usage error here, as in `users list`:
// sent, the API would refuse it after the call; a role left empty would keep the old one without a word. Space
// around a value (a CSV split on commas, a line read with its CR) is no part of it: Panther stores the address
// trimmed, and a create whose answer was lost would look for it untrimmed, find nothing and create it again.
const text = (name: string) =>
  Options.text(name).pipe(
    Options.mapEffect(requireOptionValue(`--${name}`)),
    Options.map((value) => value.trim())
  )

export const emailOption = text("email").pipe(Options.withDescription("The user's email address."))
export const givenNameOption = text("given-name").pipe(Options.withDescription("First name."))
export const familyNameOption = text("family-name").pipe(Options.withDescription("Last name."))
export const roleOption = text("role").pipe(
  Options.withDescription("Role by name, e.g. Admin, Analyst, AnalystReadOnly."),
  Options.optional
)
export const roleIdOption = text("role-id").pipe(
  Options.withDescription("Role by id, instead of --role."),
  Options.optional
)

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
