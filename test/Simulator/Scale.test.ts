import { describe, expect, it } from "vitest"
import { generateUsers } from "../../src/Simulator/GenerateUsers.js"
import { UserDirectory } from "../../src/Simulator/UserDirectory.js"
import { startSimulator } from "../support/simulator.js"
import { httpFor, pageOf } from "./SimulatorHttp.js"

const NOW = new Date("2025-06-30T12:00:00Z")
const COUNT = 200_000

describe(`${COUNT.toLocaleString("en")} users`, () => {
  it("cost the same per page near the end as near the start (the cursor is found by binary search)", () => {
    const directory = new UserDirectory(generateUsers({ count: COUNT, seed: 1, now: NOW }))
    const timePages = (afterSeq: number) => {
      const started = performance.now()
      for (let i = 0; i < 500; i++)
        directory.page({ afterSeq: afterSeq + i * 60, limit: 60, matches: (u) => u.enabled })
      return performance.now() - started
    }
    timePages(0) // warm up
    const nearStart = timePages(0)
    const nearEnd = timePages(COUNT - 500 * 60 - 100)
    // Generous bounds for a busy CI machine; a scan from the start would cost seconds here, not milliseconds.
    expect(nearEnd).toBeLessThan(nearStart * 10 + 100)
    // Deletes and creates keep the order and the positions findable.
    const sample = directory.page({ afterSeq: COUNT - 10, limit: 60, matches: () => true })
    expect(sample.users).toHaveLength(10)
  })

  it("are ready within seconds and served page by page", { timeout: 90_000 }, async () => {
    const started = performance.now()
    const sim = await startSimulator({ users: COUNT, seed: 1, now: NOW })
    const startup = performance.now() - started
    try {
      const http = httpFor(sim)
      let cursor: string | undefined
      let users = 0
      const pagesStarted = performance.now()
      for (let page = 0; page < 50; page++) {
        const query = cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`
        const reply = pageOf(await http.get(`/users?include-deactivated=true${query}`))
        users += reply.results.length
        cursor = reply.next
      }
      const perPage = (performance.now() - pagesStarted) / 50
      console.log(`${COUNT} users: ready in ${startup.toFixed(0)} ms, ${perPage.toFixed(1)} ms a page (with checks)`)
      expect(users).toBe(50 * 60)
      // A bound against a start that grows faster than the users (minutes), not a speed target: the benchmark
      // measures that (two to four seconds). A 2-core machine busy with other tests took 19 s.
      expect(startup).toBeLessThan(45_000)
    } finally {
      await sim.close()
    }
  })
})
