/**
 * Filter and id values that must say something. An empty one (`--id ""`, or `users get "$ID"` with `$ID` unset)
 * would otherwise be dropped from the query and list every user, or turn `GET /users/ID` into `GET /users/`: a
 * script would act on the wrong users. A value that is itself a flag (`--id --include-deactivated`) is a missing
 * value too.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Effect from "effect/Effect"

/** `-name=value` or `--name=value`: a flag, whose value may be a secret (a token flag mistyped), never quoted. */
const FLAG_WITH_VALUE = /^-{1,2}[^=\s]+=/

/**
 * What a flag or argument given empty is told to give. `kind`: what its value is, as a noun ("the new user's email
 * address"). `required`: it cannot be left out (a user id, the fields of a new user), so leaving it out is not
 * offered; `or`: a flag that may be given in its place (`--role-id` for `--role`). `leftOut`: what leaving out one
 * that is not required does ("to keep the current one").
 */
export interface Wanted {
  readonly kind?: string
  readonly required?: boolean
  readonly or?: string
  readonly leftOut?: string
}

/** What an empty value of `what` (`--email`, `The user id`) is told. */
export const emptyValueProblem = (what: string, wanted: Wanted = {}): string => {
  if (wanted.required === true) {
    return (
      `${what} is empty, and needs a value${wanted.kind === undefined ? "" : `: ${wanted.kind}`}` +
      `${wanted.or === undefined ? "" : `, or give ${wanted.or} instead`}.`
    )
  }
  return `${what} is empty: give ${wanted.kind ?? "a value"}, or leave it out${wanted.leftOut === undefined ? "" : ` ${wanted.leftOut}`}.`
}

/** What is wrong with the value, if anything; `what` names it, e.g. `--id` or `The user id`. */
const valueProblem = (what: string, value: string, wanted: Wanted = {}): string | undefined => {
  if (value.trim() === "") return emptyValueProblem(what, wanted)
  const flag = FLAG_WITH_VALUE.exec(value)?.[0]
  if (flag !== undefined) return `${what} was given "${flag}...", which is a flag: give it a value first.`
  return value.startsWith("--") ? `${what} was given "${value}", which is a flag: give it a value first.` : undefined
}

const requireValue =
  (what: string, wanted: Wanted) =>
  (value: string): Effect.Effect<string, HelpDoc.HelpDoc> => {
    const problem = valueProblem(what, value, wanted)
    return problem === undefined ? Effect.succeed(value) : Effect.fail(HelpDoc.p(problem))
  }

/**
 * For `Args.mapEffect`: an argument (`users get ID`) is required, and its absence is a usage error of its own, so
 * leaving it out is not offered.
 */
export const requireArgValue = (what: string, kind?: string) =>
  requireValue(what, kind === undefined ? { required: true } : { required: true, kind })

/**
 * The flags whose own check (`requireOptionValue`) refuses an empty value, saying what they take: only these have a
 * `--flag=` given apart for that check to say so (UsageHints.ts `emptyValuesApart`). Other flags may take `""` given
 * apart as not set, as their variable does (`--privileged-roles`, `--mail-from`): `--flag=`, what a script sends for
 * an unset variable, stays a usage error for them, rather than a run with the default.
 */
const refusingEmpty = new Set<string>()

/** Whether `flag` (`--email`) is checked by `requireOptionValue` in a command loaded so far. */
export const refusesEmptyValue = (flag: string): boolean => refusingEmpty.has(flag)

/** For `Options.mapEffect`; `wanted` says whether the flag may be left out, and what it takes. */
export const requireOptionValue = (what: string, wanted: Wanted = {}) => {
  refusingEmpty.add(what)
  return (value: string): Effect.Effect<string, ValidationError.ValidationError> =>
    Effect.mapError(requireValue(what, wanted)(value), ValidationError.invalidValue)
}

const ID: Wanted = { kind: "a user id" }

/**
 * What `--flag=` given empty is told when it is not given apart to the flag's own check (UsageHints.ts): `--id`,
 * repeatable, whose words `idWithoutValue` checks, says it as `--id ""` does; another flag asks for a value.
 */
export const emptyFlagValueProblem = (flag: string): string => emptyValueProblem(flag, flag === "--id" ? ID : {})

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
    const problem = value === undefined ? emptyValueProblem("--id", ID) : valueProblem("--id", value, ID)
    if (problem !== undefined) return problem
  }
  return undefined
}
