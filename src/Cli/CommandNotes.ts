/**
 * What a command tells the person or script that ran it, beside its data on stdout: `Created user ...`, a record
 * left out of a list, `Deleted user ...`. With `pretty` logs it is a plain line on stderr, as a person reads it; with
 * JSON logs it is a log line like every other, so that every line of stderr is one JSON object for a collector, as
 * the README promises.
 */
import { Console, Context, Effect } from "effect"
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

/** Tells `text` as a `kind` of note: a plain stderr line, or a log line at info (warning for a warning). */
export const tell = (kind: NoteKind, text: string): Effect.Effect<void> =>
  Effect.flatMap(NoteFormat, (format) =>
    format === "pretty"
      ? Console.error(`${PRETTY_PREFIX[kind]}${text}`)
      : kind === "warning"
        ? Effect.logWarning(text)
        : Effect.logInfo(text)
  )
