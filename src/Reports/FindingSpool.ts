/**
 * Findings wait until the run is complete and they can be sorted. A run with up to `KEEP_IN_MEMORY` findings keeps
 * them as they are; past that they wait on disk, not in memory, since a run over 200,000 users may raise well over
 * 100,000 findings: memory then holds only what sorting needs (severity, code, email, id) and where each finding's
 * JSON line sits in the spool file. Keeping a small run's findings saves writing, reading back and parsing each
 * one, which was most of the cost of the reports.
 */
import { randomBytes } from "node:crypto"
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs"
import { join } from "node:path"
import { Effect, type Scope } from "effect"
import { FINDING_CODES, type Finding, type FindingCode } from "../Audit/Finding.js"
import { SEVERITIES, type Severity, severityRank } from "../Audit/Severity.js"
import { describeFsError, ReportError } from "./ReportError.js"

const FLUSH_BYTES = 1024 * 1024

/** About 10 MB of findings; the memory a run may hold does not grow past this with the number of users. */
export const KEEP_IN_MEMORY = 10_000

export interface FindingCounts {
  readonly total: number
  readonly bySeverity: Readonly<Record<Severity, number>>
  readonly byFinding: Readonly<Record<FindingCode, number>>
}

export interface FindingSpool {
  readonly add: (finding: Finding) => Effect.Effect<void, ReportError>
  /** Adds many at once: the audit spools a page's findings in one step rather than one effect per finding. */
  readonly addAll: (findings: ReadonlyArray<Finding>) => Effect.Effect<void, ReportError>
  /** Counts of the findings that `forEachSorted` would visit with the same `exclude`. */
  readonly counts: (exclude?: ReadonlySet<FindingCode>) => FindingCounts
  /**
   * Visits the findings in report order (critical first, then by code, email and user id) in batches, each with
   * its JSON text as spooled (`JSON.stringify` of the finding added). Findings whose code is in `exclude` are
   * skipped.
   */
  readonly forEachSorted: <E>(
    batchSize: number,
    visit: (batch: ReadonlyArray<Finding>, json: ReadonlyArray<string>) => Effect.Effect<void, E>,
    exclude?: ReadonlySet<FindingCode>
  ) => Effect.Effect<void, E | ReportError>
}

const codeIndex = new Map<FindingCode, number>(FINDING_CODES.map((code, index) => [code, index]))
// Codes sort alphabetically, as the report promises, not in declaration order.
const codeOrder = new Map<number, string>(FINDING_CODES.map((code, index) => [index, code]))

export const makeFindingSpool = (
  directory: string,
  options: { readonly keepInMemory?: number } = {}
): Effect.Effect<FindingSpool, ReportError, Scope.Scope> =>
  Effect.gen(function* () {
    const keepInMemory = options.keepInMemory ?? KEEP_IN_MEMORY
    const path = join(directory, `.findings.${randomBytes(6).toString("hex")}.tmp`)
    const spoolFailed = (error: unknown) =>
      new ReportError({ message: `cannot use the temporary file ${path}: ${describeFsError(error)}` })
    const fd = yield* Effect.acquireRelease(
      Effect.try({ try: () => openSync(path, "wx+", 0o600), catch: spoolFailed }),
      (fd) =>
        Effect.sync(() => {
          closeSync(fd)
          try {
            unlinkSync(path)
          } catch {
            // Already gone: nothing to clean up.
          }
        })
    )

    const ranks: Array<number> = []
    const codes: Array<number> = []
    const emails: Array<string> = []
    const userIds: Array<string> = []
    /** The findings themselves, until there are more than `keepInMemory`; then they go to the file. */
    const held: Array<Finding> = []
    let spilled = false
    const offsets: Array<number> = []
    const lengths: Array<number> = []
    let written = 0
    // Lines are encoded into this buffer as they come, so each JSON string dies young instead of waiting, and
    // being promoted to the old generation, until a megabyte of them is flushed.
    const pending = Buffer.allocUnsafe(FLUSH_BYTES)
    let pendingBytes = 0

    const writeAll = (buffer: Buffer, length: number) => {
      let done = 0
      while (done < length) done += writeSync(fd, buffer, done, length - done, written + done)
      written += length
    }

    const flushNow = () => {
      if (pendingBytes === 0) return
      writeAll(pending, pendingBytes)
      pendingBytes = 0
    }

    const flush = Effect.try({ try: flushNow, catch: spoolFailed })

    /** Writes the finding's JSON line and remembers where it sits. */
    const spoolLine = (finding: Finding) => {
      const line = JSON.stringify(finding)
      const bytes = Buffer.byteLength(line, "utf8")
      if (pendingBytes + bytes > FLUSH_BYTES) flushNow()
      offsets.push(written + pendingBytes)
      lengths.push(bytes)
      if (bytes > FLUSH_BYTES) writeAll(Buffer.from(line, "utf8"), bytes)
      else pendingBytes += pending.write(line, pendingBytes, "utf8")
    }

    const append = (finding: Finding) => {
      ranks.push(severityRank(finding.severity))
      codes.push(codeIndex.get(finding.finding) ?? 0)
      emails.push(finding.email ?? "")
      userIds.push(finding.userId ?? "")
      if (!spilled && held.length < keepInMemory) {
        held.push(finding)
        return
      }
      if (!spilled) {
        // One past the limit: everything held goes to the file, in the order it came, and memory is let go.
        spilled = true
        for (const earlier of held) spoolLine(earlier)
        held.length = 0
      }
      spoolLine(finding)
    }

    const addAll = (findings: ReadonlyArray<Finding>) =>
      Effect.try({
        try: () => {
          for (const finding of findings) append(finding)
        },
        catch: spoolFailed
      })

    const add = (finding: Finding) => addAll([finding])

    const included = (exclude: ReadonlySet<FindingCode> | undefined) => {
      const excludedIndexes = new Set([...(exclude ?? [])].map((code) => codeIndex.get(code)))
      const order: Array<number> = []
      for (let index = 0; index < ranks.length; index++) {
        if (!excludedIndexes.has(codes[index])) order.push(index)
      }
      return order
    }

    const counts = (exclude?: ReadonlySet<FindingCode>): FindingCounts => {
      const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>
      const byFinding = Object.fromEntries(FINDING_CODES.map((code) => [code, 0])) as Record<FindingCode, number>
      const order = included(exclude)
      for (const index of order) {
        bySeverity[SEVERITIES[ranks[index] ?? 0] ?? "info"]++
        byFinding[FINDING_CODES[codes[index] ?? 0] ?? "INVALID_RECORD"]++
      }
      return { total: order.length, bySeverity, byFinding }
    }

    const compare = (a: number, b: number): number =>
      (ranks[b] ?? 0) - (ranks[a] ?? 0) ||
      compareText(codeOrder.get(codes[a] ?? 0) ?? "", codeOrder.get(codes[b] ?? 0) ?? "") ||
      compareText(emails[a] ?? "", emails[b] ?? "") ||
      compareText(userIds[a] ?? "", userIds[b] ?? "")

    const forEachSorted = <E>(
      batchSize: number,
      visit: (batch: ReadonlyArray<Finding>, json: ReadonlyArray<string>) => Effect.Effect<void, E>,
      exclude?: ReadonlySet<FindingCode>
    ): Effect.Effect<void, E | ReportError> =>
      Effect.gen(function* () {
        const order = included(exclude).sort(compare)
        if (!spilled) {
          for (let start = 0; start < order.length; start += batchSize) {
            const batch = order.slice(start, start + batchSize).map((index) => held[index] as Finding)
            yield* visit(
              batch,
              batch.map((finding) => JSON.stringify(finding))
            )
          }
          return
        }
        yield* flush
        let buffer = Buffer.alloc(64 * 1024)
        for (let start = 0; start < order.length; start += batchSize) {
          const { batch, json } = yield* Effect.try({
            try: () => {
              const indexes = order.slice(start, start + batchSize)
              const json = indexes.map((index) => {
                const length = lengths[index] ?? 0
                if (buffer.length < length) buffer = Buffer.alloc(length * 2)
                readSync(fd, buffer, 0, length, offsets[index] ?? 0)
                return buffer.toString("utf8", 0, length)
              })
              return { batch: json.map((text) => JSON.parse(text) as Finding), json }
            },
            catch: spoolFailed
          })
          yield* visit(batch, json)
        }
      })

    return { add, addAll, counts, forEachSorted }
  })

/** Code-point order: the same on every machine and locale, unlike localeCompare. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
