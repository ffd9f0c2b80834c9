import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { json, scriptedServer } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

const listAll = (baseUrl: string) => runWithClient(baseUrl, (client) => Stream.runDrain(client.listUsers()))

describe("a 404 while listing users", () => {
  it.scopedLive("on a page after the first blames the cursor, not --api-url, which answered the first page", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "cursor-2" }),
        json(404, { message: "cursor not found" })
      ])
      const error = yield* Effect.flip(listAll(server.url))
      expect(error._tag).toBe("NotFound")
      expect(error.message).toContain("for a page after the first, at the cursor it had given")
      expect(error.message).toContain("Panther said: cursor not found")
      expect(error.message).not.toContain("--api-url")
    })
  )

  it.scopedLive("on the first page still says the address is not the API", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(404, { message: "no route" })])
      const error = yield* Effect.flip(listAll(server.url))
      expect(error._tag).toBe("NotFound")
      expect(error.message).toContain("Check that --api-url / PANTHER_API_URL is the API itself")
    })
  )
})
