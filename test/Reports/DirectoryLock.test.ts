import { execFileSync, spawnSync } from "node:child_process"
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync
} from "node:fs"
import { hostname, tmpdir } from "node:os"
import { basename, join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Fiber, Logger, TestClock } from "effect"
import { LOCK_FILE, withReportDirectoryLock } from "../../src/Reports/DirectoryLock.js"
import { removeLeftoverFiles } from "../../src/Reports/LeftoverFiles.js"
import { EXPORT_MARK, EXPORT_MARK_TEXT, isTemporaryName, openTempFile } from "../../src/Reports/TempFile.js"
import { landed } from "../support/landed.js"
import { captureLogs } from "../support/testClient.js"
import { makeUndeletable, makeUnwritable } from "../support/undeletable.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "lock-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const lockPath = () => join(directory, LOCK_FILE)
const readMtime = () => statSync(lockPath()).mtimeMs

/** Whether `done` comes true within a few seconds, checked every few milliseconds. */
const eventually = (done: () => boolean) =>
  Effect.gen(function* () {
    const deadline = Date.now() + 5_000
    while (!done() && Date.now() < deadline) yield* Effect.sleep("5 millis")
    return done()
  })

const foreignLock = (ageMillis: number) => {
  writeFileSync(
    lockPath(),
    JSON.stringify({
      pid: 999_999,
      host: "other-box",
      command: "run",
      startedAt: "2026-06-30T02:00:00.000Z",
      token: "x"
    })
  )
  const at = new Date(Date.now() - ageMillis)
  utimesSync(lockPath(), at, at)
}

describe("one audit at a time per report directory", () => {
  it.live("the lock file is not writable by others even with umask 000, as the reports are not", () =>
    Effect.gen(function* () {
      const before = process.umask(0)
      try {
        const mode = yield* Effect.sync(() => statSync(lockPath()).mode & 0o777).pipe(
          withReportDirectoryLock(directory, "run")
        )
        expect(mode & 0o022).toBe(0)
      } finally {
        process.umask(before)
      }
    })
  )

  it.live("a second audit waits until the first is done, says for whom, and the lock goes with the last", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const events: Array<string> = []
      const finishFirst = yield* Deferred.make<void>()
      const first = yield* Effect.fork(
        Effect.gen(function* () {
          events.push("first started")
          yield* Deferred.await(finishFirst)
          events.push("first done")
        }).pipe(withReportDirectoryLock(directory, "run"))
      )
      expect(yield* eventually(() => events.length === 1)).toBe(true)
      const second = yield* Effect.fork(
        Effect.sync(() => events.push("second ran")).pipe(
          withReportDirectoryLock(directory, "review"),
          Effect.provide(logs.layer)
        )
      )
      expect(yield* eventually(() => logs.lines.some((line) => line.includes("Waiting for")))).toBe(true)
      expect(events).toEqual(["first started"])
      expect(logs.lines.join("\n")).toContain(`Waiting for run (pid ${process.pid} on `)
      expect(logs.lines.join("\n")).toContain("(.panther-audit.lock; taken over if left untouched for 1m)")
      yield* Deferred.succeed(finishFirst, undefined)
      yield* Fiber.join(first)
      yield* Fiber.join(second)
      expect(events).toEqual(["first started", "first done", "second ran"])
      expect(existsSync(lockPath())).toBe(false)
    })
  )

  it.live("releases the directory when the audit fails", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.flip(Effect.fail("boom").pipe(withReportDirectoryLock(directory, "run")))
      expect(failed).toBe("boom")
      expect(existsSync(lockPath())).toBe(false)
    })
  )

  it.live(
    "says so when it cannot remove its lock, the directory made read-only meanwhile, and how to spare the wait",
    (context) =>
      Effect.gen(function* () {
        const logs = captureLogs()
        let undo: (() => void) | undefined
        yield* Effect.sync(() => {
          undo = makeUnwritable(directory)
        }).pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
        if (undo === undefined) return context.skip("cannot make a folder read-only here (root without chattr)")
        undo()
        // Left behind: the next run waits for it as for a killed run's, and this run had said nothing of it.
        expect(existsSync(lockPath())).toBe(true)
        expect(logs.lines).toHaveLength(1)
        expect(logs.lines[0]).toContain(`This run could not remove its ${LOCK_FILE} from ${directory} (`)
        // Under the phase that took the lock, where a log filtered by phase finds it.
        expect(logs.lines[0]).toContain("phase=report-directory")
        expect(logs.lines[0]).toContain(
          "the next run there waits until it has been untouched for 1m, then takes it over as a killed run's. To " +
            `spare that wait, remove ${lockPath()} by hand once this user may write in ${directory}.`
        )
      })
  )

  it.live("is given up by the process's exit too while held, as when a second Ctrl-C ends the process at once", () =>
    Effect.gen(function* () {
      const before = process.listeners("exit")
      const held = yield* Effect.sync(() => {
        const added = process.listeners("exit").filter((listener) => !before.includes(listener))
        // As the process ends: the listener removes this holder's lock file.
        for (const listener of added) listener(130)
        return { added, lockLeft: existsSync(lockPath()) }
      }).pipe(withReportDirectoryLock(directory, "run"))
      expect(held.added).toHaveLength(1)
      expect(held.lockLeft).toBe(false)
      // The listener goes with the lock: a schedule's runs do not pile them up.
      expect(process.listeners("exit")).toEqual(before)
      // Another holder's lock at the same path is not this one's to remove.
      foreignLock(0)
      for (const listener of held.added) listener(130)
      expect(existsSync(lockPath())).toBe(true)
    })
  )

  // A short watch, so a test sees a takeover in a fraction of a second.
  const quick = { staleAfter: Duration.millis(300), heartbeat: Duration.seconds(10), poll: Duration.millis(20) }

  /** A run that takes the directory on the quick watch, and its log lines once it has had it. */
  const runOnQuickWatch = Effect.gen(function* () {
    const logs = captureLogs()
    const ran = yield* Effect.succeed("ran").pipe(
      withReportDirectoryLock(directory, "run", quick),
      Effect.provide(logs.layer),
      Effect.timeout("3 seconds")
    )
    expect(ran).toBe("ran")
    return logs.lines.join("\n")
  })

  it.live("takes over a lock it saw untouched for the stale time, whatever the time on the file says", () =>
    Effect.gen(function* () {
      // Stamped a day ahead: a holder whose clock runs fast, then died.
      foreignLock(-24 * 60 * 60_000)
      const text = yield* runOnQuickWatch
      expect(text).toContain("Waiting for run (pid 999999 on other-box, started 2026-06-30T02:00:00.000Z)")
      expect(text).toContain("was left by run (pid 999999 on other-box")
      // How long it waits is said: an operator can tell a killed run's lock from a slow run's.
      expect(text).toContain("untouched for over 300ms: taking it over.")
      expect(existsSync(lockPath())).toBe(false)
    })
  )

  it.live("a lock file found empty, as while its holder writes it, is described once written, not as an audit", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      writeFileSync(lockPath(), "")
      const waiter = yield* Effect.fork(
        Effect.succeed("ran").pipe(
          withReportDirectoryLock(directory, "run", {
            ...quick,
            staleAfter: Duration.seconds(10),
            poll: Duration.millis(300)
          }),
          Effect.provide(logs.layer)
        )
      )
      yield* Effect.sleep("100 millis")
      foreignLock(0)
      expect(yield* eventually(() => logs.lines.some((line) => line.includes("Waiting for")))).toBe(true)
      rmSync(lockPath())
      expect(yield* Fiber.join(waiter)).toBe("ran")
      const waiting = logs.lines.filter((line) => line.includes("Waiting for"))
      expect(waiting).toHaveLength(1)
      expect(waiting[0]).toContain("Waiting for run (pid 999999 on other-box")
    })
  )

  it.live("an empty lock file left by a run killed before writing it is waited for, then taken over", () =>
    Effect.gen(function* () {
      writeFileSync(lockPath(), "")
      const text = yield* runOnQuickWatch
      expect(text).toContain("Waiting for an audit to finish with the report directory")
      expect(text).toContain(`${LOCK_FILE} in ${directory} was left by an audit, untouched for over 300ms`)
    })
  )

  it.live("says a holder of this machine whose process is gone was killed, and that nothing needs doing", () =>
    Effect.gen(function* () {
      // A process that has ended: its id names no process now.
      const ended = spawnSync(process.execPath, ["-e", ""])
      writeFileSync(
        lockPath(),
        JSON.stringify({
          pid: ended.pid,
          host: hostname(),
          command: "run",
          startedAt: "2026-06-30T02:00:00.000Z",
          token: "x"
        })
      )
      expect(yield* runOnQuickWatch).toContain(
        `(.panther-audit.lock; taken over if left untouched for 300ms). No process ${ended.pid} runs on this ` +
          "machine: that run was killed, and this one goes on once its lock is taken over; nothing needs doing"
      )
    })
  )

  it.live("says nothing of a killed run while the holder's process runs, or runs on another machine", () =>
    Effect.gen(function* () {
      for (const [pid, host] of [
        [process.pid, hostname()],
        [999_999, "other-box"]
      ] as const) {
        writeFileSync(lockPath(), JSON.stringify({ pid, host, command: "run", token: "x" }))
        const text = yield* runOnQuickWatch
        expect(text).toContain("Waiting for run")
        expect(text).not.toContain("No process")
      }
    })
  )

  it.live("does not remove the lock another waiter took over in the moment since it found the killed run's", () =>
    Effect.gen(function* () {
      foreignLock(10 * 60_000)
      const taken = JSON.stringify({ pid: 999_998, host: "other-box", command: "review", token: "other" })
      // The other waiter, which found the same lock stale, removes it and takes its own in the moment after this one
      // said it takes it over: as this one's warning is logged.
      let raced = false
      const racing = Logger.make(({ message }) => {
        if (!raced && String(message).includes("taking it over")) {
          raced = true
          rmSync(lockPath())
          writeFileSync(lockPath(), taken)
        }
      })
      let ran = false
      const waiting = yield* Effect.fork(
        Effect.sync(() => {
          ran = true
        }).pipe(
          withReportDirectoryLock(directory, "run", quick),
          Effect.provide(Logger.replace(Logger.defaultLogger, racing))
        )
      )
      expect(yield* eventually(() => raced)).toBe(true)
      // The other keeps its lock fresh, as a live holder does.
      for (let beat = 1; beat <= 10; beat++) {
        yield* Effect.sleep("30 millis")
        const at = new Date(Date.now() + beat)
        utimesSync(lockPath(), at, at)
      }
      expect(ran).toBe(false)
      yield* Fiber.interrupt(waiting)
      expect(readFileSync(lockPath(), "utf8")).toBe(taken)
    })
  )

  it.live("warns when it has waited long for a holder that keeps its lock fresh, and again as long after", () =>
    Effect.gen(function* () {
      foreignLock(0)
      const logs = captureLogs()
      const timing = { ...quick, staleAfter: Duration.minutes(1), longWait: Duration.millis(200) }
      const waiting = yield* Effect.fork(
        Effect.void.pipe(withReportDirectoryLock(directory, "run", timing), Effect.provide(logs.layer))
      )
      const still = () => logs.lines.filter((line) => line.includes("Still waiting"))
      expect(yield* eventually(() => still().length >= 2)).toBe(true)
      yield* Fiber.interrupt(waiting)
      expect(still()[0]).toContain(
        "Still waiting, after 200ms, for run (pid 999999 on other-box, started 2026-06-30T02:00:00.000Z) to finish " +
          `with the report directory ${directory}: it keeps .panther-audit.lock touched, so it is running, but an ` +
          "audit takes minutes. If it is stuck, stop it: this run then goes on."
      )
      expect(still()[1]).toContain("Still waiting, after 400ms")
      // Whom it waits for is said once, not at each of the looks at the lock meanwhile.
      expect(logs.lines.filter((line) => line.includes("Waiting for run (pid 999999"))).toHaveLength(1)
      expect(existsSync(lockPath())).toBe(true)
    })
  )

  it.live(
    "says, taking over, that the killed holder's finished reports stay, as one killed while mailing left them",
    () =>
      Effect.gen(function* () {
        foreignLock(10 * 60_000)
        for (const ending of [".csv", ".json", ".undelivered"]) {
          writeFileSync(join(directory, `user-audit-20260630T020000Z${ending}`), "x")
        }
        const logs = captureLogs()
        yield* Effect.void.pipe(
          withReportDirectoryLock(directory, "run", quick),
          Effect.provide(logs.layer),
          Effect.timeout("3 seconds")
        )
        const takeover = logs.lines.find((line) => line.includes("taking it over")) ?? ""
        expect(takeover).not.toContain("left no report")
        expect(takeover).toContain(
          "That run was killed: it left nothing half-written under a final name, but the reports it had finished, if " +
            "any, stay, with a .undelivered mark beside them if their email had not gone out."
        )
      })
  )

  it.live("takes over a lock file of hundreds of megabytes as any other, without reading it whole", () =>
    Effect.gen(function* () {
      // A sparse file of zero bytes: it was read whole, and the run failed with "Invalid string length".
      writeFileSync(lockPath(), "")
      truncateSync(lockPath(), 600 * 1024 * 1024)
      const ran = yield* Effect.succeed("ran").pipe(
        withReportDirectoryLock(directory, "run", quick),
        Effect.provide(captureLogs().layer),
        Effect.timeout("5 seconds")
      )
      expect(ran).toBe("ran")
      expect(existsSync(lockPath())).toBe(false)
    })
  )

  it.live("does not take over a lock its holder keeps touching, though its clock is far behind", () =>
    Effect.gen(function* () {
      foreignLock(60 * 60_000)
      let ran = false
      const waiting = yield* Effect.fork(
        Effect.sync(() => {
          ran = true
        }).pipe(withReportDirectoryLock(directory, "review", quick))
      )
      // The holder's heartbeat: a new time every 100 ms, each an hour in the past.
      for (let beat = 1; beat <= 8; beat++) {
        yield* Effect.sleep("100 millis")
        const at = new Date(Date.now() - 60 * 60_000 + beat * 1000)
        utimesSync(lockPath(), at, at)
      }
      expect(ran).toBe(false)
      yield* Fiber.interrupt(waiting)
    })
  )

  it.live("refuses, promptly and saying what to do, a lock path that is a link, a pipe or a folder", () =>
    Effect.gen(function* () {
      const outcomes: Array<string> = []
      for (const make of [
        () => symlinkSync("/nonexistent/x", lockPath()),
        () => execFileSync("mkfifo", [lockPath()]),
        () => mkdirSync(lockPath())
      ]) {
        rmSync(lockPath(), { recursive: true, force: true })
        make()
        const error = yield* Effect.flip(
          Effect.void.pipe(withReportDirectoryLock(directory, "run", quick), Effect.timeout("3 seconds"))
        )
        outcomes.push(error.message)
      }
      for (const message of outcomes) {
        expect(message).toContain(".panther-audit.lock is not a plain file (a link, a folder or a pipe): remove it")
      }
    })
  )

  it.live("waits for a fresh lock of another machine, and a stop while waiting leaves it alone", () =>
    Effect.gen(function* () {
      foreignLock(0)
      const before = readFileSync(lockPath(), "utf8")
      let ran = false
      const waiting = yield* Effect.fork(
        Effect.sync(() => {
          ran = true
        }).pipe(withReportDirectoryLock(directory, "review"))
      )
      yield* Effect.sleep("500 millis")
      expect(ran).toBe(false)
      yield* Fiber.interrupt(waiting)
      expect(ran).toBe(false)
      expect(readFileSync(lockPath(), "utf8")).toBe(before)
    })
  )

  it.live("a run stopped while waiting says so last, so that it does not read as one still waiting", () =>
    Effect.gen(function* () {
      foreignLock(0)
      const logs = captureLogs()
      const waiting = yield* Effect.fork(
        Effect.void.pipe(withReportDirectoryLock(directory, "review"), Effect.provide(logs.layer))
      )
      expect(yield* eventually(() => logs.lines.some((line) => line.includes("Waiting for")))).toBe(true)
      yield* Fiber.interrupt(waiting)
      expect(logs.lines.at(-1)).toContain(
        "review stopped while waiting for run (pid 999999 on other-box, started 2026-06-30T02:00:00.000Z) to finish " +
          `with the report directory ${directory}; it wrote nothing there`
      )
    })
  )

  it.live("a run stopped before it had to wait says nothing of waiting", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const started = yield* Deferred.make<void>()
      const holding = yield* Effect.fork(
        Deferred.succeed(started, undefined).pipe(
          Effect.zipRight(Effect.never),
          withReportDirectoryLock(directory, "run"),
          Effect.provide(logs.layer)
        )
      )
      yield* Deferred.await(started)
      yield* Fiber.interrupt(holding)
      expect(logs.lines.join("\n")).not.toContain("stopped while waiting")
    })
  )

  it.live("keeps its own lock fresh while the audit runs", () =>
    Effect.gen(function* () {
      const touched = yield* Effect.gen(function* () {
        // The heartbeat touches the file at once and then every few seconds (here every 20 ms). Set back twice, each
        // time until touched again: the touch made at once, slow to land on a busy disk, could come after the first
        // setting back, as it could after a fixed wait for it to pass; never after the second.
        const touches: Array<boolean> = []
        for (const _round of [1, 2]) {
          const at = new Date(Date.now() - 30_000)
          utimesSync(lockPath(), at, at)
          touches.push(yield* eventually(() => Date.now() - readMtime() < 10_000))
        }
        return touches
      }).pipe(withReportDirectoryLock(directory, "schedule", { ...quick, heartbeat: Duration.millis(20) }))
      expect(touched).toEqual([true, true])
    })
  )

  // A waiter takes a lock left untouched for a minute for a killed run's: a holder touching it less often than
  // that, alive and in the middle of its audit, would have a second audit running beside it in its directory.
  it.effect("touches its lock every 10 seconds by default, so that no waiter's minute runs out while it runs", () =>
    Effect.gen(function* () {
      const touched = yield* Effect.gen(function* () {
        const touches: Array<boolean> = []
        // Set back, then ten seconds on, each round: the touch made at once may land in the first round, never after.
        for (const _round of [1, 2, 3]) {
          const at = new Date(Date.now() - 30_000)
          utimesSync(lockPath(), at, at)
          yield* TestClock.adjust("10 seconds")
          touches.push(yield* landed(() => Date.now() - readMtime() < 10_000))
        }
        return touches
      }).pipe(withReportDirectoryLock(directory, "run"))
      expect(touched).toEqual([true, true, true])
    })
  )
})

describe("temporary files a killed run left", () => {
  const leave = (name: string, ageMillis: number, bytes = 10) => {
    writeFileSync(join(directory, name), "x".repeat(bytes))
    const at = new Date(Date.now() - ageMillis)
    utimesSync(join(directory, name), at, at)
  }

  /** A folder holding `files` (name to text), untouched for ten minutes. */
  const leaveFolder = (name: string, files: Record<string, string>) => {
    const folder = join(directory, name)
    mkdirSync(folder)
    for (const [file, content] of Object.entries(files)) writeFileSync(join(folder, file), content)
    const at = new Date(Date.now() - 10 * 60_000)
    utimesSync(folder, at, at)
  }

  it.live("are removed by the next holder of the directory, and nothing else is", () =>
    Effect.gen(function* () {
      leave(".user-audit.csv.0123456789ab.tmp", 10 * 60_000, 1_500_000)
      leave(".findings.abcdef012345.tmp", 24 * 60 * 60_000, 500_000)
      // Killed on a machine whose clock was two hours ahead.
      leave(".user-audit.eml.0a0a0a0a0a0a.tmp", -2 * 60 * 60_000, 500_000)
      // Written a moment ago: maybe by a holder that only looked dead.
      leave(".user-audit.json.aaaaaaaaaaaa.tmp", 1_000)
      // Not the tool's temporary files.
      leave("user-audit-20260101T020000Z.csv", 10 * 60_000)
      leave(".notes.tmp", 10 * 60_000)
      leave(".user-audit.csv.0123.tmp", 10 * 60_000)
      mkdirSync(join(directory, ".access-review.csv.bbbbbbbbbbbb.tmp"))
      const folderAt = new Date(Date.now() - 10 * 60_000)
      utimesSync(join(directory, ".access-review.csv.bbbbbbbbbbbb.tmp"), folderAt, folderAt)
      const logs = captureLogs()
      yield* Effect.void.pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
      expect(existsSync(join(directory, ".user-audit.csv.0123456789ab.tmp"))).toBe(false)
      expect(existsSync(join(directory, ".findings.abcdef012345.tmp"))).toBe(false)
      expect(existsSync(join(directory, ".user-audit.eml.0a0a0a0a0a0a.tmp"))).toBe(false)
      for (const kept of [
        ".user-audit.json.aaaaaaaaaaaa.tmp",
        "user-audit-20260101T020000Z.csv",
        ".notes.tmp",
        ".user-audit.csv.0123.tmp",
        ".access-review.csv.bbbbbbbbbbbb.tmp"
      ]) {
        expect(existsSync(join(directory, kept)), kept).toBe(true)
      }
      expect(logs.lines.join("\n")).toContain(
        `Removed 3 temporary files (2.5 MB) left in ${directory} by a run that was killed before it could clean up; ` +
          "what they held was never put in place."
      )
      // A folder under such a name is not the tool's: no warning asks to remove it by hand.
      expect(logs.lines.join("\n")).not.toContain("cannot be removed")
    })
  )

  it.live("that cannot be removed are named, to be removed by hand", (context) =>
    Effect.gen(function* () {
      leave(".user-audit.csv.0123456789ab.tmp", 10 * 60_000)
      const undo = makeUndeletable(directory, [".user-audit.csv.0123456789ab.tmp"])
      if (undo === undefined) return context.skip("cannot make a file undeletable here (root without chattr)")
      const logs = captureLogs()
      yield* Effect.void.pipe(
        withReportDirectoryLock(directory, "run"),
        Effect.provide(logs.layer),
        Effect.ensuring(Effect.sync(undo))
      )
      expect(logs.lines.join("\n")).toContain(
        `Temporary files left in ${directory} by a run that was killed cannot be removed: ` +
          ".user-audit.csv.0123456789ab.tmp ("
      )
      expect(logs.lines.join("\n")).toContain("Remove them by hand.")
    })
  )

  it.live(
    "and the folders of exports killed outright are removed by the next holder, once untouched for a minute",
    () =>
      Effect.gen(function* () {
        const leaveFolder = (name: string, ageMillis: number, mark: string | null = EXPORT_MARK_TEXT) => {
          const folder = join(directory, name)
          mkdirSync(folder)
          if (mark !== null) writeFileSync(join(folder, EXPORT_MARK), mark)
          writeFileSync(join(folder, "inventory-20260101T020000Z.csv"), "x".repeat(1_200_000))
          const at = new Date(Date.now() - ageMillis)
          utimesSync(folder, at, at)
        }
        leaveFolder(".panther-audit-export-a1B2c3", 10 * 60_000)
        // Touched a moment ago: an export still building it (exports do not wait for the lock).
        leaveFolder(".panther-audit-export-Zz9Yy8", 5_000)
        // Touched at a time ahead of this clock: maybe a live export on a machine whose clock is ahead.
        leaveFolder(".panther-audit-export-Ahead1", -2 * 60 * 60_000)
        // Not an export's folder: the wrong name, or a file.
        leaveFolder(".panther-audit-export-toolong1", 10 * 60_000)
        leaveFolder("export-20260101T020000Z", 10 * 60_000)
        leave(".panther-audit-export-f1le00", 10 * 60_000)
        // Named so, but without the mark, or with a file of another kind under its name: nothing proves it an export's.
        leaveFolder(".panther-audit-export-NoMark", 10 * 60_000, null)
        leaveFolder(".panther-audit-export-Forged", 10 * 60_000, "my notes\n")
        const logs = captureLogs()
        yield* Effect.void.pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
        expect(existsSync(join(directory, ".panther-audit-export-a1B2c3"))).toBe(false)
        for (const kept of [
          ".panther-audit-export-Zz9Yy8",
          ".panther-audit-export-Ahead1",
          ".panther-audit-export-toolong1",
          "export-20260101T020000Z",
          ".panther-audit-export-f1le00",
          ".panther-audit-export-NoMark",
          ".panther-audit-export-Forged"
        ]) {
          expect(existsSync(join(directory, kept)), kept).toBe(true)
        }
        const said = logs.lines.join("\n")
        expect(said).toContain(
          `Removed 1 unfinished export folder (1.2 MB) left in ${directory} by an export that was killed before it could clean up`
        )
        expect(said).toContain(
          `Left .panther-audit-export-Forged (1.2 MB), .panther-audit-export-NoMark (1.2 MB) in ${directory} alone: ` +
            "named as an unfinished export's folder, but without the mark an export writes in it first " +
            "(.panther-audit-unfinished-export), so nothing shows an export left it."
        )
      })
  )

  it.live("and those of exports killed before their mark was written, which hold nothing that could be lost", () =>
    Effect.gen(function* () {
      // Killed just after mkdtemp, or between the mark's file being made and its text written.
      leaveFolder(".panther-audit-export-Empty0", {})
      leaveFolder(".panther-audit-export-Blank0", { [EXPORT_MARK]: "" })
      leaveFolder(".panther-audit-export-Begun0", { [EXPORT_MARK]: EXPORT_MARK_TEXT.slice(0, 9) })
      // The start of a mark beside anything else, or another file alone, proves nothing: left, and named.
      leaveFolder(".panther-audit-export-Begun1", { [EXPORT_MARK]: "", "notes.txt": "mine" })
      leaveFolder(".panther-audit-export-Other0", { "notes.txt": "" })
      leaveFolder(".panther-audit-export-Other1", { [EXPORT_MARK]: "panther-audit: my notes" })
      const logs = captureLogs()
      yield* Effect.void.pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
      for (const gone of [
        ".panther-audit-export-Empty0",
        ".panther-audit-export-Blank0",
        ".panther-audit-export-Begun0"
      ]) {
        expect(existsSync(join(directory, gone)), gone).toBe(false)
      }
      expect(readFileSync(join(directory, ".panther-audit-export-Begun1", "notes.txt"), "utf8")).toBe("mine")
      expect(existsSync(join(directory, ".panther-audit-export-Other0", "notes.txt"))).toBe(true)
      expect(existsSync(join(directory, ".panther-audit-export-Other1", EXPORT_MARK))).toBe(true)
      const said = logs.lines.join("\n")
      expect(said).toContain(`Removed 3 unfinished export folders (0.0 MB) left in ${directory}`)
      expect(said).toContain(
        `Left .panther-audit-export-Begun1 (0.0 MB), .panther-audit-export-Other0 (0.0 MB), ` +
          `.panther-audit-export-Other1 (0.0 MB) in ${directory} alone`
      )
    })
  )

  it.live("but not one holding nothing but a mark that is no file, which is named, not passed over in silence", () =>
    Effect.gen(function* () {
      // The start of a mark is a plain file: a link or a folder under its name, alone in the folder, proves nothing.
      const empty = join(directory, "an-empty-file")
      writeFileSync(empty, "")
      const linked = join(directory, ".panther-audit-export-Link00")
      mkdirSync(linked)
      symlinkSync(empty, join(linked, EXPORT_MARK))
      const folded = join(directory, ".panther-audit-export-Fold00")
      mkdirSync(join(folded, EXPORT_MARK), { recursive: true })
      // A pipe opened reads as empty, as the start of a mark would.
      const piped = join(directory, ".panther-audit-export-Pipe00")
      mkdirSync(piped)
      execFileSync("mkfifo", [join(piped, EXPORT_MARK)])
      const at = new Date(Date.now() - 10 * 60_000)
      for (const folder of [linked, folded, piped]) utimesSync(folder, at, at)
      const logs = captureLogs()
      yield* Effect.void.pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
      const left = logs.lines.filter((line) => line.includes(`in ${directory} alone`))
      expect(left).toHaveLength(1)
      for (const folder of [linked, folded, piped]) {
        expect(existsSync(join(folder, EXPORT_MARK)), folder).toBe(true)
        expect(left[0]).toContain(`${basename(folder)} (0.0 MB)`)
      }
    })
  )

  it.live("once untouched for a minute to the millisecond, and not a millisecond before", () =>
    Effect.gen(function* () {
      // Whole seconds, which every file system keeps exactly.
      const touchedAt = Math.floor(Date.now() / 1_000) - 3_600
      const leaveBoth = (suffix: string) => {
        const file = join(directory, `.findings.${suffix.repeat(12)}.tmp`)
        writeFileSync(file, "x")
        const folder = join(directory, `.panther-audit-export-${suffix.repeat(6)}`)
        mkdirSync(folder)
        writeFileSync(join(folder, EXPORT_MARK), EXPORT_MARK_TEXT)
        for (const path of [file, folder]) utimesSync(path, touchedAt, touchedAt)
        return [file, folder]
      }
      const justUnder = leaveBoth("a")
      yield* removeLeftoverFiles(directory, touchedAt * 1_000 + 59_999).pipe(Effect.provide(captureLogs().layer))
      for (const path of justUnder) expect(existsSync(path), path).toBe(true)
      yield* removeLeftoverFiles(directory, touchedAt * 1_000 + 60_000).pipe(Effect.provide(captureLogs().layer))
      for (const path of justUnder) expect(existsSync(path), path).toBe(false)
    })
  )

  it.live("one alone, said in the singular", () =>
    Effect.gen(function* () {
      leave(".findings.abcdef012345.tmp", 10 * 60_000, 500_000)
      const logs = captureLogs()
      yield* removeLeftoverFiles(directory).pipe(Effect.provide(logs.layer))
      expect(logs.lines.join("\n")).toContain(
        `Removed 1 temporary file (0.5 MB) left in ${directory} by a run that was killed before it could clean up; ` +
          "what it held was never put in place."
      )
    })
  )

  it.live("and an export's folder that cannot be removed is named, to be removed by hand", (context) =>
    Effect.gen(function* () {
      const folder = join(directory, ".panther-audit-export-Stuck0")
      mkdirSync(folder)
      writeFileSync(join(folder, EXPORT_MARK), EXPORT_MARK_TEXT)
      writeFileSync(join(folder, "inventory-20260101T020000Z.csv"), "x")
      const at = new Date(Date.now() - 10 * 60_000)
      utimesSync(folder, at, at)
      const undo = makeUndeletable(folder, ["inventory-20260101T020000Z.csv"])
      if (undo === undefined) return context.skip("cannot make a file undeletable here (root without chattr)")
      const logs = captureLogs()
      yield* removeLeftoverFiles(directory).pipe(Effect.provide(logs.layer), Effect.ensuring(Effect.sync(undo)))
      expect(logs.lines.join("\n")).toContain(
        `Unfinished export folders left in ${directory} by an export that was killed cannot be removed: ` +
          ".panther-audit-export-Stuck0 ("
      )
    })
  )

  it.live("but not one whose mark is a link, which anyone who may write in the folder can plant to any file", () =>
    Effect.gen(function* () {
      // A real mark elsewhere, and a user's folder named as an export's with a link to that mark in it: the link proves
      // nothing of the folder, which a removal would take whole.
      const elsewhere = join(directory, "a-mark-of-an-export")
      writeFileSync(elsewhere, EXPORT_MARK_TEXT)
      const folder = join(directory, ".panther-audit-export-Linked")
      mkdirSync(folder)
      symlinkSync(elsewhere, join(folder, EXPORT_MARK))
      writeFileSync(join(folder, "notes.txt"), "mine")
      const at = new Date(Date.now() - 10 * 60_000)
      utimesSync(folder, at, at)
      const logs = captureLogs()
      yield* Effect.void.pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
      expect(readFileSync(join(folder, "notes.txt"), "utf8")).toBe("mine")
      expect(logs.lines.join("\n")).toContain(`Left .panther-audit-export-Linked (0.0 MB) in ${directory} alone`)
    })
  )

  it.live("but a folder of the user's named as earlier versions named an export's is never removed", () =>
    Effect.gen(function* () {
      // Earlier versions removed any folder named .export- and six letters or digits, untouched for a minute.
      leaveFolder(".export-2024Q3", { "access-review-signed.pdf": "%PDF-1.7" })
      leaveFolder(".export-backup", {
        "manifest.json": "{}",
        "inventory-20260101T020000Z.csv": "x".repeat(1_200_000)
      })
      // What an export of an earlier version killed outright left looks like that backup: named, not removed.
      leaveFolder(".export-a1B2c3", { ".findings.0123456789ab.tmp": "x" })
      const logs = captureLogs()
      yield* Effect.void.pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
      for (const kept of [".export-2024Q3", ".export-backup", ".export-a1B2c3"]) {
        expect(existsSync(join(directory, kept)), kept).toBe(true)
      }
      expect(readdirSync(join(directory, ".export-2024Q3"))).toEqual(["access-review-signed.pdf"])
      const said = logs.lines.join("\n")
      // Named only where it could be a killed export's: a folder holding anything else is not even that.
      expect(said).toContain(
        `Left .export-a1B2c3 (0.0 MB), .export-backup (1.2 MB) in ${directory} alone: named as versions before ` +
          "this one named an unfinished export's folder"
      )
      expect(said).not.toContain(".export-2024Q3")
      expect(said).not.toContain("Removed")
    })
  )

  it.live("and of those named as earlier versions named an export's, only ones that could be a killed export's", () =>
    Effect.gen(function* () {
      // "/" makes a folder; anything else, a file of that text.
      const mkdirOrWrite = (path: string, content: string) =>
        content === "/" ? mkdirSync(path) : writeFileSync(path, content)
      const leaveFolder = (name: string, ageMillis: number, files: Record<string, string>) => {
        const folder = join(directory, name)
        mkdirSync(folder)
        for (const [file, content] of Object.entries(files)) mkdirOrWrite(join(folder, file), content)
        const at = new Date(Date.now() - ageMillis)
        utimesSync(folder, at, at)
      }
      // The second report of a second (-2) is an export's as much as the first.
      leaveFolder(".export-Second", 10 * 60_000, { "user-audit-20260101T020000Z-2.csv": "x" })
      // Touched a moment ago: maybe an export of an earlier version still running beside this one.
      leaveFolder(".export-Recent", 5_000, { "user-audit-20260101T020000Z.csv": "x" })
      // A folder under an export's file name is no export's.
      leaveFolder(".export-Nested", 10 * 60_000, { "inventory-20260101T020000Z.csv": "/" })
      const logs = captureLogs()
      yield* Effect.void.pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
      const said = logs.lines.filter((line) => line.includes("versions before this one"))
      expect(said).toHaveLength(1)
      expect(said[0]).toContain(`Left .export-Second (0.0 MB) in ${directory} alone`)
    })
  )

  it.live("are told apart by the names every temporary file of the tool gets", () =>
    Effect.scoped(
      Effect.gen(function* () {
        for (const label of ["user-audit.csv", "user-audit.undelivered", "access-review.xlsx", "findings"]) {
          yield* openTempFile(directory, label)
        }
        const names = readdirSync(directory)
        expect(names).toHaveLength(4)
        expect(names.filter(isTemporaryName)).toEqual(names)
      })
    )
  )

  it.live("that cannot be looked for are said to be so", () =>
    Effect.gen(function* () {
      // A file where the folder should be (ENOTDIR): a listing that fails, as an unreadable folder's does, even for
      // root.
      const notAFolder = join(directory, "reports")
      writeFileSync(notAFolder, "")
      const logs = captureLogs()
      yield* removeLeftoverFiles(notAFolder).pipe(Effect.provide(logs.layer))
      expect(logs.lines.join("\n")).toContain(
        `Could not look for temporary files left in ${notAFolder} by a killed run: it cannot be listed (a part of the path is not a directory)`
      )
      const gone = captureLogs()
      yield* removeLeftoverFiles(join(directory, "gone")).pipe(Effect.provide(gone.layer))
      expect(gone.lines).toEqual([])
    })
  )

  it.live("say nothing when there are none", () =>
    Effect.gen(function* () {
      leave("user-audit-20260101T020000Z.csv", 10 * 60_000)
      const logs = captureLogs()
      yield* Effect.void.pipe(withReportDirectoryLock(directory, "run"), Effect.provide(logs.layer))
      expect(logs.lines.join("\n")).not.toContain("temporary file")
    })
  )
})
