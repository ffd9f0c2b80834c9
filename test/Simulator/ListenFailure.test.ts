/**
 * A simulator that cannot listen says why in words an admin can act on, naming the flag to change, rather than
 * only Node's error (`listen EADDRINUSE: address already in use`, `getaddrinfo ENOTFOUND http://127.0.0.1`).
 */
import { createServer } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel } from "effect"
import { listenFailureAdvice } from "../../src/Simulator/ListenFailure.js"
import { serveSimulator } from "../../src/Simulator/Server.js"

/** The message serveSimulator fails with, for these options. */
const refusal = (options: { readonly port: number; readonly host: string }) =>
  serveSimulator({ users: 1, ...options }).pipe(
    Logger.withMinimumLogLevel(LogLevel.Warning),
    Effect.flip,
    Effect.map((error) => error.message)
  )

/** A port some other program listens on, for the length of the scope. */
const busyPort = Effect.acquireRelease(
  Effect.async<{ readonly port: number; readonly close: () => void }>((resume) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(
        Effect.succeed({
          port: typeof address === "object" && address !== null ? address.port : 0,
          close: () => server.close()
        })
      )
    })
  }),
  (busy) => Effect.sync(busy.close)
)

describe("a simulator that cannot listen", () => {
  it.scopedLive("on a port in use says another program holds it, and to give another --port or 0", () =>
    Effect.gen(function* () {
      const busy = yield* busyPort
      const message = yield* refusal({ port: busy.port, host: "127.0.0.1" })
      expect(message).toContain(`cannot listen on 127.0.0.1:${busy.port}`)
      expect(message).toContain(`another program already listens on port ${busy.port}`)
      expect(message).toContain("give another --port / SIMULATOR_PORT, or 0 to pick a free one")
    })
  )

  it.scopedLive("on an address of no interface of this machine says so, and which --host to give", () =>
    Effect.gen(function* () {
      // TEST-NET-1: documentation only, never an interface's address; nothing is sent to it.
      const message = yield* refusal({ port: 0, host: "192.0.2.1" })
      expect(message).toContain("192.0.2.1 is not an address of this machine")
      expect(message).toContain("--host / SIMULATOR_HOST")
      expect(message).toContain("127.0.0.1")
      expect(message).toContain("0.0.0.0")
    })
  )

  it.scopedLive("given a URL for --host says it takes the address alone, before trying to listen", () =>
    Effect.gen(function* () {
      const message = yield* refusal({ port: 0, host: "http://127.0.0.1:4010" })
      expect(message).toContain('--host / SIMULATOR_HOST "http://127.0.0.1:4010" is a URL')
      expect(message).toContain("give the address alone, such as 127.0.0.1")
      expect(message).not.toContain("getaddrinfo")
    })
  )

  it("on a port below 1024 without the rights to it says so, and which ports need none", () => {
    // Root, as the tests may run, has the rights: the refusal an ordinary user gets is Node's error with its code.
    const denied = Object.assign(new Error("listen EACCES: permission denied 127.0.0.1:80"), { code: "EACCES" })
    const advice = listenFailureAdvice({ host: "127.0.0.1", port: 80 }, denied)
    expect(advice).toContain("ports below 1024 need an administrator's rights")
    expect(advice).toContain("from 1024 up, such as 4010")
  })

  it("on a name no resolver knows says so, and which --host to give", () => {
    // Looked up for real, the name would be asked of the machine's DNS servers, beyond loopback.
    const unknown = Object.assign(new Error("getaddrinfo ENOTFOUND sim.local"), { code: "ENOTFOUND" })
    const advice = listenFailureAdvice({ host: "sim.local", port: 4010 }, unknown)
    expect(advice).toContain("sim.local is no name this machine can resolve")
    expect(advice).toContain("--host / SIMULATOR_HOST, 127.0.0.1 (the default)")
  })

  it("keeps Node's words alone for a failure it has no advice for", () => {
    const other = Object.assign(new Error("listen EMFILE: too many open files"), { code: "EMFILE" })
    expect(listenFailureAdvice({ host: "127.0.0.1", port: 4010 }, other)).toBeUndefined()
  })
})
