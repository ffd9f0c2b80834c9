/**
 * A stop that comes while the finished export is being renamed into place. The rename is held up here (and only
 * it: `node:fs/promises` is otherwise the real one) so that the stop lands inside it every time.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import * as fs from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Effect, Fiber, Logger } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest"
import { exportCommand } from "../../src/Export/ExportCommand.js"
import { verifyExport } from "../../src/Export/Verify.js"
import { EXPORT_FOLDER_PREFIX } from "../../src/Reports/TempFile.js"
import { AS_OF, auditArgs, REVIEW_USERS } from "../Review/fixtures.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>()
  return { ...actual, rename: vi.fn(actual.rename) }
})

let simulator: StartedSimulator
let directory = ""
beforeAll(async () => {
  simulator = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF) })
})
afterAll(() => simulator.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "export-stopped-test-"))
})
afterEach(() => {
  vi.mocked(fs.rename).mockReset()
  rmSync(directory, { recursive: true, force: true })
})

describe("an export stopped while its folder is put in place", () => {
  it("is logged as written, not as leaving nothing, since it is there whole", async () => {
    const actual = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises")
    let renamed: () => void = () => undefined
    const placed = new Promise<void>((resolve) => {
      renamed = resolve
    })
    vi.mocked(fs.rename).mockImplementation(async (from, to) => {
      await actual.rename(from, to)
      if (basename(String(from)).startsWith(EXPORT_FOLDER_PREFIX)) {
        renamed()
        // Still putting it in place (the folder is synced next) when the stop comes.
        await sleep(100)
      }
    })
    const logged: Array<string> = []
    const collect = Logger.make(({ message }) => {
      logged.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
    })
    const run = Command.run(exportCommand, { name: "panther-audit", version: "test" })
    const fiber = Effect.runFork(
      run(["node", "panther-audit", ...auditArgs(simulator.baseUrl, simulator.readToken, directory)]).pipe(
        Effect.provide(NodeContext.layer),
        Effect.provide(Logger.replace(Logger.defaultLogger, collect))
      )
    )
    await placed
    await Effect.runPromise(Fiber.interrupt(fiber))

    const [folder, ...others] = readdirSync(directory)
    expect(others).toEqual([])
    expect(folder).toMatch(/^export-\d{8}T\d{6}Z$/)
    const report = await Effect.runPromise(verifyExport(join(directory, folder ?? "")))
    expect(report.problems).toEqual([])
    expect(logged).toContain("export written")
    expect(logged.filter((line) => line.includes("nothing of the export is left"))).toEqual([])
  })
})
