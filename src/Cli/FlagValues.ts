/**
 * Filter and id values that must say something. An empty one (`--id ""`, or `users get "$ID"` with `$ID` unset)
 * would otherwise be dropped from the query and list every user, or turn `GET /users/ID` into `GET /users/`: a
 * script would act on the wrong users. A value that is itself a flag (`--id --include-deactivated`) is a missing
 * value too.
 */
import { HelpDoc, ValidationError } from "@effect/cli"
import { Effect } from "effect"

/** `-name=value` or `--name=value`: a flag, whose value may be a secret (a token flag mistyped), never quoted. */
const FLAG_WITH_VALUE = /^-{1,2}[^=\s]+=/

/**
 * What is wrong with the value, if anything; `what` names it, e.g. `--id` or `The user id`. `required`: the value
 * cannot be left out (an argument such as the user id), so leaving it out is not offered.
 */
const valueProblem = (what: string, value: string, required = false): string | undefined => {
  if (value.trim() === "") return `${what} is empty: give a value${required ? "" : ", or leave it out"}.`
  const flag = FLAG_WITH_VALUE.exec(value)?.[0]
  if (flag !== undefined) return `${what} was given "${flag}...", which is a flag: give it a value first.`
  return value.startsWith("--") ? `${what} was given "${value}", which is a flag: give it a value first.` : undefined
}

const requireValue =
  (what: string, required: boolean) =>
  (value: string): Effect.Effect<string, HelpDoc.HelpDoc> => {
    const problem = valueProblem(what, value, required)
    return problem === undefined ? Effect.succeed(value) : Effect.fail(HelpDoc.p(problem))
  }

/** For `Args.mapEffect`: an argument (`users get ID`) is required, and its absence is a usage error of its own. */
export const requireArgValue = (what: string) => requireValue(what, true)

/** For `Options.mapEffect`. */
export const requireOptionValue =
  (what: string) =>
  (value: string): Effect.Effect<string, ValidationError.ValidationError> =>
    Effect.mapError(requireValue(what, false)(value), ValidationError.invalidValue)

/**
 * @effect/cli drops a repeated option's empty values and a bare `--id` before the command sees them, so `--id ""`
 * would list every user; the words on the command line are checked instead. The message, if one is missing.
 */
export const idWithoutValue = (argv: ReadonlyArray<string>): string | undefined => {
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? ""
    if (word === "--") return undefined
    const value = word === "--id" ? argv[index + 1] : word.startsWith("--id=") ? word.slice("--id=".length) : null
    if (value === null) continue
    const problem = value === undefined ? "--id is empty: give a value, or leave it out." : valueProblem("--id", value)
    if (problem !== undefined) return problem
  }
  return undefined
}
