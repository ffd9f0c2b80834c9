/**
 * What a request's deadline, or a connection dropped under it, says about its connection. Until the connection is up
 * (TCP connected and, for https, the TLS handshake finished; or a kept-alive one reused), the request waits on this
 * machine: a deadline then, or a connection closed or reset then, is a failure to connect, nothing reached the
 * server, and the request is safe to send again, a create included.
 *
 * Read from the request when the deadline comes or the error arrives rather than followed as it goes: the audit
 * sends one request per page, and the normal path pays nothing for this, no listener and no allocation.
 */
import type { ClientRequest } from "node:http"
import { TLSSocket } from "node:tls"

/** How far the request's connection got: not connected, connected but still in the TLS handshake, or ready. */
export type ConnectionReach = "unconnected" | "handshaking" | "ready"

export const connectionReach = (request: ClientRequest): ConnectionReach => {
  if (request.reusedSocket) return "ready"
  const socket = request.socket
  // No socket yet (a tunnel still being opened) or one still connecting, its host name lookup included.
  if (socket === null || socket.connecting) return "unconnected"
  // Until the handshake is done the request is held in the TLS layer. `alpnProtocol` is null until then (false or
  // the protocol after) and, unlike `getPeerFinished()`, still says so once an error has destroyed the socket.
  if (socket instanceof TLSSocket && socket.alpnProtocol === null) return "handshaking"
  return "ready"
}

/** A direct connection that was not up at the deadline, or dropped before. `target` is the `host:port` it was to. */
export interface ConnectFault {
  readonly step: "connect" | "handshake"
  readonly target: string
}

/**
 * The failure of a direct connection that never came up: at the deadline (no `code`), or closed or reset before it
 * was up (`code` as Node gave it, e.g. ECONNRESET).
 */
export class NotConnected extends Error {
  constructor(
    readonly fault: ConnectFault,
    readonly code?: string
  ) {
    const step = fault.step === "connect" ? `connecting to ${fault.target}` : "the TLS handshake"
    super(code === undefined ? `${step} timed out` : `${step} failed (${code})`)
  }
}
