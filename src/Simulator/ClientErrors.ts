/**
 * Requests Node's HTTP parser refuses before any handler sees them (headers over its limit, a malformed
 * Content-Length, bytes that are not HTTP) get the JSON error body every other error of the simulator has. Node's
 * own answer to them is a bare status line with no body, which a client reading `{ "message": ... }` cannot read.
 */
import { createServer, type Server, STATUS_CODES } from "node:http"
import type { Duplex } from "node:stream"

const statusFor = (code: string | undefined): number => {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return 431
    case "HPE_REQUEST_TIMEOUT":
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return 408
    default:
      return 400
  }
}

const messageFor = (status: number, code: string | undefined): string =>
  status === 431
    ? "the request's headers are larger than the server accepts"
    : status === 408
      ? "the request did not arrive in time"
      : `the request is not valid HTTP (${code ?? "unreadable"})`

/** Node's own handler checks the same: an answer already under way on this connection cannot take another. */
const answerUnderWay = (socket: Duplex): boolean =>
  (socket as Duplex & { readonly _httpMessage?: { readonly _headerSent?: boolean } })._httpMessage?._headerSent === true

const answerClientError = (error: Error & { readonly code?: string }, socket: Duplex): void => {
  // A connection already gone, or an answer already being written: nothing can be said any more.
  if (error.code === "ECONNRESET" || !socket.writable || answerUnderWay(socket)) {
    socket.destroy()
    return
  }
  const status = statusFor(error.code)
  const body = JSON.stringify({ message: messageFor(status, error.code) })
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

/** `http.createServer`, answering the parser's refusals in JSON. */
export const createServerWithJsonClientErrors = (): Server => {
  const server = createServer()
  server.on("clientError", answerClientError)
  return server
}
