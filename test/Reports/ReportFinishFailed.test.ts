/**
 * A report whose last bytes or sync the disk refuses is incomplete, whichever of the two it is: neither report takes a
 * final name, and nothing is left behind. The fault is injected into `open` of node:fs/promises, which takes only where
 * the modules are loaded anew for this file (vitest.config.ts).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import * as fs from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it, vi } from "vitest"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { makeFindingSpool } from "../../src/Reports/FindingSpool.js"
import { writeFindingReports } from "../../src/Reports/WriteFindingReports.js"
import { finding } from "../Email/support/AuditOutcomeFixture.js"

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>()
  return { ...actual, open: vi.fn(actual.open) }
})

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "finish-failed-"))
})
afterEach(() => {
  vi.mocked(fs.open).mockReset()
  rmSync(directory, { recursive: true, force: true })
})

/** Temporary files whose name holds `label` get a handle whose sync fails as a full or failing disk's does. */
const failSyncOf = async (label: string) => {
  const actual = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises")
  vi.mocked(fs.open).mockImplementation(async (path, flags, mode) => {
    const handle = await actual.open(path, flags, mode)
    if (String(path).includes(label)) {
      handle.sync = () => Promise.reject(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }))
    }
    return handle
  })
}

const write = () =>
  Effect.runPromise(
    Effect.either(
      Effect.scoped(
        Effect.gen(function* () {
          const spool = yield* makeFindingSpool(directory)
          yield* spool.add(finding())
          return yield* writeFindingReports({
            directory,
            stem: "user-audit-20260630T120000Z",
            run: { runId: "run-1" } as unknown as AuditRun,
            spool,
            exclude: new Set()
          })
        })
      )
    )
  )

it.each([
  ["the JSON report", ".user-audit.json."],
  ["the CSV report", ".user-audit.csv."]
])("puts no report under a final name when %s cannot be synced to disk", async (_file, label) => {
  await failSyncOf(label)
  const outcome = await write()
  expect(outcome._tag).toBe("Left")
  if (outcome._tag === "Left") expect(outcome.left.message).toContain("an input/output error")
  expect(readdirSync(directory)).toEqual([])
})
