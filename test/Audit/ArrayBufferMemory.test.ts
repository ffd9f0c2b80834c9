/**
 * Growing and freeing the run's array buffers both ways a runtime allows: with `ArrayBuffer.prototype.transfer`
 * (Node 21 and later, as in the image; on Node 20, a buffer from a realm made once V8's flag for it is set) and
 * without it (Node 20's own buffers, or a buffer whose `transfer` is hidden).
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { expect, it } from "vitest"
import { freeArrayBuffer, growArrayBuffer } from "../../src/Audit/ArrayBufferMemory.js"

const hasTransfer = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === "function"

const withTransfer = (byteLength: number): ArrayBuffer => {
  if (hasTransfer) return new ArrayBuffer(byteLength)
  setFlagsFromString("--harmony-rab-gsab-transfer")
  const Constructor = runInNewContext("ArrayBuffer") as ArrayBufferConstructor
  return new Constructor(byteLength)
}

const withoutTransfer = (byteLength: number): ArrayBuffer =>
  Object.defineProperty(new ArrayBuffer(byteLength), "transfer", { value: undefined })

const filled = (buffer: ArrayBuffer): ArrayBuffer => {
  new Uint8Array(buffer).forEach((_, index, bytes) => {
    bytes[index] = (index * 7 + 1) % 256
  })
  return buffer
}

it.each([
  ["with transfer", withTransfer],
  ["without transfer", withoutTransfer]
])("grows a buffer to the size asked, its bytes first and zeros after, %s", (_way, make) => {
  const buffer = filled(make(1000))
  const expected = Array.from(new Uint8Array(buffer))
  const grown = growArrayBuffer(buffer, 2500)
  expect(grown.byteLength).toBe(2500)
  expect(Array.from(new Uint8Array(grown, 0, 1000))).toEqual(expected)
  expect(new Uint8Array(grown, 1000).every((byte) => byte === 0)).toBe(true)
})

it("hands the memory on where there is transfer: the old buffer is detached, nothing is left to collect", () => {
  const buffer = filled(withTransfer(4096))
  growArrayBuffer(buffer, 8192)
  expect(buffer.byteLength).toBe(0)
})

it("copies where there is no transfer, and leaves the old buffer to the collector untouched", () => {
  const buffer = filled(withoutTransfer(4096))
  const before = Array.from(new Uint8Array(buffer))
  growArrayBuffer(buffer, 8192)
  freeArrayBuffer(buffer)
  expect(Array.from(new Uint8Array(buffer))).toEqual(before)
})

it("gives a freed buffer's memory back to the system at once where there is transfer", () => {
  const size = 128 * 1024 * 1024
  const buffer = withTransfer(size)
  // Every page written, so that all of it is resident.
  new Uint8Array(buffer).fill(1)
  const resident = process.memoryUsage.rss()
  freeArrayBuffer(buffer)
  expect(buffer.byteLength).toBe(0)
  expect(resident - process.memoryUsage.rss()).toBeGreaterThan(size / 2)
})
