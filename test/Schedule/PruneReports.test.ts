import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Option } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { parseReportName } from "../../src/Reports/ReportName.js"
import { pruneReports, type Retention } from "../../src/Schedule/PruneReports.js"
import { makeUndeletable } from "../support/undeletable.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "prune-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const NOW = Date.parse("2026-06-30T02:00:30Z")

const touch = (...names: ReadonlyArray<string>) => {
  for (const name of names) writeFileSync(join(directory, name), "x")
}

/** A run's report set, as the audit (and the email's .eml) writes it. */
const runFiles = (stem: string) => [`${stem}.csv`, `${stem}.json`, `${stem}.eml`]

const retention = (keepRuns?: number, keepDays?: number): Retention => ({
  keepRuns: Option.fromNullable(keepRuns),
  keepDays: Option.fromNullable(keepDays)
})

const prune = (settings: Retention, keep: ReadonlyArray<string> = []) =>
  Effect.runPromise(pruneReports(directory, settings, NOW, keep))

const remaining = () => readdirSync(directory).sort()

describe("pruneReports", () => {
  it("keeps the newest N runs' report sets, every file of them, and deletes the rest", async () => {
    touch(
      ...runFiles("user-audit-20260627T020000Z"),
      ...runFiles("user-audit-20260628T020000Z"),
      ...runFiles("user-audit-20260629T020000Z"),
      "user-audit-20260630T020000Z.csv",
      "user-audit-20260630T020000Z.json"
    )
    const result = await prune(retention(2))
    expect(result.deletedRuns).toBe(2)
    expect(result.keptRuns).toBe(2)
    expect(result.deletedFiles).toHaveLength(6)
    expect(remaining()).toEqual(
      [
        ...runFiles("user-audit-20260629T020000Z"),
        "user-audit-20260630T020000Z.csv",
        "user-audit-20260630T020000Z.json"
      ].sort()
    )
  })

  it("orders runs of the same second by their -n suffix", async () => {
    touch(
      ...runFiles("user-audit-20260630T020000Z"),
      ...runFiles("user-audit-20260630T020000Z-2"),
      ...runFiles("user-audit-20260630T020000Z-10"),
      ...runFiles("user-audit-20260629T235959Z")
    )
    await prune(retention(2))
    expect(remaining()).toEqual(
      [...runFiles("user-audit-20260630T020000Z-10"), ...runFiles("user-audit-20260630T020000Z-2")].sort()
    )
    // -11 after -10, though "-10" lists before "-11" and "-2" by name.
    touch(...runFiles("user-audit-20260630T020000Z-11"))
    await prune(retention(1))
    expect(remaining()).toEqual(runFiles("user-audit-20260630T020000Z-11").sort())
  })

  it("keeps the newest run by days alone, even when it is older than --keep-reports-days", async () => {
    touch(...runFiles("user-audit-20260601T020000Z"), ...runFiles("user-audit-20260501T020000Z"))
    await prune(retention(undefined, 7))
    expect(remaining()).toEqual(runFiles("user-audit-20260601T020000Z").sort())
  })

  it("keeps the newest run by name when it is a backfill and older than --keep-reports-days", async () => {
    const report = (stem: string, asOf: string) => {
      touch(`${stem}.csv`)
      writeFileSync(join(directory, `${stem}.json`), JSON.stringify({ run: { asOf }, findings: [] }))
    }
    report("user-audit-20260601T020000Z", "2026-06-01T02:00:00.000Z")
    // Newest by name, but as of an earlier day: the next run compares with the other, so only the rule that the
    // newest run is always kept keeps it.
    report("user-audit-20260602T020000Z", "2026-05-01T00:00:00.000Z")
    await prune(retention(undefined, 7))
    expect(remaining()).toHaveLength(4)
  })

  it("never touches a file that is not a report of this tool", async () => {
    const strangers = [
      "notes.txt",
      "user-audit-20200101T000000Z", // no extension
      "user-audit-20200101T000000Z-inventory.csv", // another tool's suffix
      "user-audit-2020-01-01.csv",
      "user-audit-20201301T000000Z.csv", // month 13: not a stamp this tool writes
      "old-user-audit-20200101T000000Z.csv",
      "user-audit-20200101T000000Z.csv.bak~",
      ".user-audit.csv.0a1b2c3d4e5f.tmp", // a run in progress
      "USER-AUDIT-20200101T000000Z.csv"
    ]
    touch(...strangers, ...runFiles("user-audit-20200101T000000Z"), ...runFiles("user-audit-20260630T020000Z"))
    mkdirSync(join(directory, "user-audit-20200102T000000Z.d"))
    symlinkSync("/etc/hostname", join(directory, "user-audit-20200103T000000Z.csv"))
    await prune(retention(1))
    expect(remaining()).toEqual(
      [
        ...strangers,
        ...runFiles("user-audit-20260630T020000Z"),
        "user-audit-20200102T000000Z.d",
        "user-audit-20200103T000000Z.csv"
      ].sort()
    )
  })

  it("deletes runs more than D days old", async () => {
    touch(
      ...runFiles("user-audit-20260620T020030Z"), // exactly 10 days before NOW: kept
      ...runFiles("user-audit-20260620T020029Z"), // a second more: deleted
      ...runFiles("user-audit-20260101T020000Z"),
      ...runFiles("user-audit-20260630T020000Z")
    )
    const result = await prune(retention(undefined, 10))
    expect(result.deletedRuns).toBe(2)
    expect(remaining()).toEqual(
      [...runFiles("user-audit-20260620T020030Z"), ...runFiles("user-audit-20260630T020000Z")].sort()
    )
  })

  it("keeps by days every run stamped ahead of the clock, however far: not more than D days old, and evidence", async () => {
    // Written while a clock was months ahead: the older of the two is not the newest run, and no age makes it go.
    touch(
      ...runFiles("user-audit-20270101T020000Z"),
      ...runFiles("user-audit-20270201T020000Z"),
      ...runFiles("user-audit-20260630T020000Z")
    )
    const result = await prune(retention(undefined, 10))
    expect(result.deletedRuns).toBe(0)
    expect(remaining()).toHaveLength(9)
  })

  it("with both settings deletes only what neither keeps", async () => {
    touch(
      ...runFiles("user-audit-20260101T020000Z"),
      ...runFiles("user-audit-20260102T020000Z"),
      ...runFiles("user-audit-20260625T020000Z"),
      ...runFiles("user-audit-20260626T020000Z"),
      ...runFiles("user-audit-20260630T020000Z")
    )
    // The last two runs, and every run of the last 30 days.
    await prune(retention(2, 30))
    expect(remaining()).toEqual(
      [
        ...runFiles("user-audit-20260625T020000Z"),
        ...runFiles("user-audit-20260626T020000Z"),
        ...runFiles("user-audit-20260630T020000Z")
      ].sort()
    )
  })

  it("always keeps the newest run and the run's own reports, even when a clock jumped", async () => {
    touch(...runFiles("user-audit-20250101T020000Z"), ...runFiles("user-audit-20270101T020000Z"))
    // A year-old set is the run just written (its clock was behind); a future-dated one is newest.
    await prune(retention(1, 1), [join(directory, "user-audit-20250101T020000Z.csv")])
    expect(remaining()).toHaveLength(6)
  })

  it("keeps the report the next run compares with when a backfill is newest by name", async () => {
    const report = (stem: string, asOf: string) => {
      touch(`${stem}.csv`)
      writeFileSync(join(directory, `${stem}.json`), JSON.stringify({ run: { asOf }, findings: [] }))
    }
    report("user-audit-20260628T020000Z", "2026-06-28T02:00:00.000Z")
    report("user-audit-20260629T020000Z", "2026-06-29T02:00:00.000Z")
    // Written last, by a run --as-of a past day, with --keep-reports 1 in its environment.
    report("user-audit-20260630T010000Z", "2026-01-01T00:00:00.000Z")
    const result = await prune(retention(1), [join(directory, "user-audit-20260630T010000Z.json")])
    expect(result.deletedRuns).toBe(1)
    expect(remaining()).toEqual(
      [
        "user-audit-20260629T020000Z.csv",
        "user-audit-20260629T020000Z.json",
        "user-audit-20260630T010000Z.csv",
        "user-audit-20260630T010000Z.json"
      ].sort()
    )
  })

  it("keeps, in a backfill, the reports the next run's undelivered mark names, and not what runs with email off owe", async () => {
    // As the audit lays a report out: its run section, then its findings a line each.
    const report = (stem: string, run: Record<string, unknown>) => {
      touch(`${stem}.csv`)
      writeFileSync(
        join(directory, `${stem}.json`),
        `{\n"run": ${JSON.stringify(run, null, 2)},\n"findings": [\n]\n}\n`
      )
    }
    const backfill = "user-audit-20260630T010000Z"
    const pruneAsBackfill = () => prune(retention(1), [join(directory, `${backfill}.json`)])
    report("user-audit-20260626T020000Z", { asOf: "2026-06-26T02:00:00.000Z", email: "to-follow" })
    // Owed by a run with email off, then carried on by the next one: the next run names the first.
    report("user-audit-20260627T020000Z", { asOf: "2026-06-27T02:00:00.000Z", email: "owed" })
    report("user-audit-20260628T020000Z", {
      asOf: "2026-06-28T02:00:00.000Z",
      email: "owed",
      notMailedSince: "user-audit-20260627T020000Z.json"
    })
    report(backfill, { asOf: "2026-01-01T00:00:00.000Z", email: "none" })
    // What runs with email off owe holds nothing (a directory that stopped mailing would never be pruned again).
    expect((await pruneAsBackfill()).deletedRuns).toBe(2)
    expect(remaining().filter((name) => name.endsWith(".json"))).toEqual([
      "user-audit-20260628T020000Z.json",
      `${backfill}.json`
    ])

    // So with an undelivered email's mark on the report the next run compares with.
    report("user-audit-20260629T020000Z", { asOf: "2026-06-29T02:00:00.000Z", email: "to-follow" })
    writeFileSync(
      join(directory, "user-audit-20260629T020000Z.undelivered"),
      "The audit email of this run may not have been delivered.\nNot mailed since: user-audit-20260628T020000Z.json\n"
    )
    // Without the mark the report it names would go.
    expect((await pruneAsBackfill()).deletedRuns).toBe(0)
    expect(remaining().filter((name) => name.endsWith(".json"))).toEqual([
      "user-audit-20260628T020000Z.json",
      "user-audit-20260629T020000Z.json",
      `${backfill}.json`
    ])
  })

  it("keeps from the earlier of the reports this run's email and the next run's undelivered mark name", async () => {
    const report = (stem: string, asOf: string) => {
      touch(`${stem}.csv`)
      writeFileSync(join(directory, `${stem}.json`), `{\n"run": ${JSON.stringify({ asOf })},\n"findings": [\n]\n}\n`)
    }
    report("user-audit-20260626T020000Z", "2026-06-26T02:00:00.000Z")
    report("user-audit-20260627T020000Z", "2026-06-27T02:00:00.000Z")
    report("user-audit-20260628T020000Z", "2026-06-28T02:00:00.000Z")
    // The report the next run compares with; its email failed, and it names the 28th's as the earliest not mailed.
    report("user-audit-20260629T020000Z", "2026-06-29T02:00:00.000Z")
    writeFileSync(
      join(directory, "user-audit-20260629T020000Z.undelivered"),
      "The audit email of this run may not have been delivered.\nNot mailed since: user-audit-20260628T020000Z.json\n"
    )
    // A backfill whose own email was the first to name the 27th's news.
    const backfill = "user-audit-20260630T010000Z"
    report(backfill, "2026-01-01T00:00:00.000Z")
    const since = join(directory, "user-audit-20260627T020000Z.json")
    const result = await Effect.runPromise(
      pruneReports(directory, retention(1), NOW, [join(directory, `${backfill}.json`)], since)
    )
    expect(result.deletedRuns).toBe(1)
    expect(remaining().filter((name) => name.endsWith(".json"))).toEqual([
      "user-audit-20260627T020000Z.json",
      "user-audit-20260628T020000Z.json",
      "user-audit-20260629T020000Z.json",
      `${backfill}.json`
    ])
  })

  it("keeps the report an undelivered email's news is in, and every report after it, whatever the settings", async () => {
    touch(
      ...runFiles("user-audit-20260101T020000Z"),
      ...runFiles("user-audit-20260102T020000Z"), // the news the undelivered email had
      ...runFiles("user-audit-20260103T020000Z"),
      ...runFiles("user-audit-20260630T020000Z")
    )
    const since = join(directory, "user-audit-20260102T020000Z.json")
    const result = await Effect.runPromise(pruneReports(directory, retention(1), NOW, [], since))
    expect(result.deletedRuns).toBe(1)
    expect(remaining()).toEqual(
      [
        ...runFiles("user-audit-20260102T020000Z"),
        ...runFiles("user-audit-20260103T020000Z"),
        ...runFiles("user-audit-20260630T020000Z")
      ].sort()
    )
  })

  it("takes a file another prune deleted first for deleted, not for a failure", async () => {
    const old = ["20260101", "20260102", "20260103", "20260104"].flatMap((day) => runFiles(`user-audit-${day}T020000Z`))
    touch(...old, ...runFiles("user-audit-20260630T020000Z"))
    // Two runs sharing a volume prune at once: each finds files the other has just deleted.
    const results = await Promise.all([prune(retention(1)), prune(retention(1))])
    expect(results.map((result) => result.failed)).toEqual([[], []])
    expect(remaining()).toEqual(runFiles("user-audit-20260630T020000Z").sort())
  })

  it("does not count a run whose files could not be deleted as deleted, and names each such file", async (context) => {
    const stuck = runFiles("user-audit-20260101T020000Z")
    touch(...stuck, ...runFiles("user-audit-20260630T020000Z"))
    const undo = makeUndeletable(directory, stuck)
    // Where it cannot be done (root on a file system without the immutable attribute), said so as skipped.
    if (undo === undefined) return context.skip()
    try {
      const result = await prune(retention(1))
      expect(result.deletedRuns).toBe(0)
      expect(result.keptRuns).toBe(2)
      expect(result.failed.map((failure) => failure.path).sort()).toEqual(
        stuck.map((name) => join(directory, name)).sort()
      )
    } finally {
      undo()
    }
    expect(remaining()).toHaveLength(6)
  })

  it("neither counts nor deletes files of another user, as another user of a shared folder can plant", async (context) => {
    // Only root can give a file to another user, as that user would make it.
    if (process.getuid?.() !== 0) return context.skip("needs root, to give files to another user")
    chmodSync(directory, 0o1777)
    const real = ["20260627", "20260628", "20260629"].flatMap((day) => runFiles(`user-audit-${day}T020000Z`))
    const own = runFiles("user-audit-20260630T020000Z")
    // Empty files named as three runs newer than any real one, by a user who cannot delete the real reports.
    const planted = ["", "-2", "-3"].map((suffix) => `user-audit-20260630T020100Z${suffix}.csv`)
    touch(...real, ...own, ...planted)
    for (const name of planted) chownSync(join(directory, name), 65534, 65534)
    const result = await prune(retention(3), own)
    expect(result.deletedFiles.map((path) => path.slice(directory.length + 1)).sort()).toEqual(
      runFiles("user-audit-20260627T020000Z").sort()
    )
    expect(result.failed).toEqual([])
    // Named, so reports of this tool left under another user id are not kept for ever without a word.
    expect([...result.othersFiles].sort()).toEqual(planted.map((name) => join(directory, name)).sort())
    expect(remaining()).toEqual(
      [...real.filter((name) => !name.startsWith("user-audit-20260627")), ...own, ...planted].sort()
    )
  })

  it("prunes where the file system shows one other owner for every file, this run's reports too", async (context) => {
    // A Windows folder mounted into a container shows every file as root's; NFS gives root's files to nobody. Here,
    // as root, every file is given to one other user, the run's own reports among them.
    if (process.getuid?.() !== 0) return context.skip("needs root, to give files to another user")
    const old = ["20260627", "20260628", "20260629"].flatMap((day) => runFiles(`user-audit-${day}T020000Z`))
    const own = runFiles("user-audit-20260630T020000Z")
    touch(...old, ...own)
    for (const name of [...old, ...own]) chownSync(join(directory, name), 65534, 65534)
    const result = await prune(
      retention(2),
      own.map((name) => join(directory, name))
    )
    expect(result.othersFiles).toEqual([])
    expect(remaining()).toEqual([...runFiles("user-audit-20260629T020000Z"), ...own].sort())
  })

  it("does nothing when retention is off", async () => {
    touch(...runFiles("user-audit-20200101T000000Z"), ...runFiles("user-audit-20260630T020000Z"))
    expect(await prune(retention())).toEqual({
      keptRuns: 0,
      deletedRuns: 0,
      deletedFiles: [],
      failed: [],
      othersFiles: []
    })
    expect(remaining()).toHaveLength(6)
  })

  it("fails with a ReportError saying why when the directory cannot be read", async () => {
    const exit = await Effect.runPromiseExit(pruneReports(join(directory, "gone"), retention(1), NOW))
    expect(Exit.isFailure(exit)).toBe(true)
    const cause = String(Exit.isFailure(exit) ? exit.cause : "")
    expect(cause).toContain(`cannot prune old reports in ${join(directory, "gone")}: it does not exist`)
  })
})

describe("parseReportName", () => {
  it("reads the stamp and the same-second sequence", () => {
    expect(parseReportName("user-audit-20260630T020000Z.csv")).toEqual({
      stem: "user-audit-20260630T020000Z",
      stampedAt: Date.parse("2026-06-30T02:00:00Z"),
      sequence: 1,
      ending: ".csv"
    })
    expect(parseReportName("user-audit-20260630T020000Z-3.json")?.sequence).toBe(3)
    expect(parseReportName("user-audit-20260630T020000Z-12.eml")?.sequence).toBe(12)
    // The last name a run tries (CommitFiles.ts): a report so named is still found, and pruned, as its run's.
    expect(parseReportName("user-audit-20260630T020000Z-1000.json")?.sequence).toBe(1000)
    expect(parseReportName("user-audit-20260630T020000Z.undelivered")?.sequence).toBe(1)
    expect(parseReportName("user-audit-20260631T020000Z.csv")).toBeUndefined()
  })

  it("takes only the names this tool writes: a copy or a file a person put beside a report is not one", () => {
    for (const name of [
      "user-audit-20260630T020000Z.csv.bak",
      "user-audit-20260630T020000Z.signed.pdf",
      "user-audit-20260630T020000Z.CSV",
      "user-audit-20260630T020000Z-1.csv",
      "user-audit-20260630T020000Z.csv.gz"
    ]) {
      expect(parseReportName(name), name).toBeUndefined()
    }
  })
})
