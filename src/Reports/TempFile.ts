/**
 * Reports are written to a hidden temporary file in the report directory and only linked under their final
 * name once complete. The temporary file is removed when its scope closes, whether the run succeeded, failed or
 * was interrupted, so a broken run leaves nothing behind.
 */
import { randomBytes } from "node:crypto"
import { writeSync } from "node:fs"
import { type FileHandle, open, unlink } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { describeFsError, ReportError } from "./ReportError.js"

/** Writes are gathered into a buffer of this size: one system call per buffer, not per row. */
const CHUNK_BYTES = 256 * 1024

/** UTF-8 takes at most 3 bytes per UTF-16 code unit: text up to this long always fits an empty buffer. */
const MAX_TEXT_IN_BUFFER = Math.floor(CHUNK_BYTES / 3)

export interface TempFile {
  readonly path: string
  /** Appends text; flushed in chunks. */
  readonly append: (text: string) => Effect.Effect<void, ReportError>
  /** Appends each piece in turn, text or UTF-8 bytes, in one step: how rows are written. */
  readonly appendAll: (pieces: ReadonlyArray<string | Uint8Array>) => Effect.Effect<void, ReportError>
  /** Flushes and closes the file; it stays on disk until committed or until the scope closes. */
  readonly finish: Effect.Effect<void, ReportError>
}

/**
 * The name of a temporary file, hidden and unique: `.user-audit.csv.3f9a1c0b7e22.tmp`. Every temporary file this tool
 * makes in a report directory is named so, which is how a later run tells one a killed run left (`LeftoverFiles.ts`).
 */
export const temporaryName = (label: string): string => `.${label}.${randomBytes(6).toString("hex")}.tmp`

/** Whether a file name is one `temporaryName` makes. */
export const isTemporaryName = (name: string): boolean => /^\.[a-z][a-z.-]*\.[0-9a-f]{12}\.tmp$/.test(name)

/**
 * What an export's folder is called until it is complete: `mkdtemp` adds six letters or digits to it. Named after
 * the tool, as no folder of a user's is by chance.
 */
export const EXPORT_FOLDER_PREFIX = ".panther-audit-export-"

/** Whether a name is one `mkdtemp` makes from `EXPORT_FOLDER_PREFIX`. */
export const isExportFolderName = (name: string): boolean => /^\.panther-audit-export-[A-Za-z0-9]{6}$/.test(name)

/**
 * Whether a name is one earlier versions gave an unfinished export's folder (`.export-XXXXXX`). A user may name a
 * folder so (`.export-backup`), and those versions wrote nothing in theirs to tell them apart: never removed.
 */
export const isEarlierExportFolderName = (name: string): boolean => /^\.export-[A-Za-z0-9]{6}$/.test(name)

/**
 * The file an export writes in its folder before anything else, and removes just before the folder is put in place:
 * with the folder's name, the proof that a folder is an unfinished export's, without which none is removed.
 */
export const EXPORT_MARK = ".panther-audit-unfinished-export"

/** Its first line, which the proof checks; the rest tells whoever opens the folder what it is. */
export const EXPORT_MARK_SIGNATURE = "panther-audit: unfinished export\n"

export const EXPORT_MARK_TEXT =
  EXPORT_MARK_SIGNATURE +
  "panther-audit is building an export in this folder, or was killed while building it. Once complete, the folder\n" +
  "is renamed export-<stamp>, without this file. Left untouched for a minute, it is removed by the next export or\n" +
  "run in the folder above.\n"

export const openTempFile = (directory: string, label: string): Effect.Effect<TempFile, ReportError, Scope.Scope> =>
  Effect.gen(function* () {
    const path = join(directory, temporaryName(label))
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
  // Text is encoded straight into this buffer, which is written out whenever it is full. Joining pieces into
  // large strings first made large objects that V8 promotes to the old generation: the report phase of a run
  // over 200,000 users then added over 100 MB of peak memory.
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  let used = 0
  const writeFailed = (error: unknown) =>
    new ReportError({ message: `cannot write ${path}: ${describeFsError(error)}` })

  const writeOut = (bytes: Uint8Array, length: number) => {
    let done = 0
    while (done < length) done += writeSync(handle.fd, bytes, done, length - done)
  }
  const flushNow = () => {
    if (used === 0) return
    writeOut(buffer, used)
    used = 0
  }
  // Written synchronously. Reports are written once the data is all in, with nothing else to get on with, and an
  // asynchronous write kept every chunk alive long enough to be promoted to the old generation.
  const putBytes = (bytes: Uint8Array) => {
    if (used + bytes.length > CHUNK_BYTES) flushNow()
    if (bytes.length > CHUNK_BYTES) writeOut(bytes, bytes.length)
    else {
      buffer.set(bytes, used)
      used += bytes.length
    }
  }
  const put = (text: string) => {
    if (text.length > MAX_TEXT_IN_BUFFER) {
      flushNow()
      const bytes = Buffer.from(text, "utf8")
      writeOut(bytes, bytes.length)
      return
    }
    // Three bytes per code unit at most: if that might not fit, write out what is there first.
    if (used + text.length * 3 > CHUNK_BYTES) flushNow()
    used += buffer.write(text, used, "utf8")
  }

  return {
    path,
    append: (text) => Effect.try({ try: () => put(text), catch: writeFailed }),
    appendAll: (pieces) =>
      Effect.try({
        try: () => {
          for (const piece of pieces) {
            if (typeof piece === "string") put(piece)
            else putBytes(piece)
          }
        },
        catch: writeFailed
      }),
    finish: Effect.try({ try: flushNow, catch: writeFailed }).pipe(
      Effect.zipRight(Effect.tryPromise({ try: () => handle.sync(), catch: writeFailed })),
      Effect.zipRight(Effect.tryPromise({ try: () => handle.close(), catch: writeFailed }))
    )
  }
}
