import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { json, scriptedServer, text } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

describe("a read answered with a 2xx other than 200", () => {
  it.scopedLive("is refused naming the status, not read as the whole page, and not asked for again", () =>
    Effect.gen(function* () {
      // A cache serving a byte range: the body happens to parse, but it is only part of the list.
      const server = yield* scriptedServer([
        json(206, { results: [rawUser("u1")] }, { "content-range": "bytes 0-199/4000" })
      ])
      const listed = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runCollect(client.listUsers())))
      expect(listed._tag).toBe("InvalidResponse")
      expect(listed.message).toContain("it came with the status 206 (Partial Content, only part of the answer")
      expect(listed.message).toContain("where the API answers a read with 200")
      expect(server.requests).toHaveLength(1)
    })
  )

  it.scopedLive(
    "at a page after the first, does not send its reader to check --api-url, which answered the first",
    () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer([
          json(200, { results: [rawUser("u1")], next: "c1" }),
          json(206, { results: [rawUser("u2")] }, { "content-range": "bytes 0-199/4000" })
        ])
        const listed = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runCollect(client.listUsers())))
        expect(listed.message).toContain("it came with the status 206 (Partial Content")
        expect(listed.message).toContain("The same address sent the list's first page as the API describes")
        expect(listed.message).not.toContain("Check that --api-url")
      })
  )

  it.scopedLive("refuses a user and roles answered with 203 or 204 the same way", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(203, rawUser("u1")), text(204, ""), json(201, { results: [] })])
      const got = yield* Effect.flip(runWithClient(server.url, (client) => client.getUser("u1")))
      expect(got.message).toContain("the status 203 (Non-Authoritative Information")
      const empty = yield* Effect.flip(runWithClient(server.url, (client) => client.getUser("u1")))
      expect(empty.message).toContain("the status 204 (No Content")
      const roles = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runDrain(client.listRoles())))
      expect(roles.message).toContain("the status 201,")
      expect(server.requests).toHaveLength(3)
    })
  )

  it.scopedLive("a change answered with 201 or 204 is still done: Panther made it", () =>
    Effect.gen(function* () {
      const created = rawUser("new", { email: "new@example.com", role: { name: "Analyst" } })
      const server = yield* scriptedServer([json(201, created), text(204, "")])
      const user = yield* runWithClient(server.url, (client) =>
        client.createUser({ email: "new@example.com", givenName: "New", familyName: "User", role: { name: "Analyst" } })
      )
      expect(user.id).toBe("new")
      yield* runWithClient(server.url, (client) => client.deleteUser("new"))
      expect(server.requests.map((request) => request.method)).toEqual(["POST", "DELETE"])
      // A 200 page is read as ever.
      const pages = yield* scriptedServer([json(200, { results: [rawUser("u1")] })])
      const users = yield* runWithClient(pages.url, (client) => Stream.runCollect(client.listUsers()))
      expect(Chunk.size(users)).toBe(1)
    })
  )
})
