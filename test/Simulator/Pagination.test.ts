import { describe, expect, it } from "vitest"
import { startSimulator } from "../support/simulator.js"
import { listAll } from "./SimulatorHttp.js"

const NOW = new Date("2025-06-30T12:00:00Z")

describe("paging through GET /users", () => {
  it.each([0, 1, 59, 60, 61, 1000])("returns each of %i users exactly once, in a stable order", async (count) => {
    const sim = await startSimulator({ users: count, seed: 5, now: NOW })
    try {
      const all = await listAll(sim, { "include-deactivated": "true" })
      const ids = all.users.map((user) => user.id)
      expect(ids).toHaveLength(count)
      expect(new Set(ids).size).toBe(count)
      // Pages of 60 and no empty page at the end: `next` is absent on the last page, even when it is full.
      expect(all.pages).toBe(Math.max(1, Math.ceil(count / 60)))
      // The same walk again gives the same order.
      expect((await listAll(sim, { "include-deactivated": "true" })).users.map((user) => user.id)).toEqual(ids)
      // Without include-deactivated, exactly the enabled ones, still each once.
      const enabled = (await listAll(sim)).users
      expect(enabled.map((user) => user.id)).toEqual(all.users.filter((user) => user.enabled).map((user) => user.id))
    } finally {
      await sim.close()
    }
  })

  it("pages of 7 over 100 users visit everyone once", async () => {
    const sim = await startSimulator({ users: 100, seed: 9, now: NOW })
    try {
      const all = await listAll(sim, { "include-deactivated": "true", limit: "7" })
      expect(new Set(all.users.map((user) => user.id)).size).toBe(100)
      expect(all.pages).toBe(15)
    } finally {
      await sim.close()
    }
  })
})
