/**
 * A small deterministic generator for tests that try many cases, so a failure replays: `next(n)` is in [0, n).
 *
 * Mulberry32, scaled by its high bits. A plain linear congruential generator taken modulo `n` repeats its low bits
 * with a short period: `next(16)` cycled every 16 calls, and 60,000 "random" UUIDs made of such digits were 8
 * distinct ones.
 */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return (below: number): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = Math.imul(state ^ (state >>> 15), state | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return Math.floor((((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296) * below)
  }
}
