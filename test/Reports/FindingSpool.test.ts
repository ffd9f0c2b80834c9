/**
 * The spool across its boundaries: findings added one at a time and in batches, lines that straddle the megabyte
 * buffer, and a line longer than the buffer all come back whole, in report order, whether they were kept in memory,
 * written to the file from the start, or moved there when there came too many.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import { type Finding, NO_SUBJECT } from "../../src/Audit/Finding.js"
import { makeFindingSpool } from "../../src/Reports/FindingSpool.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "spool-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const finding = (index: number, detail: string): Finding => ({
  ...NO_SUBJECT,
  severity: "medium",
  finding: "STALE_LOGIN",
  userId: `u${String(index).padStart(6, "0")}`,
  // Two-byte characters, so byte and character counts differ at every boundary.
  email: `정민.${String(index).padStart(6, "0")}@example.com`,
  enabled: true,
  detail
})

it.each([
  ["on disk from the start", 0],
  ["moved to disk after 2,500", 2_500],
  ["kept in memory", 10_000]
])("returns every finding whole and sorted, %s", async (_mode, keepInMemory) => {
  const findings = Array.from({ length: 6000 }, (_, index) => finding(index, `detail ${"é".repeat(index % 400)}`))
  findings.push(finding(6000, "x".repeat(1_500_000)))
  const seen = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const spool = yield* makeFindingSpool(directory, { keepInMemory })
        // Both ways in: single adds and batches.
        for (const item of findings.slice(0, 100)) yield* spool.add(item)
        for (let start = 100; start < findings.length; start += 60) {
          yield* spool.addAll(findings.slice(start, start + 60))
        }
        const out: Array<Finding> = []
        yield* spool.forEachSorted(500, (batch, json) =>
          Effect.sync(() => {
            // Each finding comes with its JSON text, as JSON.stringify writes it.
            expect(json).toEqual(batch.map((item) => JSON.stringify(item)))
            out.push(...batch)
          })
        )
        expect(spool.counts().total).toBe(findings.length)
        return out
      })
    )
  )
  expect(seen).toEqual([...findings].sort((a, b) => ((a.email ?? "") < (b.email ?? "") ? -1 : 1)))
  // The spool file is gone once its scope closes.
  expect(readdirSync(directory)).toEqual([])
})
