/**
 * Syncing the folder that reports were just put in: done on a real folder, a failure raised by the helper, and
 * turned into a warning naming what may not survive a crash by the step the commits use, which never fails.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Logger } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import { syncDirectory, syncPlacedFiles } from "../../src/Reports/SyncDirectory.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "sync-directory-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const warningsOf = async (effect: Effect.Effect<void>): Promise<ReadonlyArray<string>> => {
  const warnings: Array<string> = []
  await Effect.runPromise(
    effect.pipe(
      Effect.provide(
        Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ logLevel, message }) => {
            warnings.push(`${logLevel.label}: ${String(message)}`)
          })
        )
      )
    )
  )
  return warnings
}

it("syncs a folder with files just put in it, and leaves them as they are", async () => {
  writeFileSync(join(directory, "report.csv"), "a,b\r\n")
  await syncDirectory(directory)
  expect(readdirSync(directory)).toEqual(["report.csv"])
})

it("raises what keeps a folder from being synced, such as its not being there", async () => {
  await expect(syncDirectory(join(directory, "gone"))).rejects.toMatchObject({ code: "ENOENT" })
})

it("says nothing when the folder was synced", async () => {
  expect(await warningsOf(syncPlacedFiles(directory, [join(directory, "a.csv")]))).toEqual([])
})

it("warns, naming the files and the folder, when the folder cannot be synced, and goes on", async () => {
  const gone = join(directory, "gone")
  const warnings = await warningsOf(syncPlacedFiles(gone, [join(gone, "a.csv"), join(gone, "a.json")]))
  expect(warnings).toEqual([
    `WARN: ${join(gone, "a.csv")} and ${join(gone, "a.json")} are in place, but ${gone} could not be synced to ` +
      "disk (it does not exist): after a crash of this machine they may be missing"
  ])
})
