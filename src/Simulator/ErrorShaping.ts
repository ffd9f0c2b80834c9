/**
 * The layer around the HttpApi app that makes every answer spec-shaped. HttpApi itself answers an unknown path
 * with an empty 404, a wrong method the same way, and an unexpected failure with an empty 500; here each becomes
 * `{"message": ...}` with the right status (404, 405 with `Allow`, 400, 500), and the server keeps serving.
 *
 * An error's message quotes what the request said (an id, a path, a parameter, an email), and so quoted the server's
 * own API key when a client sent it there by mistake (a script that took the key for a user id): the key then stood
 * in the client's error output and logs. Every error message is redacted of the keys here, as the request log is.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import { scrubSecrets } from "../Cli/Redact.js"
import { PantherApi } from "../PantherApi/UsersApi.js"
import { errorResponse } from "./ErrorResponse.js"
import { pathOf } from "./RequestLog.js"
import { keySecrets } from "./Tokens.js"

interface Route {
  readonly method: string
  readonly segments: ReadonlyArray<string>
}

/** The API's routes, read from the shared definition so a new endpoint needs no change here. */
const apiRoutes = (): ReadonlyArray<Route> => {
  const routes: Array<Route> = []
  HttpApi.reflect(PantherApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => routes.push({ method: endpoint.method, segments: endpoint.path.split("/") })
  })
  return routes
}

const matches = (route: Route, segments: ReadonlyArray<string>): boolean =>
  route.segments.length === segments.length &&
  route.segments.every((part, index) => {
    const actual = segments[index]
    return part.startsWith(":") ? actual !== undefined && actual !== "" : part === actual
  })

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "bad request",
  401: "unauthorized",
  403: "forbidden",
  404: "not found",
  405: "method not allowed",
  413: "request body too large",
  429: "too many requests",
  500: "internal server error",
  503: "service unavailable"
}

/** A JSON error body's message, when it has one. */
const messageIn = (body: Uint8Array): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString("utf8"))
    return typeof parsed === "object" && parsed !== null && "message" in parsed && typeof parsed.message === "string"
      ? parsed.message
      : undefined
  } catch {
    return undefined
  }
}

export const shapeErrors = (keys: ReadonlyArray<string>) => {
  const routes = apiRoutes()
  const secrets = keySecrets(keys)

  const routeNotFound = (method: string, path: string) => {
    const segments = path.split("/")
    const allowed = [...new Set(routes.filter((route) => matches(route, segments)).map((route) => route.method))]
    if (allowed.length === 0) return errorResponse(404, `no such endpoint: ${method} ${path}`)
    // The shape fits a route for this method, yet the router found none: the path itself would not decode.
    if (allowed.includes(method)) return errorResponse(400, `the path ${path} is not valid: check its percent-encoding`)
    return errorResponse(405, `${method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`, {
      allow: allowed.join(", ")
    })
  }

  const fromCause = (request: HttpServerRequest.HttpServerRequest, cause: Cause.Cause<unknown>) => {
    const failures: ReadonlyArray<unknown> = Chunk.toReadonlyArray(Cause.failures(cause))
    for (const failure of failures) {
      if (failure instanceof HttpServerError.RouteNotFound) {
        return Effect.succeed(routeNotFound(request.method, pathOf(request.url)))
      }
      if (failure instanceof HttpServerError.RequestError) {
        return Effect.succeed(errorResponse(400, "the request could not be read"))
      }
    }
    // A client that hung up: nothing to answer, and nothing to log as an error.
    if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
    return Effect.as(
      Effect.logError("unexpected failure while answering a request", cause),
      errorResponse(500, "internal server error")
    )
  }

  /** A status with no body (a framework default) gets the spec's error shape too. */
  const withBody = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse =>
    response.status >= 400 && response.body._tag === "Empty"
      ? errorResponse(response.status, STATUS_TEXT[response.status] ?? `HTTP ${response.status}`, {
          ...response.headers
        })
      : response

  /** An error whose message quotes a key, with the key replaced by `[redacted]`, or not shown if still readable. */
  const withoutKeys = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse => {
    if (response.status < 400 || response.body._tag !== "Uint8Array") return response
    const message = messageIn(response.body.body)
    if (message === undefined) return response
    const redacted = scrubSecrets(message, secrets)
    return redacted === message ? response : errorResponse(response.status, redacted, { ...response.headers })
  }

  return <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<never, R> =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      return yield* app.pipe(
        Effect.map(withBody),
        Effect.catchAllCause((cause) => fromCause(request, cause)),
        Effect.map(withoutKeys)
      )
    })
}
