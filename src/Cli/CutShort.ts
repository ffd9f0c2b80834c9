/**
 * Text cut to a length in UTF-16 units, as strings are measured, without leaving half of a character that takes two
 * (an emoji): a lone half shows as U+FFFD in a log, an email or a terminal, and is not valid UTF-8 to write.
 */

/** Whether the unit at `index` of `text` is the first half of a character that takes two. */
const startsAPair = (text: string, index: number): boolean => {
  const unit = text.charCodeAt(index)
  return unit >= 0xd800 && unit <= 0xdbff
}

/** The first `units` units of `text`, one fewer where the last would be half of a character. */
export const headOf = (text: string, units: number): string =>
  units > 0 && units < text.length && startsAPair(text, units - 1) ? text.slice(0, units - 1) : text.slice(0, units)

/** At most `max` UTF-16 units, an ellipsis included; never half of a character that takes two (an emoji). */
export const cutShort = (text: string, max: number): string => (text.length <= max ? text : `${headOf(text, max - 1)}…`)
