/**
 * The ids `users list --id` asked for that the list did not hold. Panther answers a filter with the users it matches
 * and says nothing of the rest, so a script checking that an offboarded user is gone, or an admin asking for three
 * users and shown two, was told nothing of which id found no one, or why.
 */
import { printable } from "../PantherApi/Responses.js"

/** Ids named in the note; the rest are counted. */
const NAMED = 10

export interface IdFilter {
  /** The ids given, in the order given. */
  readonly asked: ReadonlyArray<string>
  readonly includeDeactivated: boolean
  /** Whether --contains or --status narrowed the list too. */
  readonly otherFilters: boolean
}

/**
 * The note to tell, or undefined when every id given was listed. `listed` holds the ids listed in lower case: an id
 * in another case is the one asked for, as the client takes it (PantherClient.ts).
 */
export const idsNotListedNote = (filter: IdFilter, listed: ReadonlySet<string>): string | undefined => {
  // One per id in any case, in the order first given.
  const asked = [...new Map(filter.asked.map((id) => [id.toLowerCase(), id])).values()]
  const missing = asked.filter((id) => !listed.has(id.toLowerCase()))
  if (missing.length === 0) return undefined
  const named = missing.slice(0, NAMED).map(printable).join(", ")
  const more = missing.length > NAMED ? `, and ${missing.length - NAMED} more` : ""
  const reasons = [
    "Panther has no user with that id",
    ...(filter.includeDeactivated ? [] : ["the user is deactivated (listed only with --include-deactivated)"]),
    ...(filter.otherFilters ? ["--contains or --status left the user out"] : [])
  ]
  const either = reasons.length === 1 ? reasons[0] : `${reasons.slice(0, -1).join(", ")} or ${reasons.at(-1)}`
  const which =
    missing.length < asked.length
      ? `${missing.length} of the ${asked.length} ids given`
      : asked.length === 1
        ? "the id given"
        : `any of the ${asked.length} ids given`
  // Each reason is said of one id and one user: of several, it holds for each.
  return `no user listed for ${which} (${named}${more}): ${missing.length === 1 ? "" : "for each, "}${either}.`
}
