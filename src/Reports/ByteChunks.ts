/**
 * Bytes appended in memory, kept in chunks that are never moved. One buffer doubled as it filled copied what it had
 * at every step and had the kernel hand out pages for each larger buffer: at 20,000 users, 8.8 MB of findings
 * came to 15 MB copied and 31 MB of fresh pages, a tenth of the audit's time after its first request
 * (bench/RESULTS.md). Here each byte is written once, into the chunk it stays in.
 *
 * Offsets count every chunk's bytes one after the other, as they would lie in a file written chunk by chunk.
 */
import { freeArrayBuffer, ownBuffer } from "../Audit/ArrayBufferMemory.js"

export interface ByteChunks {
  /**
   * Makes room for `bytes` more in one piece, in a new chunk when the current one has too little left. False, and
   * nothing changed, when that would hold more than the limit in all.
   */
  readonly reserve: (bytes: number) => boolean
  /** Writes `text` as UTF-8 into the room the last `reserve` made; returns how many bytes it took. */
  readonly write: (text: string) => number
  /** How many bytes were written: the offset of the next. */
  readonly length: () => number
  /** The `length` bytes at `offset`, written into the room of one `reserve`. A view, not a copy. */
  readonly view: (offset: number, length: number) => Uint8Array
  /** The bytes written, chunk by chunk, in order. */
  readonly chunks: () => ReadonlyArray<Uint8Array>
  /** Lets every chunk go, freed at once where the runtime can (ArrayBufferMemory.ts); none is to be used again. */
  readonly free: () => void
}

/** Chunks of `chunkBytes` (larger for a piece that needs it), up to `limitBytes` held in all. */
export const makeByteChunks = (chunkBytes: number, limitBytes: number): ByteChunks => {
  const buffers: Array<Buffer> = []
  /** Each chunk's first offset, then the offset where the last one's bytes end. */
  const starts: Array<number> = [0]
  let current: Buffer | undefined
  let used = 0
  let held = 0

  const ended = () => (starts[starts.length - 1] ?? 0) + used

  const reserve = (bytes: number): boolean => {
    if (current !== undefined && used + bytes <= current.length) return true
    const size = Math.min(Math.max(chunkBytes, bytes), limitBytes - held)
    if (size < bytes) return false
    if (current !== undefined) starts.push(ended())
    current = ownBuffer(size)
    buffers.push(current)
    held += size
    used = 0
    return true
  }

  const write = (text: string): number => {
    if (current === undefined) throw new Error("a write into byte chunks came before any room was reserved")
    const length = current.write(text, used, "utf8")
    used += length
    return length
  }

  /** The last chunk that starts at or before `offset`. */
  const chunkAt = (offset: number): number => {
    let low = 0
    let high = buffers.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if ((starts[middle] ?? 0) <= offset) low = middle
      else high = middle - 1
    }
    return low
  }

  const view = (offset: number, length: number): Uint8Array => {
    const index = chunkAt(offset)
    const start = offset - (starts[index] ?? 0)
    return (buffers[index] as Buffer).subarray(start, start + length)
  }

  const chunks = (): ReadonlyArray<Uint8Array> =>
    buffers.map((buffer, index) =>
      buffer.subarray(0, index === buffers.length - 1 ? used : (starts[index + 1] ?? 0) - (starts[index] ?? 0))
    )

  const free = () => {
    for (const buffer of buffers) freeArrayBuffer(buffer.buffer as ArrayBuffer)
    buffers.length = 0
    current = undefined
  }

  return { reserve, write, length: ended, view, chunks, free }
}
