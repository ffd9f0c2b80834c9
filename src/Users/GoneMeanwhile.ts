/**
 * An update or delete looks the user up first, then sends the change. A 404 to the change after the look-up found
 * the user does not mean a mistyped id or a wrong --api-url, as a 404 alone would be read: the user was deleted in
 * between, and the message says so rather than send the admin to check an id that was right.
 */
import * as Effect from "effect/Effect"
import { NotFound, type PantherApiError } from "../PantherApi/ClientErrors.js"

export const foundJustBefore = <A, R>(
  change: Effect.Effect<A, PantherApiError, R>
): Effect.Effect<A, PantherApiError, R> =>
  Effect.mapError(change, (error) =>
    error._tag === "NotFound"
      ? new NotFound({
          method: error.method,
          path: error.path,
          ...(error.detail === undefined ? {} : { detail: error.detail }),
          foundJustBefore: true
        })
      : error
  )
