/**
 * A create, update or delete stopped (Ctrl-C, SIGTERM) while its request may be with Panther: whether Panther made
 * the change is unknown, and the exit code alone (130, 143) reads as "nothing happened". A script or a person
 * running the command again would then invite the user twice, or be told of no such user, so the command says so
 * and how to check, as it does for an answer lost in transit.
 */
import * as Effect from "effect/Effect"
import { tell } from "../Cli/CommandNotes.js"
import { printable } from "../PantherApi/Responses.js"

/** `change`: what may have happened, e.g. "the user may have been created"; `check`: the command that shows it. */
export const sayIfStopped =
  (change: string, check: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.onInterrupt(effect, () =>
      tell(
        "warning",
        printable(
          `Stopped before Panther answered: ${change} all the same: check with \`panther-audit ${check}\` ` +
            "before sending it again."
        )
      )
    )
