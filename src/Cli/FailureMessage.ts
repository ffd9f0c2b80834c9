import { ValidationError } from "@effect/cli"
import { Cause, Option } from "effect"

/**
 * One human line (or a few) for a failed command. Expected errors print their own message; @effect/cli has
 * already printed its usage errors with the help text, so they get a pointer to `--help`; a defect is a bug.
 */
export const describeFailure = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => `panther-audit: internal error (please report it):\n${Cause.pretty(cause)}`,
    onSome: (error) => {
      if (ValidationError.isValidationError(error)) return "panther-audit: see --help for usage."
      if (error instanceof Error && error.message !== "") return `panther-audit: ${error.message}`
      if (typeof error === "object" && error !== null && "message" in error) {
        return `panther-audit: ${String((error as { readonly message: unknown }).message)}`
      }
      return `panther-audit: ${String(error)}`
    }
  })
