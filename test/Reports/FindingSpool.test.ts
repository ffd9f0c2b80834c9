/**
 * The spool across its boundaries: findings added one at a time and in batches, renderings that straddle the
 * megabyte buffer, and one longer than the buffer all come back whole, in report order, as the JSON line and CSV
 * record the reports need, whether they were kept in memory, written to the file from the start, or moved there
 * when there came too many.
 */
import { fstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import { FINDING_CODES, type Finding, NO_SUBJECT } from "../../src/Audit/Finding.js"
import type { FindingAnnotations } from "../../src/Audit/FindingAnnotations.js"
import { SEVERITIES, severityRank } from "../../src/Audit/Severity.js"
import { csvRecord } from "../../src/Reports/Csv.js"
import { findingRow } from "../../src/Reports/CsvColumns.js"
import { makeFindingSpool } from "../../src/Reports/FindingSpool.js"
import { seededRandom } from "../support/seededRandom.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "spool-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

/**
 * The bytes in the spool files open under `directory`: found through the process's open descriptors, since the file
 * has no name once opened. Linux only; undefined elsewhere.
 */
const spoolFileBytes = (): number | undefined => {
  if (process.platform !== "linux") return undefined
  let bytes = 0
  for (const fd of readdirSync("/proc/self/fd")) {
    let target: string
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      continue
    }
    if (target.startsWith(join(directory, ".findings."))) bytes += fstatSync(Number(fd)).size
  }
  return bytes
}

const finding = (index: number, detail: string): Finding & FindingAnnotations => ({
  ...NO_SUBJECT,
  severity: index % 3 === 0 ? "high" : "medium",
  finding: "STALE_LOGIN",
  userId: `u${String(index).padStart(6, "0")}`,
  // Two-byte characters, so byte and character counts differ at every boundary.
  email: `정민.${String(index).padStart(6, "0")}@example.com`,
  enabled: true,
  detail,
  id: `STALE_LOGIN:u${index}`,
  firstSeen: "2025-06-01T00:00:00.000Z",
  change: (["new", "unchanged", "escalated", "de-escalated"] as const)[index % 4] ?? "new",
  suppressed: index % 5 === 0,
  suppressionReason: index % 5 === 0 ? 'accepted, "quoted"' : null,
  controls: ["CIS 5.3"]
})

it.each([
  ["on disk from the start", 0, true],
  ["moved to disk after 2 MB", 2 * 1024 * 1024, true],
  ["kept in memory", 64 * 1024 * 1024, false]
])("returns every finding whole and sorted, %s", async (_mode, memoryBytes, onDisk) => {
  const findings = Array.from({ length: 6000 }, (_, index) => finding(index, `detail ${"é".repeat(index % 400)}`))
  findings.push(finding(6000, "x".repeat(1_500_000)))
  const seen = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const spool = yield* makeFindingSpool(directory, { memoryBytes })
        // Both ways in: single adds and batches.
        for (const item of findings.slice(0, 100)) yield* spool.add(item)
        for (let start = 100; start < findings.length; start += 60) {
          yield* spool.addAll(findings.slice(start, start + 60))
        }
        // Used through its descriptor only, the spool file has no name even while in use: a run killed outright
        // leaves nothing behind.
        expect(readdirSync(directory)).toEqual([])
        // Where the bytes went: into the file (all but its last megabyte, still to be flushed), or nowhere.
        const inFile = spoolFileBytes()
        if (inFile !== undefined) expect(inFile > 0).toBe(onDisk)
        const out: Array<Finding> = []
        const batches = new Set<ReadonlyArray<unknown>>()
        yield* spool.forEachSorted(500, (batch) =>
          Effect.sync(() => {
            batches.add(batch)
            for (const spooled of batch) {
              const item = spooled.finding() as Finding & FindingAnnotations
              // Each comes with its JSON line as JSON.stringify writes it, its CSV record, and its marks.
              expect(Buffer.from(spooled.json).toString("utf8")).toBe(JSON.stringify(item))
              expect(Buffer.from(spooled.csv).toString("utf8")).toBe(csvRecord(findingRow(item)))
              expect([spooled.severity, spooled.change, spooled.suppressed]).toEqual([
                item.severity,
                item.change,
                item.suppressed
              ])
              out.push(item)
            }
          })
        )
        expect(spool.counts().total).toBe(findings.length)
        // Every batch comes in the same array, refilled: a batch left behind would keep its findings' bytes alive.
        expect(batches.size).toBe(1)
        return out
      })
    )
  )
  const severityFirst = (a: Finding, b: Finding) =>
    (a.severity === b.severity ? 0 : a.severity === "high" ? -1 : 1) || ((a.email ?? "") < (b.email ?? "") ? -1 : 1)
  expect(seen).toEqual([...findings].sort(severityFirst))
  // The spool file is gone once its scope closes.
  expect(readdirSync(directory)).toEqual([])
})

it("orders findings most severe first, then by code name, email and user id", async () => {
  const next = seededRandom(8)
  // Few emails and ids, so that every key in the order is tied often and the next one decides.
  const findings = Array.from({ length: 3000 }, (_, index) => ({
    ...finding(index, "d"),
    severity: SEVERITIES[next(SEVERITIES.length)] ?? "info",
    finding: FINDING_CODES[next(FINDING_CODES.length)] ?? "STALE_LOGIN",
    email: next(10) === 0 ? null : `user${next(20)}@example.com`,
    userId: next(10) === 0 ? null : `u${next(30)}`
  }))
  const order = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const spool = yield* makeFindingSpool(directory)
        yield* spool.addAll(findings)
        const ids: Array<string> = []
        yield* spool.forEachSorted(700, (batch) =>
          Effect.sync(() => {
            for (const spooled of batch) ids.push((spooled.finding() as Finding & FindingAnnotations).id)
          })
        )
        return ids
      })
    )
  )
  const text = (value: string | null) => value ?? ""
  const expected = [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (a.finding < b.finding ? -1 : a.finding > b.finding ? 1 : 0) ||
      (text(a.email) < text(b.email) ? -1 : text(a.email) > text(b.email) ? 1 : 0) ||
      (text(a.userId) < text(b.userId) ? -1 : text(a.userId) > text(b.userId) ? 1 : 0)
  )
  // Ids are unique per finding here (the index is in them), so the sequence of ids is the order itself.
  expect(order).toEqual(expected.map((item) => item.id))
})

it("orders emails by code point, capitals before small letters, the same on every machine and in every locale", async () => {
  // The last two differ from the order of UTF-16 code units: a character past U+FFFF is written with a surrogate
  // pair (U+D83D...), which comes before U+FF21 as a code unit, and after it as a code point.
  const emails = [
    "amy@example.com",
    "\u{1F600}@example.com",
    "Zed@example.com",
    "bob@example.com",
    "\uFF21@example.com",
    "Bob@example.com",
    "émile@example.com"
  ]
  const order = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const spool = yield* makeFindingSpool(directory)
        yield* spool.addAll(emails.map((email, index) => ({ ...finding(3 * index, "d"), email })))
        const seen: Array<string | null> = []
        yield* spool.forEachSorted(10, (batch) =>
          Effect.sync(() => {
            for (const spooled of batch) seen.push(spooled.finding().email)
          })
        )
        return seen
      })
    )
  )
  expect(order).toEqual([
    "Bob@example.com",
    "Zed@example.com",
    "amy@example.com",
    "bob@example.com",
    "émile@example.com",
    "\uFF21@example.com",
    "\u{1F600}@example.com"
  ])
})

/** Code points of a text, a lone surrogate read as U+FFFD, as the spool writes it. */
const codePoints = (text: string): ReadonlyArray<number> =>
  Array.from(text, (character) => {
    const point = character.codePointAt(0) ?? 0
    return point >= 0xd800 && point <= 0xdfff ? 0xfffd : point
  })

const compareCodePoints = (a: string, b: string): number => {
  const left = codePoints(a)
  const right = codePoints(b)
  for (let at = 0; at < Math.min(left.length, right.length); at++) {
    const difference = (left[at] ?? 0) - (right[at] ?? 0)
    if (difference !== 0) return difference
  }
  return left.length - right.length
}

it.each([
  ["on disk from the start", 0],
  ["moved to disk after 2 MB", 2 * 1024 * 1024],
  ["kept in memory", undefined]
])(
  "orders by email, then user id, code point by code point, over many keys of every kind, %s",
  async (_mode, memoryBytes) => {
    const next = seededRandom(23)
    // Pieces of one, two and three UTF-8 bytes, characters past U+FFFF, lone surrogates, and nothing.
    const pieces = [
      "a",
      "b",
      "A",
      "é",
      "\u00ff",
      "\u0800",
      "\uffff",
      "\uff21",
      "\ue000",
      "\u{1F600}",
      "\u{10000}",
      "\ud800",
      "@",
      ""
    ]
    const text = () => Array.from({ length: next(6) }, () => pieces[next(pieces.length)]).join("")
    const findings = Array.from({ length: 12_000 }, (_, index) => ({
      ...finding(index, "d"),
      severity: "high" as const,
      // Short emails and ids, so that where one ends and the other begins decides the order often.
      email: next(20) === 0 ? null : `${text()}${"x".repeat(next(3) * 10)}@${text()}`,
      userId: next(15) === 0 ? null : `${text()}${index % 50}`
    }))
    // Keys longer than a buffer of keys, two of them told apart only past its end, and added in reverse order.
    findings.push({ ...finding(12_000, "d"), severity: "high", email: "é".repeat(100_000), userId: "1" })
    findings.push({ ...finding(12_001, "d"), severity: "high", email: "é".repeat(100_000), userId: "0" })
    findings.push({ ...finding(12_002, "d"), severity: "high", email: "b", userId: `${"\u{1F600}".repeat(100_000)}2` })
    findings.push({ ...finding(12_003, "d"), severity: "high", email: "b", userId: `${"\u{1F600}".repeat(100_000)}1` })
    const order = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const spool = yield* makeFindingSpool(directory, memoryBytes === undefined ? {} : { memoryBytes })
          for (let start = 0; start < findings.length; start += 97)
            yield* spool.addAll(findings.slice(start, start + 97))
          const ids: Array<string> = []
          yield* spool.forEachSorted(333, (batch) =>
            Effect.sync(() => {
              for (const spooled of batch) ids.push((spooled.finding() as Finding & FindingAnnotations).id)
            })
          )
          return ids
        })
      )
    )
    // Ties (the same email and id) keep the order they came in, as the sort is stable.
    const expected = [...findings].sort(
      (a, b) => compareCodePoints(a.email ?? "", b.email ?? "") || compareCodePoints(a.userId ?? "", b.userId ?? "")
    )
    expect(order).toEqual(expected.map((item) => item.id))
  }
)

it("refuses a finding added while the findings are being read, whose memory the visit is reading", async () => {
  const exit = await Effect.runPromiseExit(
    Effect.scoped(
      Effect.gen(function* () {
        const spool = yield* makeFindingSpool(directory)
        yield* spool.add(finding(0, "first"))
        yield* spool.forEachSorted(10, () => spool.add(finding(1, "x".repeat(400_000))))
      })
    )
  )
  expect(String(exit)).toContain("a finding was added to the spool while its findings were being read")
})

it("holds in memory about the bytes it keeps, not a buffer grown past them", async () => {
  const findings = Array.from({ length: 4000 }, (_, index) => finding(index, `detail ${"x".repeat(1000)}`))
  const bytes = findings.reduce(
    (sum, item) => sum + Buffer.byteLength(JSON.stringify(item)) + Buffer.byteLength(csvRecord(findingRow(item))),
    0
  )
  const held = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const before = process.memoryUsage().arrayBuffers
        const spool = yield* makeFindingSpool(directory)
        for (let start = 0; start < findings.length; start += 60) yield* spool.addAll(findings.slice(start, start + 60))
        return process.memoryUsage().arrayBuffers - before
      })
    )
  )
  // About 10 MB of findings, kept in memory: a store doubled as it filled held 16 MB, and copies of what it had
  // outgrown besides until a collection freed them. Chunks hold the bytes and at most about one chunk more.
  expect(bytes).toBeGreaterThan(9 * 1024 * 1024)
  expect(bytes).toBeLessThan(12 * 1024 * 1024)
  expect(held).toBeLessThan(bytes + 2 * 1024 * 1024)
})

it("made after the report directory was removed, says the directory was removed during the run", async () => {
  // Checked at the start, then removed (a clean-up's `rm -rf`) before the audit began to hold its findings.
  rmSync(directory, { recursive: true })
  const error = await Effect.runPromise(Effect.scoped(Effect.flip(makeFindingSpool(directory))))
  expect(error.message).toMatch(
    new RegExp(
      `^cannot use the temporary file ${directory}/\\.findings\\.[0-9a-f]{12}\\.tmp: the report directory ` +
        `${directory} was removed during the run, after it was checked at the start; nothing was written$`
    )
  )
})
