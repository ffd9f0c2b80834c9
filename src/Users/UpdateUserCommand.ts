/**
 * `panther-audit users update ID`: changes only the fields given. The API replaces the whole user, so the current
 * user is fetched first and every field is sent, the unchanged ones as they were.
 */
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { tell } from "../Cli/CommandNotes.js"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { connectionOptions, pantherClientLayer } from "../Cli/ConnectionOptions.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { REDACTED } from "../Cli/Redact.js"
import { PantherClient } from "../PantherApi/PantherClient.js"
import { printable } from "../PantherApi/Responses.js"
import type { RoleRef, User } from "../PantherApi/Schemas.js"
import type { UserRecord } from "../PantherApi/UserRecord.js"
import { emailForIdSaid } from "./EmailForId.js"
import { userIdArg } from "./GetUserCommand.js"
import { foundJustBefore } from "./GoneMeanwhile.js"
import { sayIfStopped } from "./StoppedChange.js"
import { changedUserOptions, chosenRole, refuseSecretFields, refuseSecretInAddress, roleField } from "./UserFields.js"
import { printUser, tellSecretsQuoted } from "./UserOutput.js"

/**
 * The user's current role as the API wants it back: one of id or name, the id when there is one. A user may have
 * neither (the API's Role requires no field): then the update must name one, as the person running it can.
 */
const currentRole = (user: User, id: string): Effect.Effect<RoleRef, ConfigurationError> => {
  if (user.role.id !== undefined && user.role.id !== "") return Effect.succeed({ id: user.role.id })
  if (user.role.name !== undefined && user.role.name !== "") return Effect.succeed({ name: user.role.name })
  return Effect.fail(
    new ConfigurationError({
      message:
        `user ${printable(id)} has no role in Panther (neither id nor name), and the API replaces the whole user: ` +
        "give the role to set with --role or --role-id. Nothing was changed."
    })
  )
}

/**
 * The user as Panther has it held the token, read as `[redacted]`: an update sends every field, and would write
 * `[redacted]` in place of those not given. Refused, naming the flags that would set them, so the person running it
 * decides what they should hold. `fields`: each flag, the current value, and the value given, if any.
 */
const refuseToWriteRedacted = (
  id: string,
  current: User,
  fields: ReadonlyArray<readonly [flag: string, current: string, given: Option.Option<string>]>
): Effect.Effect<void, ConfigurationError> => {
  const kept = fields.flatMap(([flag, value, given]) =>
    Option.isNone(given) && value.includes(REDACTED) ? [flag] : []
  )
  if (kept.length === 0) return Effect.void
  return Effect.fail(
    new ConfigurationError({
      message:
        `user ${printable(id)} (${printable(current.email)}) holds the API token in what ` +
        `${kept.join(" and ")} would set, read as ${REDACTED}: the update sends every field and would write ` +
        `${REDACTED} there. Give ${kept.join(" and ")} with the value ${kept.length === 1 ? "it" : "each"} should ` +
        "hold, and rotate the token. " +
        "Nothing was changed."
    })
  )
}

/**
 * The user as the update builds its body from. A record that does not match the API description (a name Panther
 * sends as null: an INVALID_RECORD of the audit) is still a user to update, and an update is how it is mended:
 * what can be read of it stands for the fields not given, and a field that cannot be read must be given, since
 * the API replaces the whole user.
 */
const currentUser = (
  id: string,
  record: UserRecord,
  given: Readonly<Record<"--email" | "--given-name" | "--family-name", Option.Option<string>>>
): Effect.Effect<User, ConfigurationError> => {
  if (record._tag === "ValidUser") return Effect.succeed(record.user)
  const readable = record.readable
  const unreadable =
    readable === undefined
      ? Object.keys(given)
      : (
          [
            ["--email", readable.email],
            ["--given-name", readable.givenName],
            ["--family-name", readable.familyName]
          ] as const
        ).flatMap(([flag, value]) => (value === "" && Option.isNone(given[flag]) ? [flag] : []))
  if (readable !== undefined && unreadable.length === 0) return Effect.succeed(readable)
  return Effect.fail(
    new ConfigurationError({
      message:
        `user ${printable(id)}'s record does not match the API description (${printable(record.reason)}), and the ` +
        `API replaces the whole user: give ${unreadable.join(", ")} with the value${unreadable.length === 1 ? "" : "s"} ` +
        "it should hold. Nothing was changed."
    })
  )
}

export const updateUserCommand = Command.make(
  "update",
  {
    connection: connectionOptions,
    id: userIdArg,
    ...changedUserOptions
  },
  (args) =>
    Effect.gen(function* () {
      const newRole = yield* chosenRole(args.role, args.roleId)
      if ([args.email, args.givenName, args.familyName].every(Option.isNone) && Option.isNone(newRole)) {
        return yield* new ConfigurationError({
          message: "Nothing to change: give --email, --given-name, --family-name, --role or --role-id."
        })
      }
      const client = yield* PantherClient
      yield* refuseSecretInAddress(client.holdsSecret, "The user id", args.id)
      yield* refuseSecretFields(client.holdsSecret, [
        ["--email", args.email],
        ["--given-name", args.givenName],
        ["--family-name", args.familyName],
        roleField(newRole)
      ])
      // The update's body is built from this answer: it must name the user, or it could be anyone's.
      const quotedBefore = (yield* client.stats).answersQuotingSecrets
      const record = yield* client.getUserRecord(args.id).pipe(emailForIdSaid(client, "users update", args.id))
      const current = yield* currentUser(args.id, record, {
        "--email": args.email,
        "--given-name": args.givenName,
        "--family-name": args.familyName
      })
      if ((yield* client.stats).answersQuotingSecrets > quotedBefore) {
        yield* refuseToWriteRedacted(args.id, current, [
          ["--email", current.email, args.email],
          ["--given-name", current.givenName, args.givenName],
          ["--family-name", current.familyName, args.familyName],
          // The role is sent as `currentRole` gives it: by id when the user has one.
          current.role.id !== undefined && current.role.id !== ""
            ? ["--role-id", current.role.id, Option.map(newRole, () => "")]
            : ["--role", current.role.name ?? "", Option.map(newRole, () => "")]
        ])
      }
      const role = yield* Option.match(newRole, { onSome: Effect.succeed, onNone: () => currentRole(current, args.id) })
      const user = yield* client
        .updateUser(args.id, {
          email: Option.getOrElse(args.email, () => current.email),
          givenName: Option.getOrElse(args.givenName, () => current.givenName),
          familyName: Option.getOrElse(args.familyName, () => current.familyName),
          role
        })
        .pipe(foundJustBefore, sayIfStopped("the change may have been made", `users get ${args.id}`))
      yield* printUser(user)
      yield* tellSecretsQuoted(client)
      yield* tell("done", printable(`Updated user ${args.id}.`))
    }).pipe(Effect.provide(pantherClientLayer(args.connection)))
).pipe(
  Command.withDescription(withLoggingHelp("Change a user's email, names or role; needs a token with Manage Users."))
)
