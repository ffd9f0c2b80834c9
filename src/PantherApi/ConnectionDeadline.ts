/**
 * What a request's deadline says about its connection. Until the connection is up (TCP connected and, for https,
 * the TLS handshake finished; or a kept-alive one reused), the request waits on this machine: a deadline then is a
 * failure to connect, nothing reached the server, and the request is safe to send again, a create included.
 *
 * Read from the request when the deadline comes rather than followed as it goes: the audit sends one request per
 * page, and the normal path pays nothing for this, no listener and no allocation.
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
  // The server's Finished message ends the handshake; until it comes, the request is held in the TLS layer.
  if (socket instanceof TLSSocket && socket.getPeerFinished() === undefined) return "handshaking"
  return "ready"
}

/** A direct connection that was not up at the deadline. `target` is the `host:port` it was to. */
export interface ConnectFault {
  readonly step: "connect" | "handshake"
  readonly target: string
}

/** The deadline's failure, for a direct connection not up when it came. */
export class ConnectTimeout extends Error {
  constructor(readonly fault: ConnectFault) {
    super(fault.step === "connect" ? `connecting to ${fault.target} timed out` : "TLS handshake timed out")
  }
}
