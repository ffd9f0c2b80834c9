import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { closeDelimited, scriptedServer, text } from "../support/scriptedServer.js"
import { runWithClient } from "../support/testClient.js"

describe("a body that came whole but is not JSON", () => {
  it.scopedLive("is named as not JSON, not as cut off, and not asked for again, with a Content-Length or chunks", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        // Content-Length 1: the one byte promised came, so the network cut nothing off.
        text(200, "{", "application/json", { "content-length": "1" }),
        // Chunked, with its last chunk: whole as well.
        text(200, '{"results":[', "application/json")
      ])
      const got = yield* Effect.flip(runWithClient(server.url, (client) => client.getUser("u1")))
      expect(got._tag).toBe("InvalidResponse")
      expect(got.message).toContain("the body is not JSON but {")
      expect(got.message).not.toContain("cut off")
      const listed = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runDrain(client.listUsers())))
      expect(listed._tag).toBe("InvalidResponse")
      expect(listed.message).toContain('the body is not JSON but {"results":[')
      expect(server.requests).toHaveLength(2)
    })
  )

  it.scopedLive("ended only by the connection's close, it may have been cut off: asked for again", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([closeDelimited(200, "{")])
      const got = yield* Effect.flip(runWithClient(server.url, (client) => client.getUser("u1")))
      expect(got.message).toContain("the answer was cut off (JSON cut short)")
      expect(server.requests.length).toBeGreaterThan(1)
    })
  )
})
