import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { json, scriptedServer } from "../support/scriptedServer.js"
import { rawUser, runWithClient, TOKEN } from "../support/testClient.js"

describe("a cursor holding a lone surrogate", () => {
  it.scopedLive("stops the list saying why, rather than ask for the next page with another cursor", () =>
    Effect.gen(function* () {
      // JSON allows "\ud800" alone; UTF-8, and so a URL, has no form for it.
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "c1\ud800" }),
        json(200, { results: [rawUser("u2")] })
      ])
      const listed = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runDrain(client.listUsers())))
      expect(listed._tag).toBe("InvalidResponse")
      expect(listed.message).toContain(
        "the cursor it gave for the next page holds a lone UTF-16 surrogate (\\uD800, character 3)"
      )
      expect(listed.message).toContain("The list stopped there, incomplete.")
      // Only the first page was asked for: no cursor went out altered (as c1%EF%BF%BD).
      expect(server.requests).toHaveLength(1)
    })
  )

  it.scopedLive("a cursor with a surrogate pair (an emoji) goes out as sent", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "c1😀" }),
        json(200, { results: [rawUser("u2")] })
      ])
      yield* runWithClient(server.url, (client) => Stream.runDrain(client.listUsers()))
      expect(server.requests[1]?.query.get("cursor")).toBe("c1😀")
    })
  )
})

describe("a cursor holding the API token", () => {
  it.scopedLive("stops the list, rather than send back a cursor with the token taken out, or the token itself", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: `page2-${TOKEN}` }),
        json(200, { results: [rawUser("u2")] })
      ])
      const listed = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runDrain(client.listUsers())))
      expect(listed._tag).toBe("InvalidResponse")
      expect(listed.message).toContain("the cursor it gave for the next page held the API token")
      expect(listed.message).toContain("The list stopped there, incomplete.")
      expect(listed.message).not.toContain(TOKEN)
      // Neither page2-[redacted] nor the token went out in an address.
      expect(server.requests).toHaveLength(1)
    })
  )
})
