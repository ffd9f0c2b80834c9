/**
 * The simulator's users go into its directory a slice at a time, with a turn of the event loop between slices.
 * Generating and indexing a million users takes tens of seconds on a small machine; done in one go, a Ctrl-C or a
 * `docker stop` meanwhile was not even seen until the end (nor could the stop's 5 s limit fire), so `simulate
 * --users 1000000` and `demo --users 1000000` ran on for that long, the listener never opened, whatever was pressed.
 */
import * as Effect from "effect/Effect"
import { UserDirectory } from "./UserDirectory.js"
import type { WireUser } from "./WireUser.js"

/** Users taken between two turns of the event loop: some tens of milliseconds of work at most. */
const SLICE_USERS = 2_000

/** One turn of the event loop, on no clock (tests run on TestClock): signals are handled, the fiber may stop here. */
const nextTurn = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

export const fillDirectory = (users: Iterable<WireUser>): Effect.Effect<UserDirectory> =>
  Effect.gen(function* () {
    const directory = new UserDirectory([])
    const iterator = users[Symbol.iterator]()
    for (;;) {
      for (let taken = 0; taken < SLICE_USERS; taken++) {
        const next = iterator.next()
        if (next.done === true) return directory
        directory.insert(next.value)
      }
      yield* nextTurn
    }
  })
