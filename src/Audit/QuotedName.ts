/**
 * A name from the API as a warning quotes it. Warnings go into the summary, the JSON report, the email and the review
 * page, each whole: five role names of 100 KB (typed by another system, or hostile) made one warning of 500 KB, in
 * each of them. The name is cut as the email cuts the names it lists; the JSON report's findings keep it whole.
 */
import { printable } from "../PantherApi/Responses.js"

export const QUOTED_NAME_MAX_CHARS = 120

/** At most `max` UTF-16 units, an ellipsis included; never half of a character that takes two (an emoji). */
export const cutShort = (text: string, max: number): string => {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const last = cut.charCodeAt(cut.length - 1)
  return `${last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut}…`
}

/** The name cut short, and printable on a terminal. */
export const quotedName = (name: string): string => printable(cutShort(name, QUOTED_NAME_MAX_CHARS))
