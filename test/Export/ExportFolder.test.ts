import { spawn } from "node:child_process"
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from "node:fs"
import { rename } from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { vi } from "vitest"
import { makeExportFolder, type RenameFolder } from "../../src/Export/ExportFolder.js"
import { removeLeftoverExportFolders, TOUCH_EVERY } from "../../src/Reports/LeftoverFiles.js"
import { EXPORT_MARK, EXPORT_MARK_SIGNATURE } from "../../src/Reports/TempFile.js"
import { endWithTest } from "../support/ChildProcesses.js"
import { landed } from "../support/landed.js"
import { captureLogs } from "../support/testClient.js"
import { makeUnwritable } from "../support/undeletable.js"

let parent = ""

/** What the clean-up of leftover export folders in `directory` says, run again and again for 3 s. */
const cleanUpAgainAndAgain = (directory: string) =>
  Effect.gen(function* () {
    const said: Array<string> = []
    const until = Date.now() + 3_000
    while (Date.now() < until) {
      const logs = captureLogs()
      yield* removeLeftoverExportFolders(directory).pipe(Effect.provide(logs.layer))
      said.push(...logs.lines)
    }
    return said
  })
/** Whether `done` comes true within ten seconds, checked every few milliseconds. */
const eventually = (done: () => boolean) =>
  Effect.gen(function* () {
    const deadline = Date.now() + 10_000
    while (!done() && Date.now() < deadline) yield* Effect.sleep("5 millis")
    return done()
  })
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "export-folder-"))
})
afterEach(() => rmSync(parent, { recursive: true, force: true }))

describe("an export's folder", () => {
  it.live("is touched while it is built, so that it is never taken for the folder of an export killed outright", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const folder = yield* makeExportFolder(parent, "20 millis")
        // Set back twice, each time until touched again: touched again and again, not only as it is made. A touch
        // slow to land (a busy disk) could come after the first setting back, never after the second; and a fixed
        // wait before looking could end before any touch had landed.
        for (const round of [1, 2]) {
          const longAgo = new Date(Date.now() - 10 * 60_000)
          utimesSync(folder.path, longAgo, longAgo)
          // Next to the minute after which a folder untouched is taken for a killed export's (LeftoverFiles.ts).
          const touched = yield* eventually(() => Date.now() - statSync(folder.path).mtimeMs < 60_000)
          expect(touched, `round ${round}`).toBe(true)
        }
      })
    )
  )

  // A clean-up (another export, a run) removes a marked folder left untouched for a minute as a killed export's: one
  // touched less often than that could be removed under a live export, with every user's data half written in it.
  it.effect("is touched every 10 seconds by default, well inside the minute after which a clean-up removes it", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const folder = yield* makeExportFolder(parent)
        const touches: Array<boolean> = []
        // Set back, then ten seconds on, each round: the touch made at once may land in the first round, never after.
        for (const _round of [1, 2, 3]) {
          const longAgo = new Date(Date.now() - 10 * 60_000)
          utimesSync(folder.path, longAgo, longAgo)
          yield* TestClock.adjust("10 seconds")
          touches.push(yield* landed(() => Date.now() - statSync(folder.path).mtimeMs < 60_000))
        }
        expect(touches).toEqual([true, true, true])
      })
    )
  )

  it.live("holds the export's mark from the first, which proves it an unfinished export's to a later clean-up", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const folder = yield* makeExportFolder(parent)
        expect(readdirSync(folder.path)).toEqual([EXPORT_MARK])
        expect(readFileSync(join(folder.path, EXPORT_MARK), "utf8").startsWith(EXPORT_MARK_SIGNATURE)).toBe(true)
        // Killed outright now, and found by the next export ten minutes later: removed whole.
        yield* removeLeftoverExportFolders(parent, Date.now() + 10 * 60_000)
        expect(existsSync(folder.path)).toBe(false)
      })
    )
  )

  it.live("is put in place without the mark, which is no part of the export", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const folder = yield* makeExportFolder(parent)
        writeFileSync(join(folder.path, "inventory.csv"), "user_id\r\n")
        const final = yield* folder.publish("export-20260630T020000Z")
        expect(readdirSync(final)).toEqual(["inventory.csv"])
      })
    )
  )

  it.live("is not confused with a folder of the user's that earlier versions would have taken for one", () =>
    Effect.gen(function* () {
      // Earlier versions' exports named their folders so, and removed any folder named so untouched for a minute.
      for (const name of [".export-backup", ".export-2024Q3"]) {
        mkdirSync(join(parent, name))
        writeFileSync(join(parent, name, "evidence.csv"), "kept\n")
        const longAgo = new Date(Date.now() - 10 * 60_000)
        utimesSync(join(parent, name), longAgo, longAgo)
      }
      const logs = captureLogs()
      yield* Effect.scoped(makeExportFolder(parent)).pipe(Effect.provide(logs.layer))
      expect(readdirSync(parent).sort()).toEqual([".export-2024Q3", ".export-backup"])
      expect(readFileSync(join(parent, ".export-backup", "evidence.csv"), "utf8")).toBe("kept\n")
      expect(logs.lines).toEqual([])
    })
  )

  it.live("names as it starts the folder an earlier version's killed export left, as the directory's holder does", () =>
    Effect.gen(function* () {
      // Exports do not wait for the lock: where only exports run, nothing else would ever say it is there.
      const earlier = join(parent, ".export-a1B2c3")
      mkdirSync(earlier)
      writeFileSync(join(earlier, ".findings.0123456789ab.tmp"), "x")
      const longAgo = new Date(Date.now() - 10 * 60_000)
      utimesSync(earlier, longAgo, longAgo)
      const logs = captureLogs()
      yield* removeLeftoverExportFolders(parent).pipe(Effect.provide(logs.layer))
      expect(existsSync(join(earlier, ".findings.0123456789ab.tmp"))).toBe(true)
      expect(logs.lines.join("\n")).toContain(
        `Left .export-a1B2c3 (0.0 MB) in ${parent} alone: named as versions before this one named an unfinished export's`
      )
    })
  )

  it.live(
    "is never removed when another user's, whatever it holds: a user of a shared folder can make one so",
    (context) => {
      // Only root can give a folder to another user, as that user would make it.
      if (process.getuid?.() !== 0) context.skip("needs root, to give a folder to another user")
      return Effect.gen(function* () {
        const planted = join(parent, ".panther-audit-export-Other1")
        mkdirSync(planted)
        writeFileSync(join(planted, EXPORT_MARK), EXPORT_MARK_SIGNATURE)
        writeFileSync(join(planted, "notes.txt"), "kept\n")
        for (const path of [join(planted, EXPORT_MARK), join(planted, "notes.txt"), planted])
          chownSync(path, 65534, 65534)
        const longAgo = new Date(Date.now() - 10 * 60_000)
        utimesSync(planted, longAgo, longAgo)
        const logs = captureLogs()
        yield* removeLeftoverExportFolders(parent).pipe(Effect.provide(logs.layer))
        expect(readdirSync(planted).sort()).toEqual([EXPORT_MARK, "notes.txt"].sort())
        // Named, not passed over: on a file system that shows every file as root's, it may be this user's after all.
        expect(logs.lines).toHaveLength(1)
        expect(logs.lines[0]).toContain(`Left .panther-audit-export-Other1 (uid 65534, 0.0 MB) in ${parent} alone`)
        expect(logs.lines[0]).toContain("another user's")
        // Its owner's runs remove it only with the mark in it: one without is named to them too, never removed.
        expect(logs.lines[0]).toContain(`that user's exports and runs remove it, and only with the mark an export`)
      })
    }
  )

  it.live("is not named once gone, when its owner's clean-up removes it while it is looked at", (context) => {
    if (process.getuid?.() !== 0) context.skip("needs root, to give a folder to another user")
    // Another user's folder, made and removed over and over, as its owner's runs would remove it at any moment.
    const name = ".panther-audit-export-Other2"
    const churn = endWithTest(
      spawn(
        process.execPath,
        [
          "-e",
          `const fs = require("node:fs"); const [made, path] = process.argv.slice(1)
          const old = new Date(Date.now() - 600000)
          const pause = new Int32Array(new SharedArrayBuffer(4))
          for (;;) {
            try { fs.mkdirSync(made); fs.chownSync(made, 65534, 65534); fs.renameSync(made, path) } catch {}
            try { fs.utimesSync(path, old, old); Atomics.wait(pause, 0, 0, 1); fs.rmdirSync(path) } catch {}
          }`,
          join(parent, ".being-made"),
          join(parent, name)
        ],
        { stdio: "ignore" }
      )
    )
    return Effect.gen(function* () {
      const said = yield* cleanUpAgainAndAgain(parent)
      // Named while it was there, as empty as it was; never as one this user cannot list, which it was not.
      expect(said.length).toBeGreaterThan(0)
      for (const line of said) expect(line).toContain(`Left ${name} (uid 65534, 0.0 MB)`)
    }).pipe(Effect.ensuring(Effect.sync(() => churn.kill("SIGKILL"))))
  })

  it.live("is not said to be left for removal by hand when another export removed it first", () => {
    // Another export in the same directory, finding a killed export's folder and removing it, over and over: each
    // folder named afresh, as every export's is.
    const churn = endWithTest(
      spawn(
        process.execPath,
        [
          "-e",
          `const fs = require("node:fs"); const [made, named, mark, signature] = process.argv.slice(1)
          const old = new Date(Date.now() - 600000)
          const pause = new Int32Array(new SharedArrayBuffer(4))
          for (let count = 0; ; count++) {
            const path = named + String(count % 1e6).padStart(6, "0")
            try {
              fs.mkdirSync(made); fs.writeFileSync(made + "/" + mark, signature)
              fs.utimesSync(made, old, old); fs.renameSync(made, path)
            } catch {}
            try { Atomics.wait(pause, 0, 0, 1); fs.rmSync(path, { recursive: true }) } catch {}
          }`,
          join(parent, ".being-made"),
          join(parent, ".panther-audit-export-"),
          EXPORT_MARK,
          EXPORT_MARK_SIGNATURE
        ],
        { stdio: "ignore" }
      )
    )
    return Effect.gen(function* () {
      const said = yield* cleanUpAgainAndAgain(parent)
      // Removed by this export or by the other, which says so: either way nothing is left for anyone to remove.
      expect(said.filter((line) => line.includes("cannot be removed"))).toEqual([])
    }).pipe(Effect.ensuring(Effect.sync(() => churn.kill("SIGKILL"))))
  })

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

  it.live("never carries this machine's clock, not for a moment of a touch, when it is behind the file system's", () =>
    Effect.scoped(
      Effect.gen(function* () {
        vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 2 * 60_000 })
        const folder = yield* makeExportFolder(parent, "1 millis")
        const made = statSync(folder.path).mtimeMs
        // Read while it is touched, over and over: a cleaner on another machine may look at any moment.
        let oldest = made
        for (let read = 0; read < 400; read++) {
          oldest = Math.min(oldest, statSync(folder.path).mtimeMs)
          yield* Effect.sleep("0 millis")
        }
        vi.useRealTimers()
        expect(made - oldest).toBeLessThan(1_000)
      })
    ).pipe(Effect.ensuring(Effect.sync(() => vi.useRealTimers())))
  )

  describe("whose name is taken after it was looked at and before the rename", () => {
    const NAME = "export-20260630T020000Z"
    /** Renames as the file system does, once `take` has put something at the first name: another process's. */
    const takenFirst =
      (take: (target: string) => void): RenameFolder =>
      (from, to) => {
        if (to === join(parent, NAME)) take(to)
        return rename(from, to)
      }
    const publishWith = (renameFolder: RenameFolder) =>
      Effect.scoped(
        Effect.gen(function* () {
          const folder = yield* makeExportFolder(parent, TOUCH_EVERY, renameFolder)
          writeFileSync(join(folder.path, "inventory.csv"), "user_id\r\n")
          return yield* folder.publish(NAME)
        })
      )

    it.live("by a file, is put in place under the next name, the file left as it was", () =>
      Effect.gen(function* () {
        const final = yield* publishWith(takenFirst((target) => writeFileSync(target, "someone's\n")))
        // Otherwise the rename's ENOTDIR failed the export, and its whole audit was removed with its folder.
        expect(final).toBe(join(parent, `${NAME}-2`))
        expect(readdirSync(final)).toEqual(["inventory.csv"])
        expect(readFileSync(join(parent, NAME), "utf8")).toBe("someone's\n")
        expect(readdirSync(parent).sort()).toEqual([NAME, `${NAME}-2`])
      })
    )

    it.live("by a folder with a file in it, is put in place under the next name, the folder left as it was", () =>
      Effect.gen(function* () {
        const final = yield* publishWith(
          takenFirst((target) => {
            mkdirSync(target)
            writeFileSync(join(target, "notes.txt"), "someone's\n")
          })
        )
        expect(final).toBe(join(parent, `${NAME}-2`))
        expect(readdirSync(final)).toEqual(["inventory.csv"])
        expect(readdirSync(join(parent, NAME))).toEqual(["notes.txt"])
      })
    )
  })

  it.live("once being put in place, is put there whole before an interrupt takes effect: nothing moves after it", () =>
    Effect.gen(function* () {
      const { stopped, later } = yield* Effect.scoped(
        Effect.gen(function* () {
          const folder = yield* makeExportFolder(parent)
          writeFileSync(join(folder.path, "inventory.csv"), "user_id\r\n")
          const publishing = yield* Effect.fork(folder.publish("export-20260630T020000Z"))
          // The publish has begun: its first file system call is under way when the interrupt comes.
          yield* Effect.yieldNow()
          yield* Fiber.interrupt(publishing)
          const stopped = readdirSync(parent)
          yield* Effect.sleep("100 millis")
          return { stopped, later: readdirSync(parent) }
        })
      )
      // Otherwise the folder was renamed into place after the export had said nothing of it was left, while the
      // scope's removal of the temporary folder could be emptying it.
      expect(later).toEqual(stopped)
      expect(stopped).toEqual(["export-20260630T020000Z"])
    })
  )

  it.live(
    "that cannot be put in place nor removed, its parent made read-only meanwhile, keeps no user's data",
    (context) =>
      Effect.gen(function* () {
        const logs = captureLogs()
        let path = ""
        let undo: (() => void) | undefined
        const failure = yield* Effect.scoped(
          Effect.gen(function* () {
            const folder = yield* makeExportFolder(parent)
            path = folder.path
            writeFileSync(join(path, "inventory.csv"), "user_id,email\r\nu-1,ada@example.com\r\n")
            undo = makeUnwritable(parent)
            if (undo === undefined) return context.skip("cannot make a folder read-only here (root without chattr)")
            return yield* Effect.flip(folder.publish("export-20260630T020000Z"))
          })
        ).pipe(Effect.provide(logs.layer), Effect.ensuring(Effect.sync(() => undo?.())))
        expect(failure.message).toContain(`cannot put the export in ${parent}`)
        // The folder itself could not go: what it held did, and its mark is back, which the rename had taken out.
        expect(readdirSync(parent)).toEqual([basename(path)])
        expect(readdirSync(path)).toEqual([EXPORT_MARK])
        expect(readFileSync(join(path, EXPORT_MARK), "utf8").startsWith(EXPORT_MARK_SIGNATURE)).toBe(true)
        expect(logs.lines).toHaveLength(1)
        expect(logs.lines[0]).toContain(`The unfinished export's folder ${path} could not be removed`)
        expect(logs.lines[0]).toContain("the files in it were")
        // So the next export or run, the folder writable again, removes it as one an export left.
        yield* removeLeftoverExportFolders(parent, Date.now() + 10 * 60_000)
        expect(readdirSync(parent)).toEqual([])
      })
  )
})
