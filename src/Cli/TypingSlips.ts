/**
 * How far a text someone typed is from one they may have meant, in slips: a character left out, one too many, one
 * wrong, or two beside each other swapped (the optimal string alignment distance). Shared by the suggestions for a
 * mistyped flag and for a review's role name that Panther does not have, so both count a slip alike.
 */

/** Slips from `typed` to `meant`, case counted; undefined past `most`, as only a few slips make a typo. */
export const slipsBetween = (typed: string, meant: string, most: number): number | undefined => {
  if (Math.abs(typed.length - meant.length) > most) return undefined
  // Three rows of the table are enough: the one before the previous is for a swap.
  let before: Array<number> = []
  let previous = Array.from({ length: meant.length + 1 }, (_, index) => index)
  for (let i = 1; i <= typed.length; i++) {
    const current = [i]
    for (let j = 1; j <= meant.length; j++) {
      const cost = typed[i - 1] === meant[j - 1] ? 0 : 1
      let slips = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && typed[i - 1] === meant[j - 2] && typed[i - 2] === meant[j - 1]) {
        slips = Math.min(slips, (before[j - 2] ?? 0) + 1)
      }
      current.push(slips)
    }
    before = previous
    previous = current
  }
  const slips = previous[meant.length] ?? 0
  return slips > most ? undefined : slips
}
