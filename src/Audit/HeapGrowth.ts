/**
 * How far V8 lets the heap grow, decided once a run has shown it is not a small one: two holds, each set once, the
 * first time the count of users taken reaches its threshold. V8 reads both settings whenever it resizes a space, so
 * setting them mid-run takes effect at the next collection; they then stay for the rest of the process (a scheduled
 * job's later runs too).
 *
 * The old generation: by default V8 lets it grow to several times its live data before it collects it again, and a
 * long audit moves a steady stream of short-lived page data there: at 200,000 users the peak memory was about
 * 70 MB above that of 10,000 users by default, and about 45 MB above with the growth held to 35 % per collection
 * (bench/RESULTS.md). Held from the process's start, though, the collector also ran far more often while the
 * program itself was loading, which cost about 50 ms of every run, a small one as much as a large one. So this hold
 * starts once a run has taken `HOLD_FROM_USERS` users, when start-up is long over: a 20,000-user run then measured
 * no slower than one never held.
 *
 * The young generation: V8 doubles it while many objects survive its collections, and a run of 200,000 users
 * doubled it once more than one of 10,000 (16 MB semi-spaces instead of 8 at the peak, 16 MB more of resident
 * memory). Held at the size it has reached by `YOUNG_HOLD_FROM_USERS` users, past start-up and before that last
 * doubling: the 200,000-user peak 140-143 MB instead of 147-151, the 10,000-user one unchanged, and 20,000 and
 * 200,000 users no slower (bench/RESULTS.md).
 */
import { setFlagsFromString } from "node:v8"

export const HOLD_FROM_USERS = 10_000
export const YOUNG_HOLD_FROM_USERS = 2_000

/** V8's setting: the old generation grows by at most this much per collection. */
export const HOLD_FLAG = "--heap-growing-percent=35"

/** V8's setting: the young generation grows by this factor when it grows (1: it keeps its size). */
export const YOUNG_HOLD_FLAG = "--semi-space-growth-factor=1"

/**
 * Returns what the audit calls with its count of users taken so far; it sets each hold once, the first time the
 * count reaches its threshold. `setFlags` is V8's, or a recorder in tests.
 */
export const makeHeapGrowthHold = (
  thresholds: { readonly old?: number; readonly young?: number } = {},
  setFlags: (flags: string) => void = setFlagsFromString
): ((usersTaken: number) => void) => {
  const holds = [
    { from: thresholds.young ?? YOUNG_HOLD_FROM_USERS, flag: YOUNG_HOLD_FLAG, held: false },
    { from: thresholds.old ?? HOLD_FROM_USERS, flag: HOLD_FLAG, held: false }
  ]
  return (usersTaken) => {
    for (const hold of holds) {
      if (hold.held || usersTaken < hold.from) continue
      hold.held = true
      setFlags(hold.flag)
    }
  }
}
