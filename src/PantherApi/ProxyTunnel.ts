/**
 * Connections to an https:// Panther through an HTTP proxy: each is a tunnel (`CONNECT host:443`), then TLS to
 * Panther over it with the same server name and certificate checks as a direct connection (NODE_EXTRA_CA_CERTS
 * included), so the proxy sees neither the token nor the users. The agent is an ordinary keep-alive `https.Agent`
 * whose `createConnection` opens the tunnel (Node waits for its callback), so a tunnel serves page after page as a
 * direct socket does, and the request code is the same either way.
 */
import * as https from "node:https"
import { isIP, type Socket, connect as tcpConnect } from "node:net"
import type { Duplex } from "node:stream"
import { type ConnectionOptions, connect as tlsConnect } from "node:tls"
import { Redacted } from "effect"
import type { ProxyRoute } from "./Proxy.js"

/** How the proxy itself failed: the transport names it in the error (`Responses.ts` words it). */
export type ProxyFault =
  /** No connection to the proxy, or it closed or timed out before answering: the error's code says which. */
  | { readonly kind: "unreachable" }
  /** It answered CONNECT with something other than 2xx. `target` is the `host:port` the tunnel was asked for. */
  | { readonly kind: "refused"; readonly status: number; readonly target: string }
  /** What came back was not an HTTP answer. */
  | { readonly kind: "not-a-proxy" }

/** A tunnel that could not be opened; `code` as Node's errors have it, for the unreachable case. */
export class TunnelFailure extends Error {
  constructor(
    readonly fault: ProxyFault,
    readonly code: string | undefined
  ) {
    super(fault.kind === "refused" ? `the proxy answered CONNECT with ${fault.status}` : `proxy ${fault.kind}`)
  }
}

/** A proxy's answer to CONNECT is a status line and a few headers; past this it is not one. */
const MAX_ANSWER_BYTES = 16 * 1024

/** What Node's agent gives a direct connection (its `keepAliveMsecs` default). */
const KEEP_ALIVE_INITIAL_DELAY_MS = 1000

const codeOf = (error: unknown): string | undefined => {
  const code: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "code") : undefined
  return typeof code === "string" ? code : undefined
}

/** What `https.Agent` hands `createConnection`: TLS options, the host and port asked for, and the request's own. */
type TunnelOptions = ConnectionOptions & { readonly host?: string | null; readonly port?: number | string | null }

export class TunnellingAgent extends https.Agent {
  /** Tunnels being opened, not yet the agent's: destroyed with it, so none keeps the process alive. */
  private readonly opening = new Set<Socket>()

  constructor(
    private readonly route: ProxyRoute,
    options: https.AgentOptions,
    /** A proxy that accepts the connection but never answers would otherwise hold the request until its deadline. */
    private readonly answerTimeoutMs: number
  ) {
    super(options)
  }

  override destroy(): void {
    for (const socket of this.opening) socket.destroy()
    this.opening.clear()
    super.destroy()
  }

  createConnection(options: TunnelOptions, done: (error: Error | null, socket?: Duplex) => void): undefined {
    const host = options.host ?? "localhost"
    const port = options.port ?? 443
    const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`
    // TCP keep-alive as the agent asks of a direct connection (Node's default agent passes it the same way).
    const raw = tcpConnect({
      host: this.route.hostname,
      port: this.route.port,
      keepAlive: true,
      keepAliveInitialDelay: KEEP_ALIVE_INITIAL_DELAY_MS
    })
    this.opening.add(raw)
    let finished = false
    const unreachable = (error: unknown) =>
      finish(new TunnelFailure({ kind: "unreachable" }, codeOf(error) ?? "ECONNRESET"))
    const cutOff = () => unreachable({ code: "ECONNRESET" })
    const finish = (error: TunnelFailure | undefined) => {
      if (finished) return
      finished = true
      this.opening.delete(raw)
      raw.removeListener("readable", read)
      raw.removeListener("error", unreachable)
      raw.removeListener("end", cutOff)
      raw.removeListener("close", cutOff)
      raw.setTimeout(0)
      if (error !== undefined) {
        raw.destroy()
        return done(error)
      }
      const { path: _requestPath, ...tlsOptions } = options as TunnelOptions & { readonly path?: unknown }
      const secure = tlsConnect({ ...tlsOptions, socket: raw })
      // Each ends the other: a tunnel has no use without its TLS session, nor the session without the tunnel.
      raw.on("error", (error) => secure.destroy(error))
      secure.once("close", () => raw.destroy())
      done(null, secure)
    }
    raw.on("error", unreachable)
    raw.on("end", cutOff)
    raw.on("close", cutOff)
    raw.setTimeout(this.answerTimeoutMs, () => unreachable({ code: "ETIMEDOUT" }))
    raw.once("connect", () => {
      const login = this.route.login
      const authorization = login === undefined ? "" : `Proxy-Authorization: ${Redacted.value(login.authorization)}\r\n`
      raw.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${authorization}\r\n`)
    })
    let answer = Buffer.alloc(0)
    /** What the proxy's answer so far says: undefined until its headers are all in, "open" for a tunnel. */
    const judged = (): TunnelFailure | "open" | undefined => {
      const end = answer.indexOf("\r\n\r\n")
      if (end === -1) {
        return answer.length > MAX_ANSWER_BYTES ? new TunnelFailure({ kind: "not-a-proxy" }, undefined) : undefined
      }
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer.subarray(0, end).toString("latin1"))
      if (status === null) return new TunnelFailure({ kind: "not-a-proxy" }, undefined)
      const code = Number(status[1])
      if (code < 200 || code >= 300) return new TunnelFailure({ kind: "refused", status: code, target }, undefined)
      // The server speaks only after the client's TLS hello; anything already here belongs to TLS all the same.
      const rest = answer.subarray(end + 4)
      if (rest.length > 0) raw.unshift(rest)
      return "open"
    }
    const read = () => {
      for (let chunk: Buffer | null = raw.read(); chunk !== null; chunk = raw.read()) {
        answer = Buffer.concat([answer, chunk])
        const verdict = judged()
        if (verdict !== undefined) {
          finish(verdict === "open" ? undefined : verdict)
          return
        }
      }
    }
    raw.on("readable", read)
    return undefined
  }
}
