/**
 * Findings counted by code and severity. The run's counts give each dimension alone (a code such as STALE_LOGIN
 * is high for a privileged user and medium otherwise), so the cross table is counted from the findings CSV while
 * it is read for the attachment: one pass over bytes already on disk, whatever the number of findings.
 */
import { FINDING_CODES, type FindingCode } from "../Audit/Finding.js"
import { SEVERITIES, type Severity } from "../Audit/Severity.js"

export type FindingMatrix = Readonly<Record<FindingCode, Readonly<Record<Severity, number>>>>

export const emptyMatrix = (): Record<FindingCode, Record<Severity, number>> =>
  Object.fromEntries(
    FINDING_CODES.map((code) => [code, Object.fromEntries(SEVERITIES.map((severity) => [severity, 0]))])
  ) as Record<FindingCode, Record<Severity, number>>

const QUOTE = 0x22
const COMMA = 0x2c
const LF = 0x0a
const CR = 0x0d

const isSeverity = (text: string): text is Severity => (SEVERITIES as ReadonlyArray<string>).includes(text)
const isFindingCode = (text: string): text is FindingCode => (FINDING_CODES as ReadonlyArray<string>).includes(text)

export interface MatrixCounter {
  /** Feeds the next bytes of the CSV; records may span chunks. */
  readonly feed: (chunk: Uint8Array) => void
  /** The counts so far, counting a last record without a line break. */
  readonly result: () => FindingMatrix
}

/**
 * Reads RFC 4180 records (quoted fields may hold commas and line breaks) and counts their first two fields,
 * `severity` and `finding`. The header row and anything that is not a known severity and code are skipped.
 */
export const makeMatrixCounter = (): MatrixCounter => {
  const matrix = emptyMatrix()
  let quoted = false
  let field = 0
  // The first two fields are short ASCII words; anything longer cannot be a severity or code.
  let first = ""
  let second = ""
  let sawData = false

  const endRecord = () => {
    // The header row (after the byte order mark) names the columns and is skipped here like any unknown value.
    if (sawData && isSeverity(first) && isFindingCode(second)) matrix[second][first]++
    field = 0
    first = ""
    second = ""
    sawData = false
  }

  const feed = (chunk: Uint8Array) => {
    for (const byte of chunk) {
      if (quoted) {
        if (byte === QUOTE) quoted = false
        else if (field < 2) append(byte)
        continue
      }
      if (byte === QUOTE) {
        // An escaped quote ("") re-enters quoting at once; either way the field's text is not a code.
        quoted = true
        sawData = true
      } else if (byte === COMMA) field++
      else if (byte === LF) endRecord()
      else if (byte !== CR) {
        sawData = true
        if (field < 2) append(byte)
      }
    }
  }

  const append = (byte: number) => {
    const char = String.fromCharCode(byte)
    if (field === 0 && first.length < 32) first += char
    else if (field === 1 && second.length < 32) second += char
  }

  return {
    feed,
    result: () => {
      if (sawData) endRecord()
      return matrix
    }
  }
}
