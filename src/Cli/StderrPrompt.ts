/**
 * Prompts on stderr. The terminal service @effect/cli prompts through writes to stdout, which carries a command's
 * data: a question written there is lost in a pipe or a file (the command seems to hang) and mixed into the data.
 * Keys are still read from stdin.
 */
import * as PlatformError from "@effect/platform/Error"
import * as Terminal from "@effect/platform/Terminal"
import * as Effect from "effect/Effect"

const displayOnStderr = (text: string): Effect.Effect<void, PlatformError.PlatformError> =>
  Effect.uninterruptible(
    Effect.async((resume) => {
      process.stderr.write(text, (error) =>
        resume(
          error === null || error === undefined
            ? Effect.void
            : Effect.fail(
                new PlatformError.BadArgument({
                  module: "Terminal",
                  method: "display",
                  description: "Failed to write the prompt to stderr",
                  cause: error
                })
              )
        )
      )
    })
  )

/** `effect` with every prompt in it asked on stderr. */
export const promptOnStderr = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Terminal.Terminal> =>
  Effect.updateService(effect, Terminal.Terminal, (terminal) =>
    Terminal.Terminal.of({
      ...terminal,
      columns: Effect.sync(() => process.stderr.columns ?? 0),
      rows: Effect.sync(() => process.stderr.rows ?? 0),
      isTTY: Effect.sync(() => process.stderr.isTTY === true),
      display: displayOnStderr
    })
  )
