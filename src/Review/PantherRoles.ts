/**
 * The roles GET /roles named at this review, and whether it named them all: only then does a `change-role:` decision
 * naming none of them name a role Panther does not have (a typo, a role deleted since), which the auditor is told
 * apart from a role change not carried out.
 */
import type { RolesReadWhole } from "../Audit/RunRoles.js"
import { slipsBetween } from "../Cli/TypingSlips.js"
import type { NamedRole } from "./AccessChange.js"

export interface PantherRoles {
  readonly named: ReadonlyArray<NamedRole>
  readonly read: RolesReadWhole
}

/** What a review knows of Panther's roles when it was given none. */
export const ROLES_NOT_READ: PantherRoles = { named: [], read: "none" }

/** Names longer than this are no typo of a decision: left out, so a role of 100 KB costs nothing. */
const MAX_COMPARED_CHARS = 100

/** How many of the closest roles are named. */
const MAX_CLOSEST = 3

/** How many edits still make a typo of a text this long: one in a short name, up to three in a long one. */
const typoEdits = (length: number): number => (length <= 4 ? 1 : length <= 12 ? 2 : 3)

/**
 * The names of the roles closest to a decision's text, fewest edits first, at most three; none when no role's name
 * is a typo away. Worked out once per text: every account of one typo'd decision asks the same.
 */
export const closestRoleNames = (roles: PantherRoles): ((text: string) => ReadonlyArray<string>) => {
  const known = new Map<string, ReadonlyArray<string>>()
  return (text) => {
    const cached = known.get(text)
    if (cached !== undefined) return cached
    const most = typoEdits(text.length)
    const closest =
      text.length > MAX_COMPARED_CHARS
        ? []
        : roles.named
            .filter((role) => role.name.length <= MAX_COMPARED_CHARS)
            .flatMap((role) => {
              const edits = slipsBetween(text.toLowerCase(), role.name.toLowerCase(), most)
              return edits === undefined ? [] : [{ name: role.name, edits }]
            })
            .sort((a, b) => a.edits - b.edits || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
            .map(({ name }) => name)
            .filter((name, index, names) => names.indexOf(name) === index)
            .slice(0, MAX_CLOSEST)
    known.set(text, closest)
    return closest
  }
}
