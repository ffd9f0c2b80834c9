/**
 * Reading a JSON request body so that each way it can be wrong has its own answer: too large is a 413, unreadable,
 * empty or malformed JSON is a 400 saying which. (A generic decoder turns malformed JSON into a 500.)
 */
import type { HttpServerError, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Schema } from "effect"
import { BadRequestError } from "../PantherApi/Schemas.js"
import { errorResponse } from "./ErrorResponse.js"

/** The default cap on a request body: a ModifyUser is a few hundred bytes, so 64 KiB is generous. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024

export const payloadTooLarge = (maxBytes?: number): HttpServerResponse.HttpServerResponse =>
  errorResponse(
    413,
    maxBytes === undefined
      ? "the request body is larger than this server accepts"
      : `the request body is larger than the ${maxBytes} bytes this server accepts`
  )

/** A body over the server's limit. Not part of the API definition: handlers turn it into a 413 response. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {}) {}

// @effect/platform-node reports a body over `MaxBodySize` as a RequestError whose cause says "maxBytes exceeded".
// The outer middleware refuses bodies with a large Content-Length before they are read; this catches chunked ones.
const isTooLarge = (error: HttpServerError.RequestError): boolean =>
  error.cause instanceof Error && error.cause.message === "maxBytes exceeded"

export const readJsonBody = (
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<unknown, BadRequestError | PayloadTooLarge> =>
  request.text.pipe(
    Effect.catchTag(
      "RequestError",
      (error): Effect.Effect<never, BadRequestError | PayloadTooLarge> =>
        isTooLarge(error)
          ? Effect.fail(new PayloadTooLarge())
          : Effect.fail(new BadRequestError({ message: "the request body could not be read" }))
    ),
    Effect.flatMap((text) =>
      text.trim() === ""
        ? Effect.fail(new BadRequestError({ message: "the request body is empty: send a JSON object" }))
        : Effect.try({
            try: (): unknown => JSON.parse(text),
            catch: (error) =>
              new BadRequestError({
                message: `the request body is not valid JSON (${error instanceof Error ? error.message : String(error)})`
              })
          })
    )
  )
