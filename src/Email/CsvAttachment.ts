/**
 * Reads the findings CSV once, for two things: the attachment (the bytes as on disk; gzip-compressed when large;
 * left out when even that is too large for mail servers) and the findings counted by code and severity.
 */
import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import { basename } from "node:path"
import { Transform, Writable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { createGzip } from "node:zlib"
import * as Effect from "effect/Effect"
import { describeFsError } from "../Reports/ReportError.js"
import { DeliveryError } from "./DeliveryError.js"
import type { AttachmentLimits } from "./EmailSettings.js"
import { type FindingMatrix, makeMatrixCounter } from "./FindingMatrix.js"

export type CsvAttachment =
  | { readonly _tag: "Plain"; readonly filename: string; readonly content: Buffer }
  | { readonly _tag: "Gzip"; readonly filename: string; readonly content: Buffer; readonly originalBytes: number }
  | {
      readonly _tag: "LeftOut"
      readonly path: string
      readonly originalBytes: number
      readonly compressedBytes: number
      readonly limitBytes: number
    }

export interface ScannedCsv {
  readonly attachment: CsvAttachment
  readonly matrix: FindingMatrix
}

/** Collects what is written to it, up to `limit` bytes; past that it keeps counting but drops the bytes. */
const collector = (limit: number) => {
  const chunks: Array<Buffer> = []
  let bytes = 0
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      if (bytes <= limit) chunks.push(chunk)
      done()
    }
  })
  return { sink, bytes: () => bytes, content: () => (bytes <= limit ? Buffer.concat(chunks) : undefined) }
}

/** What `bytes` of attachment take in the message: base64, in lines of 76 characters ending in CRLF. */
export const encodedSize = (bytes: number): number => {
  const base64 = Math.ceil(bytes / 3) * 4
  return base64 + 2 * Math.ceil(base64 / 76)
}

/** The most bytes of attachment whose encoded size stays within `cap`. */
const largestWithin = (cap: number): number => {
  let bytes = Math.floor((cap * 3 * 76) / (4 * 78))
  while (bytes > 0 && encodedSize(bytes) > cap) bytes--
  while (encodedSize(bytes + 1) <= cap) bytes++
  return bytes
}

const scan = async (path: string, limits: AttachmentLimits): Promise<ScannedCsv> => {
  const { size } = await stat(path)
  const counter = makeMatrixCounter()
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.feed(chunk)
      done(null, chunk)
    }
  })
  const filename = basename(path)

  // The hard cap is on the attachment as it travels: base64 makes it about 37 % larger than on disk, and a mail
  // server's size limit (Postfix: 10,240,000 bytes) counts those bytes.
  const largest = largestWithin(limits.hardCapBytes)
  if (size <= Math.min(limits.plainMaxBytes, largest)) {
    const plain = collector(Number.POSITIVE_INFINITY)
    await pipeline(createReadStream(path), counting, plain.sink)
    return {
      attachment: { _tag: "Plain", filename, content: plain.content() ?? Buffer.alloc(0) },
      matrix: counter.result()
    }
  }
  const compressed = collector(largest)
  await pipeline(createReadStream(path), counting, createGzip(), compressed.sink)
  const content = compressed.content()
  const matrix = counter.result()
  return content === undefined
    ? {
        attachment: {
          _tag: "LeftOut",
          path,
          originalBytes: size,
          compressedBytes: compressed.bytes(),
          limitBytes: limits.hardCapBytes
        },
        matrix
      }
    : { attachment: { _tag: "Gzip", filename: `${filename}.gz`, content, originalBytes: size }, matrix }
}

export const scanFindingsCsv = (path: string, limits: AttachmentLimits): Effect.Effect<ScannedCsv, DeliveryError> =>
  Effect.tryPromise({
    try: () => scan(path, limits),
    catch: (error) =>
      new DeliveryError({ message: `cannot read the findings CSV ${path} for the email: ${describeFsError(error)}` })
  })

/** `1.2 MB`, for people. */
export const formatBytes = (bytes: number): string => {
  if (bytes < 1024) return `${bytes} bytes`
  const units = ["KB", "MB", "GB"]
  let value = bytes / 1024
  let unit = 0
  // By the value as shown: 1023.6 KB rounds to "1024 KB", said as "1.0 MB"; 9.96 to "10.0", said as "10".
  while (value >= 1023.5 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}
