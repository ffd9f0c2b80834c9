import * as ValidationError from "@effect/cli/ValidationError"

/**
 * The documented exit codes. An error that should end the process with a particular code carries it as
 * `exitCode`; `main.ts` reads it, so no central table has to know every error.
 */
export const ExitCode = {
  /** Completed. */
  Ok: 0,
  /** Completed, with findings at or above `--fail-on` (or `verify` found a mismatch). */
  FindingsAtThreshold: 1,
  /**
   * A usage or configuration error: a bad flag, env var or file. Nothing was changed (`users update` may have read
   * the user first).
   */
  Usage: 2,
  /** The Panther API failed (after retries) or refused the token. */
  ApiFailure: 3,
  /** A report could not be written or delivered. */
  OutputFailure: 4,
  /** A bug: an unexpected defect. */
  Internal: 70
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export const exitCodeOf = (error: unknown): ExitCode | undefined => {
  if (typeof error === "object" && error !== null && "exitCode" in error) {
    const code = (error as { readonly exitCode: unknown }).exitCode
    if (typeof code === "number") return code as ExitCode
  }
  return undefined
}

/**
 * The exit code of a command that failed with `error`: its own, 2 for @effect/cli's usage errors, and otherwise 70.
 * A failure that carries no code is a bug; 2 would claim nothing was changed, when API calls may have made changes.
 */
export const exitCodeOfFailure = (error: unknown): ExitCode =>
  exitCodeOf(error) ?? (ValidationError.isValidationError(error) ? ExitCode.Usage : ExitCode.Internal)
