/**
 * A connection closed or reset before TLS was up (a server that takes the TCP connection and drops it at once, or a
 * tunnel through a proxy whose far end does) never carried the request: the message says nothing reached Panther,
 * and it is retried, a create included. A server that completed TLS, read the create and then reset the connection
 * may have made the change, and is still said to.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https"
import { connect, createServer as createTcpServer, type Server, type Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, stderrText } from "../support/cli.js"
import { makePrivateCa, type PrivateCa } from "../support/privateCa.js"
import { close, createArgs, listen, runAgainstPrivateCa } from "./support/connectionFaults.js"

const TOKEN = "pat-closed-in-handshake-7c1f0d"

const CREATE = createArgs("new@acme.example", "--max-retries", "1")

describe("a connection dropped before TLS is up", () => {
  /** Takes the TCP connection and closes it at once. */
  let dropping: Server
  let port = 0
  let connections = 0
  /** A CONNECT proxy that opens every tunnel to `dropping`, whatever host it is asked for. */
  let proxy: Server
  let proxyPort = 0
  let tunnels = 0
  const held: Array<Socket> = []

  beforeAll(async () => {
    dropping = createTcpServer((socket) => {
      connections += 1
      socket.on("error", () => undefined)
      socket.destroy()
    })
    port = await listen(dropping)
    proxy = createTcpServer((client) => {
      held.push(client)
      client.on("error", () => undefined)
      client.once("data", () => {
        tunnels += 1
        const far = connect(port, "127.0.0.1", () => client.write("HTTP/1.1 200 Connection Established\r\n\r\n"))
        far.on("error", () => client.destroy())
        far.pipe(client)
        client.pipe(far)
      })
    })
    proxyPort = await listen(proxy)
  })

  afterAll(async () => {
    for (const socket of held) socket.destroy()
    await close(proxy)
    await close(dropping)
  })

  it("sends a create again, since it never left this machine, and says so", async () => {
    connections = 0
    const result = await runCli(CREATE, {
      env: { PANTHER_API_URL: `https://127.0.0.1:${port}`, PANTHER_API_TOKEN: TOKEN }
    })
    const said = stderrText(result.stderr)
    expect(result.code, said).toBe(3)
    expect(said).toContain("Could not get an answer from Panther for POST /users after 2 attempts")
    expect(said).toContain(`127.0.0.1:${port} closed the connection during the TLS handshake`)
    expect(said).toContain("nothing reached Panther")
    expect(said).not.toContain("may already have been made")
    expect(said).not.toContain("It was not retried")
    expect(connections).toBe(2)
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
  })

  it("through a proxy, blames the tunnel closed before TLS was up, and sends a create again", async () => {
    connections = 0
    tunnels = 0
    const result = await runCli(CREATE, {
      env: {
        PANTHER_API_URL: "https://api.acme.example",
        PANTHER_API_TOKEN: TOKEN,
        HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`
      }
    })
    const said = stderrText(result.stderr)
    expect(result.code, said).toBe(3)
    expect(said).toContain("Could not get an answer from Panther for POST /users after 2 attempts")
    expect(said).toContain(`opened a tunnel to api.acme.example:443, but the connection through it was closed`)
    expect(said).toContain("nothing reached Panther")
    expect(said).not.toContain("may already have been made")
    expect(tunnels).toBe(2)
    expect(connections).toBe(2)
  })
})

describe("a server that completes TLS, reads the create and resets the connection", () => {
  let ca: PrivateCa
  let resetting: HttpsServer
  let port = 0
  const requests: Array<string> = []
  /** The TCP sockets under the TLS ones, which are what can be reset. */
  const raw: Array<Socket> = []

  beforeAll(async () => {
    ca = makePrivateCa("127.0.0.1")
    resetting = createHttpsServer({ key: ca.key, cert: ca.cert }, (request) => {
      requests.push(`${request.method} ${request.url}`)
      request.resume()
      request.on("end", () => raw.at(-1)?.resetAndDestroy())
    })
    resetting.on("connection", (socket: Socket) => raw.push(socket))
    port = await listen(resetting)
  })

  afterAll(async () => {
    resetting.closeAllConnections()
    await close(resetting)
    ca.remove()
  })

  it("still counts a create as maybe made, and does not send it again", async () => {
    const result = await runAgainstPrivateCa(CREATE, port, TOKEN, ca.caPath)
    const said = stderrText(result.stderr)
    expect(result.code, said).toBe(3)
    expect(said).toContain("may already have been made")
    expect(said).not.toContain("nothing reached Panther")
    expect(requests.filter((request) => request.startsWith("POST"))).toHaveLength(1)
  })
})
