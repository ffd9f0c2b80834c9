/**
 * The mark of a run whose email failed: rewritten with the reason so that no reader ever finds it half written, and
 * said in the log only once it says why. Real files in a temporary directory.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Logger } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { recordDeliveryFailure } from "../../src/Audit/AuditJob.js"
import { DeliveryError } from "../../src/Email/DeliveryError.js"
import type { ReportError } from "../../src/Reports/ReportError.js"
import {
  clearEarlierMarks,
  markUndelivered,
  notMailedSince,
  pendingMark,
  readNotMailedSince
} from "../../src/Reports/UndeliveredMark.js"

const root = mkdtempSync(join(tmpdir(), "undelivered-mark-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let folders = 0
const freshReportDirectory = (): string => {
  const directory = join(root, `reports-${folders++}`)
  mkdirSync(directory)
  return directory
}

/** A JSON report as far as the marks read it: its `asOf`, and no findings. */
const writeReport = (directory: string, stem: string, asOf: string): string => {
  const path = join(directory, `${stem}.json`)
  writeFileSync(path, `{\n"run": {\n  "asOf": "${asOf}"\n},\n"findings": [\n]\n}\n`)
  return path
}

/** The names of the undelivered-email marks in a report directory. */
const marksIn = (directory: string): ReadonlyArray<string> =>
  readdirSync(directory).filter((name) => name.endsWith(".undelivered"))

/** A fresh report directory holding a run's pending mark, as the run put it in place with its reports. */
const reportsWithPendingMark = () => {
  const directory = freshReportDirectory()
  const json = join(directory, "user-audit-20260101T000000Z.json")
  const mark = join(directory, "user-audit-20260101T000000Z.undelivered")
  writeFileSync(mark, pendingMark("user-audit-20251231T000000Z.json"))
  return { directory, json, mark }
}

/** Runs `effect`, handing each log line's message to `onLine` as it is logged. */
const runLogging = (effect: Effect.Effect<void, ReportError>, onLine: (message: string) => void) =>
  Effect.runPromise(
    effect.pipe(
      Effect.provide(
        Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ message }) => onLine(String(message)))
        )
      )
    )
  )

describe("the undelivered mark", () => {
  it("says why the email failed and keeps naming the earliest report not mailed, leaving nothing else behind", async () => {
    const { directory, json, mark } = reportsWithPendingMark()
    await Effect.runPromise(
      markUndelivered(json, "the SMTP server refused the login", "user-audit-20251231T000000Z.json")
    )
    const text = readFileSync(mark, "utf8")
    expect(text).toContain("may not have been delivered. Why: the SMTP server refused the login\n")
    expect(notMailedSince(text)).toBe("user-audit-20251231T000000Z.json")
    // Never more than 0640 (the umask may take more away): not for every user of the machine to read.
    expect(statSync(mark).mode & 0o777 & ~0o640).toBe(0)
    expect(readdirSync(directory)).toEqual(["user-audit-20260101T000000Z.undelivered"])
  })

  it("is never found empty or half written while it is rewritten", async () => {
    const { json, mark } = reportsWithPendingMark()
    const pending = readFileSync(mark, "utf8")
    const reason = "x".repeat(200_000)
    // Reads the mark at every turn of the event loop, as another process may at any moment: each read is either
    // the mark as it was or the mark as rewritten, whole.
    const reads = { whole: 0, other: [] as Array<string> }
    let reading = true
    const readEveryTurn = () => {
      const text = readFileSync(mark, "utf8")
      if (text === pending || (text.includes(`Why: ${reason}\n`) && text.endsWith("finds nothing new.\n"))) {
        reads.whole++
      } else {
        reads.other.push(`${text.length} characters: ${text.slice(0, 60)}`)
      }
      if (reading) setImmediate(readEveryTurn)
    }
    readEveryTurn()
    for (let rewrite = 0; rewrite < 40; rewrite++) {
      await Effect.runPromise(markUndelivered(json, reason, undefined))
    }
    reading = false
    expect(reads.other).toEqual([])
    expect(reads.whole).toBeGreaterThan(40)
  })

  it("that cannot be written is logged, and leaves no temporary file", async () => {
    const { directory, json, mark } = reportsWithPendingMark()
    rmSync(mark)
    // A folder where the mark goes: nothing can be renamed over it.
    mkdirSync(mark)
    const lines: Array<string> = []
    await runLogging(markUndelivered(json, "refused", undefined), (line) => lines.push(line))
    expect(lines).toEqual([expect.stringContaining(`could not mark ${json} as not mailed`)])
    expect(readdirSync(directory)).toEqual(["user-audit-20260101T000000Z.undelivered"])
  })

  it("whose earlier marks cannot be looked for says so, rather than leave them unsaid", async () => {
    // A file where the folder should be (ENOTDIR): a listing that fails, as an unreadable folder's does, even for root.
    const notAFolder = join(root, `reports-${folders++}`)
    writeFileSync(notAFolder, "")
    const lines: Array<string> = []
    await runLogging(clearEarlierMarks(join(notAFolder, "user-audit-20260101T000000Z.json"), Date.now()), (line) =>
      lines.push(line)
    )
    expect(lines).toEqual([
      `could not remove the marks of earlier runs in ${notAFolder}, which cannot be listed (a part of the path is not a directory)`
    ])
    // Gone, it holds no mark to remove.
    lines.length = 0
    await runLogging(clearEarlierMarks(join(root, "gone", "user-audit-20260101T000000Z.json"), Date.now()), (line) =>
      lines.push(line)
    )
    expect(lines).toEqual([])
  })

  it("says why before the log line saying the email failed is written", async () => {
    const { json, mark } = reportsWithPendingMark()
    const markWhenLogged: Array<string> = []
    await runLogging(
      recordDeliveryFailure(
        { reports: { csv: json.replace(/\.json$/, ".csv"), json, undelivered: mark } },
        new DeliveryError({ message: "the SMTP server at 127.0.0.1:1 refused the connection" })
      ),
      (line) => {
        if (line.startsWith("audit email failed")) markWhenLogged.push(readFileSync(mark, "utf8"))
      }
    )
    expect(markWhenLogged).toEqual([
      expect.stringContaining("Why: the SMTP server at 127.0.0.1:1 refused the connection")
    ])
  })
})

describe("an email that went out", () => {
  /** A run's JSON report, as of `asOf`, and its mark. */
  const reportWithMark = (directory: string, stem: string, asOf: string) => {
    writeReport(directory, stem, asOf)
    writeFileSync(join(directory, `${stem}.undelivered`), pendingMark(undefined))
  }

  it("takes as the earliest not mailed only a JSON report's name, and nothing from an outsize mark", async () => {
    expect(notMailedSince("Not mailed since: user-audit-20251231T000000Z.json\n")).toBe(
      "user-audit-20251231T000000Z.json"
    )
    for (const named of [
      "user-audit-20251231T000000Z.csv",
      "../../etc/passwd",
      "reports/user-audit-20251231T000000Z.json"
    ]) {
      expect(notMailedSince(`Not mailed since: ${named}\n`)).toBeUndefined()
    }
    const directory = freshReportDirectory()
    const mark = join(directory, "user-audit-20260101T000000Z.undelivered")
    writeFileSync(mark, `${pendingMark("user-audit-20251231T000000Z.json")}${"x".repeat(64 * 1024)}`)
    const own = "user-audit-20260101T000000Z.json"
    expect(await readNotMailedSince(mark, own)).toBe(own)
  })

  it("names no report not mailed for a report without a mark, whose email went out", async () => {
    // Taken for its own earliest report not mailed, retention kept the reports after it as news not yet mailed.
    const directory = freshReportDirectory()
    const own = "user-audit-20260101T000000Z.json"
    expect(await readNotMailedSince(join(directory, "user-audit-20260101T000000Z.undelivered"), own)).toBeUndefined()
  })

  it("leaves the mark of a report stamped after the run's own, whose news its email did not carry", async () => {
    const directory = freshReportDirectory()
    reportWithMark(directory, "user-audit-20260629T020000Z", "2026-06-29T02:00:00.000Z")
    reportWithMark(directory, "user-audit-20260630T030000Z", "2026-06-30T03:00:00.000Z")
    const own = writeReport(directory, "user-audit-20260630T020000Z", "2026-06-30T02:00:00.000Z")
    await Effect.runPromise(clearEarlierMarks(own, Date.parse("2026-07-01T00:00:00.000Z")))
    expect(marksIn(directory)).toEqual(["user-audit-20260630T030000Z.undelivered"])
  })

  it("of a run --as-of a past day leaves the marks of reports as of after it, whose news it did not carry", async () => {
    const directory = freshReportDirectory()
    // Last night's email failed, and so did the one of the night before.
    reportWithMark(directory, "user-audit-20260629T020000Z", "2026-06-29T02:00:00.000Z")
    reportWithMark(directory, "user-audit-20260630T020000Z", "2026-06-30T02:00:00.000Z")
    // A backfill written since, as of the 29th's noon: it compared with the 29th's report, and mailed.
    const backfill = writeReport(directory, "user-audit-20260630T100000Z", "2026-06-29T12:00:00.000Z")
    await Effect.runPromise(clearEarlierMarks(backfill, Date.parse("2026-06-29T12:00:00.000Z")))
    expect(marksIn(directory)).toEqual(["user-audit-20260630T020000Z.undelivered"])
    // The next nightly run's email carries last night's news: that mark goes then.
    const next = join(directory, "user-audit-20260701T020000Z.json")
    await Effect.runPromise(clearEarlierMarks(next, Date.parse("2026-07-01T02:00:00.000Z")))
    expect(marksIn(directory)).toEqual([])
  })
})
