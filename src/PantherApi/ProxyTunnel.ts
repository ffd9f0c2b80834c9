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
import * as Redacted from "effect/Redacted"
import type { ProxyRoute } from "./Proxy.js"

/** How the proxy itself failed: the transport names it in the error (`Responses.ts` words it). */
export type ProxyFault =
  /** No connection to the proxy, or it closed or timed out before answering: the error's code says which. */
  | { readonly kind: "unreachable" }
  /**
   * It answered CONNECT with something other than 2xx. `target` is the `host:port` the tunnel was asked for;
   * `logins`, of a 407, the authentication schemes its Proxy-Authenticate headers offer (`Basic`, `NTLM`, ...).
   */
  | {
      readonly kind: "refused"
      readonly status: number
      readonly target: string
      readonly logins?: ReadonlyArray<string>
    }
  /** What came back was not an HTTP answer. */
  | { readonly kind: "not-a-proxy" }
  /** It took the connection but had not answered CONNECT when the request's deadline came. */
  | { readonly kind: "silent"; readonly target: string }
  /** It took the connection and the CONNECT, then closed or reset it without an answer: the error's code says which. */
  | { readonly kind: "hung-up"; readonly target: string }
  /** It opened the tunnel, but TLS to Panther was not up through it when the request's deadline came. */
  | { readonly kind: "no-tls"; readonly target: string }
  /** It opened the tunnel, which was closed or reset before TLS to Panther was up: the error's code says which. */
  | { readonly kind: "closed"; readonly target: string }

/**
 * How far the tunnel for one request got: until TLS to Panther is up over it, nothing of the request has left this
 * machine but the CONNECT, so a deadline then is the proxy's failure and the request is safe to send again. The
 * transport puts it in the request's options, which reach `createConnection` as they are; the agent moves it on to
 * "asked" and "open". Whether TLS came up over an open tunnel the transport reads from the request at the deadline
 * (`ConnectionDeadline.ts`), as it does for a direct connection.
 */
export interface TunnelProgress {
  stage: "connecting" | "asked" | "open"
}

/** A tunnel that could not be opened; `code` as Node's errors have it, for the unreachable case. */
export class TunnelFailure extends Error {
  constructor(
    readonly fault: ProxyFault,
    readonly code: string | undefined
  ) {
    super(fault.kind === "refused" ? `the proxy answered CONNECT with ${fault.status}` : `proxy ${fault.kind}`)
  }
}

/** A deadline that came before the tunnel carried the request (TLS not up over it), as the proxy's failure. */
export const tunnelTimedOut = (progress: TunnelProgress, target: string): TunnelFailure => {
  switch (progress.stage) {
    case "connecting":
      return new TunnelFailure({ kind: "unreachable" }, "ETIMEDOUT")
    case "asked":
      return new TunnelFailure({ kind: "silent", target }, undefined)
    case "open":
      return new TunnelFailure({ kind: "no-tls", target }, undefined)
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

/**
 * The authentication schemes a proxy's answer offers, by its Proxy-Authenticate headers: the first word of each
 * challenge (`Basic realm="corp"`, `Negotiate`, `NTLM`), one or more to a header, separated by commas.
 */
export const loginSchemes = (head: string): ReadonlyArray<string> => {
  const schemes = new Set<string>()
  for (const [, value = ""] of head.matchAll(/^proxy-authenticate:[ \t]*(.*)$/gim)) {
    // A challenge begins a header, or follows a comma with a word not followed by `=` (a parameter's name is).
    for (const [, scheme = ""] of value.matchAll(/(?:^|,)\s*([A-Za-z][\w-]*)(?=\s*(?:$|,|\s+[^\s=,]))/g)) {
      schemes.add(scheme)
    }
  }
  return [...schemes]
}

/** What `https.Agent` hands `createConnection`: TLS options, the host and port asked for, and the request's own. */
type TunnelOptions = ConnectionOptions & {
  readonly host?: string | null
  readonly port?: number | string | null
  readonly tunnelProgress?: TunnelProgress
}

export class TunnellingAgent extends https.Agent {
  /** Tunnels being opened, not yet the agent's: destroyed with it, so none keeps the process alive. */
  private readonly opening = new Set<Socket>()

  constructor(
    private readonly route: ProxyRoute,
    options: https.AgentOptions,
    /**
     * How long a tunnel may take to open. The request's own deadline comes first and names the failure; this one
     * closes a tunnel the request gave up on, which would otherwise wait on a silent proxy until the agent goes.
     */
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
    const progress = options.tunnelProgress
    let finished = false
    /** Whether the proxy took the connection and was sent the CONNECT. */
    let asked = false
    const unreachable = (error: unknown) => {
      const code = codeOf(error) ?? "ECONNRESET"
      // Closed once asked, the proxy was reached: what hangs up on a CONNECT is most often no HTTP proxy (an
      // https:// one, another service on that port), which "connecting failed" would send looking elsewhere.
      finish(
        new TunnelFailure(asked && code !== "ETIMEDOUT" ? { kind: "hung-up", target } : { kind: "unreachable" }, code)
      )
    }
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
      const {
        path: _requestPath,
        tunnelProgress: _progress,
        ...tlsOptions
      } = options as TunnelOptions & { readonly path?: unknown }
      if (progress !== undefined) progress.stage = "open"
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
      asked = true
      if (progress !== undefined) progress.stage = "asked"
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
      if (code === 407) {
        const head = answer.subarray(0, end).toString("latin1")
        return new TunnelFailure({ kind: "refused", status: code, target, logins: loginSchemes(head) }, undefined)
      }
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
