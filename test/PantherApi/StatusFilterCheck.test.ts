import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { json, scriptedServer } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

describe("the check that a list holds only the status asked for", () => {
  it.scopedLive("reads a status as the audit does: in any case, space around it ignored", () =>
    Effect.gen(function* () {
      // Each of these the audit judges CONFIRMED (or COMPROMISED: `ſ` is an `S` in upper case).
      const server = yield* scriptedServer([
        json(200, {
          results: [
            rawUser("u1", { status: "CONFIRMED" }),
            rawUser("u2", { status: " CONFIRMED" }),
            rawUser("u3", { status: "confirmed\t" })
          ]
        }),
        json(200, { results: [rawUser("u4", { status: "COMPROMIſED" })] })
      ])
      const confirmed = yield* runWithClient(server.url, (client) =>
        Stream.runCollect(client.listUsers({ status: "CONFIRMED" }))
      )
      expect(Chunk.size(confirmed)).toBe(3)
      const compromised = yield* runWithClient(server.url, (client) =>
        Stream.runCollect(client.listUsers({ status: "COMPROMISED" }))
      )
      expect(Chunk.size(compromised)).toBe(1)
      expect(server.requests.map((request) => request.query.get("status"))).toEqual(["CONFIRMED", "COMPROMISED"])
    })
  )

  it.scopedLive("still stops at a user of another status: the filter was ignored", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1", { status: " CONFIRMED" }), rawUser("u2", { status: "CONFIRMED_X" })] })
      ])
      const listed = yield* Effect.flip(
        runWithClient(server.url, (client) => Stream.runDrain(client.listUsers({ status: "CONFIRMED" })))
      )
      expect(listed._tag).toBe("InvalidResponse")
      expect(listed.message).toContain("it lists user u2 (u2@example.com), which the status filter did not ask for")
    })
  )
})
