/** A small deterministic generator for tests that try many cases, so a failure replays: `next(n)` is in [0, n). */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return (below: number): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state % below
  }
}
