/**
 * What @effect/cli prints (its help above all) passes through here, to be printed as this program means it.
 *
 * @effect/cli opens the help of every flag and argument with a line on the kind of value its parser takes, and
 * offers no way to leave it out or word it otherwise: "A user-defined piece of text." for every text flag, and so
 * for every number flag too (NumberValues.ts reads numbers as text), "A user-defined piece of text that is
 * confidential." for a token, "A true or false value." for a switch that takes no value. They say nothing a reader
 * can act on, and of a number or a switch something untrue; the usage line already names the kind
 * (`--timeout-seconds float`). The help reaches the Console as text, where these lines are taken out. The list of
 * commands and the usage line are rewritten too (CommandList.ts), and the styling kept for a terminal only
 * (TerminalStyle.ts).
 */
import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { type CommandHelp, withCommandList } from "./CommandList.js"
import { styledOn, withoutStyle } from "./TerminalStyle.js"

/** Each line as @effect/cli's Primitive.getHelp words it, indented in the option's entry, with the blank line after. */
const GENERIC_LINE = /^ *(?:A user-defined piece of text(?: that is confidential)?|A true or false value)\.\n\n/gm

export interface HelpSettings {
  /** Whether the styling is kept. */
  readonly styled: boolean
  /** The commands, asked only when something is printed. */
  readonly commands: () => CommandHelp
}

/** What @effect/cli printed, as this program prints it. */
export const helpAsPrinted = (text: string, settings: HelpSettings): string => {
  const rewritten = withCommandList(text.replace(GENERIC_LINE, ""), settings.commands())
  return settings.styled ? rewritten : withoutStyle(rewritten)
}

/**
 * Runs `command` (through `run`) with a Console whose `log` prints as `helpAsPrinted` says. The command's handler
 * gets the Console back, so what it prints (a user's record, a report's path) is printed as given.
 */
export const withHelpAsPrinted = <Name extends string, R, E, A, R2, E2>(
  command: Command.Command<Name, R, E, A>,
  run: (command: Command.Command<Name, R, E, A>) => Effect.Effect<void, E2, R2>,
  commands: () => CommandHelp,
  styled: boolean = styledOn(process.stdout.isTTY === true, process.env)
): Effect.Effect<void, E2, R2> =>
  Console.consoleWith((console) =>
    Effect.withConsole(run(Command.transformHandler(command, (handler) => Effect.withConsole(handler, console))), {
      ...console,
      log: (...args: ReadonlyArray<unknown>) =>
        console.log(...args.map((arg) => (typeof arg === "string" ? helpAsPrinted(arg, { styled, commands }) : arg)))
    })
  )
