/**
 * RFC 4180 CSV as every report of this tool writes it (findings, inventory, review): CRLF after every record,
 * fields quoted when they hold a comma, quote or line break, or start or end with whitespace.
 */
import { isFormulaGuarded } from "./FormulaGuard.js"

/**
 * A field is quoted when it holds a quote, a comma, a carriage return or a line feed, or starts or ends with
 * whitespace. A lone CR or LF counts: Excel, LibreOffice and most CSV readers end a record at either, so a name
 * holding one would otherwise split its finding across rows.
 */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/

const csvField = (field: string): string => {
  const value = fitSpreadsheetCell(field)
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** The most characters (UTF-16 code units) an Excel cell holds: Microsoft's "Excel specifications and limits". */
export const CELL_MAX_CHARS = 32_767

/**
 * A cell as a spreadsheet can hold it. Excel keeps no more than `CELL_MAX_CHARS` of a longer cell of a CSV and gives
 * no sign of the rest, so a 100 KB name from the API (typed by another system, or hostile) read in the sheet as a
 * whole, shorter one. Cut here instead, on a whole character, with a mark that says so and how long it was; the JSON
 * report keeps it whole. Read back, the cut text and its mark are compared whole (`asCellReadsBack`).
 */
export const fitSpreadsheetCell = (value: string): string => {
  if (value.length <= CELL_MAX_CHARS) return value
  // Counted as the value was sent: the `'` put before a formula is this tool's, not one of its characters.
  const mark = cutMark(isFormulaGuarded(value) ? value.length - 1 : value.length)
  let end = CELL_MAX_CHARS - mark.length
  // Never half of a surrogate pair, which the file would hold as U+FFFD.
  if (isHighSurrogate(value.charCodeAt(end - 1))) end--
  return value.slice(0, end) + mark
}

const cutMark = (length: number): string => `…[cut: ${length.toLocaleString("en-US")} characters in all]`

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff

/**
 * The rows as CSV. Written out rather than through csv-stringify, which took a tenth of run's time on a large
 * report; with every field within a cell's limit (`fitSpreadsheetCell`), the output is byte for byte what
 * `stringify(rows, { record_delimiter: "windows", quote_record_delimiter: true, quoted_match: /^\s|\s$/ })` gives
 * (test/Reports/Csv.test.ts).
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

/**
 * The text as a report file holds it: written as UTF-8, half of a surrogate pair with no other half (which a JSON
 * escape can carry, `"\ud800"`) becomes U+FFFD. Text compared with a cell read back goes through this first.
 */
export const asWritten = (text: string): string => text.replace(LONE_SURROGATE, "\uFFFD")

/** In a `u` expression a surrogate matches only when it is not half of a pair. */
const LONE_SURROGATE = /\p{Cs}/gu
