/**
 * What a command tells the person or script that ran it, beside its data on stdout: `Created user ...`, a record
 * left out of a list, `Deleted user ...`. With `pretty` logs it is a plain line on stderr, as a person reads it; with
 * JSON logs it is a line shaped as the logger's, so that every line of stderr is one JSON object for a collector, as
 * the README promises. Like the final failure line, and unlike log lines, it is written whatever `--log-level` says:
 * it is part of the command's answer (the failure that follows a left-out record names it "above").
 */
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { jsonLine } from "./FailureMessage.js"
import type { LogFormat } from "./Logging.js"

/** The log format the program runs with (`Logging.ts` provides it); pretty where none is provided. */
export class NoteFormat extends Context.Reference<NoteFormat>()("Cli/NoteFormat", {
  defaultValue: (): LogFormat => "pretty"
}) {}

export type NoteKind = "done" | "note" | "warning"

/** The plain line's prefix for each kind: what it said before JSON lines were made of it. */
const PRETTY_PREFIX: Readonly<Record<NoteKind, string>> = {
  done: "",
  note: "panther-audit: note: ",
  warning: "panther-audit: warning: "
}

/**
 * Tells `text` as a `kind` of note: a plain stderr line, or a JSON line at INFO (WARN for a warning). Space around
 * the text (a line break after a prompt) is for the plain line only.
 */
export const tell = (kind: NoteKind, text: string): Effect.Effect<void> =>
  Effect.flatMap(NoteFormat, (format) =>
    Console.error(
      format === "pretty"
        ? `${PRETTY_PREFIX[kind]}${text}`
        : jsonLine(kind === "warning" ? "WARN" : "INFO", text.trim())
    )
  )
