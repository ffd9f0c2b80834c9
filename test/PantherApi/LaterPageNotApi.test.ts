import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { json, resetMidBody, type Step, scriptedServer, text } from "../support/scriptedServer.js"
import { rawUser, runWithClient } from "../support/testClient.js"

const listAll = (baseUrl: string) => runWithClient(baseUrl, (client) => Stream.runDrain(client.listUsers()))

const firstPage = json(200, { results: [rawUser("u1")], next: "cursor-2" })

describe("the token refused at a page after the first", () => {
  it.scopedLive("a 401 says the token had been taken for the pages before: it changed while the list was read", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([firstPage, json(401, { message: "token expired" })])
      const error = yield* Effect.flip(listAll(server.url))
      expect(error._tag).toBe("Unauthorized")
      expect(error.message).toContain(
        "The token had been accepted for the list's pages before this one, so something changed while the list was read: " +
          "most likely the token expired or was revoked meanwhile."
      )
      // Not the advice for a token that never worked; but a token just made may be known to one server, not all.
      expect(error.message).not.toContain("Check the token given with --api-token")
      expect(error.message).toContain(
        "A token made in the last minute may not yet be known to every Panther server (a new token takes up to a " +
          "minute to work): then run again in a minute."
      )
      expect(server.requests).toHaveLength(2)
    })
  )

  it.scopedLive("a 403 says the permission was most likely taken from the token meanwhile", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([firstPage, json(403, { error: "forbidden" })])
      const error = yield* Effect.flip(listAll(server.url))
      expect(error._tag).toBe("Forbidden")
      expect(error.message).toContain('it needs the "Read User Info" (UserRead) permission. Panther said: forbidden.')
      expect(error.message).toContain("most likely the permission was taken from the token meanwhile.")
    })
  )

  it.scopedLive("at the first page, a 401 still says to check the token given", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(401, { message: "bad key" })])
      const error = yield* Effect.flip(listAll(server.url))
      expect(error.message).toContain("Check the token given with --api-token")
      expect(error.message).not.toContain("pages before")
    })
  )
})

describe("a page of users that is not what the API describes", () => {
  const later: ReadonlyArray<readonly [string, Step, string]> = [
    [
      "a load balancer's HTML page sent with 200",
      text(200, "<html><body>Maintenance</body></html>", "text/html"),
      "an HTML page"
    ],
    // Whole as framed (Content-Length), so not retried as a cut-off answer: the server sent just that.
    ["JSON that stops short", text(200, '{"results":[{"id":"u2","email"', "application/json"), '{"results":'],
    ["JSON of another shape", json(200, { message: "internal error" }), "results: is missing"]
  ]
  for (const [what, step, reason] of later) {
    it.scopedLive(`after the first page (${what}) does not send the reader to --api-url, which answered that one`, () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer([firstPage, step])
        const error = yield* Effect.flip(listAll(server.url))
        expect(error._tag).toBe("InvalidResponse")
        expect(error.message).toContain(reason)
        expect(error.message).toContain("The same address sent the list's first page as the API describes")
        expect(error.message).toContain("Run again; if it keeps happening, report it to Panther support.")
        expect(error.message).not.toContain("not the web console")
        // Decoding is not retried: the same server would send the same bytes.
        expect(server.requests).toHaveLength(2)
      })
    )
  }

  const refused: ReadonlyArray<readonly [string, Step, string]> = [
    [
      "a redirect to a sign-in page",
      text(302, "", "text/plain", { location: "https://login.example.com/" }),
      "with a redirect (302 to https://login.example.com/), which is not followed"
    ],
    ["a 405 with an HTML page", text(405, "<html><body>Not allowed</body></html>", "text/html"), "(405)"]
  ]
  for (const [what, step, said] of refused) {
    it.scopedLive(`answered after the first page with ${what} does not send the reader to --api-url either`, () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer([firstPage, step])
        const error = yield* Effect.flip(listAll(server.url))
        expect(error._tag).toBe("BadRequest")
        expect(error.message).toContain(said)
        expect(error.message).toContain("The same address sent the list's first page as the API describes")
        expect(error.message).not.toContain("Check that --api-url")
      })
    )
    it.scopedLive(`answered at the first page with ${what} still says to check --api-url`, () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer([step])
        const error = yield* Effect.flip(listAll(server.url))
        expect(error.message).toContain("Check that --api-url / PANTHER_API_URL is the API")
        expect(error.message).not.toContain("first page")
      })
    )
  }

  it.scopedLive("as the first page still says the address may not be the API", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([text(200, "<html><body>Sign in</body></html>", "text/html")])
      const error = yield* Effect.flip(listAll(server.url))
      expect(error._tag).toBe("InvalidResponse")
      expect(error.message).toContain(
        "Check that --api-url is the API (https://api.<instance-domain>), not the web console"
      )
      expect(error.message).not.toContain("first page")
    })
  )
})

describe("a connection that fails at a page after the first, every time it is tried", () => {
  it.scopedLive("does not send the reader to --api-url, which answered the pages before", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer((index) => (index === 0 ? firstPage : resetMidBody))
      const error = yield* Effect.flip(listAll(server.url))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain(
        "The same address answered the list's pages before this one, so --api-url is right: the connection failed " +
          "while the list was read (the network between, or Panther itself). Run again; if it keeps happening, " +
          "check the network path (proxy, firewall), and --timeout-seconds raises the per-request timeout."
      )
      expect(error.message).not.toContain("Check --api-url")
      expect(server.requests.length).toBeGreaterThan(2)
    })
  )

  it.scopedLive("at the first page, still says to check --api-url", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer(() => resetMidBody)
      const error = yield* Effect.flip(listAll(server.url))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("Check --api-url and the network path to it")
    })
  )
})
