import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { json, scriptedServer } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

const reasons = (baseUrl: string) =>
  runWithClient(baseUrl, (client) =>
    client.listUsers({}).pipe(
      Stream.runCollect,
      Effect.map((records) =>
        Chunk.toArray(records).map((record) => (record._tag === "InvalidUser" ? record.reason : ""))
      )
    )
  )

// The schema library's own notation is no help to the admin who must mend the record in Panther's console.
const SCHEMA_NOTATION = /readonly|undefined|Encoded side|Type side|ReadonlyArray|Struct|\{ | \| /

describe("what a record or an answer was expected to hold", () => {
  it.scopedLive("is said in plain words, not in the schema's notation", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, {
          results: [
            rawUser("u1", { role: null }),
            rawUser("u2", { role: "Admin" }),
            rawUser("u3", { role: { id: 5 } }),
            rawUser("u4", { id: 12345 }),
            null
          ]
        })
      ])
      const said = yield* reasons(server.url)
      expect(said).toEqual([
        "role: Expected object, actual null",
        'role: Expected object, actual "Admin"',
        "role.id: Expected string, actual 5",
        "id: Expected string, actual 12345",
        "Expected object, actual null"
      ])
    })
  )

  it.scopedLive("names a page that is not an object, and a role's permissions that are not a list, plainly", () =>
    Effect.gen(function* () {
      const page = yield* scriptedServer([json(200, null)])
      const pageError = yield* Effect.flip(reasons(page.url))
      expect(pageError.message).toContain("Expected object, actual null")
      expect(pageError.message).not.toMatch(SCHEMA_NOTATION)

      // A page whose results are not a list: its items may be anything, which says nothing to the admin.
      const results = yield* scriptedServer([json(200, { results: "none" })])
      const resultsError = yield* Effect.flip(reasons(results.url))
      expect(resultsError.message).toContain('results: Expected list, actual "none"')
      expect(resultsError.message).not.toContain("unknown")

      const roles = yield* scriptedServer([
        json(200, { results: [{ id: "r1", name: "Helpdesk", permissions: "UserModify" }] })
      ])
      const [role] = yield* runWithClient(roles.url, (client) => Stream.runCollect(client.listRoles()))
      const reason = role?._tag === "UnreadableRole" ? role.reason : ""
      expect(reason).toContain('permissions: Expected list of strings, actual "UserModify"')
      expect(reason).not.toMatch(SCHEMA_NOTATION)
    })
  )
})
