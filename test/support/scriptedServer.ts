/**
 * A tiny HTTP server on 127.0.0.1 that answers each request with the next step of a script, and records what it
 * was sent. Steps get the raw Node response, so a test can misbehave in ways a framework would not allow:
 * reset the connection halfway through a body, stall, or send HTML.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { networkInterfaces } from "node:os"
import { Effect, Exit, Scope } from "effect"

export interface RecordedRequest {
  readonly method: string
  /** The path without the query string. */
  readonly path: string
  readonly query: URLSearchParams
  /** The query string exactly as it arrived, before any decoding. */
  readonly rawQuery: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
  /** When the whole request had arrived (`performance.now()`), to check the waits between attempts. */
  readonly receivedAt: number
}

export type Step = (request: RecordedRequest, response: ServerResponse) => void

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly requests: ReadonlyArray<RecordedRequest>
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_request, response) => {
    response.writeHead(status, { "content-type": "application/json", ...headers })
    response.end(JSON.stringify(body))
  }

export const text =
  (status: number, body: string, contentType = "text/plain", headers: Record<string, string> = {}): Step =>
  (_request, response) => {
    response.writeHead(status, { "content-type": contentType, ...headers })
    response.end(body)
  }

/**
 * A body without Content-Length or chunks, ended by closing the connection (as an HTTP/1.0 server or some proxies
 * send it): the only framing under which a body cut off by the network cannot be told from a whole one.
 */
export const closeDelimited =
  (status: number, body: string, contentType = "application/json"): Step =>
  (_request, response) => {
    // Node's server chunks a body of unknown length unless told not to; then it closes the connection after it.
    response.useChunkedEncodingByDefault = false
    response.writeHead(status, { "content-type": contentType })
    response.end(body)
  }

/** Promises a long JSON body, sends part of it, then drops the connection. */
export const resetMidBody: Step = (_request, response) => {
  response.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
  response.write('{"results":[{"id":"u1",')
  setTimeout(() => response.socket?.destroy(), 10)
}

/** Answers after `ms` real milliseconds (the client should have given up by then). */
export const slow =
  (ms: number, step: Step): Step =>
  (request, response) => {
    const timer = setTimeout(() => {
      if (!response.socket?.destroyed) step(request, response)
    }, ms)
    response.on("close", () => clearTimeout(timer))
  }

/** Whether this machine has IPv6 loopback for a server to listen on `::1`. */
export const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) =>
  (addresses ?? []).some((address) => address.internal && address.family === "IPv6" && address.address === "::1")
)

/**
 * Starts the server for the test's scope. `steps` are used in order; once they run out, the last one repeats.
 * A step may also be a function of the request index when a test needs to choose by request.
 */
export const scriptedServer = (
  steps: ReadonlyArray<Step> | ((index: number, request: RecordedRequest) => Step),
  /** The loopback address to listen on: `::1` for an API reached at an IPv6 address. */
  host: "127.0.0.1" | "::1" = "127.0.0.1"
) =>
  Effect.acquireRelease(
    Effect.async<{ server: ReturnType<typeof createServer>; scripted: ScriptedServer }>((resume) => {
      const requests: Array<RecordedRequest> = []
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const rawUrl = req.url ?? "/"
          const queryAt = rawUrl.indexOf("?")
          const recorded: RecordedRequest = {
            method: req.method ?? "GET",
            path: queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt),
            rawQuery: queryAt === -1 ? "" : rawUrl.slice(queryAt + 1),
            query: new URLSearchParams(queryAt === -1 ? "" : rawUrl.slice(queryAt + 1)),
            headers: req.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            receivedAt: performance.now()
          }
          const index = requests.length
          requests.push(recorded)
          const step =
            typeof steps === "function"
              ? steps(index, recorded)
              : (steps[Math.min(index, steps.length - 1)] ?? notFound)
          step(recorded, res)
        })
      })
      // A machine without IPv6 refuses `::1` at once: said, where waiting would end in the test's time limit.
      server.once("error", (error) => resume(Effect.die(error)))
      server.listen(0, host, () => {
        const address = server.address()
        // Listening on a TCP port always gives an address object; a string is for pipes.
        if (address === null || typeof address === "string") return resume(Effect.die("no TCP address"))
        const shown = host === "::1" ? "[::1]" : host
        resume(Effect.succeed({ server, scripted: { url: `http://${shown}:${address.port}`, requests } }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ scripted }) => scripted))

const notFound: Step = json(404, { message: "no step scripted" })

/** The same server for Promise-based tests (those that spawn the CLI): `close` stops it. */
export const startScriptedServer = async (
  steps: Parameters<typeof scriptedServer>[0]
): Promise<ScriptedServer & { readonly close: () => Promise<void> }> => {
  const scope = Effect.runSync(Scope.make())
  const server = await Effect.runPromise(scriptedServer(steps).pipe(Scope.extend(scope)))
  return { ...server, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
