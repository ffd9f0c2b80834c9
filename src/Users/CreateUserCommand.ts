/** `panther-audit users create`: invites a user; Panther emails them a temporary password. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type NoteKind, tell } from "../Cli/CommandNotes.js"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { connectionOptions, pantherClientLayer } from "../Cli/ConnectionOptions.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { BadRequest } from "../PantherApi/ClientErrors.js"
import { PantherClient } from "../PantherApi/PantherClient.js"
import { printable } from "../PantherApi/Responses.js"
import type { ModifyUser } from "../PantherApi/Schemas.js"
import { isAsAsked } from "../PantherApi/UncertainChanges.js"
import type { UserRecord } from "../PantherApi/UserRecord.js"
import { sayIfStopped } from "./StoppedChange.js"
import { chosenRole, newUserOptions, refuseSecretFields, roleField } from "./UserFields.js"
import { printUser, tellSecretsQuoted } from "./UserOutput.js"

/**
 * What `--if-absent` says of the user Panther already has, and what would make it as asked. Only a user as asked is
 * done: one deactivated (the new hire cannot sign in), with other names or role (another person's account, or
 * other privileges), or whose record is invalid needs someone to act, though the command exits 0, so it is a warning,
 * which a collector of JSON lines alerts on.
 */
const alreadyThere = (record: UserRecord, body: ModifyUser): { readonly kind: NoteKind; readonly text: string } => {
  if (record._tag === "InvalidUser") {
    const id = Option.getOrElse(record.userId, () => "no id")
    return {
      kind: "warning",
      text:
        `${Option.getOrElse(record.email, () => body.email)} (${id}) already exists: not created (--if-absent). ` +
        `Its record does not match the API description (${record.reason}); it is printed as Panther sent it.`
    }
  }
  const { user } = record
  const done = `User ${user.email} (${user.id ?? "no id"}) already exists: not created (--if-absent).`
  if (!user.enabled) {
    return {
      kind: "warning",
      text: `${done} It is deactivated, which Panther's API cannot undo: reactivate it in the Panther console.`
    }
  }
  return isAsAsked(user, body)
    ? { kind: "done", text: `${done} It has the names and role asked for.` }
    : {
        kind: "warning",
        text: `${done} It is not as asked (names or role): see it above; \`panther-audit users update\` changes it.`
      }
}

export const createUserCommand = Command.make(
  "create",
  {
    connection: connectionOptions,
    ...newUserOptions,
    ifAbsent: Options.boolean("if-absent").pipe(
      Options.withDescription(
        "A user Panther already has with this email (an onboarding script run again) is no error: it is printed, " +
          "not created, and the command exits 0, saying whether it is as asked."
      )
    )
  },
  (args) =>
    Effect.gen(function* () {
      const role = yield* Effect.flatMap(
        chosenRole(args.role, args.roleId),
        Option.match({
          onNone: () =>
            Effect.fail(
              new ConfigurationError({ message: "A new user needs a role: give --role NAME or --role-id ID." })
            ),
          onSome: Effect.succeed
        })
      )
      const client = yield* PantherClient
      yield* refuseSecretFields(client.holdsSecret, [
        ["--email", Option.some(args.email)],
        ["--given-name", Option.some(args.givenName)],
        ["--family-name", Option.some(args.familyName)],
        roleField(Option.some(role))
      ])
      const body = { email: args.email, givenName: args.givenName, familyName: args.familyName, role }
      if (args.ifAbsent) {
        const existing = yield* client
          .findUserByEmail(args.email)
          .pipe(
            Effect.catchTag("BadRequest", (refused) => Effect.fail(new BadRequest({ ...refused, lookup: "ifAbsent" })))
          )
        if (Option.isSome(existing)) {
          const { record, asSent } = existing.value
          // As Panther sent it, as `users get` prints it: an invalid record too.
          yield* printUser(asSent)
          yield* tellSecretsQuoted(client)
          const { kind, text } = alreadyThere(record, body)
          return yield* tell(kind, printable(text))
        }
      }
      const user = yield* client
        .createUser(body)
        .pipe(sayIfStopped("the user may have been created", `users list --contains ${args.email}`))
      yield* printUser(user)
      yield* tellSecretsQuoted(client)
      yield* tell("done", printable(`Created user ${user.email} (${user.id ?? "no id returned"}).`))
    }).pipe(Effect.provide(pantherClientLayer(args.connection)))
).pipe(Command.withDescription(withLoggingHelp("Create (invite) a user; needs a token with Manage Users.")))
