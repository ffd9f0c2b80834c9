/**
 * Writes the findings CSV and the JSON report side by side, streaming both from the sorted spool into temporary
 * files, then puts them under their final names together. Until that last step nothing carries a final name.
 */
import { Effect } from "effect"
import type { AuditRun } from "../Audit/AuditRun.js"
import type { Finding, FindingCode } from "../Audit/Finding.js"
import { commitFiles } from "./CommitFiles.js"
import { FINDING_COLUMNS, findingRow } from "./CsvColumns.js"
import type { FindingSpool } from "./FindingSpool.js"
import type { ReportError } from "./ReportError.js"
import { openTempFile } from "./TempFile.js"

export interface FindingReportPaths {
  readonly csv: string
  readonly json: string
}

/** Spreadsheets (Excel above all) read a CSV as UTF-8 only when it starts with a byte order mark. */
const UTF8_BOM = "\uFEFF"
const BATCH = 1000

/** A field is quoted when it holds a quote, a comma or a CRLF, or starts or ends with whitespace. */
const NEEDS_QUOTES = /[",]|\r\n|^\s|\s$/

const csvField = (value: string): string => (NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value)

/**
 * RFC 4180: CRLF after every record, fields quoted when they hold a comma, quote or line break. Written out rather
 * than through csv-stringify, which took a tenth of run's time on a large report; the output is byte for byte what
 * `stringify(rows, { record_delimiter: "windows", quoted_match: /^\s|\s$/ })` gives (test/Reports/Csv.test.ts).
 */
export const toCsv = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  let text = ""
  for (const row of rows) text += csvRecord(row)
  return text
}

/** One record of `toCsv`, CRLF included. */
export const csvRecord = (row: ReadonlyArray<string>): string => {
  let text = ""
  for (let index = 0; index < row.length; index++) {
    if (index > 0) text += ","
    text += csvField(row[index] ?? "")
  }
  return `${text}\r\n`
}

export const writeFindingReports = (options: {
  readonly directory: string
  readonly stem: string
  readonly run: AuditRun
  readonly spool: FindingSpool
  readonly exclude: ReadonlySet<FindingCode>
  /** Sees each batch in report order as it is written, so a caller can pick findings out without a second pass. */
  readonly onBatch?: (batch: ReadonlyArray<Finding>) => void
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
        (batch, lines) =>
          Effect.gen(function* () {
            options.onBatch?.(batch)
            yield* csv.appendAll(batch.map((finding) => csvRecord(findingRow(finding))))
            // The spooled text is what JSON.stringify gives for the finding: no need to stringify it again.
            yield* json.appendAll(lines.map((line, index) => (first && index === 0 ? `\n${line}` : `,\n${line}`)))
            first = false
          }),
        options.exclude
      )
      yield* json.append("\n]\n}\n")
      yield* csv.finish
      yield* json.finish
      const [csvPath = "", jsonPath = ""] = yield* commitFiles(options.directory, options.stem, [
        { tempPath: csv.path, extension: ".csv" },
        { tempPath: json.path, extension: ".json" }
      ])
      return { csv: csvPath, json: jsonPath }
    })
  )
