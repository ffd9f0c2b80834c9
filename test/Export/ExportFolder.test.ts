import { existsSync, mkdtempSync, rmSync, statSync, utimesSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { makeExportFolder } from "../../src/Export/ExportFolder.js"
import { removeLeftoverExportFolders } from "../../src/Reports/LeftoverFiles.js"

let parent = ""
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "export-folder-"))
})
afterEach(() => rmSync(parent, { recursive: true, force: true }))

describe("an export's folder", () => {
  it.live("is touched while it is built, so that it is never taken for the folder of an export killed outright", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const folder = yield* makeExportFolder(parent, "20 millis")
        const longAgo = new Date(Date.now() - 10 * 60_000)
        utimesSync(folder.path, longAgo, longAgo)
        yield* Effect.sleep("200 millis")
        // Next to the minute after which a folder untouched is taken for a killed export's (LeftoverFiles.ts).
        expect(Date.now() - statSync(folder.path).mtimeMs).toBeLessThan(60_000)
      })
    )
  )

  it.live("is touched at the file system's time, so an export on a machine whose clock is behind is not removed", () =>
    Effect.scoped(
      Effect.gen(function* () {
        // This machine's clock two minutes behind that of another sharing the volume (only Date: sleeps stay real).
        vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 2 * 60_000 })
        const folder = yield* makeExportFolder(parent, "20 millis")
        yield* Effect.sleep("200 millis")
        vi.useRealTimers()
        // The other machine's export or run, by its own clock: the folder is that of an export still going.
        yield* removeLeftoverExportFolders(parent)
        expect(existsSync(folder.path)).toBe(true)
      })
    ).pipe(Effect.ensuring(Effect.sync(() => vi.useRealTimers())))
  )
})
