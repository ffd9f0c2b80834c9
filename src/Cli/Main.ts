/**
 * The command tree. Each subcommand lives beside the feature it drives and is added here;
 * layers are provided in `main.ts`.
 *
 * Subcommands are loaded when used: `panther-audit run` loads the audit, not the simulator's HTTP server, the
 * review workbook or the schedule, which cuts its start-up by about a third (see bench/RESULTS.md). Only when the
 * first argument is not a subcommand's name (`--help`, `--version`, a typo) is the whole tree loaded, so help and
 * suggestions list every command as before.
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { demoCommand } from "../Audit/DemoCommand.js"
import type { runCommand } from "../Audit/RunCommand.js"
import type { exportCommand } from "../Export/ExportCommand.js"
import type { verifyCommand } from "../Export/VerifyCommand.js"
import type { reviewCommand } from "../Review/ReviewCommand.js"
import type { scheduleCommand } from "../Schedule/ScheduleCommand.js"
import type { simulateCommand } from "../Simulator/SimulateCommand.js"
import type { usersCommand } from "../Users/UsersCommand.js"
import { VERSION } from "../Version.js"
import { mendBashCompletions } from "./BashCompletions.js"
import { commandHelp, PROGRAM_NAME } from "./CommandList.js"
import { askedCompletions, BUILT_IN_VALUES, type CompletionShell, completionsProblem } from "./Completions.js"
import { ConfigurationError } from "./ConfigurationError.js"
import { mendFishCompletions } from "./FishCompletions.js"
import { withHelpAsPrinted } from "./GenericHelp.js"
import type { LogFormat } from "./Logging.js"
import { withLoggingHelp } from "./LoggingHelp.js"
import { subcommandMissing } from "./SubcommandMissing.js"
import {
  choicesAsListed,
  emptyValuesApart,
  flagsByCommand,
  flagsOfCommands,
  hideUnknownValues,
  invokedFlags,
  mayGiveChoiceInOtherCase,
  noValueFlagGivenOne,
  withUsageErrorsExplained,
  withUsageErrorsKept
} from "./UsageHints.js"
import { mendZshCompletions } from "./ZshCompletions.js"

type Subcommand =
  | typeof runCommand
  | typeof demoCommand
  | typeof scheduleCommand
  | typeof usersCommand
  | typeof simulateCommand
  | typeof reviewCommand
  | typeof exportCommand
  | typeof verifyCommand

/** In the order help lists them. */
const SUBCOMMANDS: ReadonlyArray<{ readonly name: string; readonly load: () => Promise<Subcommand> }> = [
  { name: "run", load: async () => (await import("../Audit/RunCommand.js")).runCommand },
  { name: "demo", load: async () => (await import("../Audit/DemoCommand.js")).demoCommand },
  { name: "schedule", load: async () => (await import("../Schedule/ScheduleCommand.js")).scheduleCommand },
  { name: "users", load: async () => (await import("../Users/UsersCommand.js")).usersCommand },
  { name: "simulate", load: async () => (await import("../Simulator/SimulateCommand.js")).simulateCommand },
  { name: "review", load: async () => (await import("../Review/ReviewCommand.js")).reviewCommand },
  { name: "export", load: async () => (await import("../Export/ExportCommand.js")).exportCommand },
  { name: "verify", load: async () => (await import("../Export/VerifyCommand.js")).verifyCommand }
]

export const rootCommand = (subcommands: readonly [Subcommand, ...Array<Subcommand>]) =>
  // Run without a command, it fails as `panther-audit users` does (SubcommandMissing.ts): a container or cron job
  // whose command was lost must not exit 0, which says an audit completed.
  Command.make(
    PROGRAM_NAME,
    {},
    subcommandMissing(
      PROGRAM_NAME,
      SUBCOMMANDS.map((subcommand) => subcommand.name)
    )
  ).pipe(
    Command.withDescription(
      withLoggingHelp(
        "Audits the users of a Panther SIEM instance: stale logins, pending invitations, compromised and privileged " +
          "accounts."
      )
    ),
    Command.withSubcommands(subcommands)
  )

/** The subcommands `argv` (node, script, arguments) needs: the one it names, or all of them. */
const loadSubcommands = async (argv: ReadonlyArray<string>): Promise<readonly [Subcommand, ...Array<Subcommand>]> => {
  const named = SUBCOMMANDS.find((subcommand) => subcommand.name === argv[2])
  if (named !== undefined) return [await named.load()]
  const [first, ...rest] = await Promise.all(SUBCOMMANDS.map((subcommand) => subcommand.load()))
  if (first === undefined) throw new Error("no subcommands are registered")
  return [first, ...rest]
}

/**
 * What a failure's text must not show of the command line (`hideUnknownValues`), for the flags of the command
 * `argv` names; asked only when the command failed, whose modules are loaded by then.
 */
export const hidingUnknownValues = async (argv: ReadonlyArray<string>): Promise<(text: string) => string> => {
  const invoked = invokedFlags(rootCommand(await loadSubcommands(argv)), argv)
  // With the flags every command takes, which no usage line lists: a shell's or a level's name is no secret, and
  // `--completions powershell` was refused as 'got "..."'.
  const flags = new Map([...invoked, ...[...BUILT_IN_VALUES.keys()].map((name) => [name, "value"] as const)])
  return (text) => hideUnknownValues(argv, flags, text)
}

/**
 * Runs the command `argv` names. With JSON log lines, @effect/cli's usage errors become the failure's message rather
 * than plain text of their own on stderr (see `withUsageErrorsKept`).
 */
export const runCli = (argv: ReadonlyArray<string>, format: LogFormat = "pretty") => {
  const shell = askedCompletions(argv)
  if (shell !== undefined) return printCompletions(shell)
  const problem = completionsProblem(argv)
  return problem === undefined
    ? runCommandLine(argv, format)
    : Effect.fail(new ConfigurationError({ message: problem }))
}

/** The completion script of every command, whichever command it was asked of (Completions.ts). */
const printCompletions = (shell: CompletionShell) =>
  Effect.flatMap(
    Effect.promise(() => loadSubcommands([])),
    (subcommands) => {
      const root = rootCommand(subcommands)
      const script =
        shell === "bash"
          ? Effect.map(Command.getBashCompletions(root, PROGRAM_NAME), (lines) =>
              mendBashCompletions(lines, PROGRAM_NAME)
            )
          : shell === "zsh"
            ? Effect.map(Command.getZshCompletions(root, PROGRAM_NAME), (lines) =>
                mendZshCompletions(lines, flagsOfCommands(root))
              )
            : Effect.map(Command.getFishCompletions(root, PROGRAM_NAME), (lines) =>
                mendFishCompletions(lines, flagsOfCommands(root))
              )
      return Effect.flatMap(script, Console.log)
    }
  )

/**
 * Commands and flags are matched as written. @effect/cli's default matches them in any case, then looks a flag's
 * value up under the name as declared: `users list --Status FORCE_CHANGE_PASSWORD` was taken for a list without the
 * filter, its value dropped without a word, and printed every user for a script to act on. As written, `--Status` is
 * an unknown argument (exit 2), as any flag this tool does not have is.
 */
const flagsAsWritten = CliConfig.layer({ isCaseSensitive: true })

const runCommandLine = (argv: ReadonlyArray<string>, format: LogFormat) =>
  Effect.flatMap(
    Effect.promise(() => loadSubcommands(argv)),
    (subcommands) => {
      const root = rootCommand(subcommands)
      // Only a command line with a `--name=value` (or `-y=value`) word, or a flag's value with a capital letter,
      // pays for reading the command's flags from its help.
      const flags =
        argv.some((word) => /^-{1,2}[^=]+=/.test(word)) || mayGiveChoiceInOtherCase(argv)
          ? invokedFlags(root, argv)
          : undefined
      const misused = flags === undefined ? undefined : noValueFlagGivenOne(argv, flags)
      if (misused !== undefined) return Effect.fail(new ConfigurationError({ message: misused }))
      const args = flags === undefined ? argv : choicesAsListed(emptyValuesApart(argv, flags), flags)
      const run = (command: typeof root) =>
        withHelpAsPrinted(
          command,
          (helped) =>
            Command.run(helped, { name: PROGRAM_NAME, version: VERSION })(args).pipe(Effect.provide(flagsAsWritten)),
          () => commandHelp(subcommands, args.slice(2))
        ).pipe(
          withUsageErrorsExplained(
            args,
            () => flags ?? invokedFlags(root, args),
            // The failure's path alone: a start that parses loads the invoked command only.
            async () => flagsByCommand(rootCommand(await loadSubcommands([])))
          )
        )
      return format === "json" ? withUsageErrorsKept(root, run) : run(root)
    }
  )
