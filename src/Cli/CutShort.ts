/**
 * Text cut to a length in UTF-16 units, as strings are measured. `headOf` never leaves half of a character that takes
 * two units (an emoji): a lone half shows as U+FFFD in a log, an email or a terminal, and is not valid UTF-8 to write.
 * `headOfCharacters` and `cutShort`, for text a person reads, never cut inside a character as the eye sees it
 * either: a joined emoji (a family), a flag, a skin tone or a letter with its accents.
 */

/** Whether the unit at `index` of `text` is the first half of a character that takes two. */
const startsAPair = (text: string, index: number): boolean => {
  const unit = text.charCodeAt(index)
  return unit >= 0xd800 && unit <= 0xdbff
}

/** The first `units` units of `text`, one fewer where the last would be half of a character. */
export const headOf = (text: string, units: number): string =>
  units > 0 && units < text.length && startsAPair(text, units - 1) ? text.slice(0, units - 1) : text.slice(0, units)

const isPrintableAscii = (unit: number): boolean => unit >= 0x20 && unit <= 0x7e

let segmenter: Intl.Segmenter | undefined

/**
 * The splitter into characters as the eye sees them, made when first asked: making one loads ICU's rules, some
 * 15 ms, which every command would otherwise pay at start, most of them never cutting a text that needs it.
 */
export const graphemes = (): Intl.Segmenter => {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })
  return segmenter
}

/**
 * The most whole characters, as the eye sees them, of `text` that fit in `units` units. Whether a character begins
 * at a place depends on the text before it and on the one character there, so only the text up to that character
 * (two units past the cut) is split: ICU splits a long text in time that grows far faster than it.
 */
export const headOfCharacters = (text: string, units: number): string => {
  if (units >= text.length) return text
  // Between two printable ASCII characters there is always a place to cut, and most long names are ASCII: they are
  // cut without the splitter, which costs some 25 microseconds a cut.
  if (units > 0 && isPrintableAscii(text.charCodeAt(units - 1)) && isPrintableAscii(text.charCodeAt(units))) {
    return text.slice(0, units)
  }
  let end = 0
  for (const { index } of graphemes().segment(text.slice(0, units + 2))) {
    if (index > units) break
    end = index
  }
  return text.slice(0, end)
}

/** At most `max` UTF-16 units, an ellipsis included; never cut inside a character as the eye sees it (`headOf...`). */
export const cutShort = (text: string, max: number): string =>
  text.length <= max ? text : `${headOfCharacters(text, max - 1)}…`
