/**
 * Request bodies, read once, in front of the API: a body over the limit is a 413 JSON error, never a cut
 * connection, and what reaches a handler is either the text or a 400 that says what was wrong with it.
 *
 * The platform's own body reader destroys the socket when a streamed (chunked) body passes its limit, so the
 * client sees "socket hang up" instead of an answer. Here the body is read from the Node request directly: past
 * the limit it is drained and dropped, then the 413 goes out on a connection that is still open.
 */
import type { IncomingMessage } from "node:http"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { BadRequestError } from "../PantherApi/Schemas.js"
import { refusalOn } from "./ClientErrors.js"
import { errorResponse } from "./ErrorResponse.js"

/** The default cap on a request body: a ModifyUser is a few hundred bytes, so 64 KiB is generous. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024

/** Past this many bytes a too-large body is not drained any further: the connection is dropped instead. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024

/** The request's body text, read by `limitRequestBody` before the API sees the request. */
export class RequestBodyText extends Context.Reference<RequestBodyText>()("Simulator/RequestBodyText", {
  defaultValue: (): Option.Option<string> => Option.none()
}) {}

type BodyRead =
  | { readonly _tag: "Text"; readonly text: string }
  | { readonly _tag: "TooLarge" }
  | { readonly _tag: "Unreadable" }
  | { readonly _tag: "Aborted" }
  | { readonly _tag: "Refused"; readonly status: number; readonly message: string }
  | { readonly _tag: "NotUtf8" }

/**
 * Bytes that are not UTF-8 were each read as U+FFFD, so a name sent in Latin-1 was stored with `�` where its accents
 * were, and the client was told nothing. A byte order mark is kept, for JSON.parse to refuse as the live API does.
 */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

const decodeText = (bytes: Buffer): BodyRead => {
  try {
    return { _tag: "Text", text: UTF8.decode(bytes) }
  } catch {
    return { _tag: "NotUtf8" }
  }
}

const readBody = (message: IncomingMessage, maxBytes: number): Effect.Effect<BodyRead> =>
  Effect.async<BodyRead>((resume) => {
    const chunks: Array<Buffer> = []
    let bytes = 0
    const onData = (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes <= maxBytes) chunks.push(chunk)
      else if (bytes > DRAIN_LIMIT_BYTES) {
        message.destroy()
        resume(Effect.succeed({ _tag: "TooLarge" }))
      }
    }
    const onEnd = () =>
      resume(Effect.succeed(bytes > maxBytes ? { _tag: "TooLarge" } : decodeText(Buffer.concat(chunks))))
    // A body cut short by Node's refusal of it (a malformed chunk): that answer has gone out (ClientErrors.ts), and
    // is the one to log. One cut short otherwise, by a client that hung up before it had all come: a 400 in the
    // request log would blame a body it never finished sending.
    const onError = () => {
      const refusal = refusalOn(message.socket)
      resume(
        Effect.succeed(
          refusal !== undefined
            ? { _tag: "Refused", ...refusal }
            : message.complete
              ? { _tag: "Unreadable" }
              : { _tag: "Aborted" }
        )
      )
    }
    message.on("data", onData)
    message.once("end", onEnd)
    message.once("error", onError)
    return Effect.sync(() => {
      message.off("data", onData)
      message.off("end", onEnd)
      message.off("error", onError)
    })
  })

const hasBody = (method: string) => method === "POST" || method === "PUT" || method === "PATCH"

export const payloadTooLarge = (maxBytes: number) =>
  errorResponse(413, `the request body is larger than the ${maxBytes} bytes this server accepts`)

/** Reads the body of every request that may carry one, answering 413 for one over `maxBytes`. */
export const limitRequestBody =
  (maxBytes: number) =>
  <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (!hasBody(request.method)) return yield* app
      // A declared length over the limit is refused before a byte is read.
      if (Number(request.headers["content-length"] ?? "0") > maxBytes) return payloadTooLarge(maxBytes)
      const body = yield* readBody(NodeHttpServerRequest.toIncomingMessage(request), maxBytes)
      switch (body._tag) {
        case "TooLarge":
          return payloadTooLarge(maxBytes)
        case "Unreadable":
          return errorResponse(400, "the request body could not be read")
        case "Aborted":
          return yield* Effect.interrupt
        case "Refused":
          return errorResponse(body.status, body.message)
        case "NotUtf8":
          return errorResponse(400, "the request body is not UTF-8: send the JSON in UTF-8 (RFC 8259)")
        case "Text":
          return yield* Effect.provideService(app, RequestBodyText, Option.some(body.text))
      }
    })

/** The body as JSON, or a BadRequestError saying whether it was missing, empty or malformed. */
export const readJsonBody: Effect.Effect<unknown, BadRequestError> = Effect.gen(function* () {
  const text = yield* RequestBodyText
  if (Option.isNone(text) || text.value.trim() === "") {
    return yield* Effect.fail(new BadRequestError({ message: "the request body is empty: send a JSON object" }))
  }
  return yield* Effect.try({
    try: (): unknown => JSON.parse(text.value),
    catch: (error) =>
      new BadRequestError({
        message: `the request body is not valid JSON (${error instanceof Error ? error.message : String(error)})`
      })
  })
})
