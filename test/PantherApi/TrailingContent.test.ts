import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { closeDelimited, scriptedServer, text } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

describe("an answer that is a whole JSON document with more after it", () => {
  it.scopedLive("says so and quotes what follows the document, not its start, which reads as valid JSON", () =>
    Effect.gen(function* () {
      const page = JSON.stringify({ results: [rawUser("u1")] })
      const server = yield* scriptedServer([
        text(200, `${page}\n<!-- served by edge-cache 7 -->`, "application/json"),
        text(200, `${JSON.stringify(rawUser("u1"))}${JSON.stringify(rawUser("u1"))}`, "application/json")
      ])
      const listed = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runDrain(client.listUsers())))
      expect(listed._tag).toBe("InvalidResponse")
      expect(listed.message).toContain(
        // After the line break: the first character that is not white space.
        `the body is a JSON document with more after it, from character ${page.length + 2}: <!-- served by edge-cache 7 -->`
      )
      expect(listed.message).not.toContain('"results"')
      const got = yield* Effect.flip(runWithClient(server.url, (client) => client.getUserAsSent("u1")))
      expect(got.message).toContain("the body is a JSON document with more after it")
      expect(got.message).toContain(': {"id":"u1"')
      // Not asked for again: the same server sends the same bytes.
      expect(server.requests).toHaveLength(2)
    })
  )

  it.scopedLive("ended by the connection's close, is not taken for one cut short, nor asked for again", () =>
    Effect.gen(function* () {
      // No Content-Length and no chunks: the close ends the body, and its last character is not the document's `}`,
      // as in a page the network cut off. But the document before it is whole: asking again gets the same bytes.
      const page = JSON.stringify({ results: [rawUser("u1")] })
      const server = yield* scriptedServer([closeDelimited(200, `${page}garbage`)])
      const listed = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runDrain(client.listUsers())))
      expect(listed._tag).toBe("InvalidResponse")
      expect(listed.message).toContain(
        `the body is a JSON document with more after it, from character ${page.length + 1}: garbage`
      )
      expect(listed.message).not.toContain("cut off")
      expect(server.requests).toHaveLength(1)
    })
  )
})
