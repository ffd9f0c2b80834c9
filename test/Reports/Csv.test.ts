/**
 * `toCsv` is written out by hand for speed; csv-stringify, told to quote any line break (not only the CRLF that
 * ends a record), is the oracle.
 */
import { parse } from "csv-parse/sync"
import { stringify } from "csv-stringify/sync"
import { expect, it } from "vitest"
import { CELL_MAX_CHARS, toCsv } from "../../src/Reports/Csv.js"
import { seededRandom } from "../support/seededRandom.js"

const oracle = (rows: ReadonlyArray<ReadonlyArray<string>>) =>
  stringify(
    rows.map((row) => [...row]),
    { record_delimiter: "windows", quote_record_delimiter: true, quoted_match: /^\s|\s$/ }
  )

const PIECES = ["a", "Z", "é", "정", "=", "-", " ", "\t", "\u00a0", "\u2028", "\r", "\n", "\r\n", '"', ",", ";", "'"]

it("writes exactly what csv-stringify writes, for fields of every awkward kind", () => {
  const next = seededRandom(7)
  const field = () => Array.from({ length: next(6) }, () => PIECES[next(PIECES.length)] ?? "").join("")
  for (let round = 0; round < 2000; round++) {
    const rows = Array.from({ length: next(4) }, () => Array.from({ length: next(5) }, field))
    expect(toCsv(rows), JSON.stringify(rows)).toBe(oracle(rows))
  }
  expect(toCsv([])).toBe(oracle([]))
  expect(toCsv([[]])).toBe(oracle([[]]))
  expect(toCsv([["", ""]])).toBe(oracle([["", ""]]))
})

it("quotes a lone carriage return or line feed, at which spreadsheets end a record", () => {
  const csv = toCsv([
    ["Line1\nLine2", "Car\rRet", "plain"],
    ["a", "b", "c"]
  ])
  expect(csv).toBe('"Line1\nLine2","Car\rRet",plain\r\na,b,c\r\n')
  // Read as Excel and LibreOffice do: any CR or LF outside quotes ends the record.
  const records = csv
    .replace(/"(?:[^"]|"")*"/g, "")
    .split(/\r\n|\r|\n/)
    .filter((record) => record !== "")
  expect(records.map((record) => record.split(",").length)).toEqual([3, 3])
})

it("cuts a field too long for a spreadsheet cell before an emoji, never between the two halves of it", () => {
  // The cut falls at one place in the cell: one letter or two before the emoji put it inside a pair one way or the
  // other. Half a pair would be written as U+FFFD, a character the name never had.
  for (const start of ["a", "ab"]) {
    const value = `${start}${"😀".repeat(20_000)}`
    const [[cell = ""] = []] = parse(Buffer.from(toCsv([[value]]), "utf8")) as Array<Array<string>>
    expect(cell).not.toContain("\uFFFD")
    expect(cell.length).toBeLessThanOrEqual(CELL_MAX_CHARS)
    expect(cell.endsWith(`…[cut: ${value.length.toLocaleString("en-US")} characters in all]`)).toBe(true)
  }
})
