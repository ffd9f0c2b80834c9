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
// sent, the API would refuse it after the call; a role left empty would keep the old one without a word.
const text = (name: string) => Options.text(name).pipe(Options.mapEffect(requireOptionValue(`--${name}`)))

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
