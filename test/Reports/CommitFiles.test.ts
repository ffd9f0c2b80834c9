/**
 * Putting a run's files under their final names, on a file system without hard links (some network mounts, FAT),
 * where each is renamed into place instead. None is at hand here, so `link` fails as it does there (EPERM); the
 * renames, the files and the folder are real.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { link } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Fiber } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { commitFiles, type LinkFile } from "../../src/Reports/CommitFiles.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "commit-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const noHardLinks: LinkFile = () =>
  Promise.reject(Object.assign(new Error("EPERM: operation not permitted, link"), { code: "EPERM" }))

const STEM = "user-audit-20260630T120000Z"

const temporary = (name: string, text: string): string => {
  const path = join(directory, name)
  writeFileSync(path, text)
  return path
}

describe("commitFiles without hard links", () => {
  it("moves the set to the next name when another run holds one of its names, and loses neither file", async () => {
    writeFileSync(join(directory, `${STEM}.json`), "the other run's")
    const files = [
      { tempPath: temporary(".a.csv.tmp", "csv of this run"), extension: ".csv" },
      { tempPath: temporary(".a.json.tmp", "json of this run"), extension: ".json" }
    ]
    const placed = await Effect.runPromise(commitFiles(directory, STEM, files, noHardLinks))
    expect(placed).toEqual([join(directory, `${STEM}-2.csv`), join(directory, `${STEM}-2.json`)])
    expect(readFileSync(join(directory, `${STEM}-2.csv`), "utf8")).toBe("csv of this run")
    expect(readFileSync(join(directory, `${STEM}-2.json`), "utf8")).toBe("json of this run")
    expect(readFileSync(join(directory, `${STEM}.json`), "utf8")).toBe("the other run's")
    expect(readdirSync(directory).sort()).toEqual([`${STEM}-2.csv`, `${STEM}-2.json`, `${STEM}.json`])
  })

  it("gives a file back its temporary name when the set cannot be placed, rather than delete it", async () => {
    const csv = temporary(".a.csv.tmp", "csv of this run")
    const outcome = await Effect.runPromise(
      Effect.either(
        commitFiles(
          directory,
          STEM,
          [
            { tempPath: csv, extension: ".csv" },
            // Gone before it could be placed.
            { tempPath: join(directory, ".a.json.tmp"), extension: ".json" }
          ],
          noHardLinks
        )
      )
    )
    expect(outcome._tag).toBe("Left")
    expect(existsSync(join(directory, `${STEM}.csv`))).toBe(false)
    expect(readFileSync(csv, "utf8")).toBe("csv of this run")
  })
})

describe("commitFiles", () => {
  it("leaves each file under its final name only, its temporary name gone once linked", async () => {
    // A second name of the same report, hidden: killed before its scope closed, a run left a copy of every finding.
    const files = [
      { tempPath: temporary(".user-audit.csv.0123456789ab.tmp", "csv of this run"), extension: ".csv" },
      { tempPath: temporary(".user-audit.json.0123456789ab.tmp", "json of this run"), extension: ".json" }
    ]
    const placed = await Effect.runPromise(commitFiles(directory, STEM, files))
    expect(placed).toEqual([join(directory, `${STEM}.csv`), join(directory, `${STEM}.json`)])
    expect(readdirSync(directory).sort()).toEqual([`${STEM}.csv`, `${STEM}.json`])
    expect(readFileSync(join(directory, `${STEM}.json`), "utf8")).toBe("json of this run")
  })

  // The process ends as soon as a stop has taken effect: one taking effect between two files would leave half a set
  // under final names, the findings CSV of a run without its JSON.
  it("takes a stop while the set is being placed only once every file is in place", async () => {
    const files = [
      { tempPath: temporary(".user-audit.csv.0123456789ab.tmp", "csv of this run"), extension: ".csv" },
      { tempPath: temporary(".user-audit.json.0123456789ab.tmp", "json of this run"), extension: ".json" }
    ]
    let secondLink: () => void = () => {}
    const atSecondLink = new Promise<void>((resolve) => {
      secondLink = resolve
    })
    let links = 0
    // The second file is slow to place, as on a busy network mount; the stop comes while it is.
    const slowSecond: LinkFile = async (from, to) => {
      links++
      if (links === 2) {
        secondLink()
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      await link(from, to)
    }
    const placing = Effect.runFork(commitFiles(directory, STEM, files, slowSecond))
    await atSecondLink
    await Effect.runPromise(Fiber.interrupt(placing))
    expect(
      readdirSync(directory)
        .filter((name) => !name.startsWith("."))
        .sort()
    ).toEqual([`${STEM}.csv`, `${STEM}.json`])
  })
})
