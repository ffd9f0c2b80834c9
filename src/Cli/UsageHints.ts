/**
 * @effect/cli words two common slips as "Received unknown argument: '--report-dir'": a flag given without its
 * value (last on the line, or followed by another flag) and a flag given twice. The flag is known; the message
 * sends the reader looking for a typo. Its usage errors pass through the Console, where they are reworded here
 * with what the command line shows.
 */
import { CliConfig, Command, HelpDoc } from "@effect/cli"
import { Console, Effect } from "effect"

const UNKNOWN_ARGUMENT = /Received unknown argument: '(--[A-Za-z0-9-]+)'/g

/** The message with each "unknown argument" that is a known flag's slip said as what it is. */
export const explainUsageError = (
  argv: ReadonlyArray<string>,
  isKnownFlag: (flag: string) => boolean,
  text: string
): string =>
  text.replace(UNKNOWN_ARGUMENT, (whole, flag: string) => {
    if (!isKnownFlag(flag)) return whole
    const places = argv.flatMap((arg, index) => (arg === flag || arg.startsWith(`${flag}=`) ? [index] : []))
    if (places.length > 1) return `${flag} is given more than once: give it once`
    const [at] = places
    if (at === undefined || argv[at] !== flag) return whole
    const next = argv[at + 1]
    return next === undefined || next.startsWith("--") ? `${flag} needs a value` : whole
  })

/** The flags a command's help names: what `isKnownFlag` is asked of. */
export const flagsOf = <Name extends string, R, E, A>(command: Command.Command<Name, R, E, A>): ReadonlySet<string> =>
  new Set(HelpDoc.toAnsiText(Command.getHelp(command, CliConfig.defaultConfig)).match(/--[a-z][a-z0-9-]*/g) ?? [])

/** Runs `effect` with a Console whose `error` rewords usage errors as above; `knownFlags` is asked only then. */
export const withUsageErrorsExplained =
  (argv: ReadonlyArray<string>, knownFlags: () => ReadonlySet<string>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Console.consoleWith((console) =>
      Effect.withConsole(effect, {
        ...console,
        error: (...args: ReadonlyArray<unknown>) =>
          console.error(
            ...args.map((arg) =>
              typeof arg === "string" ? explainUsageError(argv, (flag) => knownFlags().has(flag), arg) : arg
            )
          )
      })
    )
