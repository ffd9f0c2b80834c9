/**
 * Some of what a run holds in array buffers grows by moving to larger ones: the findings' number columns and the
 * table of ids taken. V8 frees a buffer let go only when a collection finds it unreachable, and one that has lived
 * a while only at a full collection: the findings' rendered bytes, when they too were one store doubled towards
 * 16 MB, kept much of the 15 MB it had outgrown beside it, the highest memory of a 200,000-user run
 * (bench/RESULTS.md). They are kept in chunks that never move now (ByteChunks.ts). Where the runtime has
 * `ArrayBuffer.prototype.transfer` (Node 21 and later; the image runs Node 22) the memory is handed on or freed at
 * once instead. Node 20 has it only behind a V8 flag; there a buffer is copied and waits for the collector.
 *
 * Only for buffers the caller alone holds: a buffer handed on or freed is detached, and any view of it is empty.
 */

type Transferable = ArrayBuffer & { readonly transfer?: (byteLength: number) => ArrayBuffer }

/** A buffer of `byteLength` bytes that begins with `buffer`'s; `buffer` is not to be used again. */
export const growArrayBuffer = (buffer: ArrayBuffer, byteLength: number): ArrayBuffer => {
  const transfer = (buffer as Transferable).transfer
  if (transfer !== undefined) return transfer.call(buffer, byteLength)
  const grown = new ArrayBuffer(byteLength)
  new Uint8Array(grown).set(new Uint8Array(buffer, 0, Math.min(buffer.byteLength, byteLength)))
  return grown
}

/** Frees `buffer`'s memory now where the runtime can; elsewhere leaves it to the collector. */
export const freeArrayBuffer = (buffer: ArrayBuffer): void => {
  ;(buffer as Transferable).transfer?.call(buffer, 0)
}

/** A buffer over an `ArrayBuffer` of its own, never a slice of Node's shared pool, so that it can be freed. */
export const ownBuffer = (size: number): Buffer => Buffer.from(new ArrayBuffer(size))
