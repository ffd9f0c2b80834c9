/**
 * A name from the API as a warning quotes it. Warnings go into the summary, the JSON report, the email and the review
 * page, each whole: five role names of 100 KB (typed by another system, or hostile) made one warning of 500 KB, in
 * each of them. The name is cut as the email cuts the names it lists; the JSON report's findings keep it whole.
 */
import { cutShort } from "../Cli/CutShort.js"
import { printable } from "../PantherApi/Responses.js"

export const QUOTED_NAME_MAX_CHARS = 120

/** The name cut short, and printable on a terminal. */
export const quotedName = (name: string): string => printable(cutShort(name, QUOTED_NAME_MAX_CHARS))
