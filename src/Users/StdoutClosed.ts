/**
 * `panther-audit users list | head` closes stdout while users are still coming. Node reports that as an `error`
 * event (EPIPE) that would crash the process with a stack trace; the reader has simply had enough, so the command
 * stops fetching and ends quietly instead.
 */
import * as Effect from "effect/Effect"

/** Completes once stdout can no longer be written to. */
const stdoutGone: Effect.Effect<void> = Effect.async<void>((resume) => {
  const onError = () => {
    // Writes already under way fail the same way; from now on they are ignored rather than crash the process.
    process.stdout.on("error", ignore)
    resume(Effect.void)
  }
  process.stdout.once("error", onError)
  return Effect.sync(() => {
    process.stdout.off("error", onError)
  })
})

const ignore = () => {}

/** Runs `effect` until it ends or stdout goes away; `true` when it ran to its end. */
export const whileStdoutOpen = <E, R>(effect: Effect.Effect<void, E, R>): Effect.Effect<boolean, E, R> =>
  Effect.raceFirst(Effect.as(effect, true), Effect.as(stdoutGone, false))
