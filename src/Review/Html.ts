import { graphemes, headOf } from "../Cli/CutShort.js"
import { CONTROL_REORDERING_OR_INVISIBLE } from "../PantherApi/Responses.js"

/** Every string from the API reaches the HTML through `escapeHtml`: a user named `<script>` must stay text. */
const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
}

/**
 * Shown as U+FFFD on the page, as on a terminal (`printable`): control characters, the bidirectional embeddings,
 * overrides and isolates, and the invisible format characters, with which a name can read as another's (U+202E turns
 * what follows around; U+200B makes two emails look one) on the page a manager signs off. Line breaks and tabs are
 * left to HTML, which shows them as spaces. The CSV and JSON reports keep each value as Panther sent it.
 */
const shownOnPage = (char: string): string =>
  char === "\t" || char === "\n" || char === "\r" ? char : char === "\u2028" || char === "\u2029" ? " " : "\uFFFD"

/**
 * What `shownOnPage` replaces. The line and paragraph separators become a space, as HTML shows a line break: a
 * browser may break the line at them as at `<br>`, and a name holding one would show a line of its own in a cell.
 */
const NOT_SHOWN_AS_IS = new RegExp(`[\\u2028\\u2029]|${CONTROL_REORDERING_OR_INVISIBLE.source}`, "gu")

/** Safe in element content and in quoted attribute values, in HTML and in inline SVG. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char).replace(NOT_SHOWN_AS_IS, shownOnPage)

/** Longer texts than this are shortened from their two ends alone (`shortenMiddle`); labels are a few dozen. */
const MAX_SEGMENTED_CHARS = 1000

/**
 * Shortens a label for a chart axis to `max` characters as the eye sees them, so a joined emoji, a flag or an
 * accented letter is not cut in two; the full text goes in the bar's tooltip and the tables.
 */
export const shorten = (text: string, max: number): string => {
  // Never more characters than UTF-16 units: a label that fits is not split.
  if (text.length <= max) return text
  // Only the head of a long text is split, as `shortenMiddle` splits only its two ends.
  const head = headOf(text, MAX_SEGMENTED_CHARS)
  const characters = Array.from(graphemes().segment(head), ({ segment }) => segment)
  return head === text && characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`
}

/**
 * At most `max` characters, cut in the middle: names that differ only at the end ("Custom Role Number 11" and
 * "... 12") stay apart, as they would not with the end cut off.
 */
export const shortenMiddle = (text: string, max: number): string => {
  const tail = Math.floor((max - 1) / 2)
  if (text.length > MAX_SEGMENTED_CHARS) {
    // Only the two ends are split into graphemes: ICU splits a long text in time that grows far faster than it, and
    // one role name of 128,000 characters (from a hostile or broken API) held up the review for minutes.
    const half = Math.floor(MAX_SEGMENTED_CHARS / 2)
    const tailStart = /[\udc00-\udfff]/.test(text.charAt(text.length - half))
      ? text.length - half + 1
      : text.length - half
    const head = Array.from(graphemes().segment(headOf(text, half)), ({ segment }) => segment)
    const end = Array.from(graphemes().segment(text.slice(tailStart)), ({ segment }) => segment)
    return `${head.slice(0, max - 1 - tail).join("")}…${end.slice(-tail).join("")}`
  }
  // By what the eye sees as one character: a joined emoji is not cut in two.
  const characters = Array.from(graphemes().segment(text), ({ segment }) => segment)
  if (characters.length <= max) return text
  return `${characters.slice(0, max - 1 - tail).join("")}…${characters.slice(-tail).join("")}`
}

/** `12,345`: fixed grouping, not the machine's locale, so two runs of the same data give the same file. */
export const formatCount = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
