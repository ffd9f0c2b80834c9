/**
 * Byte chunks: every piece comes back whole at its offset, across chunk boundaries and in a chunk of its own when
 * larger than one; written bytes never move; and the limit is never passed.
 */
import { expect, it } from "vitest"
import { makeByteChunks } from "../../src/Reports/ByteChunks.js"
import { seededRandom } from "../support/seededRandom.js"

/** Reserves room for the text's most bytes (three per code unit), writes it, and says where it went. */
const append = (chunks: ReturnType<typeof makeByteChunks>, text: string) => {
  expect(chunks.reserve(text.length * 3)).toBe(true)
  const offset = chunks.length()
  const length = chunks.write(text)
  return { text, offset, length }
}

it("gives back each piece at its offset, pieces straddling no chunk, and the chunks hold them all in order", () => {
  const next = seededRandom(5)
  const chunks = makeByteChunks(4096, 64 * 1024 * 1024)
  const pieces = Array.from({ length: 3000 }, (_, index) => {
    // Two- and four-byte characters, so byte and character counts differ, and now and then a piece larger than a
    // chunk.
    const text = `${index}:${"é".repeat(next(300))}${"\u{1F600}".repeat(next(20))}`
    return append(chunks, next(200) === 0 ? text.repeat(40) : text)
  })
  // The first views, taken before most of the writes, still read their bytes: nothing is moved.
  const early = pieces.slice(0, 50).map((piece) => chunks.view(piece.offset, piece.length))
  for (const piece of pieces) {
    expect(Buffer.from(chunks.view(piece.offset, piece.length)).toString("utf8")).toBe(piece.text)
  }
  expect(early.map((view) => Buffer.from(view).toString("utf8"))).toEqual(
    pieces.slice(0, 50).map((piece) => piece.text)
  )
  const whole = Buffer.concat(chunks.chunks().map((bytes) => Buffer.from(bytes)))
  expect(whole.toString("utf8")).toBe(pieces.map((piece) => piece.text).join(""))
  expect(chunks.length()).toBe(whole.length)
  expect(chunks.chunks().length).toBeGreaterThan(100)
})

it("refuses room that would pass its limit, and is left as it was", () => {
  const chunks = makeByteChunks(1000, 2500)
  const first = append(chunks, "a".repeat(300))
  // 900 bytes of room do not fit in the 700 the first chunk has left: a second chunk is made.
  append(chunks, "b".repeat(300))
  expect(chunks.chunks().map((bytes) => bytes.length)).toEqual([300, 300])
  // 2,000 bytes held in two chunks. 800 more need a third, and only 500 are left under the limit.
  expect(chunks.reserve(800)).toBe(false)
  expect(chunks.length()).toBe(600)
  expect(chunks.reserve(700)).toBe(true)
  chunks.write("c".repeat(600))
  // The last chunk takes what is left under the limit, when that is room enough.
  expect(chunks.reserve(450)).toBe(true)
  const last = chunks.length()
  expect(chunks.write("d".repeat(150))).toBe(150)
  expect(chunks.reserve(400)).toBe(false)
  expect(chunks.chunks().map((bytes) => bytes.length)).toEqual([300, 900, 150])
  expect(Buffer.from(chunks.view(first.offset, first.length)).toString()).toBe("a".repeat(300))
  expect(Buffer.from(chunks.view(last, 150)).toString()).toBe("d".repeat(150))
  expect(chunks.length()).toBe(1350)
})

it("writes nothing before room is reserved", () => {
  expect(() => makeByteChunks(1000, 10_000).write("x")).toThrow("before any room was reserved")
})
