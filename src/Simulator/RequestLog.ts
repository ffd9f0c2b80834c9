/**
 * One log line per request: method, path, status and milliseconds. Only the path is logged, never the query string
 * (it can hold an email address) and never a header (the API key travels in one). A key sent in the path (a client
 * that took it for a user id) is redacted there, and a path it can still be read out of is not shown.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import { scrubSecrets } from "../Cli/Redact.js"
import { keySecrets } from "./Tokens.js"

/**
 * The path of a request URL, without its query string. A `#` is kept: a client sends no fragment, so one in a
 * request is part of the path, as the router takes it (PathDelimiters.ts).
 */
export const pathOf = (url: string): string => {
  const end = url.indexOf("?")
  return end === -1 ? url : url.slice(0, end)
}

/** The wrapper that logs each request, with the server's `keys` kept out of the lines. */
export const logRequests = (keys: ReadonlyArray<string>) => {
  const secrets = keySecrets(keys)
  return <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const started = performance.now()
      const path = scrubSecrets(pathOf(request.url), secrets)
      const elapsed = () => Math.round(performance.now() - started)
      return yield* app.pipe(
        Effect.tap((response) =>
          Effect.logInfo(`${request.method} ${path} ${response.status} ${elapsed()}ms`).pipe(
            Effect.annotateLogs({ method: request.method, path, status: response.status, ms: elapsed() })
          )
        ),
        Effect.onInterrupt(() =>
          Effect.logInfo(`${request.method} ${path} aborted by the client after ${elapsed()}ms`).pipe(
            Effect.annotateLogs({ method: request.method, path, status: 499, ms: elapsed() })
          )
        )
      )
    })
}
