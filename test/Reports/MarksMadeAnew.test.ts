/**
 * The marks of undelivered email are written and removed only while the run holds its report directory, as reports
 * are placed (DirectoryMadeAnew.test.ts): the directory made anew between two heartbeats, and taken by another
 * audit, holds that audit's marks, not this run's. Real files in a temporary directory, and the real lock.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { recordDeliveryFailure } from "../../src/Audit/AuditJob.js"
import { DeliveryError } from "../../src/Email/DeliveryError.js"
import { LOCK_FILE, withReportDirectoryLock } from "../../src/Reports/DirectoryLock.js"
import { clearEarlierMarks, clearUndelivered, markUndelivered, pendingMark } from "../../src/Reports/UndeliveredMark.js"
import { lockTokenIn, makeAnew, putAnotherAuditsLock } from "../support/directoryMadeAnew.js"
import { captureLogs } from "../support/testClient.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "marks-made-anew-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

/**
 * With the heartbeat an hour away after its first touch, made as the lock is taken, only the look taken before a mark
 * is changed can find the lock gone or another audit's.
 */
const timing = { staleAfter: Duration.minutes(1), poll: Duration.millis(20), heartbeat: Duration.hours(1) }
const afterFirstHeartbeat = Effect.sleep("300 millis")

const own = () => join(directory, "user-audit-20261204T030000Z.json")
/** The other audit's earlier report and its mark, which its own email is still to settle. */
const othersMark = "user-audit-20261203T030000Z.undelivered"
const othersFiles = () => {
  writeFileSync(join(directory, "user-audit-20261203T030000Z.json"), "{}")
  writeFileSync(join(directory, othersMark), pendingMark(undefined))
}

const lost = () =>
  `this run no longer holds the report directory ${directory}: schedule (pid 4242 on other-box, started ` +
  "2026-12-04T02:00:00.000Z) holds it now."

describe("a mark of undelivered email, once the report directory is made anew", () => {
  const changes = {
    "written with why the email failed": () => markUndelivered(own(), "the SMTP server refused the login", undefined),
    "of the run's own report removed": () =>
      clearUndelivered(join(directory, "user-audit-20261204T030000Z.undelivered")),
    "of earlier reports removed": () => clearEarlierMarks(own(), Date.parse("2026-12-04T03:00:00.000Z"))
  }

  for (const [what, change] of Object.entries(changes)) {
    it.live(`${what} stops the run with exit 4 once another audit holds it, changing nothing there`, () =>
      Effect.gen(function* () {
        const failed = yield* Effect.flip(
          Effect.gen(function* () {
            yield* afterFirstHeartbeat
            makeAnew(directory)
            putAnotherAuditsLock(directory)
            othersFiles()
            yield* change()
          }).pipe(withReportDirectoryLock(directory, "run", timing))
        )
        expect(failed._tag).toBe("ReportError")
        expect(failed.exitCode).toBe(4)
        expect(failed.message).toContain(lost())
        expect(readdirSync(directory).sort()).toEqual([LOCK_FILE, "user-audit-20261203T030000Z.json", othersMark])
        expect(readFileSync(join(directory, othersMark), "utf8")).toBe(pendingMark(undefined))
        expect(lockTokenIn(directory)).toBe("x")
      })
    )
  }

  it.live("not written, as another audit holds the directory, leaves the failed delivery said in the log", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const failed = yield* Effect.flip(
        Effect.gen(function* () {
          yield* afterFirstHeartbeat
          makeAnew(directory)
          putAnotherAuditsLock(directory)
          yield* recordDeliveryFailure(
            { reports: { csv: own().replace(/\.json$/, ".csv"), json: own() } },
            new DeliveryError({ message: "the SMTP server at 127.0.0.1:1 refused the connection" })
          )
        }).pipe(withReportDirectoryLock(directory, "run", timing), Effect.provide(logs.layer))
      )
      expect(failed.message).toContain(lost())
      expect(logs.lines.join("\n")).toContain("audit email failed; the reports are complete")
      expect(readdirSync(directory)).toEqual([LOCK_FILE])
    })
  )

  it.live("is written once the run has taken its lock again, saying so, when no other audit took it", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const after = yield* Effect.gen(function* () {
        yield* afterFirstHeartbeat
        makeAnew(directory)
        yield* markUndelivered(own(), "the SMTP server refused the login", undefined)
        return readdirSync(directory).sort()
      }).pipe(withReportDirectoryLock(directory, "run", timing), Effect.provide(logs.layer))
      expect(after).toEqual([LOCK_FILE, "user-audit-20261204T030000Z.undelivered"])
      expect(logs.lines.join("\n")).toContain("No other audit had taken it: this run took it again and goes on.")
    })
  )
})
