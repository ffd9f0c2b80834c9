/**
 * Findings wait here until the run is complete and they can be sorted. Each is rendered once, as it comes, into
 * the bytes the reports will hold (its JSON line and its CSV record), and the reports are then written by copying
 * those bytes in report order: nothing is parsed or rendered again, and the report phase makes almost no garbage.
 *
 * The bytes are kept in memory up to `MEMORY_BYTES` (a run of 20,000 users needs about half of it); past that they
 * go to a temporary file, since a run over 200,000 users may raise well over 100,000 findings. Memory then holds
 * only what sorting needs (severity, code, email, id) and where each finding's bytes sit. The email and id are kept
 * as UTF-8 bytes, not as two strings per finding: the collector carried those in its old generation to the end of
 * a run, about 11 MB of it at 200,000 users (bench/RESULTS.md).
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { growArrayBuffer, ownBuffer } from "../Audit/ArrayBufferMemory.js"
import { FINDING_CODE_INDEXES, FINDING_CODES, type FindingCode } from "../Audit/Finding.js"
import { type AnnotatedFinding, FINDING_CHANGES, type FindingChange } from "../Audit/FindingAnnotations.js"
import { SEVERITIES, type Severity, severityRank } from "../Audit/Severity.js"
import { type ByteChunks, makeByteChunks } from "./ByteChunks.js"
import { csvRecord } from "./Csv.js"
import { findingRow } from "./CsvColumns.js"
import { describeFsError, hasErrorCode, ReportError } from "./ReportError.js"
import { temporaryName } from "./TempFile.js"

/** Kept in memory up to this many bytes of rendered findings; the memory a run holds stops growing there. */
export const MEMORY_BYTES = 16 * 1024 * 1024

/** Once on disk, writes are gathered into a buffer of this size. */
const FLUSH_BYTES = 1024 * 1024

/** In memory, the bytes are kept in chunks of this size (ByteChunks.ts); a larger rendering takes one of its own. */
const CHUNK_BYTES = 1024 * 1024

/**
 * The size of each buffer of sort keys. A key that may not fit in what is left of one (its most bytes, three per
 * UTF-16 code unit) starts a new one, of at least that size.
 */
const KEY_CHUNK_BYTES = 256 * 1024

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
  /** What the ledger marked it against the previous report. */
  readonly change: FindingChange
  readonly suppressed: boolean
  /** Its line in the JSON report: `JSON.stringify` of the finding, as UTF-8. */
  readonly json: Uint8Array
  /** Its record in the CSV report, CRLF included, as UTF-8. */
  readonly csv: Uint8Array
  /** The finding itself, read back from its JSON (only when a caller needs the object). */
  readonly finding: () => AnnotatedFinding
}

/**
 * Findings are all added before they are read: a visit's batches are views of the memory that the next add may
 * move or free. An add during `forEachSorted` is a defect of the caller, and dies.
 */
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

// Codes sort alphabetically, as the report promises, not in declaration order: each code's place in that order.
const ALPHABETICAL_CODES = [...FINDING_CODES].sort()
const codePlace = Uint8Array.from(FINDING_CODES, (code) => ALPHABETICAL_CODES.indexOf(code))

/** A finding's flags: its change in the low two bits (its place in FINDING_CHANGES), then whether it is suppressed. */
const CHANGE_MASK = 3
const SUPPRESSED = 4

/** Unchanged and new, nearly every finding, are told by one comparison each. */
const changeIndex = (change: FindingChange): number =>
  change === "unchanged" ? 0 : change === "new" ? 1 : change === "escalated" ? 2 : 3

/** One place in a batch, filled again for every batch. */
class BatchEntry implements SpooledFinding {
  severity: Severity = "info"
  change: FindingChange = "unchanged"
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
const numberColumn = (Values: { new (buffer: ArrayBuffer): NumberArray; readonly BYTES_PER_ELEMENT: number }) => {
  let values = new Values(new ArrayBuffer(1024 * Values.BYTES_PER_ELEMENT))
  let length = 0
  return {
    push: (value: number) => {
      if (length === values.length)
        values = new Values(growArrayBuffer(values.buffer as ArrayBuffer, values.byteLength * 2))
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
    // Made once the audit starts, after the report directory was checked: missing then, the directory was removed
    // during the run, which "it does not exist", said of a file the run makes itself, left the reader to guess.
    const spoolFailed = (error: unknown) =>
      new ReportError({
        message: hasErrorCode(error, "ENOENT")
          ? `cannot use the temporary file ${path}: the report directory ${directory} was removed during the run, ` +
            "after it was checked at the start; nothing was written"
          : `cannot use the temporary file ${path}: ${describeFsError(error)}`
      })
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

    const ranks = numberColumn(Uint8Array)
    const codes = numberColumn(Uint8Array)
    const flags = numberColumn(Uint8Array)
    // File offsets can pass 4 GiB in principle; a double holds them exactly.
    const offsets = numberColumn(Float64Array)
    const jsonLengths = numberColumn(Uint32Array)
    const csvLengths = numberColumn(Uint32Array)
    const keys = makeSortKeys()

    /** Where rendered bytes go while they all fit in memory; gone once they have moved to the file. */
    let memory: ByteChunks | undefined = makeByteChunks(Math.min(CHUNK_BYTES, Math.max(memoryBytes, 1024)), memoryBytes)
    /** On disk: the bytes not yet written out, and how many the file holds. */
    let pending = ownBuffer(0)
    let stored = 0
    let written = 0

    const writeAll = (bytes: Uint8Array, length: number) => {
      let done = 0
      while (done < length) done += writeSync(fd, bytes, done, length - done, written + done)
      written += length
    }

    const flushNow = () => {
      if (stored === 0) return
      writeAll(pending, stored)
      stored = 0
    }

    /** Everything so far goes to the file, in the order it came, and the memory it took is let go. */
    const moveToDisk = (chunks: ByteChunks) => {
      for (const bytes of chunks.chunks()) writeAll(bytes, bytes.length)
      chunks.free()
      memory = undefined
      pending = ownBuffer(FLUSH_BYTES)
    }

    /** Makes room on the way to the file for `bytes` more. */
    const reserveOnDisk = (bytes: number) => {
      if (stored + bytes <= pending.length) return
      flushNow()
      if (bytes > pending.length) pending = ownBuffer(bytes)
    }

    const append = (finding: AnnotatedFinding) => {
      const json = JSON.stringify(finding)
      const csv = csvRecord(findingRow(finding))
      const most = (json.length + csv.length) * MAX_BYTES_PER_CODE_UNIT
      ranks.push(severityRank(finding.severity))
      codes.push(FINDING_CODE_INDEXES.get(finding.finding) ?? 0)
      keys.add(finding.email ?? "", finding.userId ?? "")
      flags.push(changeIndex(finding.change) | (finding.suppressed ? SUPPRESSED : 0))
      if (memory?.reserve(most)) {
        offsets.push(memory.length())
        jsonLengths.push(memory.write(json))
        csvLengths.push(memory.write(csv))
        return
      }
      if (memory !== undefined) moveToDisk(memory)
      reserveOnDisk(most)
      offsets.push(written + stored)
      const jsonLength = pending.write(json, stored, "utf8")
      const csvLength = pending.write(csv, stored + jsonLength, "utf8")
      jsonLengths.push(jsonLength)
      csvLengths.push(csvLength)
      stored += jsonLength + csvLength
    }

    /** Visits under way: no finding may be added meanwhile (see FindingSpool). */
    let reading = 0

    const addAll = (findings: ReadonlyArray<AnnotatedFinding>) =>
      reading > 0
        ? Effect.dieMessage("a finding was added to the spool while its findings were being read")
        : Effect.try({
            try: () => {
              for (const finding of findings) append(finding)
            },
            catch: spoolFailed
          })

    const add = (finding: AnnotatedFinding) => addAll([finding])

    const included = (exclude: ReadonlySet<FindingCode> | undefined) => {
      const excludedIndexes = new Set([...(exclude ?? [])].map((code) => FINDING_CODE_INDEXES.get(code)))
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
      return order.sort((a, b) => (group[a] ?? 0) - (group[b] ?? 0) || keys.compare(a, b))
    }

    /** The batch's bytes: views of the chunks in memory, or read from the file into one reused buffer. */
    let readBuffer = Buffer.allocUnsafe(0)
    const bytesOf = (indexes: ReadonlyArray<number>): ReadonlyArray<Uint8Array> => {
      const inMemory = memory
      if (inMemory !== undefined) return indexes.map((index) => inMemory.view(offsets.at(index), size(index)))
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
      Effect.acquireUseRelease(
        Effect.sync(() => {
          reading++
        }),
        () => visitInOrder(batchSize, visit, exclude),
        () =>
          Effect.sync(() => {
            reading--
          })
      )

    const visitInOrder = <E>(
      batchSize: number,
      visit: (batch: ReadonlyArray<SpooledFinding>) => Effect.Effect<void, E>,
      exclude?: ReadonlySet<FindingCode>
    ): Effect.Effect<void, E | ReportError> =>
      Effect.gen(function* () {
        if (memory === undefined) yield* Effect.try({ try: flushNow, catch: spoolFailed })
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
                entry.change = FINDING_CHANGES[flags.at(index) & CHANGE_MASK] ?? "unchanged"
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

/**
 * Each finding's email and user id, as UTF-8 one after the other, in buffers of `KEY_CHUNK_BYTES`. Compared byte
 * by byte, which is code-point order: the same on every machine and locale, unlike localeCompare. A lone
 * surrogate, which is no character, is written as U+FFFD, so keys that differ only there compare equal, and the
 * next key (the user id, then the order findings came in) decides.
 */
const makeSortKeys = () => {
  const buffers: Array<Buffer> = [Buffer.allocUnsafe(KEY_CHUNK_BYTES)]
  let current = buffers[0] as Buffer
  let used = 0
  const bufferIndexes = numberColumn(Uint32Array)
  const starts = numberColumn(Uint32Array)
  const emailLengths = numberColumn(Uint32Array)
  const idLengths = numberColumn(Uint32Array)

  const add = (email: string, userId: string) => {
    const most = (email.length + userId.length) * MAX_BYTES_PER_CODE_UNIT
    if (used + most > current.length) {
      current = Buffer.allocUnsafe(Math.max(KEY_CHUNK_BYTES, most))
      buffers.push(current)
      used = 0
    }
    const emailLength = current.write(email, used, "utf8")
    const idLength = current.write(userId, used + emailLength, "utf8")
    bufferIndexes.push(buffers.length - 1)
    starts.push(used)
    emailLengths.push(emailLength)
    idLengths.push(idLength)
    used += emailLength + idLength
  }

  // By hand rather than with Buffer's compare: over 80,000 keys sorted, the loop took about half the time of
  // the native call, which checks its five arguments every time.
  const compareBytes = (
    left: Uint8Array,
    leftStart: number,
    leftLength: number,
    right: Uint8Array,
    rightStart: number,
    rightLength: number
  ): number => {
    const shorter = Math.min(leftLength, rightLength)
    for (let at = 0; at < shorter; at++) {
      const difference = (left[leftStart + at] ?? 0) - (right[rightStart + at] ?? 0)
      if (difference !== 0) return difference
    }
    return leftLength - rightLength
  }

  /** Email first, then user id, of the findings added `a`-th and `b`-th. */
  const compare = (a: number, b: number): number => {
    const left = buffers[bufferIndexes.at(a)] as Buffer
    const right = buffers[bufferIndexes.at(b)] as Buffer
    const leftEmail = emailLengths.at(a)
    const rightEmail = emailLengths.at(b)
    return (
      compareBytes(left, starts.at(a), leftEmail, right, starts.at(b), rightEmail) ||
      compareBytes(left, starts.at(a) + leftEmail, idLengths.at(a), right, starts.at(b) + rightEmail, idLengths.at(b))
    )
  }

  return { add, compare }
}
