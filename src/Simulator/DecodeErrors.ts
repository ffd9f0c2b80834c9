/**
 * HttpApi answers a query it cannot decode with its own 400 body,
 * `{"_tag":"HttpApiDecodeError","issues":[...],"message":"<schema dump>"}`. Both lists read their parameters raw
 * today (`GET /users`'s `email` and `GET /roles`'s `name` make repeated ones ignored), so none fails to decode; should
 * a parameter of the description be typed again, this API-level middleware, which runs before that encoding, answers
 * with the spec's `{"message": ...}` instead, naming the parameter.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiError from "@effect/platform/HttpApiError"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import { PantherApi } from "../PantherApi/UsersApi.js"
import { errorResponse } from "./ErrorResponse.js"

const describe = (error: HttpApiError.HttpApiDecodeError): string => {
  const issue = error.issues[0]
  if (issue === undefined) return "the request's parameters are not valid"
  const name = issue.path.map(String).join(".")
  return issue.message.includes("actual [")
    ? `parameter ${name} may be given only once`
    : `parameter ${name} is not valid: ${issue.message}`
}

export const decodeErrorsLayer = HttpApiBuilder.middleware(PantherApi, (app) =>
  Effect.catchAllCause(app, (cause) => {
    const decodeError = Chunk.findFirst(
      Cause.failures(cause),
      (failure: unknown) => failure instanceof HttpApiError.HttpApiDecodeError
    )
    return decodeError._tag === "Some" && decodeError.value instanceof HttpApiError.HttpApiDecodeError
      ? Effect.succeed(errorResponse(400, describe(decodeError.value)))
      : Effect.failCause(cause)
  })
)
