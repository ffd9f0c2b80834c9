import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Option from "effect/Option"
import { ExitCode, exitCodeOfFailure } from "./ExitCode.js"
import type { LogFormat } from "./Logging.js"
import { escapedInJsonLine, linesOnTerminal } from "./LogLineText.js"

/**
 * What a failed command says, without the program's name. Expected errors give their own message; @effect/cli has
 * already printed its usage errors with the help text, so they get a pointer to `--help`; a defect is a bug.
 */
export const failureText = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => `internal error (please report it):\n${Cause.pretty(cause)}`,
    onSome: (error) => {
      if (ValidationError.isValidationError(error)) return "see --help for usage."
      if (error instanceof Error && error.message !== "") return error.message
      if (typeof error === "object" && error !== null && "message" in error) {
        return String((error as { readonly message: unknown }).message)
      }
      return String(error)
    }
  })

/** One human line (or a few) for a failed command, as a person at a terminal reads it. */
export const describeFailure = (cause: Cause.Cause<unknown>): string => `panther-audit: ${failureText(cause)}`

/** A failure's tag (`Defect` for a bug) and the exit code it ends the process with, for a log collector to count. */
export const failureAnnotations = (
  cause: Cause.Cause<unknown>
): { readonly error: string; readonly exitCode: number } =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => ({ error: "Defect", exitCode: ExitCode.Internal }),
    onSome: (error) => ({
      error: typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : "Error",
      exitCode: exitCodeOfFailure(error)
    })
  })

/**
 * The program's last word on stderr (why it failed, what stopped it, or that its output was lost), in the format of
 * its log lines. In JSON one line shaped as the logger's (message, logLevel, timestamp, annotations, spans): a
 * collector reading one object per line could not parse the plain text that followed the JSON lines. Otherwise
 * `panther-audit: ...`.
 */
export const finalLine = (
  format: LogFormat,
  text: string,
  annotations: Record<string, unknown> = {},
  logLevel: "INFO" | "WARN" | "ERROR" = "ERROR"
): string => (format === "json" ? jsonLine(logLevel, text, annotations) : `panther-audit: ${linesOnTerminal(text)}`)

/** A line shaped as the JSON logger's, written whatever the minimum log level (finalLine, CommandNotes.ts). */
export const jsonLine = (
  logLevel: "INFO" | "WARN" | "ERROR",
  text: string,
  annotations: Record<string, unknown> = {}
): string =>
  escapedInJsonLine(
    JSON.stringify({ message: text, logLevel, timestamp: new Date().toISOString(), annotations, spans: {} })
  )
