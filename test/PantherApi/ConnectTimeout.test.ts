/**
 * A request whose connection was not up when its deadline came (here: a server that takes the TCP connection but
 * never answers the TLS hello) never reached Panther: the message says so, and it is retried like a refused
 * connection, a create included. A server that completed TLS and then did not answer may have made the change, and
 * is still said to.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https"
import { createServer as createTcpServer, type Server, type Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, stderrText } from "../support/cli.js"
import { makePrivateCa, type PrivateCa } from "../support/privateCa.js"
import { close, createArgs, listen, runAgainstPrivateCa } from "./support/connectionFaults.js"

const TOKEN = "pat-connect-timeout-4b9e2a"

const TIMING = ["--timeout-seconds", "1", "--max-retries", "1"]

const CREATE = createArgs("slow@acme.example", ...TIMING)

describe("a connection not up within --timeout-seconds", () => {
  /** Takes the TCP connection, reads the TLS hello and never writes a byte. */
  let mute: Server
  let port = 0
  let connections = 0
  const held: Array<Socket> = []

  beforeAll(async () => {
    mute = createTcpServer((socket) => {
      connections += 1
      held.push(socket)
      socket.on("error", () => undefined)
      socket.resume()
    })
    port = await listen(mute)
  })

  afterAll(async () => {
    for (const socket of held) socket.destroy()
    await close(mute)
  })

  const run = async (args: ReadonlyArray<string>) => {
    connections = 0
    const result = await runCli(args, {
      env: { PANTHER_API_URL: `https://127.0.0.1:${port}`, PANTHER_API_TOKEN: TOKEN }
    })
    return { ...result, said: stderrText(result.stderr), connections }
  }

  it("says the TLS handshake did not finish, so nothing reached Panther", async () => {
    const result = await run(["users", "list", ...TIMING])
    expect(result.code, result.said).toBe(3)
    expect(result.said).toContain("Could not get an answer from Panther for GET /users after 2 attempts")
    expect(result.said).toContain(
      `the TLS handshake with 127.0.0.1:${port} did not finish (no answer within 1s), so nothing reached Panther`
    )
    expect(result.said).toContain("Panther's https port")
    expect(result.connections).toBe(2)
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
  })

  it("sends a create again, since it never left this machine", async () => {
    const result = await run(CREATE)
    expect(result.code, result.said).toBe(3)
    expect(result.said).toContain("Could not get an answer from Panther for POST /users after 2 attempts")
    expect(result.said).toContain(`the TLS handshake with 127.0.0.1:${port} did not finish`)
    expect(result.said).toContain("nothing reached Panther")
    expect(result.said).not.toContain("may already have been made")
    expect(result.said).not.toContain("could not check whether")
    // Both attempts were the create itself, not a look-up of whether it worked.
    expect(result.connections).toBe(2)
  })
})

describe("a server that completes TLS and then does not answer", () => {
  let ca: PrivateCa
  let silent: HttpsServer
  let port = 0
  const requests: Array<string> = []

  beforeAll(async () => {
    ca = makePrivateCa("127.0.0.1")
    silent = createHttpsServer({ key: ca.key, cert: ca.cert }, (request) => {
      requests.push(`${request.method} ${request.url}`)
    })
    port = await listen(silent)
  })

  afterAll(async () => {
    silent.closeAllConnections()
    await close(silent)
    ca.remove()
  })

  it("still counts a create as maybe made, and does not send it again", async () => {
    const result = await runAgainstPrivateCa(CREATE, port, TOKEN, ca.caPath)
    const said = stderrText(result.stderr)
    expect(result.code, said).toBe(3)
    expect(said).toContain("Could not get an answer from Panther for POST /users: no answer within 1s")
    expect(said).toContain("may already have been made")
    expect(said).not.toContain("nothing reached Panther")
    expect(requests.filter((request) => request.startsWith("POST"))).toHaveLength(1)
  })
})
