/**
 * @effect/cli words two common slips as "Received unknown argument: '--report-dir'": a flag given without its
 * value (last on the line, or followed by another flag) and a flag given twice. The flag is known; the message
 * sends the reader looking for a typo. Its usage errors pass through the Console, where they are reworded here
 * with what the command line shows and what the invoked command takes, as its usage line in the help says.
 */
import { CliConfig, Command, HelpDoc } from "@effect/cli"
import { Console, Effect } from "effect"

const UNKNOWN_ARGUMENT = /Received unknown argument: '(--[A-Za-z0-9-]+)'/g

/** The flags of one command, each with whether it takes a value (`--report-dir text`) or not (`--yes`). */
export type CommandFlags = ReadonlyMap<string, boolean>

/** The message with each "unknown argument" that is a slip with one of `flags` said as what it is. */
export const explainUsageError = (argv: ReadonlyArray<string>, flags: CommandFlags, text: string): string =>
  text.replace(UNKNOWN_ARGUMENT, (whole, flag: string) => {
    const takesValue = flags.get(flag)
    if (takesValue === undefined) return whole
    const places = argv.flatMap((arg, index) => (arg === flag || arg.startsWith(`${flag}=`) ? [index] : []))
    if (places.length > 1) return `${flag} is given more than once: give it once`
    const [at] = places
    if (!takesValue || at === undefined || argv[at] !== flag) return whole
    const next = argv[at + 1]
    return next === undefined || next.startsWith("--") ? `${flag} needs a value` : whole
  })

/** A usage line's flags: `[--report-dir text]` takes a value, `[--include-deactivated]` and `[(-y, --yes)]` none. */
export const flagsOfUsage = (usage: string): CommandFlags =>
  new Map(
    [...usage.matchAll(/(--[a-z][a-z0-9-]*)(\)?\]?)( [a-z|]+(?:\.\.\.)?)?/g)].map(
      ([, flag = "", closing = "", value]) => [flag, closing === "" && value !== undefined] as const
    )
  )

/**
 * The flags of the command `argv` invokes (the longest of its leading words that names one: `users list`), from the
 * usage line the command tree's help gives it; none when no such line is found.
 */
export const invokedFlags = <Name extends string, R, E, A>(
  root: Command.Command<Name, R, E, A>,
  argv: ReadonlyArray<string>
): CommandFlags => {
  // Colours and styles out: the help is rendered for a terminal.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is matched.
  const help = HelpDoc.toAnsiText(Command.getHelp(root, CliConfig.defaultConfig)).replace(/\u001b\[[0-9;]*m/g, "")
  // One line per command, by its path: `- users list [--api-url text] ...`.
  const usages = new Map<string, string>()
  for (const [, line = ""] of help.matchAll(/^\s*- (.*)$/gm)) {
    const tokens = line.split(" ")
    const pathLength = tokens.findIndex((token) => !/^[a-z][a-z-]*$/.test(token))
    const path = tokens.slice(0, pathLength === -1 ? tokens.length : pathLength).join(" ")
    usages.set(path, tokens.slice(path.split(" ").length).join(" "))
  }
  const words = argv.slice(2)
  const firstFlag = words.findIndex((word) => word.startsWith("-"))
  const commandWords = firstFlag === -1 ? words : words.slice(0, firstFlag)
  // The longest leading words that name a command: `users get abc` is `users get` with its id.
  let usage: string | undefined
  for (let length = commandWords.length; length > 0 && usage === undefined; length--) {
    usage = usages.get(commandWords.slice(0, length).join(" "))
  }
  return usage === undefined ? new Map() : flagsOfUsage(usage)
}

/** Runs `effect` with a Console whose `error` rewords usage errors as above; `flags` is asked only then. */
export const withUsageErrorsExplained =
  (argv: ReadonlyArray<string>, flags: () => CommandFlags) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Console.consoleWith((console) =>
      Effect.withConsole(effect, {
        ...console,
        error: (...args: ReadonlyArray<unknown>) =>
          console.error(...args.map((arg) => (typeof arg === "string" ? explainUsageError(argv, flags(), arg) : arg)))
      })
    )
