/**
 * How far V8 lets the heap grow between collections, decided once a run has shown it is not a small one.
 *
 * By default V8 lets the old generation grow to several times its live data before it collects it again, and a
 * long audit moves a steady stream of short-lived page data there: at 200,000 users the peak memory was about
 * 70 MB above that of 10,000 users by default, and about 45 MB above with the growth held to 35 % per collection
 * (bench/RESULTS.md). Held from the process's start, though, the collector also ran far more often while the
 * program itself was loading, which cost about 50 ms of every run, a small one as much as a large one. So the hold
 * starts once a run has taken `HOLD_FROM_USERS` users, when start-up is long over: a 20,000-user run then measured
 * no slower than one never held. V8 reads the setting whenever it sets a new limit, so setting it mid-run takes
 * effect at the next collection; it then stays for the rest of the process (a scheduled job's later runs too).
 */
import { setFlagsFromString } from "node:v8"

export const HOLD_FROM_USERS = 10_000

/** V8's setting: the old generation grows by at most this much per collection. */
export const HOLD_FLAG = "--heap-growing-percent=35"

/**
 * Returns what the audit calls with its count of users taken so far; it sets the hold once, the first time the
 * count reaches `fromUsers`. `setFlags` is V8's, or a recorder in tests.
 */
export const makeHeapGrowthHold = (
  fromUsers: number = HOLD_FROM_USERS,
  setFlags: (flags: string) => void = setFlagsFromString
): ((usersTaken: number) => void) => {
  let held = false
  return (usersTaken) => {
    if (held || usersTaken < fromUsers) return
    held = true
    setFlags(HOLD_FLAG)
  }
}
