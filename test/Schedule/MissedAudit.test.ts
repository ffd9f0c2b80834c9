import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Cron, Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { type CronSchedule, parseCronSchedule } from "../../src/Schedule/CronSchedule.js"
import { catchUpAtStart, findMissedAudit, lastTickAtOrBefore, reportMadeSince } from "../../src/Schedule/MissedAudit.js"

const at = (iso: string) => Date.parse(iso)
const iso = (epoch: number | undefined) => (epoch === undefined ? undefined : new Date(epoch).toISOString())

const schedule = (expression: string, timeZone = "UTC"): CronSchedule =>
  Either.getOrThrow(parseCronSchedule(expression, timeZone, at("2026-01-01T00:00:00Z")))

/** The latest tick at or before `now` by stepping forward from `from` tick by tick, as the schedule runs. */
const steppedTo = (plan: CronSchedule, from: number, now: number): number | undefined => {
  let last: number | undefined
  for (let tick = Cron.next(plan.cron, from).getTime(); tick <= now; tick = Cron.next(plan.cron, tick).getTime()) {
    last = tick
  }
  return last
}

/**
 * A findings report in `directory` whose run section records `asOf` and `apiBaseUrl`, and no findings. As in a report
 * `run` writes, the API's URL comes some hundred bytes into the file, after the run's id, tool and times.
 */
const writeReportHead = (directory: string, name: string, asOf: string, apiBaseUrl: string) => {
  const run = {
    runId: "6b9dce75-78b5-4715-a25b-cf512a870c86",
    tool: { name: "panther-user-audit", version: "0.1.0" },
    asOf,
    startedAt: asOf,
    finishedAt: asOf,
    apiBaseUrl
  }
  writeFileSync(join(directory, name), `${JSON.stringify({ run, findings: [] }, null, 2)}\n`)
}

describe("lastTickAtOrBefore", () => {
  it("finds the tick at, a moment after, and a day after it", () => {
    const nightly = schedule("0 2 * * *")
    expect(iso(lastTickAtOrBefore(nightly, at("2026-12-01T02:00:00.000Z")))).toBe("2026-12-01T02:00:00.000Z")
    expect(iso(lastTickAtOrBefore(nightly, at("2026-12-01T02:00:00.400Z")))).toBe("2026-12-01T02:00:00.000Z")
    expect(iso(lastTickAtOrBefore(nightly, at("2026-12-01T01:59:59.999Z")))).toBe("2026-11-30T02:00:00.000Z")
    expect(iso(lastTickAtOrBefore(nightly, at("2026-12-02T01:00:00.000Z")))).toBe("2026-12-01T02:00:00.000Z")
  })

  it("reads the schedule in its time zone, across the nights clocks change", () => {
    const berlin = schedule("30 2 * * *", "Europe/Berlin")
    // 02:30 does not exist in Berlin on 2026-03-29: that night's run is at 03:30 summer time, 01:30 UTC.
    expect(iso(lastTickAtOrBefore(berlin, at("2026-03-29T12:00:00Z")))).toBe("2026-03-29T01:30:00.000Z")
    // 02:30 happens twice on 2026-10-25: the first, 00:30 UTC.
    expect(iso(lastTickAtOrBefore(berlin, at("2026-10-25T12:00:00Z")))).toBe("2026-10-25T00:30:00.000Z")
  })

  it("finds the tick before an instant of the hour clocks repeat, not one after it", () => {
    // Ticks at 02:00, 02:15, 02:30 and 02:45 CEST (00:00 to 00:45 UTC) on 2026-10-25, not again at 02:xx CET.
    const quarterHours = schedule("*/15 2 * * *", "Europe/Berlin")
    expect(iso(lastTickAtOrBefore(quarterHours, at("2026-10-25T01:20:00Z")))).toBe("2026-10-25T00:45:00.000Z")
    expect(iso(lastTickAtOrBefore(quarterHours, at("2026-10-25T01:50:00Z")))).toBe("2026-10-25T00:45:00.000Z")
    // 01:30 EDT is 05:30 UTC; 06:10 UTC is 01:10 EST.
    const newYork = schedule("30 1 * * *", "America/New_York")
    expect(iso(lastTickAtOrBefore(newYork, at("2026-11-01T06:10:00Z")))).toBe("2026-11-01T05:30:00.000Z")
    const stepped = steppedTo(quarterHours, at("2026-10-24T12:00:00Z"), at("2026-10-25T01:20:00Z"))
    expect(iso(stepped)).toBe("2026-10-25T00:45:00.000Z")
  })

  it("agrees with stepping forward tick by tick, for dense and sparse schedules at many instants", () => {
    // Each with a window it fires in, whatever the instant: where stepping from starts.
    const plans: Array<[CronSchedule, number]> = [
      [schedule("* * * * * *"), 2_000],
      // Two ticks a second apart, then none for 59 seconds: the search must narrow to under a second, or it lands
      // between the two and answers the first.
      [schedule("0,1 * * * * *"), 61_000],
      [schedule("*/7 * 2 * * *"), 26 * 3_600_000],
      [schedule("15 */6 * * 1-5", "America/New_York"), 5 * 86_400_000],
      [schedule("0 0 1 * *", "Australia/Lord_Howe"), 40 * 86_400_000]
    ]
    const from = at("2026-01-01T00:00:00Z")
    for (const [plan, window] of plans) {
      for (let i = 0; i < 40; i++) {
        // Spread over 80 days, at odd milliseconds.
        const now = from + 86_400_000 + i * 172_800_000 + i * 3_613_777
        expect([plan.expression, iso(lastTickAtOrBefore(plan, now))]).toEqual([
          plan.expression,
          iso(steppedTo(plan, now - window, now))
        ])
      }
    }
  })

  it("gives none for a schedule that has not fired within 400 days", () => {
    // The 29th of February: last in 2024.
    expect(lastTickAtOrBefore(schedule("0 0 29 2 *"), at("2026-12-01T00:00:00Z"))).toBeUndefined()
    expect(iso(lastTickAtOrBefore(schedule("0 0 29 2 *"), at("2025-01-01T00:00:00Z")))).toBe("2024-02-29T00:00:00.000Z")
  })
})

describe("findMissedAudit", () => {
  const nightly = schedule("0 2 * * *")
  const api = "https://api.acme.example"
  const now = at("2026-12-01T09:00:00Z")

  it("finds the last tick missed when the newest report is from before it", () => {
    const names = [
      "user-audit-20261129T020001Z.json",
      "user-audit-20261130T020000Z.csv",
      "user-audit-20261130T020000Z.json",
      "user-audit-20261130T020000Z-2.json",
      "notes.json"
    ]
    expect(findMissedAudit(nightly, now, names)).toEqual({
      tick: at("2026-12-01T02:00:00Z"),
      newestReport: "user-audit-20261130T020000Z-2.json",
      newestIsBackfill: false
    })
  })

  it("finds none when a report is stamped at the tick or after it, whatever its ending", () => {
    expect(findMissedAudit(nightly, now, ["user-audit-20261201T020000Z.json"])).toBeUndefined()
    expect(findMissedAudit(nightly, now, ["user-audit-20261201T080000Z.json"])).toBeUndefined()
    // A report's CSV alone is no report: its JSON is what the next run compares with.
    expect(
      findMissedAudit(nightly, now, ["user-audit-20261201T080000Z.csv", "user-audit-20261130T020000Z.json"])
    ).toEqual({
      tick: at("2026-12-01T02:00:00Z"),
      newestReport: "user-audit-20261130T020000Z.json",
      newestIsBackfill: false
    })
  })

  it("leaves out reports stamped ahead of now, by a clock set back since, beyond what clocks may differ", () => {
    // A run made while the clock was a year ahead: the night's audit is still missing.
    expect(
      findMissedAudit(nightly, now, ["user-audit-20261130T020000Z.json", "user-audit-20271201T020000Z.json"])
    ).toEqual({
      tick: at("2026-12-01T02:00:00Z"),
      newestReport: "user-audit-20261130T020000Z.json",
      newestIsBackfill: false
    })
    // Minutes ahead: another machine's clock on a shared volume, a report of since the tick.
    expect(
      findMissedAudit(nightly, now, ["user-audit-20261130T020000Z.json", "user-audit-20261201T090300Z.json"])
    ).toBeUndefined()
  })

  it("takes a report written after the tick as of an earlier instant (a backfill) for no audit of it", async () => {
    const directory = mkdtempSync(join(tmpdir(), "missed-audit-"))
    try {
      const report = (name: string, asOf: string) => writeReportHead(directory, name, asOf, api)
      report("user-audit-20261130T020000Z.json", "2026-11-30T02:00:00.000Z")
      // `run --as-of 2026-06-30` at 08:00, after the night's run was missed.
      report("user-audit-20261201T080000Z.json", "2026-06-30T00:00:00.000Z")
      const tick = at("2026-12-01T02:00:00Z")
      expect(await Effect.runPromise(catchUpAtStart(directory, nightly, now, api))).toEqual({
        tick,
        why:
          `no report in ${directory} is from since (the newest is user-audit-20261201T080000Z.json, of a run ` +
          "--as-of an earlier instant): the schedule was not running then, or that run was stopped or failed"
      })
      expect(reportMadeSince(directory, tick, now, api)).toBeUndefined()
      // The night's own audit, late: as of its start.
      report("user-audit-20261201T083000Z.json", "2026-12-01T08:30:00.000Z")
      expect(await Effect.runPromise(catchUpAtStart(directory, nightly, now, api))).toBeUndefined()
      expect(reportMadeSince(directory, tick, now, api)).toBe("user-audit-20261201T083000Z.json")
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it("finds none when the night's audit was made and a backfill was written after it", () => {
    // The nightly run at 02:00, then `run --as-of 2026-06-30` at 08:00: newest by name, but no audit of the tick. A
    // start-up reading only the newest would audit the night again, and send its email twice.
    const backfill = "user-audit-20261201T080000Z"
    const names = ["user-audit-20261130T020000Z.json", "user-audit-20261201T020005Z.json", `${backfill}.json`]
    const missed = findMissedAudit(nightly, now, names, {
      read: (report) => ({
        asOf: report.stem === backfill ? at("2026-06-30T00:00:00Z") : report.stampedAt,
        apiBaseUrl: undefined
      })
    })
    expect(missed).toBeUndefined()
  })

  it("takes a report written in the tick's very second as of an earlier instant for a backfill too", () => {
    const backfill = "user-audit-20261201T020000Z"
    const missed = findMissedAudit(nightly, now, ["user-audit-20261130T020000Z.json", `${backfill}.json`], {
      read: (report) => ({
        asOf: report.stem === backfill ? at("2026-06-30T00:00:00Z") : report.stampedAt,
        apiBaseUrl: undefined
      })
    })
    expect(missed).toEqual({
      tick: at("2026-12-01T02:00:00Z"),
      newestReport: `${backfill}.json`,
      newestIsBackfill: true
    })
  })

  it("takes a report of another Panther in the same directory for none of this one's audits", async () => {
    const directory = mkdtempSync(join(tmpdir(), "missed-audit-"))
    try {
      const report = (name: string, apiBaseUrl: string) =>
        writeReportHead(directory, name, reportAsOf(name), apiBaseUrl)
      const reportAsOf = (name: string) => `${name.slice(11, 15)}-${name.slice(15, 17)}-${name.slice(17, 19)}T02:00:00Z`
      report("user-audit-20261130T020000Z.json", api)
      // Another instance's schedule wrote the night's report; this one's went missing.
      report("user-audit-20261201T020000Z.json", "https://api.other.example")
      const tick = at("2026-12-01T02:00:00Z")
      expect(await Effect.runPromise(catchUpAtStart(directory, nightly, now, api))).toMatchObject({ tick })
      expect(reportMadeSince(directory, tick, now, api)).toBeUndefined()
      // The same Panther by another port (a simulator restarted) or host name case is this one.
      expect(reportMadeSince(directory, tick, now, "https://API.OTHER.example:8443")).toBe(
        "user-audit-20261201T020000Z.json"
      )
      // A directory holding only another Panther's reports holds none of this one's: nothing is known to be missed.
      rmSync(join(directory, "user-audit-20261130T020000Z.json"))
      expect(await Effect.runPromise(catchUpAtStart(directory, nightly, now, api))).toBeUndefined()
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it("takes a report whose head names no Panther (one made by hand, say) for this one's", async () => {
    const directory = mkdtempSync(join(tmpdir(), "missed-audit-"))
    try {
      const name = "user-audit-20261201T020000Z.json"
      writeFileSync(
        join(directory, name),
        `${JSON.stringify({ run: { asOf: "2026-12-01T02:00:00Z" }, findings: [] })}\n`
      )
      const tick = at("2026-12-01T02:00:00Z")
      expect(await Effect.runPromise(catchUpAtStart(directory, nightly, now, api))).toBeUndefined()
      expect(reportMadeSince(directory, tick, now, api)).toBe(name)
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it("reads the heads of the reports since the tick and back to this Panther's newest, not of every night", () => {
    // Years of nights without retention, and one since the tick of another Panther's.
    const names = Array.from({ length: 2_000 }, (_, day) => {
      const stamp = new Date(at("2026-11-30T02:00:00Z") - day * 86_400_000).toISOString()
      return `user-audit-${stamp.replace(/[-:]/g, "").replace(/\.\d{3}/, "")}.json`
    })
    names.push("user-audit-20261201T020000Z.json")
    const read: Array<string> = []
    const missed = findMissedAudit(nightly, now, names, {
      apiBaseUrl: api,
      read: (report) => {
        read.push(report.stem)
        const other = report.stem === "user-audit-20261201T020000Z"
        return { asOf: report.stampedAt, apiBaseUrl: other ? "https://api.other.example" : api }
      }
    })
    expect(missed).toEqual({
      tick: at("2026-12-01T02:00:00Z"),
      newestReport: "user-audit-20261130T020000Z.json",
      newestIsBackfill: false
    })
    expect(read).toEqual(["user-audit-20261201T020000Z", "user-audit-20261130T020000Z"])
  })

  it("finds none in a directory with no report: nothing is known of earlier runs", () => {
    expect(findMissedAudit(nightly, now, [])).toBeUndefined()
    expect(findMissedAudit(nightly, now, ["user-audit-20261130T020000Z.csv", ".panther-audit.lock"])).toBeUndefined()
  })
})
