/**
 * The user ids Panther sent more than once, for the line that says so: a repeat is passed over (the user is taken
 * once, as first sent), and a reader who wants to know whether the repeat differed needs its id to look it up.
 */
import { printable } from "./Responses.js"

/** How many a line names: enough to look some up, few enough for one line. */
const NAMED = 5

export interface RepeatedIds {
  readonly add: (id: string) => void
  /** The first few ids repeated, each once, and one more when there were more: enough to tell. */
  readonly named: () => ReadonlyArray<string>
}

export const makeRepeatedIds = (): RepeatedIds => {
  const named: Array<string> = []
  return {
    add: (id) => {
      if (named.length <= NAMED && !named.includes(id)) named.push(id)
    },
    named: () => named
  }
}

/**
 * `(id-1, id-2, ...)`: the first distinct ids of `ids` up to the limit, with an ellipsis only when there were more
 * ids than that (one id sent three times is named alone).
 */
export const namingRepeatedIds = (ids: ReadonlyArray<string>): string => {
  const unique = [...new Set(ids)]
  const shown = unique.slice(0, NAMED)
  return `(${shown.map(printable).join(", ")}${unique.length > shown.length ? ", ..." : ""})`
}
