/**
 * Waits in real time, not the test clock's, for `done` to hold (a file touched by a fiber on the test clock has to
 * land on the disk), for at most three seconds; gives whether it held.
 */
import * as Effect from "effect/Effect"

export const landed = (done: () => boolean): Effect.Effect<boolean> =>
  Effect.promise(async () => {
    const deadline = Date.now() + 3_000
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    return done()
  })
