/**
 * Reading an access review's workbook as a spreadsheet may have saved it: checked to be a plain file of a sane size,
 * its header looked at for the separator, then streamed row by row, so that a workbook of 200,000 users is never held
 * whole; every way a reviewer's copy can stop being the workbook (another separator, a shifted row, a file cut short,
 * another shape) is said in words that name the fix.
 */
import { stat } from "node:fs/promises"
import { pipeline } from "node:stream"
import { type InputFileSecrets, quoteOfFile } from "../Cli/InputFileSecrets.js"
import { describeFsErrorOfPath } from "../Cli/UnexpandedPath.js"
import { openRegularFile } from "../Reports/RegularFile.js"
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"
import { ofSameReview, pastedRowCheck, whatDiffers } from "./PastedRows.js"
import { NotCsvText, workbookText } from "./WorkbookText.js"

/** What makes a file no review workbook of this tool, said of it ("it is empty"). */
class NotAWorkbook extends Error {}

const WORKBOOK_COLUMNS = ["user_id", "email", "decision"] as const

/** Whether the file's last byte is a line break, as every row of a spreadsheet's CSV ends with one. */
const endsWithLineBreak = async (path: string): Promise<boolean> => {
  const file = await openRegularFile(path)
  try {
    const { size } = await file.stat()
    if (size === 0) return true
    const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1)
    return buffer[0] === 0x0a || buffer[0] === 0x0d
  } finally {
    await file.close()
  }
}

/**
 * Whether the first row is an account's, by the cells the header found below it names: a user id and an email. A
 * title typed in fills a cell or two at the left; an account's row fills both.
 */
const isAccountRow = (first: ReadonlyArray<string>, header: ReadonlyArray<string>): boolean =>
  (["user_id", "email"] as const).every((column) => (first[header.indexOf(column)] ?? "").trim() !== "")

/** Separators a spreadsheet may save "CSV" with instead of commas, as they are named to the reviewer. */
const OTHER_SEPARATORS = [
  [";", "semicolons"],
  ["\t", "tabs"]
] as const

/** Enough of the file for its header line: the workbook's is a few hundred bytes. */
const HEADER_HEAD_BYTES = 64 * 1024

/**
 * Refuses a workbook whose header holds its columns split by another separator than commas: Excel saves "CSV" with
 * semicolons where the system's list separator is one (much of Europe), and "Text" with tabs. Said from the header,
 * before a later row's quoted cell fails the parser in words that name neither the separator nor a fix.
 */
const refuseOtherSeparator = async (path: string): Promise<ReadonlyArray<string>> => {
  const head = await openRegularFile(path).then(async (handle) => {
    try {
      const bytes = Buffer.alloc(HEADER_HEAD_BYTES)
      const { bytesRead } = await handle.read(bytes, 0, HEADER_HEAD_BYTES, 0)
      return bytes.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  })
  // The column names are ASCII, so any encoding but UTF-16 (refused on its own) shows them as they are.
  const lines = head
    .toString("latin1")
    .replace(/^\u00ef\u00bb\u00bf/, "")
    .split(/\r?\n/)
  const [line = ""] = lines
  const hasColumns = (candidate: string, separator: string) => {
    const cells = candidate.split(separator).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"))
    return WORKBOOK_COLUMNS.every((column) => cells.includes(column))
  }
  // The column names as the header line has them (quoted, as some spreadsheets save every cell), to name a cell by
  // before the parser has given a row.
  const columnNames = () => line.split(",").map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"))
  if (hasColumns(line, ",")) return columnNames()
  for (const [separator, name] of OTHER_SEPARATORS) {
    // Looked for below a title typed above it too: read with commas, such a sheet failed at its first quoted cell in
    // the parser's words, quoting an account's row.
    const headerLine = lines.findIndex((candidate) => hasColumns(candidate, separator))
    if (headerLine !== -1) {
      const above = headerLine === 0 ? "" : headerLine === 1 ? "the row" : `the ${headerLine} rows`
      const what = line.startsWith("#TYPE ") ? "PowerShell's type line" : "a title typed in"
      const cellsOf = (text: string) => text.split(separator).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"))
      const fix =
        above === ""
          ? ""
          : what === "a title typed in" && isAccountRow(cellsOf(line), cellsOf(lines[headerLine] ?? ""))
            ? `, and move its header, on row ${headerLine + 1} below rows of accounts (the sheet was sorted with ` +
              "its header among the rows), back to the top, so that the header is the first row"
            : `, and remove ${above} above its header (${what}), so that the header is the first row`
      throw new NotAWorkbook(
        `its cells are separated by ${name}, not commas: save it again as CSV with commas between the cells (Excel ` +
          "uses the system's list separator; LibreOffice asks for the field delimiter)" +
          fix
      )
    }
  }
  // The other files a review or an export writes, given by mistake: said as what they are, before the CSV parser
  // stops at their first quote in words ("Invalid Opening Quote") that name neither the file nor the fix.
  const opening = line.trimStart()
  if (/^<(!doctype\s+html|html)[\s>]/i.test(opening)) {
    throw new NotAWorkbook(
      "it is a web page (HTML), as the review's page is, not its workbook: that is the access-review-<stamp>.csv " +
        "the same review wrote beside the page"
    )
  }
  if (opening.startsWith("{") || opening.startsWith("[")) {
    throw new NotAWorkbook("it is JSON (a findings report or an export's manifest, perhaps), not a review workbook")
  }
  return columnNames()
}

const isWorkbookHeader = (cells: ReadonlyArray<string>): boolean =>
  WORKBOOK_COLUMNS.every((column) => cells.includes(column))

/**
 * The header found below the first row: a title typed above it, the type line PowerShell's `Export-Csv` writes
 * first without `-NoTypeInformation`, or accounts above it, where a sort of the whole sheet took the header for a row
 * (Google Sheets' "Sort sheet" without row 1 frozen puts it between the "false" and the "true" rows). Taken for the
 * header, that row had the real header said to be a row with more cells than it ("fix or remove that row"), or,
 * padded with commas by Excel, the workbook said to be none; and told to remove the rows above as a title, the
 * reviewer of a sorted sheet was told to delete accounts and their decisions.
 */
const headerBelowRowOne = (first: ReadonlyArray<string>, header: ReadonlyArray<string>, row: number): NotAWorkbook =>
  new NotAWorkbook(
    first[0]?.startsWith("#TYPE ") === true
      ? 'its first line is the type line ("#TYPE ...") PowerShell\'s Export-Csv writes without ' +
          "-NoTypeInformation, above the header: remove that line, or export again with -NoTypeInformation"
      : isAccountRow(first, header)
        ? `its header (the columns' names) is on row ${row}, below rows of accounts: the sheet was sorted with its ` +
          "header among the rows; move that row back to the top, or sort again with row 1 taken as the header, so " +
          "that the header is the first row"
        : `its header (the columns' names) is on row ${row}, not row 1: remove the ` +
          `${row === 2 ? "row" : `${row - 1} rows`} above it (a title typed in), so that the header is the first row`
  )

/**
 * Whether a row names an account (a user_id or an email) without saying whether it can sign in: the review fills in
 * `enabled` on every row but that of a record that is no object, which has neither id nor email. Such a row is a
 * person a reviewer added to the sheet, and read as the review's it was listed as an account able to sign in then and
 * removed since. A workbook without the column (saved with fewer columns) says nothing either way.
 */
const isTypedInByHand = (header: ReadonlyArray<string>, record: Record<string, string>): boolean =>
  header.includes("enabled") &&
  (record.enabled ?? "").trim() === "" &&
  ((record.user_id ?? "").trim() !== "" || (record.email ?? "").trim() !== "")

/**
 * Whether a row says whether its account can sign in but names it by neither user_id nor email, and is no record that
 * failed validation (the only rows the review writes so, each with an INVALID_RECORD finding): both cells were
 * cleared in the sheet. Read as before, its decision went uncounted and its account passed for added, without a word.
 */
const hasLostItsAccount = (header: ReadonlyArray<string>, record: Record<string, string>): boolean =>
  header.includes("findings") &&
  (record.enabled ?? "").trim() !== "" &&
  (record.user_id ?? "").trim() === "" &&
  (record.email ?? "").trim() === "" &&
  !(record.findings ?? "").split(/\s+/).includes("INVALID_RECORD")

/** "a", "a and b", "a, b and c". */
const and = (columns: ReadonlyArray<string>): string =>
  columns.length === 1 ? (columns[0] ?? "") : `${columns.slice(0, -1).join(", ")} and ${columns.at(-1)}`

/** The columns read besides user_id, email and decision: an account's access then, its names, and the review's. */
const COMPARED_COLUMNS = [
  "privileged",
  "role_name",
  "family_name",
  "given_name",
  "enabled",
  "role_id",
  "instance",
  "as_of"
] as const

/** A column as a spreadsheet names it: 0 is A, 25 is Z, 26 is AA. */
const columnLetters = (index: number): string =>
  (index >= 26 ? columnLetters(Math.floor(index / 26) - 1) : "") + String.fromCharCode(65 + (index % 26))

/**
 * A quote typed into a cell outside a spreadsheet (`said "ok"`, or `"ok" said`), which would have put the cell in
 * quotes and doubled it, said as a spreadsheet names the cell (`S5`). The parser's own words name a line of the
 * file, which a cell of several lines above puts past the row, and count fields from 0: "field 18 at line 7" for a
 * quote in row 5's notes, column S.
 */
const strayQuote = (error: unknown, header: ReadonlyArray<string> | undefined): NotAWorkbook | undefined => {
  if (typeof error !== "object" || error === null) return undefined
  if (!hasErrorCode(error, "INVALID_OPENING_QUOTE", "CSV_INVALID_CLOSING_QUOTE")) return undefined
  const records = Reflect.get(error, "records")
  const column = Reflect.get(error, "column")
  if (typeof records !== "number" || typeof column !== "number") return undefined
  // Of a file with no workbook's header (a secret's file given by mistake), the parser's words, scrubbed, say more.
  if (header === undefined || !isWorkbookHeader(header)) return undefined
  // Named only as this tool names its columns: the header is the file's own text.
  const name = header?.[column] ?? ""
  const cell = `cell ${columnLetters(column)}${records + 1}${/^[a-z_]{1,40}$/.test(name) ? ` (${name})` : ""}`
  const what = hasErrorCode(error, "INVALID_OPENING_QUOTE")
    ? "holds a quote but does not start with one"
    : "has text after the quote that closes it"
  return new NotAWorkbook(
    `${cell} ${what}: a quote was typed into it outside a spreadsheet, which would have put the cell in quotes and ` +
      'doubled the quotes in it ("said ""ok"""); remove the quote, or write the cell so'
  )
}

/** A header's names as written, but for a joined part's byte order mark and the empty cells Excel pads rows with. */
const columnsOf = (cells: ReadonlyArray<string>): string =>
  JSON.stringify(cells.map((cell) => cell.replace(/^\uFEFF/, "").trim())).replace(/(,"")+\]$/, "]")

const sameColumns = (cells: ReadonlyArray<string>, header: ReadonlyArray<string>): boolean =>
  columnsOf(cells) === columnsOf(header)

/**
 * The header's cells that are the missing columns in other case or spacing (`Decision`, `User ID`), one for each, or
 * undefined when one has none: headings made to read better in a spreadsheet, where the message said the file was no
 * review workbook. Only such a cell is quoted, no other text of the file.
 */
const renamedColumns = (
  header: ReadonlyArray<string>,
  missing: ReadonlyArray<string>
): ReadonlyArray<string> | undefined => {
  const cells = header.map((cell) => cell.replace(/^\uFEFF/, "").trim())
  const renamed = missing.map((column) => cells.find((cell) => cell.toLowerCase().replace(/[\s-]+/g, "_") === column))
  return renamed.every((cell) => cell !== undefined) ? renamed : undefined
}

/**
 * Streams the workbook's rows to `onRecord`, as column name to cell: a workbook of 200,000 users is never held
 * whole. Refuses a file without the user_id and email columns (empty, or another shape), and one of another Panther.
 *
 * A row may have fewer cells than the header: Excel's "CSV (Comma delimited)" leaves out trailing empty cells in
 * stretches of rows, so a row short of the header is read with the cells it has. Only the last row short, with no
 * line break after it, is refused: that is a file cut off in the middle of a row (no writer ends a file so). A row
 * with more cells than the header is refused wherever it is: a comma typed into a cell without quotes shifts every
 * cell after it into the wrong column, and a cell typed past the last column has no name to be read by.
 */
export const eachWorkbookRecord = async (
  path: string,
  onRecord: (record: Record<string, string>, row: number) => void
): Promise<{ readonly instance: string | undefined; readonly asOf: string | undefined }> => {
  const columns = await refuseOtherSeparator(path)
  const { parse } = await import("csv-parse")
  let header: ReadonlyArray<string> | undefined
  // What the workbook covers, as its first row to say it has it: a row left blank above the others says nothing, and
  // taken for the first it let a workbook of another Panther be compared with.
  let instance: string | undefined
  let asOf: string | undefined
  /** The last row read, as a spreadsheet numbers it (the header is row 1), and how many cells it had. */
  let last = { row: 1, cells: 0 }
  let accounts = 0
  // A row whose cells past the last column are empty is read, as Excel writes one after a column was cleared; but a
  // comma typed without quotes moves every cell after it, and pushes out only the last, often empty. Such a row's
  // instance and as_of (the same on every row of a workbook) moved too: held against those of a row in its place.
  let inPlace: { readonly row: number; readonly record: Record<string, string> } | undefined
  /** Where the header is first repeated. */
  let joinedAt: number | undefined
  // Rows of another review pasted in without a header, told at the end. Rows in place only: a row a comma moved holds
  // others' cells where its instance and as_of go, which is said as such.
  const reviews = pastedRowCheck()
  const overlong: Array<{ readonly row: number; readonly cells: number; readonly record: Record<string, string> }> = []
  const checkMoved = (reference: { readonly row: number; readonly record: Record<string, string> }) => {
    for (const { row, cells, record } of overlong.splice(0)) {
      if (record.instance === reference.record.instance && record.as_of === reference.record.as_of) continue
      throw new NotAWorkbook(
        `row ${row} has ${cells} cells, ${cells - (header?.length ?? 0)} more than the header, and its instance ` +
          `and as_of are not those of row ${reference.row}: a comma typed into a cell without quotes moved every ` +
          "cell after it; the file was edited, so fix or remove that row"
      )
    }
  }
  // Checked to be a plain file before, but the name may have been given to a pipe since (RegularFile.ts).
  const source = (await openRegularFile(path)).createReadStream()
  // Rows as lists of cells, so a row's cells can be counted against the header's.
  const parser = parse({ relax_column_count: true })
  // A failure anywhere (the file unreadable, UTF-16, not CSV) ends the reading below with it.
  pipeline(source, workbookText(), parser, () => {})
  try {
    for await (const cells of parser as AsyncIterable<Array<string>>) {
      if (header === undefined) {
        header = cells
        continue
      }
      last = { row: last.row + 1, cells: cells.length }
      if (isWorkbookHeader(cells) && !isWorkbookHeader(header)) throw headerBelowRowOne(header, cells, last.row)
      // Empty cells past the last column are no edit: Excel writes them (`...,keep,,`) once its used range is wider
      // than the header, after a column was typed into and cleared.
      if (cells.length > header.length && cells.slice(header.length).some((cell) => cell.trim() !== "")) {
        throw new NotAWorkbook(
          `row ${last.row} has ${cells.length} cells, ${cells.length - header.length} more than the header: a cell ` +
            "past the last column, or a comma typed into a cell without quotes (which moves every cell after it); " +
            "the file was edited, so fix or remove that row"
        )
      }
      const record: Record<string, string> = {}
      for (let index = 0; index < cells.length; index++) record[header[index] ?? ""] = cells[index] ?? ""
      // The header again, where workbooks split among reviewers were joined back (`cat`, or a paste of a whole
      // sheet): no account. Read as one, it was listed as removed ("given_name family_name") with an unread decision.
      if (isWorkbookHeader(cells)) {
        // Read by row 1's order, a part whose columns were moved had each cell taken for another's.
        if (!sameColumns(cells, header)) {
          throw new NotAWorkbook(
            `row ${last.row} repeats the header with its columns not as row 1 has them: parts of the workbook were ` +
              "joined after columns were moved, added or taken out in one; give that part row 1's columns, in its " +
              "order, then join the parts again"
          )
        }
        joinedAt ??= last.row
        continue
      }
      const firstOfReview = reviews.first()
      if (joinedAt !== undefined && firstOfReview !== undefined && !ofSameReview(record, firstOfReview.record)) {
        // Parts of one review share its instance and as_of; another review's, joined by mistake, had its accounts
        // listed as removed and its decisions checked against this review, without a word.
        throw new NotAWorkbook(
          `row ${last.row}, below the header repeated on row ${joinedAt}, is of another review than row ` +
            `${firstOfReview.row} (${whatDiffers({ row: last.row, record }, firstOfReview)}): workbooks of different ` +
            "reviews were joined; give the last review's own workbook"
        )
      }
      if (cells.length <= header.length) reviews.see({ row: last.row, record })
      if (record.instance) instance ??= record.instance
      if (record.as_of) asOf ??= record.as_of
      // A row left blank (Excel writes one as commas alone) is no account, whatever its length.
      if ((header.includes("instance") || header.includes("as_of")) && cells.some((cell) => cell.trim() !== "")) {
        if (cells.length > header.length) overlong.push({ row: last.row, cells: cells.length, record })
        else inPlace ??= { row: last.row, record }
        if (inPlace !== undefined) checkMoved(inPlace)
      }
      if (isTypedInByHand(header, record)) {
        throw new NotAWorkbook(
          `row ${last.row} has an account's user_id or email but no enabled cell, which the review fills in on ` +
            "every account's row: it was typed in by hand, and read as the review's it would be an account removed " +
            "since; remove that row (access is given in Panther, not in the workbook), or copy the account's row " +
            "back from the review's own workbook"
        )
      }
      if (hasLostItsAccount(header, record)) {
        throw new NotAWorkbook(
          `row ${last.row} has no user_id and no email, which the review fills in on every account's row: they ` +
            "were cleared in the sheet, and its account and decision cannot be told; copy both back from the " +
            "review's own workbook"
        )
      }
      if (cells.some((cell) => cell.trim() !== "")) accounts++
      onRecord(record, last.row)
    }
    // Every row past the last column: the first stands for the rest.
    const [firstOverlong] = overlong
    if (firstOverlong !== undefined) checkMoved(firstOverlong)
    const pasted = reviews.end()
    if (pasted !== undefined) throw new NotAWorkbook(pasted)
  } catch (error) {
    // The parser may fail before it has given even the header: read ahead, it had already met the quote.
    throw strayQuote(error, header ?? columns) ?? error
  } finally {
    // Closed also when the parser fails halfway.
    source.destroy()
  }
  if (header === undefined) throw new NotAWorkbook("it is empty")
  // A findings report has user_id and email too; only a review workbook has a decision column. The message says
  // which it has: "no user_id, email and decision columns" said of a findings report read as if those were missing.
  const missing = WORKBOOK_COLUMNS.filter((column) => !header?.includes(column))
  if (missing.length > 0) {
    const present = WORKBOOK_COLUMNS.filter((column) => header?.includes(column))
    const renamed = renamedColumns(header, missing)
    if (renamed !== undefined) {
      const [one, them] = missing.length === 1 ? ["column is", "it"] : ["columns are", "them"]
      throw new NotAWorkbook(
        `its ${and(missing)} ${one} headed ${and(renamed.map((cell) => `"${cell}"`))}, not ${and(missing)} as the ` +
          `review wrote ${them}: rename ${them} back`
      )
    }
    const has = present.length === 0 ? "" : `${and(present)} but `
    throw new NotAWorkbook(
      `it has ${has}no ${and(missing)} column${missing.length === 1 ? "" : "s"}: it is not a review workbook, or ` +
        "was saved with other columns"
    )
  }
  // The other columns read are each compared only where the workbook has them (an older layout, or one saved with
  // fewer columns, says nothing of them); renamed, they were taken for left out, and no change of them was said.
  const renamedRead = COMPARED_COLUMNS.filter((column) => !header?.includes(column)).flatMap((column) => {
    const [cell] = renamedColumns(header ?? [], [column]) ?? []
    return cell === undefined ? [] : [{ column, cell }]
  })
  if (renamedRead.length > 0) {
    const [one, them] = renamedRead.length === 1 ? ["column is", "it"] : ["columns are", "them"]
    const columns = and(renamedRead.map(({ column }) => column))
    throw new NotAWorkbook(
      `its ${columns} ${one} headed ${and(renamedRead.map(({ cell }) => `"${cell}"`))}, not ${columns} as the ` +
        `review wrote ${them}: rename ${them} back`
    )
  }
  if (last.row > 1 && last.cells < header.length && !(await endsWithLineBreak(path))) {
    throw new NotAWorkbook(
      `it ends in the middle of row ${last.row} (${last.cells} of the header's ${header.length} cells, and no line ` +
        "break after them): the file was cut short; copy the whole workbook again"
    )
  }
  // No review writes one: an audit of no users at all fails before any workbook is written. Compared with, every
  // account of this review read as added.
  if (accounts === 0) {
    throw new NotAWorkbook(
      "it holds its header and no account, where every review lists one at least: the file was cut short after its " +
        "first line; copy the whole workbook again"
    )
  }
  return { instance, asOf }
}

/**
 * Why reading a workbook failed, said of it ("it cannot be read (permission denied)"). The CSV parser's words quote
 * the file ("..., value is "<cell>""): that part is scrubbed of the secrets (`known`), the rest kept.
 */
export const whyWorkbookNotRead = (error: unknown, known: InputFileSecrets): string => {
  if (error instanceof NotAWorkbook || error instanceof NotCsvText) return error.message
  if (typeof error === "object" && error !== null && "syscall" in error) {
    return `it cannot be read (${describeFsError(error)})`
  }
  // The parser says "Quote Not Closed ... at line N", a line of the file, not a row of the sheet, and no fix. Every
  // privileged row has a quoted cell, so a copy cut short most often ends inside one.
  const records = typeof error === "object" && error !== null ? Reflect.get(error, "records") : undefined
  if (hasErrorCode(error, "CSV_QUOTE_NOT_CLOSED") && typeof records === "number") {
    return (
      `row ${records + 1} opens a quoted cell that is never closed: the file was cut short, so copy the whole ` +
      "workbook again, or a quote was typed into it outside a spreadsheet, so remove it"
    )
  }
  const why = error instanceof Error ? (error.message.split("\n")[0] ?? "") : ""
  const value = /^(.*?), value is (.*)$/su.exec(why)
  const quoted =
    value === null
      ? quoteOfFile(known, why)
      : `${quoteOfFile(known, value[1] ?? "")}, value is ${quoteOfFile(known, value[2] ?? "")}`
  return `it is not CSV as this tool writes it: ${quoted}`
}

const MAX_WORKBOOK_BYTES = 256 * 1024 * 1024

/** Why a file cannot be a workbook before reading it, if it cannot. */
export const unreadableWorkbook = async (path: string): Promise<string | undefined> => {
  // A pipe named like a workbook would be waited on for ever; a huge file is not a workbook of this tool.
  // Said as it is: a link that leads round in a loop, or a folder on the way that may not be entered, is no file
  // gone, and "it does not exist" sent the user looking for a typo.
  // A --compare-with=~/... that bash and zsh left as written names no file gone either.
  const info = await stat(path).catch((error: unknown) => describeFsErrorOfPath(error, path))
  if (typeof info === "string") return info
  if (!info.isFile()) return "it is not a regular file"
  if (info.size > MAX_WORKBOOK_BYTES) return "it is over 256 MiB"
  return undefined
}
