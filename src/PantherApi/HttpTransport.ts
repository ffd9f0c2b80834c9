/**
 * One HTTP exchange with Panther, on Node's own `http`/`https` with a keep-alive agent: a request goes out, the
 * whole body comes back as text, or the exchange fails with what went wrong. Statuses, retries and decoding are the
 * client's business (`PantherClient.ts`); this module only moves bytes, within the request timeout.
 *
 * Why not `@effect/platform`'s HTTP client: the audit reads every page one after another, so the client's cost per
 * request is paid once per page, in full. On loopback, a bare node:http loop read 20,000 users in about two thirds of
 * the time a bare `fetch` loop took (bench/RESULTS.md), and the platform client added request and response objects,
 * a body stream and a scope per request on top of undici; the page bodies it held lived long enough to be promoted
 * to the old generation, much of why memory grew with the number of users.
 *
 * Through an HTTP proxy (HTTPS_PROXY and the rest, `Proxy.ts`), only the agent and a few constants differ: an https
 * API gets an agent whose sockets are CONNECT tunnels (`ProxyTunnel.ts`), an http one requests in absolute form to
 * the proxy. Without a proxy the agent and the request are what they were.
 */
import { isUtf8 } from "node:buffer"
import * as http from "node:http"
import * as https from "node:https"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { VERSION } from "../Version.js"
import { noSharedTlsVersion } from "./CertificateFailure.js"
import type { ProxyInPath } from "./ClientErrors.js"
import { MAX_REQUEST_TIMEOUT, PantherConnection } from "./Connection.js"
import { type ConnectFault, connectionReach, NotConnected } from "./ConnectionDeadline.js"
import type { ProxyRoute } from "./Proxy.js"
import {
  loginSchemes,
  type ProxyFault,
  TunnelFailure,
  TunnellingAgent,
  type TunnelProgress,
  tunnelTimedOut
} from "./ProxyTunnel.js"
import { API_KEY_HEADER } from "./UsersApi.js"

export interface OutgoingRequest {
  readonly method: string
  /** The API path with its query string, e.g. `/users?limit=60`; the base URL's own path is put in front. */
  readonly pathAndQuery: string
  /** JSON text, for POST; none for the rest. */
  readonly jsonBody?: string | undefined
}

export interface Reply {
  readonly status: number
  readonly retryAfter: string | undefined
  /** The Content-Encoding the server named; the client asks for `identity`, so any other was not asked for. */
  readonly contentEncoding: string | undefined
  /** Where a redirect points (it is never followed); undefined for other answers. */
  readonly location?: string | undefined
  /** Of a 407: the authentication schemes its Proxy-Authenticate headers offer. */
  readonly proxyLogins?: ReadonlyArray<string> | undefined
  readonly body: string
  /**
   * Whether the body's bytes were valid UTF-8. Decoding replaces what is not (`José` in ISO-8859-1 became `Jos\uFFFD`);
   * the client refuses such a successful answer rather than report altered names.
   */
  readonly utf8: boolean
  /**
   * Whether the body ended only where the connection closed: no Content-Length and not chunked. Such a body cut off
   * by the network cannot be told from a whole one; a body with either framing that did not arrive whole fails as
   * cut off (`response.complete`), so one that did arrive is all the server sent.
   */
  readonly endedByClose: boolean
}

/**
 * Why an exchange brought no reply. `stage` says how far it got: a failure before the response began may mean the
 * request never reached the server (the client decides from `code` whether a change could have happened).
 */
export interface ExchangeFailure {
  readonly stage: "request" | "response" | "timeout" | "too-large" | "unsendable" | "cancelled"
  /** The Node error code (`ECONNREFUSED`, `ECONNRESET`, `CERT_HAS_EXPIRED`...), when there is one. */
  readonly code: string | undefined
  /**
   * The number of the alert the server ended the TLS handshake with: Node gives such a failure (from a TLS 1.2
   * server) only the code EPROTO, which a port speaking no TLS gets too, and names the alert in its message alone.
   */
  readonly serverAlert?: number
  /** The handshake failed for want of a TLS version both sides take (`noSharedTlsVersion`). */
  readonly noSharedTlsVersion?: true
  /**
   * A kept-alive socket the server had closed, found so when this request went out on it (no answer began): the
   * request is lost with it, and a fresh connection is worth one try at once (Node's documented pattern).
   */
  readonly staleSocket?: boolean
  /** The proxy the exchange went through, if any; `proxyFault` when the proxy itself failed. */
  readonly proxy?: ProxyInPath
  readonly proxyFault?: ProxyFault
  /**
   * Without a proxy, a connection that was not up at the deadline, or was closed or reset before it was up (`code`
   * says which): nothing was sent, so sending again is safe.
   */
  readonly connectFault?: ConnectFault
  /**
   * The answer's headers had come, only its body had not finished: at a timeout, or when Node's parser refused what
   * followed them (a body running past its Content-Length).
   */
  readonly answerBegan?: boolean
}

/** An exchange on its way. */
export interface Exchange {
  /** Waits for the reply (at once if it is in already). Run it once. */
  readonly reply: Effect.Effect<Reply, ExchangeFailure>
  /** Aborts the exchange if it is still going; what a caller does with an exchange it no longer wants. */
  readonly cancel: () => void
}

/** No page of users comes near this; a body past it is not the API's and is not buffered further. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024

/** Idle sockets close before the usual 5 s keep-alive of servers and load balancers, not after. */
const IDLE_SOCKET_MS = 4_000

const codeOf = (error: unknown): string | undefined => {
  const code: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "code") : undefined
  return typeof code === "string" ? code : undefined
}

/** The alert the peer sent, in OpenSSL's words as Node's error message carries them: `... SSL alert number 40`. */
const serverAlertOf = (error: unknown): number | undefined => {
  if (!(error instanceof Error)) return undefined
  const number = /SSL alert number (\d+)/i.exec(error.message)?.[1]
  return number === undefined ? undefined : Number(number)
}

/**
 * A connection closed or reset under a request, rather than a TLS verdict on it (a certificate, an alert): before
 * the connection was up, nothing of the request was sent.
 */
const DROPPED: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"])

/** Failures that mean no connection was made: through a proxy, a connection to the proxy. */
const NOT_CONNECTED: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH"
])

/**
 * What a failure says of the proxy in the path: always that it was there, and how it failed when it did. A refused
 * tunnel or no connection to the proxy is the proxy's; so, for an http:// API, is a connection that never opened,
 * since the only connection made is to the proxy.
 */
const proxyPart = (
  route: ProxyRoute,
  error: unknown,
  code: string | undefined,
  connected: boolean
): Pick<ExchangeFailure, "proxy" | "proxyFault"> => {
  const proxy = {
    address: route.address,
    variable: route.variable,
    credentialsGiven: route.login !== undefined
  }
  if (error instanceof TunnelFailure) return { proxy, proxyFault: error.fault }
  if (!connected && code !== undefined && NOT_CONNECTED.has(code)) return { proxy, proxyFault: { kind: "unreachable" } }
  return { proxy }
}

export class HttpTransport extends Effect.Service<HttpTransport>()("PantherApi/HttpTransport", {
  scoped: Effect.gen(function* () {
    const settings = yield* PantherConnection
    const base = new URL(settings.baseUrl)
    const secure = base.protocol === "https:"
    const proxy = settings.proxy
    // Held to what Node's timers can wait (see MAX_REQUEST_TIMEOUT) for settings made elsewhere than the flags too.
    const timeoutMs = Duration.toMillis(Duration.min(settings.requestTimeout, MAX_REQUEST_TIMEOUT))
    const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: "lifo" } as const
    const agent = !secure
      ? new http.Agent(agentOptions)
      : proxy === undefined
        ? new https.Agent(agentOptions)
        : new TunnellingAgent(proxy, agentOptions, timeoutMs)
    // Open sockets would otherwise keep the process alive after the command is done.
    yield* Effect.addFinalizer(() => Effect.sync(() => agent.destroy()))
    const send = secure ? https.request : http.request
    // The API's `host:port`, as a message names it.
    const target = `${base.hostname}:${base.port === "" ? (secure ? 443 : 80) : base.port}`
    // An https:// API through a proxy: each new connection is a tunnel to `target` (`ProxyTunnel.ts`).
    const tunnelled = secure && proxy !== undefined
    // An http:// API through a proxy: the request goes to the proxy, naming the whole URL (absolute form).
    const absoluteForm = !secure && proxy !== undefined
    const prefix = (absoluteForm ? base.origin : "") + (base.pathname === "/" ? "" : base.pathname)
    // An IPv6 literal comes bracketed in a URL and bare in Node's request options.
    const hostname = absoluteForm ? proxy.hostname : base.hostname.replace(/^\[(.*)\]$/, "$1")
    const port = absoluteForm ? proxy.port : base.port === "" ? undefined : Number(base.port)
    const headers: Record<string, string> = {
      accept: "application/json",
      // Said outright: a request without Accept-Encoding takes any coding (RFC 9110 12.5.3), so a server or CDN
      // could compress its answers in good faith, and the client reads none.
      "accept-encoding": "identity",
      "user-agent": `panther-user-audit/${VERSION}`,
      // The only place the token is sent.
      [API_KEY_HEADER.toLowerCase()]: Redacted.value(settings.token),
      ...(absoluteForm
        ? {
            host: base.host,
            ...(proxy.login === undefined ? {} : { "proxy-authorization": Redacted.value(proxy.login.authorization) })
          }
        : {})
    }
    if (proxy !== undefined) {
      yield* Effect.logDebug(`Panther API: through the proxy at ${proxy.address} (${proxy.variable})`)
    }

    /**
     * What a deadline (no `dropped`), or a connection closed or reset (`dropped`, its code), means for a request
     * whose connection was not up by then (undefined once it was): nothing was sent to Panther. Through a tunnel,
     * the proxy failed; for an http:// API through a proxy, the only connection is to the proxy.
     */
    const notConnected = (
      request: http.ClientRequest,
      tunnel: TunnelProgress | undefined,
      dropped?: string
    ): Error | undefined => {
      const reach = connectionReach(request)
      if (reach === "ready") return undefined
      if (tunnel !== undefined) {
        if (dropped === undefined) return tunnelTimedOut(tunnel, target)
        return tunnel.stage === "open"
          ? new TunnelFailure({ kind: "closed", target }, dropped)
          : new TunnelFailure({ kind: "unreachable" }, dropped)
      }
      if (absoluteForm) return new TunnelFailure({ kind: "unreachable" }, dropped ?? "ETIMEDOUT")
      return new NotConnected({ step: reach === "unconnected" ? "connect" : "handshake", target }, dropped)
    }

    /**
     * Starts an exchange now and returns it. The whole exchange, body included, runs within the request timeout:
     * a response that stalls halfway is cut off at the deadline like one that never starts.
     */
    const start = (request: OutgoingRequest): Exchange => {
      // Node keeps a finished request, and so its listeners and what they hold, reachable for a while after its
      // socket has moved on; holding the reply here until then got every page body promoted to the old
      // generation (a third of the peak memory at 200,000 users). So the reply is held only until it is handed
      // over, and the body's chunks only until they are joined.
      let settled = false
      let outcome: Effect.Effect<Reply, ExchangeFailure> | undefined
      let waiting: ((result: Effect.Effect<Reply, ExchangeFailure>) => void) | undefined
      let outgoing: http.ClientRequest | undefined
      let responded = false
      const tunnel: TunnelProgress | undefined = tunnelled ? { stage: "connecting" } : undefined
      const settle = (result: Effect.Effect<Reply, ExchangeFailure>) => {
        if (settled) return
        settled = true
        clearTimeout(deadline)
        outgoing = undefined
        const resume = waiting
        waiting = undefined
        if (resume === undefined) outcome = result
        else resume(result)
      }
      // Once the reply is in, the socket may already serve another request: nothing after that may destroy it.
      const fail = (stage: ExchangeFailure["stage"], error?: unknown, staleSocket = false) => {
        if (settled) return
        const abandoned = outgoing
        const code = codeOf(error)
        const serverAlert = serverAlertOf(error)
        const message = error instanceof Error ? error.message : undefined
        settle(
          Effect.fail({
            stage,
            code,
            ...(serverAlert === undefined ? {} : { serverAlert }),
            ...(noSharedTlsVersion({ code, message, alert: serverAlert }) ? { noSharedTlsVersion: true } : {}),
            ...(staleSocket ? { staleSocket } : {}),
            ...(responded ? { answerBegan: true } : {}),
            ...(error instanceof NotConnected ? { connectFault: error.fault } : {}),
            ...(proxy === undefined ? {} : proxyPart(proxy, error, code, responded || abandoned?.reusedSocket === true))
          })
        )
        abandoned?.destroy()
      }
      const deadline = setTimeout(
        () => fail("timeout", outgoing === undefined ? undefined : notConnected(outgoing, tunnel)),
        timeoutMs
      )
      // Final, never retried: the caller gave the exchange up.
      const cancel = () => fail("cancelled")
      try {
        const body = request.jsonBody === undefined ? undefined : Buffer.from(request.jsonBody, "utf8")
        outgoing = send({
          ...(tunnel === undefined ? {} : { tunnelProgress: tunnel }),
          protocol: base.protocol,
          hostname,
          port,
          method: request.method,
          path: prefix + request.pathAndQuery,
          agent,
          headers:
            body === undefined
              ? headers
              : { ...headers, "content-type": "application/json", "content-length": String(body.length) }
        })
        outgoing.on("error", (error) => {
          const code = codeOf(error)
          const stale = outgoing?.reusedSocket === true && !responded && (code === "ECONNRESET" || code === "EPIPE")
          // Closed or reset before the connection was up (a server that drops it in the TLS handshake, a tunnel
          // whose far end closes): the request never left this machine. A tunnel that failed to open says so itself.
          const beforeUp =
            outgoing === undefined ||
            stale ||
            code === undefined ||
            !DROPPED.has(code) ||
            error instanceof TunnelFailure
              ? undefined
              : notConnected(outgoing, tunnel, code)
          fail("request", beforeUp ?? error, stale)
        })
        outgoing.on("response", (response) => {
          responded = true
          let chunks: Array<Buffer> = []
          let size = 0
          response.on("data", (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_BODY_BYTES) {
              chunks = []
              return fail("too-large")
            }
            chunks.push(chunk)
          })
          response.on("error", (error) => fail("response", error))
          // A connection that closes before the body's end is a cut-off answer, whatever Node calls it.
          response.on("close", () => {
            if (!response.complete) fail("response", { code: "ECONNRESET" })
          })
          response.on("end", () => {
            const retryAfter = response.headers["retry-after"]
            const contentEncoding = response.headers["content-encoding"]
            const transferEncoding = response.headers["transfer-encoding"]
            const endedByClose =
              response.headers["content-length"] === undefined &&
              (transferEncoding === undefined || !/chunked/i.test(transferEncoding))
            const status = response.statusCode ?? 0
            const location = status >= 300 && status < 400 ? response.headers.location : undefined
            // Node joins repeated Proxy-Authenticate headers with ", ", as challenges in one header are written.
            const proxyLogins =
              status === 407
                ? loginSchemes(`Proxy-Authenticate: ${response.headers["proxy-authenticate"] ?? ""}`)
                : undefined
            const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)
            // Checked natively before decoding, which would replace invalid bytes without a word.
            const utf8 = isUtf8(bytes)
            const body = bytes.toString("utf8")
            chunks = []
            settle(
              Effect.succeed({
                status,
                retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
                contentEncoding: typeof contentEncoding === "string" ? contentEncoding : undefined,
                ...(location === undefined ? {} : { location }),
                ...(proxyLogins === undefined ? {} : { proxyLogins }),
                body,
                utf8,
                endedByClose
              })
            )
          })
        })
        outgoing.end(body)
      } catch (error) {
        // Node refuses a request it cannot put on the wire (a character not allowed in a path or a header).
        fail("unsendable", error)
      }
      return {
        // Interrupting the wait aborts the exchange and frees its socket.
        reply: Effect.async<Reply, ExchangeFailure>((resume) => {
          if (settled) {
            const result = outcome ?? Effect.fail({ stage: "request", code: "EALREADY" })
            outcome = undefined
            return resume(result)
          }
          waiting = resume
          return Effect.sync(cancel)
        }),
        cancel
      }
    }

    /** Starts the exchange when the effect runs, and waits for it. */
    const exchange = (request: OutgoingRequest): Effect.Effect<Reply, ExchangeFailure> =>
      Effect.suspend(() => start(request).reply)

    /**
     * Starts the exchange when the effect runs, without waiting: the request is on its way while the caller does
     * something else, and `reply` is awaited later. What pagination uses to ask for the next page early.
     */
    const begin = (request: OutgoingRequest): Effect.Effect<Exchange> => Effect.sync(() => start(request))

    return { exchange, begin } as const
  })
}) {}
