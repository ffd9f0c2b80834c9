/**
 * Reports are written to a hidden temporary file in the report directory and only linked under their final
 * name once complete. The temporary file is removed when its scope closes, whether the run succeeded, failed or
 * was interrupted, so a broken run leaves nothing behind.
 */
import { randomBytes } from "node:crypto"
import { writeSync } from "node:fs"
import { type FileHandle, open, unlink } from "node:fs/promises"
import { join } from "node:path"
import { Effect, type Scope } from "effect"
import { describeFsError, ReportError } from "./ReportError.js"

/** Writes are gathered into chunks of this size: one system call per chunk, not per row. */
const CHUNK_BYTES = 256 * 1024

export interface TempFile {
  readonly path: string
  /** Appends text; flushed in chunks. */
  readonly append: (text: string) => Effect.Effect<void, ReportError>
  /** Flushes and closes the file; it stays on disk until committed or until the scope closes. */
  readonly finish: Effect.Effect<void, ReportError>
}

export const openTempFile = (directory: string, label: string): Effect.Effect<TempFile, ReportError, Scope.Scope> =>
  Effect.gen(function* () {
    const path = join(directory, `.${label}.${randomBytes(6).toString("hex")}.tmp`)
    const handle = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => open(path, "wx", 0o640),
        catch: (error) =>
          new ReportError({ message: `cannot create a file in ${directory}: ${describeFsError(error)}` })
      }),
      (handle) =>
        Effect.promise(async () => {
          await handle.close().catch(() => undefined)
          await unlink(path).catch(() => undefined)
        })
    )
    return makeTempFile(path, handle)
  })

const makeTempFile = (path: string, handle: FileHandle): TempFile => {
  let pending: Array<string> = []
  let pendingLength = 0
  const writeFailed = (error: unknown) =>
    new ReportError({ message: `cannot write ${path}: ${describeFsError(error)}` })

  // Written synchronously. Reports are written once the data is all in, with nothing else to get on with, and an
  // asynchronous write kept every chunk alive long enough to be promoted to the old generation: the heap then grew
  // with the size of the report (about 45 MB more peak memory for 200,000 users).
  const flush = Effect.suspend(() => {
    if (pendingLength === 0) return Effect.void
    const text = pending.join("")
    pending = []
    pendingLength = 0
    return Effect.try({
      try: () => {
        const bytes = Buffer.from(text, "utf8")
        let done = 0
        while (done < bytes.length) done += writeSync(handle.fd, bytes, done, bytes.length - done)
      },
      catch: writeFailed
    })
  })

  return {
    path,
    append: (text) =>
      Effect.suspend(() => {
        pending.push(text)
        pendingLength += text.length
        return pendingLength >= CHUNK_BYTES ? flush : Effect.void
      }),
    finish: flush.pipe(
      Effect.zipRight(Effect.tryPromise({ try: () => handle.sync(), catch: writeFailed })),
      Effect.zipRight(Effect.tryPromise({ try: () => handle.close(), catch: writeFailed }))
    )
  }
}
