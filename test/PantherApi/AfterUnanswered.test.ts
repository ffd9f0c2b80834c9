import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { json, type Step, scriptedServer } from "../support/scriptedServer.js"
import { fastRetry, rawUser, runWithClient } from "../support/testClient.js"

const drop: Step = (_request, response) => response.socket?.destroy()

describe("a request after one that got no answer at any try", () => {
  it.scopedLive("is tried once while nothing answers, and says why", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([drop])
      const errors = yield* runWithClient(server.url, (client) =>
        Effect.all([Effect.flip(client.getUser("a")), Effect.flip(client.getUser("b"))])
      )
      expect(server.requests.map((request) => request.path)).toEqual(["/users/a", "/users/a", "/users/a", "/users/b"])
      expect(errors[0]).toMatchObject({ _tag: "TransportError", attempts: 3 })
      expect(errors[0].message).not.toContain("not tried again")
      expect(errors[1]).toMatchObject({ _tag: "TransportError", attempts: 1, afterUnanswered: "GET /users/a" })
      expect(errors[1].message).toContain(
        "It was not tried again: GET /users/a just before it got no answer at any of its tries, and nothing has " +
          "answered since."
      )
    })
  )

  it.scopedLive("is tried once too after one whose retry budget ran out before its first retry", () =>
    Effect.gen(function* () {
      // A budget the first try's wait already outlasts (a timeout as long as the budget does the same): one try each.
      const server = yield* scriptedServer([drop])
      const errors = yield* runWithClient(
        server.url,
        (client) => Effect.all([Effect.flip(client.getUser("a")), Effect.flip(client.getUser("b"))]),
        { retry: { ...fastRetry, maxElapsed: Duration.millis(1) } }
      )
      expect(server.requests.map((request) => request.path)).toEqual(["/users/a", "/users/b"])
      expect(errors[0]).toMatchObject({
        _tag: "TransportError",
        attempts: 1,
        budgetStop: expect.objectContaining({ budgetMillis: 1 })
      })
      expect(errors[1]).toMatchObject({ _tag: "TransportError", attempts: 1, afterUnanswered: "GET /users/a" })
      expect(errors[1].message).toContain("It was not tried again: GET /users/a just before it got no answer")
    })
  )

  it.scopedLive("is retried as usual after a create that was not retried, whose answer was lost", () =>
    Effect.gen(function* () {
      // The create is not sent again blindly, so it had no retries to spend: the look-up that settles it keeps its own.
      const server = yield* scriptedServer((index, request) =>
        index < 2 ? drop : request.method === "GET" ? json(200, { results: [] }) : json(200, rawUser("new"))
      )
      const user = yield* runWithClient(server.url, (client) =>
        client.createUser({ email: "new@example.com", givenName: "N", familyName: "U", role: { name: "Analyst" } })
      )
      expect(user.id).toBe("new")
      expect(server.requests.map((request) => request.method)).toEqual(["POST", "GET", "GET", "POST"])
    })
  )

  it.scopedLive("is retried as usual once anything answers, even with an error", () =>
    Effect.gen(function* () {
      // a: three tries unanswered. b: a 503 (an answer), then a drop that is retried, then the user. The 503 closes
      // its connection: a drop on a kept one would be sent again at once as a stale socket, whatever came before.
      const server = yield* scriptedServer([
        drop,
        drop,
        drop,
        json(503, { message: "busy" }, { connection: "close" }),
        drop,
        json(200, rawUser("b"))
      ])
      const user = yield* runWithClient(server.url, (client) =>
        Effect.zipRight(Effect.flip(client.getUser("a")), client.getUser("b"))
      )
      expect(user.id).toBe("b")
      expect(server.requests).toHaveLength(6)
    })
  )
})
