/**
 * Text from outside in a log line (a user's name, a relay's reply, a path asked of the simulator), made safe for the
 * terminal or the file the line is read in. A C1 control (U+009B starts a terminal's control sequence as ESC [
 * does), a bidirectional override or isolate (which turns what follows around on screen) or a line or paragraph
 * separator (at which a log viewer starts a line of its own) would otherwise reach it raw.
 */
import * as Cause from "effect/Cause"
import * as HashMap from "effect/HashMap"
import type * as Logger from "effect/Logger"
import { CONTROL_REORDERING_OR_INVISIBLE, printable } from "../PantherApi/Responses.js"

/**
 * What JSON.stringify leaves raw but a reader's terminal acts on: DEL and the C1 controls, the direction marks,
 * embeddings, overrides and isolates, and the line and paragraph separators. It escapes U+0000 to U+001F alone.
 */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * A line written by JSON.stringify with those characters escaped as `\uXXXX`. Outside a string a JSON document is
 * ASCII, so each is inside one, where the escape reads back as the very character: a reader gets the exact text.
 */
export const escapedInJsonLine = (line: string): string =>
  line.replace(RAW_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** A value as the pretty logger prints it: strings `printable`, in lists and records too; anything else as it is. */
const shownOnTerminal = (value: unknown, depth = 0): unknown => {
  if (typeof value === "string") return printable(value)
  if (depth > 4 || typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) return value.map((item) => shownOnTerminal(item, depth + 1))
  if (Object.getPrototypeOf(value) !== Object.prototype) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shownOnTerminal(item, depth + 1)]))
}

/**
 * Text of several lines (a defect's trace, a failure's message) as a terminal shows it: its lines and indents kept,
 * any other control, reordering or invisible character U+FFFD, the other line breaks a space.
 */
export const linesOnTerminal = (text: string): string =>
  text
    .replace(/[\r\v\f\u0085\u2028\u2029]/g, " ")
    .replace(CONTROL_REORDERING_OR_INVISIBLE, (char) => (char === "\n" || char === "\t" ? char : "\uFFFD"))

/**
 * What the pretty logger is given, with outside text made printable. A cause is rendered here, as the logger would
 * render it, and goes in as the message after the first, which the logger prints where it prints a cause.
 */
export const prettyLogOptions = (options: Logger.Logger.Options<unknown>): Logger.Logger.Options<unknown> => {
  const message = (Array.isArray(options.message) ? options.message : [options.message]).map((part) =>
    shownOnTerminal(part)
  )
  const annotations = HashMap.map(options.annotations, (value) => shownOnTerminal(value))
  if (Cause.isEmpty(options.cause) || typeof message[0] !== "string") return { ...options, message, annotations }
  const trace = linesOnTerminal(Cause.pretty(options.cause, { renderErrorCause: true }))
  return { ...options, message: [message[0], trace, ...message.slice(1)], annotations, cause: Cause.empty }
}
