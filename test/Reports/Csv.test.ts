/**
 * `toCsv` is written out by hand for speed; csv-stringify with the options the reports always used is the oracle,
 * so every report, inventory and review CSV stays byte for byte what it was.
 */
import { stringify } from "csv-stringify/sync"
import { expect, it } from "vitest"
import { toCsv } from "../../src/Reports/Csv.js"
import { seededRandom } from "../support/seededRandom.js"

const oracle = (rows: ReadonlyArray<ReadonlyArray<string>>) =>
  stringify(
    rows.map((row) => [...row]),
    { record_delimiter: "windows", quoted_match: /^\s|\s$/ }
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
