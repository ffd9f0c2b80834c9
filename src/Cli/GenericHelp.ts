/**
 * What @effect/cli prints of the help passes through here, for two changes.
 *
 * @effect/cli opens the help of every flag and argument with a line on the kind of value its parser takes, and
 * offers no way to leave it out or word it otherwise: "A user-defined piece of text." for every text flag, and so
 * for every number flag too (NumberValues.ts reads numbers as text), "A user-defined piece of text that is
 * confidential." for a token, "A true or false value." for a switch that takes no value. They say nothing a reader
 * can act on, and of a number or a switch something untrue; the usage line already names the kind
 * (`--timeout-seconds float`). The help reaches the Console as text, where these lines are taken out.
 *
 * It also styles the help (bold headings) with ANSI escape sequences whatever stdout is: `--help > flags.txt`, a
 * pager or a CI log got `^[[0;1m` around every heading. They are kept for a terminal only, and left out there too
 * under NO_COLOR (https://no-color.org) or TERM=dumb.
 */
import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"

/** Each line as @effect/cli's Primitive.getHelp words it, indented in the option's entry, with the blank line after. */
const GENERIC_LINE = /^ *(?:A user-defined piece of text(?: that is confidential)?|A true or false value)\.\n\n/gm

/** `text` without the generic lines, as the help is printed. */
const withoutGenericLines = (text: string): string => text.replace(GENERIC_LINE, "")

// biome-ignore lint/suspicious/noControlCharactersInRegex: what is matched is the escape character.
const STYLE_SEQUENCE = /\u001b\[[0-9;]*m/g

/** Whether the help keeps its styling: on a terminal that can show it, unless NO_COLOR (set and not empty) says no. */
export const helpStyled = (stdoutIsTerminal: boolean, env: NodeJS.ProcessEnv): boolean =>
  stdoutIsTerminal && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb"

/** The help as printed: without the generic lines, and without its styling unless `styled`. */
export const helpAsPrinted = (text: string, styled: boolean): string => {
  const kept = withoutGenericLines(text)
  return styled ? kept : kept.replace(STYLE_SEQUENCE, "")
}

/**
 * Runs `command` (through `run`) with a Console whose `log` prints the help as `helpAsPrinted` makes it. The
 * command's handler gets the Console back, so what it prints (a user's record, a report's path) is printed as given.
 */
export const withGenericHelpLeftOut = <Name extends string, R, E, A, R2, E2>(
  command: Command.Command<Name, R, E, A>,
  run: (command: Command.Command<Name, R, E, A>) => Effect.Effect<void, E2, R2>,
  styled: boolean = helpStyled(process.stdout.isTTY === true, process.env)
): Effect.Effect<void, E2, R2> =>
  Console.consoleWith((console) =>
    Effect.withConsole(run(Command.transformHandler(command, (handler) => Effect.withConsole(handler, console))), {
      ...console,
      log: (...args: ReadonlyArray<unknown>) =>
        console.log(...args.map((arg) => (typeof arg === "string" ? helpAsPrinted(arg, styled) : arg)))
    })
  )
