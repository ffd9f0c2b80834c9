/**
 * Findings wait here until the run is complete and they can be sorted. Each is rendered once, as it comes, into
 * the bytes the reports will hold (its JSON line and its CSV record), and the reports are then written by copying
 * those bytes in report order: nothing is parsed or rendered again, and the report phase makes almost no garbage.
 *
 * The bytes are kept in memory up to `MEMORY_BYTES` (a run of 20,000 users needs about half of it); past that they
 * go to a temporary file, since a run over 200,000 users may raise well over 100,000 findings. Memory then holds
 * only what sorting needs (severity, code, email, id) and where each finding's bytes sit.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs"
import { join } from "node:path"
import { Effect, type Scope } from "effect"
import { FINDING_CODES, type FindingCode } from "../Audit/Finding.js"
import type { AnnotatedFinding } from "../Audit/FindingAnnotations.js"
import { SEVERITIES, type Severity, severityRank } from "../Audit/Severity.js"
import { csvRecord } from "./Csv.js"
import { findingRow } from "./CsvColumns.js"
import { describeFsError, ReportError } from "./ReportError.js"
import { temporaryName } from "./TempFile.js"

/** Kept in memory up to this many bytes of rendered findings; the memory a run holds stops growing there. */
export const MEMORY_BYTES = 16 * 1024 * 1024

/** Once on disk, writes are gathered into a buffer of this size. */
const FLUSH_BYTES = 1024 * 1024

/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_CODE_UNIT = 3

export interface FindingCounts {
  readonly total: number
  readonly bySeverity: Readonly<Record<Severity, number>>
  readonly byFinding: Readonly<Record<FindingCode, number>>
}

/**
 * A finding as the spool gives it back, in report order. Valid only during the visit: the next batch reuses the
 * same objects, and the same buffer for the bytes.
 */
export interface SpooledFinding {
  readonly severity: Severity
  /** Whether the ledger marked it new since the previous report. */
  readonly isNew: boolean
  readonly suppressed: boolean
  /** Its line in the JSON report: `JSON.stringify` of the finding, as UTF-8. */
  readonly json: Uint8Array
  /** Its record in the CSV report, CRLF included, as UTF-8. */
  readonly csv: Uint8Array
  /** The finding itself, read back from its JSON (only when a caller needs the object). */
  readonly finding: () => AnnotatedFinding
}

export interface FindingSpool {
  readonly add: (finding: AnnotatedFinding) => Effect.Effect<void, ReportError>
  /** Adds many at once: the audit spools a page's findings in one step rather than one effect per finding. */
  readonly addAll: (findings: ReadonlyArray<AnnotatedFinding>) => Effect.Effect<void, ReportError>
  /** Counts of the findings that `forEachSorted` would visit with the same `exclude`. */
  readonly counts: (exclude?: ReadonlySet<FindingCode>) => FindingCounts
  /**
   * Visits the findings in report order (critical first, then by code, email and user id) in batches. Findings
   * whose code is in `exclude` are skipped. Each batch reuses the array and the objects of the one before.
   */
  readonly forEachSorted: <E>(
    batchSize: number,
    visit: (batch: ReadonlyArray<SpooledFinding>) => Effect.Effect<void, E>,
    exclude?: ReadonlySet<FindingCode>
  ) => Effect.Effect<void, E | ReportError>
}

const codeIndex = new Map<FindingCode, number>(FINDING_CODES.map((code, index) => [code, index]))
// Codes sort alphabetically, as the report promises, not in declaration order: each code's place in that order.
const ALPHABETICAL_CODES = [...FINDING_CODES].sort()
const codePlace = Uint8Array.from(FINDING_CODES, (code) => ALPHABETICAL_CODES.indexOf(code))

const NEW = 1
const SUPPRESSED = 2

/** One place in a batch, filled again for every batch. */
class BatchEntry implements SpooledFinding {
  severity: Severity = "info"
  isNew = false
  suppressed = false
  json: Uint8Array = new Uint8Array(0)
  csv: Uint8Array = new Uint8Array(0)
  /** A field, not a method, so that it still reads this entry when taken off it. */
  /** The spool's own JSON of what `add` was given: an annotated finding. */
  readonly finding = (): AnnotatedFinding =>
    JSON.parse(
      Buffer.from(this.json.buffer, this.json.byteOffset, this.json.length).toString("utf8")
    ) as AnnotatedFinding
}

type NumberArray = Uint8Array | Uint32Array | Float64Array

/**
 * A growing column of numbers in a typed array, doubled as needed: a byte or four a finding where a JavaScript
 * array takes eight, which at 100,000 findings and six columns is a few megabytes of what a large run holds.
 */
const numberColumn = (make: (length: number) => NumberArray) => {
  let values = make(1024)
  let length = 0
  return {
    push: (value: number) => {
      if (length === values.length) {
        const grown = make(values.length * 2)
        grown.set(values)
        values = grown
      }
      values[length++] = value
    },
    at: (index: number): number => values[index] ?? 0,
    length: () => length
  }
}

export const makeFindingSpool = (
  directory: string,
  options: { readonly memoryBytes?: number } = {}
): Effect.Effect<FindingSpool, ReportError, Scope.Scope> =>
  Effect.gen(function* () {
    const memoryBytes = options.memoryBytes ?? MEMORY_BYTES
    const path = join(directory, temporaryName("findings"))
    const spoolFailed = (error: unknown) =>
      new ReportError({ message: `cannot use the temporary file ${path}: ${describeFsError(error)}` })
    // The file is used through its descriptor only, so its name goes at once: a run killed outright (SIGKILL, out
    // of memory) then leaves no spool behind, which could be gigabytes. Where a file system refuses to remove the
    // name of an open file, the name goes when the run ends, as before.
    let named = true
    const fd = yield* Effect.acquireRelease(
      Effect.try({
        try: () => {
          const opened = openSync(path, "wx+", 0o600)
          try {
            unlinkSync(path)
            named = false
          } catch {
            // Kept until the end.
          }
          return opened
        },
        catch: spoolFailed
      }),
      (fd) =>
        Effect.sync(() => {
          closeSync(fd)
          if (!named) return
          try {
            unlinkSync(path)
          } catch {
            // Already gone: nothing to clean up.
          }
        })
    )

    const ranks = numberColumn((length) => new Uint8Array(length))
    const codes = numberColumn((length) => new Uint8Array(length))
    const flags = numberColumn((length) => new Uint8Array(length))
    // File offsets can pass 4 GiB in principle; a double holds them exactly.
    const offsets = numberColumn((length) => new Float64Array(length))
    const jsonLengths = numberColumn((length) => new Uint32Array(length))
    const csvLengths = numberColumn((length) => new Uint32Array(length))
    const emails: Array<string> = []
    const userIds: Array<string> = []

    /** Where rendered bytes go: all of them while in memory; on disk, those not yet written out. */
    let store = Buffer.allocUnsafe(Math.min(FLUSH_BYTES, Math.max(memoryBytes, 1024)))
    let stored = 0
    /** Bytes already in the file; 0 while everything is in memory. */
    let written = 0
    let onDisk = false

    const writeAll = (bytes: Uint8Array, length: number) => {
      let done = 0
      while (done < length) done += writeSync(fd, bytes, done, length - done, written + done)
      written += length
    }

    const flushNow = () => {
      if (stored === 0) return
      writeAll(store, stored)
      stored = 0
    }

    /** Makes room for `bytes` more: grows the memory store up to its limit, then moves to the file. */
    const reserve = (bytes: number) => {
      if (stored + bytes <= store.length) return
      if (!onDisk && stored + bytes <= memoryBytes) {
        const grown = Buffer.allocUnsafe(Math.min(memoryBytes, Math.max(store.length * 2, stored + bytes)))
        store.copy(grown, 0, 0, stored)
        store = grown
        return
      }
      // Everything so far goes to the file, in the order it came; the large memory store is let go.
      flushNow()
      if (!onDisk) {
        onDisk = true
        store = Buffer.allocUnsafe(FLUSH_BYTES)
      }
      if (bytes > store.length) store = Buffer.allocUnsafe(bytes)
    }

    const append = (finding: AnnotatedFinding) => {
      const json = JSON.stringify(finding)
      const csv = csvRecord(findingRow(finding))
      reserve((json.length + csv.length) * MAX_BYTES_PER_CODE_UNIT)
      ranks.push(severityRank(finding.severity))
      codes.push(codeIndex.get(finding.finding) ?? 0)
      emails.push(finding.email ?? "")
      userIds.push(finding.userId ?? "")
      flags.push((finding.change === "new" ? NEW : 0) | (finding.suppressed ? SUPPRESSED : 0))
      offsets.push(written + stored)
      const jsonLength = store.write(json, stored, "utf8")
      const csvLength = store.write(csv, stored + jsonLength, "utf8")
      jsonLengths.push(jsonLength)
      csvLengths.push(csvLength)
      stored += jsonLength + csvLength
    }

    const addAll = (findings: ReadonlyArray<AnnotatedFinding>) =>
      Effect.try({
        try: () => {
          for (const finding of findings) append(finding)
        },
        catch: spoolFailed
      })

    const add = (finding: AnnotatedFinding) => addAll([finding])

    const included = (exclude: ReadonlySet<FindingCode> | undefined) => {
      const excludedIndexes = new Set([...(exclude ?? [])].map((code) => codeIndex.get(code)))
      const order: Array<number> = []
      for (let index = 0; index < ranks.length(); index++) {
        if (!excludedIndexes.has(codes.at(index))) order.push(index)
      }
      return order
    }

    const counts = (exclude?: ReadonlySet<FindingCode>): FindingCounts => {
      const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>
      const byFinding = Object.fromEntries(FINDING_CODES.map((code) => [code, 0])) as Record<FindingCode, number>
      const order = included(exclude)
      for (const index of order) {
        bySeverity[SEVERITIES[ranks.at(index)] ?? "info"]++
        byFinding[FINDING_CODES[codes.at(index)] ?? "INVALID_RECORD"]++
      }
      return { total: order.length, bySeverity, byFinding }
    }

    /**
     * Report order. Severity and code are folded into one number per finding before sorting (most severe first,
     * then codes alphabetically), so most comparisons are of two numbers, not of two codes' names.
     */
    const sortInReportOrder = (order: Array<number>): Array<number> => {
      const group = new Uint16Array(ranks.length())
      for (const index of order) {
        group[index] =
          (SEVERITIES.length - 1 - ranks.at(index)) * FINDING_CODES.length + (codePlace[codes.at(index)] ?? 0)
      }
      return order.sort(
        (a, b) =>
          (group[a] ?? 0) - (group[b] ?? 0) ||
          compareText(emails[a] ?? "", emails[b] ?? "") ||
          compareText(userIds[a] ?? "", userIds[b] ?? "")
      )
    }

    /** The batch's bytes: views of the memory store, or read from the file into one reused buffer. */
    let readBuffer = Buffer.allocUnsafe(0)
    const bytesOf = (indexes: ReadonlyArray<number>): ReadonlyArray<Uint8Array> => {
      if (!onDisk) return indexes.map((index) => store.subarray(offsets.at(index), offsets.at(index) + size(index)))
      let total = 0
      for (const index of indexes) total += size(index)
      if (readBuffer.length < total) readBuffer = Buffer.allocUnsafe(Math.max(total, readBuffer.length * 2))
      let at = 0
      return indexes.map((index) => {
        const length = size(index)
        let done = 0
        while (done < length) {
          const read = readSync(fd, readBuffer, at + done, length - done, offsets.at(index) + done)
          if (read === 0) throw new Error("the spool file ended early")
          done += read
        }
        const bytes = readBuffer.subarray(at, at + length)
        at += length
        return bytes
      })
    }
    const size = (index: number) => jsonLengths.at(index) + csvLengths.at(index)

    const forEachSorted = <E>(
      batchSize: number,
      visit: (batch: ReadonlyArray<SpooledFinding>) => Effect.Effect<void, E>,
      exclude?: ReadonlySet<FindingCode>
    ): Effect.Effect<void, E | ReportError> =>
      Effect.gen(function* () {
        if (onDisk) yield* Effect.try({ try: flushNow, catch: spoolFailed })
        const order = sortInReportOrder(included(exclude))
        // One array and one object per place, refilled for every batch: fresh ones per batch each outlived their
        // visit until a full collection, and grew the heap by tens of megabytes at 200,000 users (bench/RESULTS.md).
        const batch: Array<BatchEntry> = []
        for (let start = 0; start < order.length; start += batchSize) {
          const indexes = order.slice(start, start + batchSize)
          yield* Effect.try({
            try: () => {
              const bytes = bytesOf(indexes)
              batch.length = Math.min(batch.length, indexes.length)
              indexes.forEach((index, position) => {
                const entry = batch[position] ?? new BatchEntry()
                batch[position] = entry
                const both = bytes[position] as Uint8Array
                entry.severity = SEVERITIES[ranks.at(index)] ?? "info"
                entry.isNew = (flags.at(index) & NEW) !== 0
                entry.suppressed = (flags.at(index) & SUPPRESSED) !== 0
                entry.json = both.subarray(0, jsonLengths.at(index))
                entry.csv = both.subarray(entry.json.length)
              })
            },
            catch: spoolFailed
          })
          yield* visit(batch)
        }
      })

    return { add, addAll, counts, forEachSorted }
  })

/** Code-point order: the same on every machine and locale, unlike localeCompare. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
