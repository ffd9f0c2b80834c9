import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option } from "effect"
import { commitFiles } from "../../src/Reports/CommitFiles.js"
import { LOCK_FILE, withReportDirectoryLock } from "../../src/Reports/DirectoryLock.js"
import { confirmHeldReportDirectory } from "../../src/Reports/HeldDirectory.js"
import { openTempFile } from "../../src/Reports/TempFile.js"
import { pruneAfterRun } from "../../src/Schedule/RetentionOptions.js"
import { lockTokenIn, makeAnew, putAnotherAuditsLock } from "../support/directoryMadeAnew.js"
import { captureLogs } from "../support/testClient.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "made-anew-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

/** Whether `done` comes true within a few seconds. */
const eventually = (done: () => boolean) =>
  Effect.gen(function* () {
    const deadline = Date.now() + 5_000
    while (!done() && Date.now() < deadline) yield* Effect.sleep("5 millis")
    return done()
  })

/** Writes a report and puts it in place, as a run does once its audit is done. */
const placeReport = Effect.scoped(
  Effect.gen(function* () {
    const csv = yield* openTempFile(directory, "user-audit.csv")
    yield* csv.append("a,b\n")
    yield* csv.finish
    return yield* commitFiles(directory, "user-audit-20261204T030000Z", [{ tempPath: csv.path, extension: ".csv" }])
  })
)

const quick = { staleAfter: Duration.minutes(1), poll: Duration.millis(20) }

/**
 * Lets the heartbeat's first touch, made as the lock is taken, pass: with the next an hour away, only the look
 * taken before placing can find the lock gone.
 */
const afterFirstHeartbeat = Effect.sleep("300 millis")

describe("a report directory removed and made anew while an audit holds it", () => {
  it.live("is taken again by the heartbeat when no other audit has taken it, saying so", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const retaken = yield* Effect.gen(function* () {
        const token = lockTokenIn(directory)
        makeAnew(directory)
        // The warning comes once the lock file is written whole: a file only seen there may still be empty.
        const back = yield* eventually(() => logs.lines.some((line) => line.includes("this run took it again")))
        return back && lockTokenIn(directory) === token
      }).pipe(
        withReportDirectoryLock(directory, "run", { ...quick, heartbeat: Duration.millis(20) }),
        Effect.provide(logs.layer)
      )
      expect(retaken).toBe(true)
      // Given up at the end as ever.
      expect(readdirSync(directory)).toEqual([])
      expect(logs.lines.join("\n")).toContain(
        `The lock file ${LOCK_FILE} of the report directory ${directory} was removed while this run held it (was the ` +
          "directory emptied or made anew?). No other audit had taken it: this run took it again and goes on."
      )
    })
  )

  it.live("is taken again before the reports are put in place, when the heartbeat has not come round yet", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const placed = yield* Effect.gen(function* () {
        yield* afterFirstHeartbeat
        makeAnew(directory)
        const placed = yield* placeReport
        return { placed, lockBack: readdirSync(directory).includes(LOCK_FILE) }
      }).pipe(
        withReportDirectoryLock(directory, "run", { ...quick, heartbeat: Duration.hours(1) }),
        Effect.provide(logs.layer)
      )
      expect(placed.placed).toEqual([join(directory, "user-audit-20261204T030000Z.csv")])
      expect(placed.lockBack).toBe(true)
      expect(logs.lines.join("\n")).toContain("No other audit had taken it: this run took it again and goes on.")
    })
  )

  it.live("is taken again once when checks at the same moment find the lock gone, none taking it for another's", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      // The heartbeat and the steps placing files and marks look at the lock on their own: one of them finding the
      // lock file just made again, still empty, by another, took it for another audit's and stopped the run.
      const rounds = yield* Effect.gen(function* () {
        yield* afterFirstHeartbeat
        for (let round = 0; round < 20; round++) {
          makeAnew(directory)
          yield* Effect.all(
            Array.from({ length: 4 }, () => confirmHeldReportDirectory),
            { concurrency: "unbounded" }
          )
        }
        return 20
      }).pipe(
        withReportDirectoryLock(directory, "run", { ...quick, heartbeat: Duration.hours(1) }),
        Effect.provide(logs.layer)
      )
      expect(rounds).toBe(20)
      expect(logs.lines.filter((line) => line.includes("this run took it again")).length).toBe(20)
    })
  )

  it.live("puts no report in place once another audit holds the directory made anew, and fails with exit 4", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.flip(
        Effect.gen(function* () {
          yield* afterFirstHeartbeat
          makeAnew(directory)
          putAnotherAuditsLock(directory)
          return yield* placeReport
        }).pipe(withReportDirectoryLock(directory, "run", { ...quick, heartbeat: Duration.hours(1) }))
      )
      expect(failed._tag).toBe("ReportError")
      expect(failed.exitCode).toBe(4)
      expect(failed.message).toBe(
        `this run no longer holds the report directory ${directory}: schedule (pid 4242 on other-box, started ` +
          "2026-12-04T02:00:00.000Z) holds it now. This run's lock file was removed or taken over while it ran (the " +
          "directory emptied or made anew, or this process paused for over 1m), and two audits in one directory " +
          "take each other's reports and marks: this run stopped, writing nothing more there. Run it again once " +
          "the other is done."
      )
      // Nothing of this run's is left there, and the other audit's lock is its own still.
      expect(readdirSync(directory)).toEqual([LOCK_FILE])
      expect(lockTokenIn(directory)).toBe("x")
    })
  )

  it.live("stops the run as soon as the heartbeat finds another audit holding it, leaving that one's lock", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.flip(
        Effect.gen(function* () {
          makeAnew(directory)
          putAnotherAuditsLock(directory)
          // An audit still fetching users: stopped by the heartbeat, not left to run on beside the other.
          return yield* Effect.never
        }).pipe(
          withReportDirectoryLock(directory, "review", { ...quick, heartbeat: Duration.millis(20) }),
          Effect.timeout("5 seconds")
        )
      )
      expect(failed._tag).toBe("ReportError")
      expect(failed.message).toContain(`this review no longer holds the report directory ${directory}: schedule (pid`)
      expect(readdirSync(directory)).toEqual([LOCK_FILE])
      expect(lockTokenIn(directory)).toBe("x")
    })
  )

  it.live("deletes no old report by retention once another audit holds the directory made anew", () =>
    Effect.gen(function* () {
      const reports = [
        "user-audit-20261201T030000Z.csv",
        "user-audit-20261201T030000Z.json",
        "user-audit-20261202T030000Z.csv",
        "user-audit-20261202T030000Z.json"
      ]
      const failed = yield* Effect.flip(
        Effect.gen(function* () {
          yield* afterFirstHeartbeat
          makeAnew(directory)
          putAnotherAuditsLock(directory)
          // The other audit's previous reports: keeping one run would delete the older set.
          for (const name of reports) writeFileSync(join(directory, name), "x")
          yield* pruneAfterRun(
            directory,
            { keepRuns: Option.some(1), keepDays: Option.none() },
            { reports: [], runId: "r1" }
          )
        }).pipe(withReportDirectoryLock(directory, "run", { ...quick, heartbeat: Duration.hours(1) }))
      )
      expect(failed._tag).toBe("ReportError")
      expect(failed.message).toContain(`this run no longer holds the report directory ${directory}: schedule (pid`)
      expect(readdirSync(directory).sort()).toEqual([LOCK_FILE, ...reports])
    })
  )
})
