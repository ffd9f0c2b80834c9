import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import type { Step } from "../support/scriptedServer.js"
import { scriptedServer } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

/** The JSON in UTF-16, little-endian with a byte order mark or big-endian without, as a converting proxy sends it. */
const utf16 =
  (body: unknown, order: "le-with-bom" | "be", indent?: number): Step =>
  (_request, response) => {
    const json = JSON.stringify(body, null, indent)
    const little = Buffer.from(`${order === "le-with-bom" ? "\uFEFF" : ""}${json}`, "utf16le")
    response.writeHead(200, { "content-type": "application/json; charset=utf-16" })
    response.end(order === "be" ? Buffer.from(little).swap16() : little)
  }

describe("an answer in UTF-16", () => {
  it.scopedLive("is named as such, not quoted as a row of replacement characters", () =>
    Effect.gen(function* () {
      const user = rawUser("u1", { givenName: "José" })
      const server = yield* scriptedServer([utf16({ results: [user] }, "le-with-bom"), utf16(user, "be")])
      const listed = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runDrain(client.listUsers())))
      const got = yield* Effect.flip(runWithClient(server.url, (client) => client.getUserAsSent("u1")))
      for (const error of [listed, got]) {
        expect(error._tag).toBe("InvalidResponse")
        expect(error.message).toContain("the body is in UTF-16, not UTF-8")
        expect(error.message).not.toContain("\uFFFD")
      }
      // Not asked for again: the same server sends the same bytes.
      expect(server.requests).toHaveLength(2)
    })
  )

  it.scopedLive("is named as such when indented, its first line a brace alone", () =>
    Effect.gen(function* () {
      const user = rawUser("u1", { givenName: "José" })
      const server = yield* scriptedServer([utf16(user, "le-with-bom", 2), utf16(user, "be", 2)])
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = yield* Effect.flip(runWithClient(server.url, (client) => client.getUserAsSent("u1")))
        expect(error.message).toContain("the body is in UTF-16, not UTF-8")
      }
    })
  )
})
