/**
 * Requests Node's HTTP server refuses before any handler sees them (headers over its limit, a malformed
 * Content-Length, bytes that are not HTTP, an `Expect` other than 100-continue, a CONNECT) get the JSON error body
 * every other error of the simulator has. Node's own answer to them is a bare status line with no body, which a
 * client reading `{ "message": ... }` cannot read, or, to a CONNECT (a client given the simulator as its proxy),
 * no answer at all: the connection is closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http"
import type { Duplex } from "node:stream"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Effect from "effect/Effect"
import { errorResponse } from "./ErrorResponse.js"

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

/** A whole answer written on the socket, which is then closed: no handler will read what else the client sends. */
const answerOnSocket = (socket: Duplex, status: number, message: string, headers = ""): void => {
  const body = JSON.stringify({ message })
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json\r\n${headers}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

/**
 * The answers given here, by the socket they went out on. A request whose body such an answer cut short (a malformed
 * chunk, a timeout) was refused, not given up by its client, and its handler answers the same for the request log.
 * A client's own end in the middle of a request (HPE_INVALID_EOF_STATE) is answered too, for a client that only
 * half-closed, but not noted: that client did give it up.
 */
const refusals = new WeakMap<Duplex, ErrorAnswer>()

interface ErrorAnswer {
  readonly status: number
  readonly message: string
}

/** The answer written on `socket` here, refusing the request under way on it; none if there is none. */
export const refusalOn = (socket: Duplex | null): ErrorAnswer | undefined =>
  socket === null ? undefined : refusals.get(socket)

const answerClientError = (error: Error & { readonly code?: string }, socket: Duplex): void => {
  // A connection already gone, or an answer already being written: nothing can be said any more.
  if (error.code === "ECONNRESET" || !socket.writable || answerUnderWay(socket)) {
    socket.destroy()
    return
  }
  const status = statusFor(error.code)
  const message = messageFor(status, error.code)
  if (error.code !== "HPE_INVALID_EOF_STATE") refusals.set(socket, { status, message })
  answerOnSocket(socket, status, message)
}

const answerConnect = (_request: IncomingMessage, socket: Duplex): void => {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  answerOnSocket(
    socket,
    405,
    "CONNECT is not allowed: this is the Users API, not a proxy (is HTTPS_PROXY or HTTP_PROXY set to its URL?)",
    "Allow: GET, POST, DELETE\r\n"
  )
}

/** An `Expect` Node does not meet itself (it answers 100-continue on its own). The value is not quoted back. */
const answerExpectation = (_request: IncomingMessage, response: ServerResponse): void => {
  const body = JSON.stringify({ message: "the Expect header is not supported: only Expect: 100-continue is" })
  response.writeHead(417, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    connection: "close"
  })
  response.end(body)
}

/**
 * `http.createServer`, answering the refusals above in JSON. A missing Host header is let through Node, whose answer
 * to it has no body, to be refused by `requireHost` with a message.
 */
export const createServerWithJsonClientErrors = (): Server => {
  const server = createServer({ requireHostHeader: false })
  server.on("clientError", answerClientError)
  server.on("connect", answerConnect)
  server.on("checkExpectation", answerExpectation)
  return server
}

/** HTTP/1.1 requires a Host header (RFC 9112, 3.2); Node refuses a request without one, and so does this. */
export const requireHost = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const message = NodeHttpServerRequest.toIncomingMessage(request)
    return message.httpVersion === "1.1" && message.headers.host === undefined
      ? Effect.succeed(errorResponse(400, "the request has no Host header, which HTTP/1.1 requires"))
      : app
  })
