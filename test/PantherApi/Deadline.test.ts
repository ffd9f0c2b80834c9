/**
 * The request timeout covers the whole exchange, body included: an answer whose headers come at once but whose
 * body stalls is cut off at the deadline and retried like any timeout, and a quick answer leaves nothing waiting.
 */
import type { ServerResponse } from "node:http"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { json, type RecordedRequest, scriptedServer } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

/** Headers and the start of a body at once, then nothing more until the client hangs up. */
const stallMidBody = (_request: RecordedRequest, response: ServerResponse) => {
  response.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
  response.write('{"id":"u1",')
}

describe("the request deadline", () => {
  it.scopedLive("cuts off a body that stalls halfway, retries, and says the answer began but did not finish", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([stallMidBody])
      const started = Date.now()
      const error = yield* Effect.flip(
        runWithClient(server.url, (client) => client.getUser("u1"), { requestTimeout: Duration.millis(150) })
      )
      expect(error._tag).toBe("TransportError")
      // Its headers came: not said to be no answer at all, which would point at the network or the server.
      expect(error.message).toContain("the answer began but did not finish within 150ms")
      expect(error.message).not.toContain("no answer")
      expect(server.requests).toHaveLength(3)
      expect(Date.now() - started).toBeLessThan(1_500)
    })
  )

  it.scopedLive("a stalled first attempt does not spoil the retry that answers in time", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([stallMidBody, json(200, rawUser("u1"))])
      // Not 150 ms: the retry's answer, sent at once, was timed out too when a busy machine paused the test's process
      // that long before reading it. Only the stalled attempt waits this out.
      const user = yield* runWithClient(server.url, (client) => client.getUser("u1"), {
        requestTimeout: Duration.seconds(1)
      })
      expect(user.id).toBe("u1")
      expect(server.requests).toHaveLength(2)
    })
  )

  it.scopedLive("a quick answer returns at once, long before a generous deadline", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(200, rawUser("u1"))])
      const started = Date.now()
      const user = yield* runWithClient(server.url, (client) => client.getUser("u1"), {
        requestTimeout: Duration.seconds(20)
      })
      expect(user.id).toBe("u1")
      expect(Date.now() - started).toBeLessThan(2_000)
    })
  )

  it.scopedLive("a timeout longer than Node's timers can hold works as a very long one, not as none at all", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(200, rawUser("u1"))])
      // Past 2^31 ms a timer fires at once: a naive deadline would time out every request.
      const user = yield* runWithClient(server.url, (client) => client.getUser("u1"), {
        requestTimeout: Duration.days(30)
      })
      expect(user.id).toBe("u1")
      expect(server.requests).toHaveLength(1)
    })
  )
})
