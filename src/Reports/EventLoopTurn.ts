/**
 * Report files are written synchronously, a batch of rows at a time (TempFile.ts). The event loop must turn between
 * batches: that is where a stop signal, a second one while stopping, and the stop's 5 s limit (StopSignals.ts) are
 * seen. Without a turn an export of about 90,000 users held the loop for 5 s on a 2-core machine, and a `docker stop`
 * meanwhile waited all that time before the process so much as noticed it.
 */
import * as Effect from "effect/Effect"

/** One turn of the event loop, on no clock (tests run on TestClock); the fiber may be stopped here. */
export const nextTurn: Effect.Effect<void> = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})
