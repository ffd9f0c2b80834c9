import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { json, type Step, scriptedServer } from "../support/scriptedServer.js"
import { startSimulator } from "../support/simulator.js"
import { runWithClient } from "../support/testClient.js"

const listAll = (baseUrl: string) => runWithClient(baseUrl, (client) => Stream.runDrain(client.listUsers()))

/** A simulator for the length of the test. */
const simulator = (users: number) =>
  Effect.acquireRelease(
    Effect.promise(() => startSimulator({ users, seed: 3 })),
    (sim) => Effect.promise(() => sim.close())
  )

/** Answers a request with what this simulator answers to it, page or refusal, as it sent it. */
const answeredBy =
  (sim: { readonly baseUrl: string; readonly readToken: string }): Step =>
  (request, response) => {
    void fetch(`${sim.baseUrl}${request.path}?${request.rawQuery}`, { headers: { "X-API-Key": sim.readToken } }).then(
      async (reply) => {
        response.writeHead(reply.status, { "content-type": "application/json" })
        response.end(await reply.text())
      }
    )
  }

describe("a 400 at a list's page", () => {
  it.scopedLive(
    "after the first blames the cursor Panther gave, not filters the first page took (a server restarted)",
    () =>
      Effect.gen(function* () {
        // The first page from one run of the simulator, the next from another: its cursor is refused as stale, as
        // Panther's would be by a server that no longer knows it.
        const before = yield* simulator(70)
        const after = yield* simulator(70)
        const server = yield* scriptedServer([answeredBy(before), answeredBy(after)])
        const error = yield* Effect.flip(listAll(server.url))
        expect(error._tag).toBe("BadRequest")
        expect(server.requests[1]?.query.get("cursor")).toBeTruthy()
        expect(error.message).toContain("Panther said: cursor is not valid")
        expect(error.message).toContain("so what it refused is the cursor it had given")
        expect(error.message).toContain("Run again")
        // `run` gives no filters at all: telling its reader to check them sent them looking for nothing.
        expect(error.message).not.toContain("Check the filters given")
      })
  )

  it.scopedLive(
    "at the first page of a list that gives no filter (a run's) does not send its reader to check filters",
    () =>
      Effect.gen(function* () {
        const refusal = json(400, { message: "invalid parameter" })
        const server = yield* scriptedServer([refusal, refusal])
        const unfiltered = yield* Effect.flip(listAll(server.url))
        expect(server.requests[0]?.rawQuery).toBe("limit=60")
        expect(unfiltered._tag).toBe("BadRequest")
        expect(unfiltered.message).toContain("Panther said: invalid parameter")
        expect(unfiltered.message).toContain("asked for with no filter")
        expect(unfiltered.message).toContain("check that --api-url / PANTHER_API_URL is the API")
        expect(unfiltered.message).not.toContain("Check the filters given")
        // A list that gave one is still sent to check it.
        const filtered = yield* Effect.flip(
          runWithClient(server.url, (client) => Stream.runDrain(client.listUsers({ contains: "ada" })))
        )
        expect(filtered.message).toContain("Check the filters given.")
        expect(filtered.message).not.toContain("no filter")
      })
  )

  it.scopedLive(
    "at the first page of the roles, which are asked for with nothing in the query, names no page size",
    () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer([json(400, { message: "invalid parameter" })])
        const error = yield* Effect.flip(runWithClient(server.url, (client) => Stream.runDrain(client.listRoles())))
        expect(server.requests[0]?.path).toBe("/roles")
        expect(server.requests[0]?.rawQuery).toBe("")
        expect(error.message).toContain("asked for with no filter, so nothing given can be changed")
        expect(error.message).not.toContain("page size")
      })
  )
})
