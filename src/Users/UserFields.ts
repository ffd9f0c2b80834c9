/**
 * The user fields `users create` and `users update` take, and the role: by name (`--role Analyst`, what people
 * know) or by id (`--role-id`, what scripts may hold), never both, as the API wants exactly one of them.
 */
import { Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import type { RoleRef } from "../PantherApi/Schemas.js"

export const emailOption = Options.text("email").pipe(Options.withDescription("The user's email address."))
export const givenNameOption = Options.text("given-name").pipe(Options.withDescription("First name."))
export const familyNameOption = Options.text("family-name").pipe(Options.withDescription("Last name."))
export const roleOption = Options.text("role").pipe(
  Options.withDescription("Role by name, e.g. Admin, Analyst, AnalystReadOnly."),
  Options.optional
)
export const roleIdOption = Options.text("role-id").pipe(
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
