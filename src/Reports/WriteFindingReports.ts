/**
 * Writes the findings CSV and the JSON report side by side, streaming both from the sorted spool into temporary
 * files, then puts them under their final names together. Until that last step nothing carries a final name.
 */
import * as Effect from "effect/Effect"
import type { AuditRun } from "../Audit/AuditRun.js"
import type { FindingCode } from "../Audit/Finding.js"
import { commitFiles } from "./CommitFiles.js"
import { toCsv } from "./Csv.js"
import { FINDING_COLUMNS } from "./CsvColumns.js"
import { nextTurn } from "./EventLoopTurn.js"
import type { FindingSpool, SpooledFinding } from "./FindingSpool.js"
import type { ReportError } from "./ReportError.js"
import { openTempFile } from "./TempFile.js"
import { UNDELIVERED_EXTENSION } from "./UndeliveredMark.js"

export interface FindingReportPaths {
  readonly csv: string
  readonly json: string
  /** The run's `.undelivered` mark, put in place with the reports when an email is still to be sent. */
  readonly undelivered?: string
}

/** Spreadsheets (Excel above all) read a CSV as UTF-8 only when it starts with a byte order mark. */
const UTF8_BOM = "\uFEFF"
const BATCH = 1000
// As bytes, like the lines between them: copied, not encoded again for every finding.
const FIRST_SEPARATOR = Buffer.from("\n")
const SEPARATOR = Buffer.from(",\n")

export const writeFindingReports = (options: {
  readonly directory: string
  readonly stem: string
  readonly run: AuditRun
  readonly spool: FindingSpool
  readonly exclude: ReadonlySet<FindingCode>
  /**
   * Sees each batch in report order as it is written, so a caller can pick findings out without a second pass.
   * The batch and its entries are valid only during the call: the next batch reuses them, bytes included.
   */
  readonly onBatch?: (batch: ReadonlyArray<SpooledFinding>) => void
  /**
   * The text of an `.undelivered` mark to put in place with the reports, for a run that is yet to send its email:
   * a run stopped between writing its reports and sending then still leaves the mark (UndeliveredMark.ts).
   */
  readonly undeliveredMark?: string
}): Effect.Effect<FindingReportPaths, ReportError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const csv = yield* openTempFile(options.directory, "user-audit.csv")
      const json = yield* openTempFile(options.directory, "user-audit.json")
      yield* csv.append(UTF8_BOM + toCsv([[...FINDING_COLUMNS]]))
      yield* json.append(`{\n"run": ${JSON.stringify(options.run, null, 2)},\n"findings": [`)
      let first = true
      yield* options.spool.forEachSorted(
        BATCH,
        (batch) =>
          Effect.gen(function* () {
            options.onBatch?.(batch)
            // The spool holds each finding's CSV record and JSON line as they go into the reports: copied as is.
            yield* csv.appendAll(batch.map((finding) => finding.csv))
            const lines: Array<Uint8Array> = []
            for (const finding of batch) {
              lines.push(first ? FIRST_SEPARATOR : SEPARATOR, finding.json)
              first = false
            }
            yield* json.appendAll(lines)
            // Where a stop signal is seen (EventLoopTurn.ts): written in one go, 92,868 users' reports held the loop
            // 650 ms, and the stop waited that long.
            yield* nextTurn
          }),
        options.exclude
      )
      yield* json.append("\n]\n}\n")
      // Both files are flushed to disk at once: each wait is the disk's, not the program's. Both are waited for, and
      // if both fail the CSV's error is the one reported, as when they were flushed in turn.
      const [csvFinished, jsonFinished] = yield* Effect.all([Effect.exit(csv.finish), Effect.exit(json.finish)], {
        concurrency: 2
      })
      yield* csvFinished
      yield* jsonFinished
      const files = [
        { tempPath: csv.path, extension: ".csv" },
        { tempPath: json.path, extension: ".json" }
      ]
      if (options.undeliveredMark !== undefined) {
        const mark = yield* openTempFile(options.directory, "user-audit.undelivered")
        yield* mark.append(options.undeliveredMark)
        yield* mark.finish
        files.push({ tempPath: mark.path, extension: UNDELIVERED_EXTENSION })
      }
      const [csvPath = "", jsonPath = "", markPath] = yield* commitFiles(options.directory, options.stem, files)
      return { csv: csvPath, json: jsonPath, ...(markPath === undefined ? {} : { undelivered: markPath }) }
    })
  )
