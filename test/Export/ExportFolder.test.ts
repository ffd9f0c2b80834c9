import { mkdtempSync, rmSync, statSync, utimesSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeExportFolder } from "../../src/Export/ExportFolder.js"

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
})
