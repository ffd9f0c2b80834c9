/**
 * The simulator's side of `ApiKeyAuth`: 401 for a missing or unknown `X-API-Key`, 403 for a key without the
 * permission the operation needs. Panther's rule is per method (every GET needs Read User Info, every POST and
 * DELETE Manage Users), so it is checked here, once, before any handler reads the request.
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { consoleName, permissionFor } from "../PantherApi/Permissions.js"
import { ForbiddenError, UnauthorizedError } from "../PantherApi/Schemas.js"
import { API_KEY_HEADER, ApiKeyAuth } from "../PantherApi/UsersApi.js"
import { makeKeyMatcher, type TokenGrant } from "./Tokens.js"

const KEY_HEADER = API_KEY_HEADER.toLowerCase()

/** How many times the key header came, in any case (raw headers alternate names and values). */
const keyHeaderCount = (rawHeaders: ReadonlyArray<string>): number => {
  let count = 0
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === KEY_HEADER) count++
  }
  return count
}

export const apiKeyAuthLayer = (grants: ReadonlyArray<TokenGrant>): Layer.Layer<ApiKeyAuth> =>
  Layer.sync(ApiKeyAuth, () => {
    const match = makeKeyMatcher(grants)
    return {
      apiKey: (key) =>
        Effect.gen(function* () {
          // The key itself never appears in a message or a log line.
          const presented = Redacted.value(key)
          if (presented === "") {
            return yield* Effect.fail(new UnauthorizedError({ message: `missing ${API_KEY_HEADER} header` }))
          }
          const request = yield* HttpServerRequest.HttpServerRequest
          // Node joins a repeated header's values with ", ", so two keys arrive as one that matches neither: say so,
          // rather than call a key that may well be right "not valid".
          const copies = keyHeaderCount(NodeHttpServerRequest.toIncomingMessage(request).rawHeaders)
          if (copies > 1) {
            return yield* Effect.fail(
              new UnauthorizedError({ message: `the ${API_KEY_HEADER} header was sent ${copies} times: send it once` })
            )
          }
          const permissions = match(presented)
          if (permissions === undefined) {
            return yield* Effect.fail(
              new UnauthorizedError({ message: `the ${API_KEY_HEADER} is not a valid API key` })
            )
          }
          const needed = permissionFor(request.method)
          if (!permissions.has(needed)) {
            return yield* Effect.fail(
              new ForbiddenError({
                message: `this API key lacks the "${consoleName(needed)}" permission (${needed}) needed for ${request.method} requests`
              })
            )
          }
          return { permissions }
        })
    }
  })
