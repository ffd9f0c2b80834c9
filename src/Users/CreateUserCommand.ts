/** `panther-audit users create`: invites a user; Panther emails them a temporary password. */
import { Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { connectionOptions, pantherClientLayer } from "../Cli/ConnectionOptions.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { PantherClient } from "../PantherApi/PantherClient.js"
import { printable } from "../PantherApi/Responses.js"
import { chosenRole, emailOption, familyNameOption, givenNameOption, roleIdOption, roleOption } from "./UserFields.js"
import { printUser } from "./UserOutput.js"

export const createUserCommand = Command.make(
  "create",
  {
    connection: connectionOptions,
    email: emailOption,
    givenName: givenNameOption,
    familyName: familyNameOption,
    role: roleOption,
    roleId: roleIdOption
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
      const user = yield* client.createUser({
        email: args.email,
        givenName: args.givenName,
        familyName: args.familyName,
        role
      })
      yield* printUser(user)
      yield* Console.error(printable(`Created user ${user.email} (${user.id ?? "no id returned"}).`))
    }).pipe(Effect.provide(pantherClientLayer(args.connection)))
).pipe(Command.withDescription(withLoggingHelp("Create (invite) a user; needs a token with Manage Users.")))
