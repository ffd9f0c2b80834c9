/**
 * A server that takes no new connection (stopped, its queue of connections waiting to be taken full) leaves a
 * request in TCP's connect until its deadline. Nothing reached Panther: the message says the connection was never
 * made, and a create is sent again as after a refused connection. ConnectTimeout.test.ts covers the connection
 * that comes up and then stalls in the TLS handshake; here it never comes up at all.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { connect, type Socket } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Stream } from "effect"
import { endWithTest } from "../support/ChildProcesses.js"
import { runWithClient } from "../support/testClient.js"

/** Listens on a free port of 127.0.0.1 with a queue of one waiting connection, and prints the port. */
const LISTENER =
  'const s = require("node:net").createServer(() => {});' +
  's.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => console.log(s.address().port))'

const connected = (port: number): Promise<Socket> =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket))
    socket.on("error", () => undefined)
  })

/**
 * A port whose listener is stopped (SIGSTOP) and whose queue is full: Linux then drops the SYN of every new
 * connection, which keeps trying to connect. Two connections fill a queue of one.
 */
const connectionsNeverTaken = Effect.acquireRelease(
  Effect.promise(async () => {
    const child: ChildProcess = endWithTest(
      spawn(process.execPath, ["-e", LISTENER], { stdio: ["ignore", "pipe", "inherit"] })
    )
    const port = await new Promise<number>((resolve) =>
      child.stdout?.once("data", (data) => resolve(Number(String(data).trim())))
    )
    child.kill("SIGSTOP")
    const fillers = [await connected(port), await connected(port)]
    return { child, port, fillers }
  }),
  ({ child, fillers }) =>
    Effect.sync(() => {
      for (const socket of fillers) socket.destroy()
      child.kill("SIGKILL")
    })
)

const requestTimeout = Duration.millis(300)

describe("a server that takes no new connection", () => {
  it.scopedLive("says connecting timed out, so nothing reached Panther, for a read", () =>
    Effect.gen(function* () {
      const { port } = yield* connectionsNeverTaken
      const error = yield* Effect.flip(
        runWithClient(`http://127.0.0.1:${port}`, (client) => Stream.runDrain(client.listUsers({})), {
          requestTimeout
        })
      )
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("GET /users after 3 attempts")
      expect(error.message).toContain(
        `connecting to 127.0.0.1:${port} timed out (no answer within 300ms), so nothing reached Panther`
      )
    })
  )

  it.scopedLive("sends a create again, since it never left this machine, and does not say it may have been made", () =>
    Effect.gen(function* () {
      const { port } = yield* connectionsNeverTaken
      const error = yield* Effect.flip(
        runWithClient(
          `http://127.0.0.1:${port}`,
          (client) =>
            client.createUser({
              email: "new@example.com",
              givenName: "New",
              familyName: "User",
              role: { name: "Analyst" }
            }),
          { requestTimeout }
        )
      )
      expect(error.message).toContain("POST /users after 3 attempts")
      expect(error.message).toContain("so nothing reached Panther")
      expect(error.message).not.toContain("may already have been made")
    })
  )
})
