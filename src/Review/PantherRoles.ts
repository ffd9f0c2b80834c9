/**
 * The roles GET /roles named at this review, and whether it named them all: only then does a `change-role:` decision
 * naming none of them name a role Panther does not have (a typo, a role deleted since), which the auditor is told
 * apart from a role change not carried out.
 */
import type { NamedRole } from "./AccessChange.js"

export interface PantherRoles {
  readonly named: ReadonlyArray<NamedRole>
  /**
   * "all" when GET /roles was read and each role it listed gave its id and name; "some" when a role's entry did
   * not; "none" when GET /roles could not be read.
   */
  readonly read: "all" | "some" | "none"
}

/** What a review knows of Panther's roles when it was given none. */
export const ROLES_NOT_READ: PantherRoles = { named: [], read: "none" }

/** Names longer than this are no typo of a decision: left out, so a role of 100 KB costs nothing. */
const MAX_COMPARED_CHARS = 100

/** How many of the closest roles are named. */
const MAX_CLOSEST = 3

/**
 * Edits (a character added, taken out, changed, or two beside each other swapped) from one text to another, in any
 * case; undefined past `most`, as only a few edits make a typo.
 */
const editsBetween = (from: string, to: string, most: number): number | undefined => {
  const [a, b] = [from.toLowerCase(), to.toLowerCase()]
  if (Math.abs(a.length - b.length) > most) return undefined
  // Optimal string alignment: three rows of the table are enough.
  let before: Array<number> = []
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let edits = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        edits = Math.min(edits, (before[j - 2] ?? 0) + 1)
      }
      current.push(edits)
    }
    before = previous
    previous = current
  }
  const edits = previous[b.length] ?? 0
  return edits > most ? undefined : edits
}

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
              const edits = editsBetween(text, role.name, most)
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
