/**
 * A review workbook's bytes as text, however a spreadsheet saved it: UTF-8 (this tool's own, and "CSV UTF-8"),
 * Windows-1252 (Excel's "CSV (Comma delimited)", without a byte order mark), or a mix of both (a UTF-8 workbook a
 * reviewer pasted a Windows-1252 cell into). Each valid UTF-8 sequence is read as UTF-8 and each other byte as
 * Windows-1252, so an accented role reads the same either way and is not taken for a changed one. A UTF-8 byte
 * order mark is dropped; UTF-16 text ("Unicode text") and a spreadsheet's own file (.xlsx, .ods, .xls) are refused,
 * naming them.
 */
import { isUtf8 } from "node:buffer"
import { Transform } from "node:stream"

/** The workbook is not CSV text (UTF-16, or a spreadsheet's own file): the message says how to save it instead. */
export class NotCsvText extends Error {}

/**
 * Windows-1252's characters for 0x80 to 0x9F, where it differs from Latin-1 (Node's TextDecoder takes the label for
 * Latin-1 there: 0x80 came out as U+0080, not the euro sign); the five bytes it leaves undefined keep their code.
 */
const WINDOWS_1252_80_9F =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178"

/** One byte as Windows-1252 reads it. */
const windows1252 = (byte: number): string =>
  byte >= 0x80 && byte <= 0x9f ? (WINDOWS_1252_80_9F[byte - 0x80] ?? "") : String.fromCharCode(byte)

/**
 * The length of the valid UTF-8 sequence at `at`: 0 when the byte there begins none, -1 when `bytes` ends before it
 * could be told (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
 */
const sequenceLength = (bytes: Uint8Array, at: number): number => {
  const lead = bytes[at] ?? 0
  let length: number
  let low = 0x80
  let high = 0xbf
  if (lead >= 0xc2 && lead <= 0xdf) length = 2
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3
    if (lead === 0xe0) low = 0xa0
    if (lead === 0xed) high = 0x9f
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4
    if (lead === 0xf0) low = 0x90
    if (lead === 0xf4) high = 0x8f
  } else return 0
  for (let offset = 1; offset < length; offset++) {
    const next = bytes[at + offset]
    if (next === undefined) return -1
    if (next < (offset === 1 ? low : 0x80) || next > (offset === 1 ? high : 0xbf)) return 0
  }
  return length
}

/**
 * `bytes` as text; unless `final`, a sequence cut off at the end is left over, for the next chunk to complete.
 * Exported for its test.
 */
export const decodeWorkbookBytes = (
  bytes: Buffer,
  final: boolean
): { readonly text: string; readonly rest: Buffer } => {
  const parts: Array<string> = []
  let runStart = 0
  let at = 0
  while (at < bytes.length) {
    if ((bytes[at] ?? 0) < 0x80) {
      at++
      continue
    }
    const length = sequenceLength(bytes, at)
    if (length > 0) {
      at += length
      continue
    }
    if (length === -1 && !final) break
    if (at > runStart) parts.push(bytes.toString("utf8", runStart, at))
    parts.push(windows1252(bytes[at] ?? 0))
    at++
    runStart = at
  }
  if (at > runStart) parts.push(bytes.toString("utf8", runStart, at))
  return { text: parts.join(""), rest: bytes.subarray(at) }
}

const startsWith = (bytes: Buffer, ...lead: ReadonlyArray<number>): boolean =>
  lead.every((byte, index) => bytes[index] === byte)

/**
 * UTF-16 saved without its byte order mark, as some tools save "Unicode" text: a zero byte beside the header's first
 * character, where no text of one byte per character has one. Read as text, it failed at its first quote in the
 * parser's words, quoting a row of zero bytes.
 */
const isUtf16WithoutMark = (bytes: Buffer): boolean => bytes.length >= 2 && (bytes[0] === 0) !== (bytes[1] === 0)

/** Bytes in, text out (see above). */
export const workbookText = (): Transform => {
  let rest = Buffer.alloc(0)
  let first = true
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let bytes = rest.length === 0 ? chunk : Buffer.concat([rest, chunk])
      if (first) {
        first = false
        if (startsWith(bytes, 0xff, 0xfe) || startsWith(bytes, 0xfe, 0xff) || isUtf16WithoutMark(bytes)) {
          done(new NotCsvText("it is UTF-16 text: save it as CSV (UTF-8, or Comma delimited)"))
          return
        }
        // A zip archive (.xlsx, .ods) or an OLE compound file (.xls): the workbook saved in the spreadsheet's own
        // format, which read as text only said it had none of the columns.
        if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04) || startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0)) {
          done(
            new NotCsvText(
              "it is a spreadsheet file (.xlsx, .ods or .xls), not CSV: save it as CSV (UTF-8, or Comma delimited)"
            )
          )
          return
        }
        if (startsWith(bytes, 0xef, 0xbb, 0xbf)) bytes = bytes.subarray(3)
      }
      // Most chunks are valid UTF-8 whole, which Node checks natively.
      if (isUtf8(bytes)) {
        rest = Buffer.alloc(0)
        done(null, bytes.toString("utf8"))
        return
      }
      const decoded = decodeWorkbookBytes(bytes, false)
      rest = Buffer.from(decoded.rest)
      done(null, decoded.text)
    },
    flush(done) {
      done(null, decodeWorkbookBytes(rest, true).text)
    }
  })
}
