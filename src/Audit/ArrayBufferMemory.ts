/**
 * What a run holds in array buffers (the findings' rendered bytes and sort keys, their columns, the ids taken)
 * grows by moving to larger buffers. V8 frees a buffer let go only when a full collection finds it, so a store
 * doubled towards 16 MB kept the 15 MB it had outgrown beside it, and they were all held at once when the findings
 * moved to their file: the highest memory of a 200,000-user run (bench/RESULTS.md). Where the runtime has
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
