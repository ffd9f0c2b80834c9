/**
 * A command that only groups others (`panther-audit`, `panther-audit users`) run without one of them. @effect/cli
 * printed the help on stdout and exited 0: a script that called it by mistake (the subcommand in a variable left
 * empty) took it for done, and a redirected stdout (`users > users.ndjson`) held the help as data. It is a usage
 * error instead, said as the other usage errors are: exit 2, on stderr, naming the commands and where help is;
 * `--help` still prints the help and exits 0.
 */
import * as CommandDescriptor from "@effect/cli/CommandDescriptor"
import * as Effect from "effect/Effect"
import * as HashSet from "effect/HashSet"
import { ConfigurationError } from "./ConfigurationError.js"

/** `a, b or c`. */
const listed = (names: ReadonlyArray<string>): string =>
  names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`

/** The message for `command` (as typed, `panther-audit users`) run without any of `subcommands`. */
export const subcommandMissingMessage = (command: string, subcommands: ReadonlyArray<string>): string =>
  `\`${command}\` needs a command after it: ${listed(subcommands)}. See \`${command} --help\` for what each does.`

/** The names the subcommands are called by, for `subcommandMissing`. */
export const commandNames = (
  subcommands: ReadonlyArray<{ readonly descriptor: CommandDescriptor.Command<unknown> }>
): ReadonlyArray<string> =>
  subcommands.flatMap(({ descriptor }) => [...HashSet.values(CommandDescriptor.getNames(descriptor))])

/** The handler of a command that groups the commands `subcommands` names, for when none of them is given. */
export const subcommandMissing =
  (command: string, subcommands: ReadonlyArray<string>) => (): Effect.Effect<never, ConfigurationError> =>
    Effect.fail(new ConfigurationError({ message: subcommandMissingMessage(command, subcommands) }))
