/**
 * A file linked or renamed into a folder has its new name on disk only once the folder itself is synced. Without
 * that, a crash (power lost, a virtual machine stopped) in the seconds after a run could leave a report's contents
 * on disk, synced, under no name, while the run had said where it was.
 */
import { type FileHandle, open } from "node:fs/promises"
import * as Effect from "effect/Effect"
import { describeFsError, hasErrorCode } from "./ReportError.js"

/**
 * What platforms and file systems that cannot sync a folder answer: Windows cannot open one, some network file
 * systems refuse `fsync` on it. Nothing more can be done there, and it is not worth a warning on every run.
 */
const CANNOT_SYNC_A_FOLDER = ["EISDIR", "EINVAL", "ENOTSUP", "EOPNOTSUPP"]

/** Syncs the folder's entries to disk; resolves without doing so where the platform cannot. */
export const syncDirectory = async (path: string): Promise<void> => {
  let handle: FileHandle
  try {
    handle = await open(path, "r")
  } catch (error) {
    if (hasErrorCode(error, ...CANNOT_SYNC_A_FOLDER)) return
    throw error
  }
  try {
    await handle.sync()
  } catch (error) {
    if (!hasErrorCode(error, ...CANNOT_SYNC_A_FOLDER)) throw error
  } finally {
    await handle.close()
  }
}

/**
 * Syncs the folder that files were just put in. A failure is a warning, not an error: the files are whole and in
 * place, and a report error promises that nothing was left under a final name.
 */
export const syncPlacedFiles = (directory: string, placed: ReadonlyArray<string>): Effect.Effect<void> =>
  Effect.tryPromise(() => syncDirectory(directory)).pipe(
    Effect.catchAll((failure) =>
      Effect.logWarning(
        `${placed.join(" and ")} ${placed.length === 1 ? "is" : "are"} in place, but ${directory} could not be ` +
          `synced to disk (${describeFsError(failure.error)}): after a crash of this machine ` +
          `${placed.length === 1 ? "it" : "they"} may be missing`
      )
    )
  )
