/**
 * The attachment's size limit is on what travels: base64 makes an attachment about 37 % larger than on disk, and a
 * mail server's limit counts those bytes, so a gzip just under the cap could still make the message too large.
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import { encodedSize, formatBytes, scanFindingsCsv } from "../../src/Email/CsvAttachment.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "attachment-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

it("counts base64 and its line breaks in the size", () => {
  expect(encodedSize(0)).toBe(0)
  expect(encodedSize(57)).toBe(78)
  expect(encodedSize(58)).toBe(84)
  expect(encodedSize(3_000_000)).toBe(4_000_000 + 2 * Math.ceil(4_000_000 / 76))
})

it("says an attachment's size as the email gives it: bytes, then one decimal below 10 of a unit, whole above", () => {
  expect(formatBytes(1_023)).toBe("1023 bytes")
  expect(formatBytes(8_397)).toBe("8.2 KB")
  expect(formatBytes(20 * 1024)).toBe("20 KB")
  expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB")
  expect(formatBytes(12.6 * 1024 * 1024)).toBe("13 MB")
  // Rounded up to the next unit's size, it is said in that unit.
  expect(formatBytes(1023.6 * 1024)).toBe("1.0 MB")
  expect(formatBytes(1023.4 * 1024)).toBe("1023 KB")
  expect(formatBytes(9.96 * 1024)).toBe("10 KB")
})

it("leaves out a gzip under the cap on disk whose encoding is over it, and attaches one whose encoding fits", async () => {
  // Random bytes do not compress: the gzip is a little larger than the CSV, and its size is known beforehand.
  const data = randomBytes(30_000)
  const path = join(directory, "user-audit-20260630T120000Z.csv")
  writeFileSync(path, data)
  const gzipBytes = gzipSync(data).length
  const scan = (hardCapBytes: number) =>
    Effect.runPromise(scanFindingsCsv(path, { plainMaxBytes: 1_000, hardCapBytes }))
  expect((await scan(gzipBytes + 100)).attachment._tag).toBe("LeftOut")
  const fits = await scan(encodedSize(gzipBytes))
  expect(fits.attachment._tag).toBe("Gzip")
  if (fits.attachment._tag === "Gzip") expect(fits.attachment.content.length).toBe(gzipBytes)
})

it("attaches a CSV of exactly the plain limit as it is, and compresses one under it whose encoding is over the cap", async () => {
  const data = Buffer.from("low,STALE_LOGIN\n".repeat(2_000))
  const path = join(directory, "user-audit-20260630T120000Z.csv")
  writeFileSync(path, data)
  const scan = (plainMaxBytes: number, hardCapBytes: number) =>
    Effect.runPromise(scanFindingsCsv(path, { plainMaxBytes, hardCapBytes }))
  expect((await scan(data.length, encodedSize(data.length))).attachment._tag).toBe("Plain")
  expect((await scan(data.length + 1, encodedSize(data.length) - 1)).attachment._tag).toBe("Gzip")
})

it("attaches a gzip whose encoding is exactly the hard cap", async () => {
  // A gzip of a multiple of 3 bytes: one byte more would take 4 more characters of base64, over the cap.
  let data = randomBytes(30_000)
  while (gzipSync(data).length % 3 !== 0) data = randomBytes(data.length + 1)
  const path = join(directory, "user-audit-20260630T120000Z.csv")
  writeFileSync(path, data)
  const gzipBytes = gzipSync(data).length
  const scanned = await Effect.runPromise(
    scanFindingsCsv(path, { plainMaxBytes: 1_000, hardCapBytes: encodedSize(gzipBytes) })
  )
  expect(scanned.attachment._tag).toBe("Gzip")
  if (scanned.attachment._tag === "Gzip") expect(scanned.attachment.content.length).toBe(gzipBytes)
})
