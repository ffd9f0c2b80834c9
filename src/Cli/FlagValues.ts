/**
 * Filter and id values that must say something. An empty one (`--id ""`, or `users get "$ID"` with `$ID` unset)
 * would otherwise be dropped from the query and list every user, or turn `GET /users/ID` into `GET /users/`: a
 * script would act on the wrong users. A value that is itself a flag (`--id --include-deactivated`) is a missing
 * value too.
 */
import { HelpDoc, Options, ValidationError } from "@effect/cli"
import { Effect } from "effect"

/** What is wrong with the value, if anything; `what` names it, e.g. `--id` or `The user id`. */
const valueProblem = (what: string, value: string): string | undefined =>
  value.trim() === ""
    ? `${what} is empty: give a value, or leave it out.`
    : value.startsWith("--")
      ? `${what} was given "${value}", which is a flag: give it a value first.`
      : undefined

/** For `Args.mapEffect`. */
export const requireArgValue =
  (what: string) =>
  (value: string): Effect.Effect<string, HelpDoc.HelpDoc> => {
    const problem = valueProblem(what, value)
    return problem === undefined ? Effect.succeed(value) : Effect.fail(HelpDoc.p(problem))
  }

/** For `Options.mapEffect`. */
export const requireOptionValue =
  (what: string) =>
  (value: string): Effect.Effect<string, ValidationError.ValidationError> =>
    Effect.mapError(requireArgValue(what)(value), ValidationError.invalidValue)

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

const refuse = (message: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message)))

/**
 * A whole-number flag whose error names it and what it got: @effect/cli's own says "'abc' is not a integer",
 * without the flag, which on a long command line leaves the reader to guess.
 */
export const integerOption = (name: string): Options.Options<number> =>
  Options.text(name).pipe(
    Options.withPseudoName("integer"),
    Options.mapEffect((text) => {
      const value = Number(text.trim())
      return /^[+-]?\d+$/.test(text.trim()) && Number.isSafeInteger(value)
        ? Effect.succeed(value)
        : refuse(`--${name} must be a whole number; got "${text}"`)
    })
  )

/** A number flag, its error naming it. */
export const numberOption = (name: string): Options.Options<number> =>
  Options.text(name).pipe(
    Options.withPseudoName("number"),
    Options.mapEffect((text) => {
      const value = Number(text.trim())
      return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text.trim()) && Number.isFinite(value)
        ? Effect.succeed(value)
        : refuse(`--${name} must be a number; got "${text}"`)
    })
  )

/** One of `choices`, in any case, its error naming the flag and the choices. */
export const choiceOption = <A extends string>(name: string, choices: ReadonlyArray<A>): Options.Options<A> =>
  Options.text(name).pipe(
    Options.withPseudoName(choices.join("|")),
    Options.mapEffect((text) => {
      const chosen = choices.find((choice) => choice.toLowerCase() === text.trim().toLowerCase())
      return chosen === undefined
        ? refuse(`--${name} must be one of ${choices.join(", ")}; got "${text}"`)
        : Effect.succeed(chosen)
    })
  )
