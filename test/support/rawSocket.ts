/**
 * Bytes sent to a server exactly as written, on a connection of their own, for tests that must send what no HTTP
 * client will (a request line in absolute form, a malformed chunk, a body cut short).
 */
import { connect } from "node:net"

/**
 * Sends `bytes` to the server at `baseUrl` and resolves to everything that comes back until the connection closes.
 * With `hangUpAfterMs`, the connection is dropped that long after sending instead of being half-closed at once.
 */
export const sentOnSocket = (baseUrl: string, bytes: string, hangUpAfterMs?: number) =>
  new Promise<string>((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl)
    const socket = connect(Number(port), hostname, () => {
      if (hangUpAfterMs === undefined) socket.end(bytes)
      else {
        socket.write(bytes)
        setTimeout(() => socket.destroy(), hangUpAfterMs)
      }
    })
    let answer = ""
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      answer += chunk
    })
    socket.on("error", reject)
    socket.on("close", () => resolve(answer))
  })
