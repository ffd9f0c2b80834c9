/**
 * The simulator's side of `ApiKeyAuth`: 401 for a missing or unknown `X-API-Key`, 403 for a key without the
 * permission the operation needs. Panther's rule is per method (every GET needs Read User Info, every POST and
 * DELETE Manage Users), so it is checked here, once, before any handler reads the request.
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { consoleName, permissionFor } from "../PantherApi/Permissions.js"
import { ForbiddenError, UnauthorizedError } from "../PantherApi/Schemas.js"
import { API_KEY_HEADER, ApiKeyAuth } from "../PantherApi/UsersApi.js"
import { makeKeyMatcher, type TokenGrant } from "./Tokens.js"

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
          const permissions = match(presented)
          if (permissions === undefined) {
            return yield* Effect.fail(
              new UnauthorizedError({ message: `the ${API_KEY_HEADER} is not a valid API key` })
            )
          }
          const request = yield* HttpServerRequest.HttpServerRequest
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
