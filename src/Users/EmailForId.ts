/**
 * An email given where a user id goes (`users delete kim@acme.com`, an offboarding list of addresses): Panther has
 * no user with it for an id, and its 404 would send the admin to check the id, or, with `delete --if-exists`, read
 * as nothing to delete while the account stays able to sign in. When a user holds the address, the command says so,
 * naming that user's id, and ends as a usage error: nothing was sent that changes anything.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import type { PantherApiError } from "../PantherApi/ClientErrors.js"
import type { PantherClient } from "../PantherApi/PantherClient.js"
import { printable } from "../PantherApi/Responses.js"

/**
 * Fails when `id` is the email of a user Panther has; `command`: how the command is named, e.g. `users delete`, or
 * with the flag the id was given to, `users list --id`.
 */
export const refuseEmailForId = (
  client: PantherClient,
  command: string,
  id: string
): Effect.Effect<void, ConfigurationError | PantherApiError> =>
  Effect.gen(function* () {
    if (!id.includes("@")) return
    const holders = Chunk.toReadonlyArray(yield* Stream.runCollect(client.usersByEmail(id)))
    if (holders.length === 0) return
    const known = holders
      .map(({ record }) =>
        record._tag === "ValidUser" ? (record.user.id ?? "") : Option.getOrElse(record.userId, () => "")
      )
      .filter((held) => held !== "")
    const nothing = command === "users get" || command.startsWith("users list") ? "" : " nothing was changed."
    return yield* new ConfigurationError({
      message: printable(
        `${id} is the email of ${holders.length === 1 ? "a user" : `${holders.length} users`}` +
          `${known.length === 0 ? "" : ` (id ${known.join(", ")})`}, not a user id:${nothing} \`${command}\` takes ` +
          (known.length === 1
            ? `the id: \`panther-audit ${command} ${known[0]}\`.`
            : "the id `users list --email` shows.")
      )
    })
  })

/**
 * `lookup` of the user by `id`, its 404 said to be an email given for the id when it is one. Should the search by
 * email fail, the 404 is what is reported: it answers what the admin asked.
 */
export const emailForIdSaid =
  (client: PantherClient, command: string, id: string) =>
  <A, R>(lookup: Effect.Effect<A, PantherApiError, R>): Effect.Effect<A, PantherApiError | ConfigurationError, R> =>
    Effect.catchTag(lookup, "NotFound", (notFound) =>
      Effect.zipRight(
        refuseEmailForId(client, command, id).pipe(
          Effect.catchIf(
            (error): error is PantherApiError => error._tag !== "ConfigurationError",
            () => Effect.void
          )
        ),
        Effect.fail(notFound)
      )
    )
