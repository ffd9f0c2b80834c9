/**
 * The client against the simulator, which is built from the same API description: every user exactly once over
 * many pages while the simulator answers a share of requests with 429s and 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Layer, Logger, LogLevel, Redacted, Stream } from "effect"
import { PantherConnection } from "../../src/PantherApi/Connection.js"
import { PantherClient } from "../../src/PantherApi/PantherClient.js"
import type { UserRecord } from "../../src/PantherApi/UserRecord.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { captureLogs, readRoles } from "../support/testClient.js"

const USERS = 1_234

let calm: StartedSimulator
let faulty: StartedSimulator

beforeAll(async () => {
  calm = await startSimulator({ users: USERS, seed: 42 })
  // About one request in five fails with a 5xx, and more than 20 a second get a 429 with Retry-After: 1.
  faulty = await startSimulator({ users: USERS, seed: 42, faults: { errorRate: 0.2, errorSeed: 7, rateLimit: 20 } })
})

afterAll(async () => {
  await Promise.all([calm?.close(), faulty?.close()])
})

const clientFor = (simulator: StartedSimulator, token: string) =>
  PantherClient.Default.pipe(
    Layer.provide(
      PantherConnection.layer({
        baseUrl: simulator.baseUrl,
        token: Redacted.make(token),
        requestTimeout: Duration.seconds(10),
        retry: {
          maxAttempts: 10,
          maxElapsed: Duration.seconds(30),
          baseDelay: Duration.millis(20),
          maxDelay: Duration.millis(200),
          maxRetryAfter: Duration.seconds(1)
        }
      })
    )
  )

const idOf = (record: UserRecord) => (record._tag === "ValidUser" ? record.user.id : undefined)

const listAll = (simulator: StartedSimulator, filters = { includeDeactivated: true }) =>
  Effect.gen(function* () {
    const client = yield* PantherClient
    const records = Chunk.toArray(yield* Stream.runCollect(client.listUsers(filters)))
    return { records, stats: yield* client.stats }
  }).pipe(Effect.provide(clientFor(simulator, simulator.readToken)))

describe("PantherClient against the simulator", () => {
  it.live(
    "streams every user exactly once, faults or not",
    () =>
      Effect.gen(function* () {
        const logs = captureLogs()
        const clean = yield* listAll(calm)
        const rough = yield* listAll(faulty).pipe(
          Effect.provide(logs.layer),
          Logger.withMinimumLogLevel(LogLevel.Warning)
        )

        const cleanIds = clean.records.map(idOf)
        expect(clean.records).toHaveLength(USERS)
        expect(new Set(cleanIds).size).toBe(USERS)
        expect(clean.stats.pagesFetched).toBe(Math.ceil(USERS / 60))
        expect(clean.stats.retries).toBe(0)

        // Same seed, same users: the faulty run must see exactly the same ones, each once.
        const roughIds = rough.records.map(idOf)
        expect(rough.records).toHaveLength(USERS)
        expect(new Set(roughIds)).toEqual(new Set(cleanIds))
        expect(rough.stats.retries).toBeGreaterThan(0)
        expect(rough.stats.requests).toBe(rough.stats.pagesFetched + rough.stats.retries)
        expect(logs.lines.some((line) => line.includes("retry"))).toBe(true)
        for (const line of logs.lines) expect(line).not.toContain(faulty.readToken)
      }),
    60_000
  )

  it.live("leaves deactivated users out unless asked", () =>
    Effect.gen(function* () {
      const all = yield* listAll(calm)
      const enabledOnly = yield* listAll(calm, { includeDeactivated: false })
      const enabled = all.records.filter((record) => record._tag === "ValidUser" && record.user.enabled)
      expect(enabledOnly.records.length).toBe(enabled.length)
      expect(enabledOnly.records.length).toBeLessThan(all.records.length)
    })
  )

  it.live("reads roles with their permissions", () =>
    Effect.gen(function* () {
      const client = yield* PantherClient
      const roles = readRoles(yield* Stream.runCollect(client.listRoles()))
      const admin = roles.find((role) => role.name === "Admin")
      expect(admin?.permissions).toContain("UserModify")
      if (admin === undefined) return
      expect((yield* client.getRole(admin.id)).name).toBe("Admin")
    }).pipe(Effect.provide(clientFor(calm, calm.readToken)))
  )

  it.live("changes users with the admin token and names the missing permission with the read token", () =>
    Effect.gen(function* () {
      const body = { email: "kim.lee@example.com", givenName: "Kim", familyName: "Lee", role: { name: "Analyst" } }
      const refused = yield* Effect.flip(
        Effect.flatMap(PantherClient, (client) => client.createUser(body)).pipe(
          Effect.provide(clientFor(calm, calm.readToken))
        )
      )
      expect(refused._tag).toBe("Forbidden")
      expect(refused.message).toContain('"Manage Users" (UserModify)')

      yield* Effect.gen(function* () {
        const client = yield* PantherClient
        const created = yield* client.createUser(body)
        const id = created.id ?? ""
        expect(created.role.name).toBe("Analyst")
        const updated = yield* client.updateUser(id, { ...body, familyName: "Lee-Park" })
        expect(updated.familyName).toBe("Lee-Park")
        expect((yield* client.getUser(id)).familyName).toBe("Lee-Park")
        yield* client.deleteUser(id)
        expect((yield* Effect.flip(client.getUser(id)))._tag).toBe("NotFound")
      }).pipe(Effect.provide(clientFor(calm, calm.adminToken)))
    })
  )
})
