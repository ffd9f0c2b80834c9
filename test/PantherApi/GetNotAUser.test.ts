import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { json, scriptedServer } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

describe("users get's answer without an id", () => {
  it.scopedLive("is no user when it holds none of a user's fields: a list page, an array, an empty object", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(200, { results: [rawUser("u1")] }), json(200, []), json(200, {})])
      for (let answer = 0; answer < 3; answer++) {
        const error = yield* Effect.flip(runWithClient(server.url, (client) => client.getUserAsSent("u1")))
        expect(error._tag).toBe("InvalidResponse")
        // The address is to blame, not the user: nothing to mend with `users update`.
        expect(error.message).toContain("it holds none of a user's fields, so it is no user")
        expect(error.message).toContain("Check that --api-url is the API")
      }
    })
  )

  it.scopedLive("is still that user's record when it holds a user's fields, valid or not", () =>
    Effect.gen(function* () {
      const { id: _id, ...withoutId } = rawUser("u1")
      const server = yield* scriptedServer([json(200, withoutId), json(200, { ...withoutId, email: null })])
      const valid = yield* runWithClient(server.url, (client) => client.getUserAsSent("u1"))
      expect(valid.record._tag).toBe("ValidUser")
      const invalid = yield* runWithClient(server.url, (client) => client.getUserAsSent("u1"))
      expect(invalid.record._tag).toBe("InvalidUser")
    })
  )
})
