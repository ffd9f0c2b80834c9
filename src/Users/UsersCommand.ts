/** `panther-audit users ...`: the five Users API operations from the command line, for admins and their scripts. */
import * as Command from "@effect/cli/Command"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { commandNames, subcommandMissing } from "../Cli/SubcommandMissing.js"
import { createUserCommand } from "./CreateUserCommand.js"
import { deleteUserCommand } from "./DeleteUserCommand.js"
import { getUserCommand } from "./GetUserCommand.js"
import { listUsersCommand } from "./ListUsersCommand.js"
import { updateUserCommand } from "./UpdateUserCommand.js"

const operations = [listUsersCommand, getUserCommand, createUserCommand, updateUserCommand, deleteUserCommand] as const

export const usersCommand = Command.make(
  "users",
  {},
  subcommandMissing("panther-audit users", commandNames(operations))
).pipe(
  Command.withDescription(
    withLoggingHelp("List, show, create, update and delete Panther users.", "Data goes to stdout, messages to stderr.")
  ),
  Command.withSubcommands(operations)
)
