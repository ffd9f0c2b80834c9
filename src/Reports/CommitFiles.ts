/**
 * Puts finished temporary files under their final names, all with one stem, without ever replacing a file that
 * is already there: two runs in the same second get `stem.csv` and `stem-2.csv`. The folder is then synced, so the
 * names survive a crash as the files' contents do.
 */
import { link, rename, stat, unlink } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { describeFsError, hasErrorCode, ReportError } from "./ReportError.js"
import { syncPlacedFiles } from "./SyncDirectory.js"

export interface FileToCommit {
  readonly tempPath: string
  /** The final name's ending, such as `.csv`. */
  readonly extension: string
}

const MAX_ATTEMPTS = 1000

/**
 * `link` fails when the target exists, which makes "create only if absent" atomic. File systems without hard
 * links (some network mounts) fall back to a checked rename.
 */
const placeWithoutReplacing = async (from: string, to: string): Promise<boolean> => {
  try {
    await link(from, to)
    return true
  } catch (error) {
    if (hasErrorCode(error, "EEXIST")) return false
    if (!hasErrorCode(error, "EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV")) throw error
    const exists = await stat(to).then(
      () => true,
      () => false
    )
    if (exists) return false
    await rename(from, to)
    return true
  }
}

/** Returns the final path of each file, in the order given. */
export const commitFiles = (
  directory: string,
  stem: string,
  files: ReadonlyArray<FileToCommit>
): Effect.Effect<ReadonlyArray<string>, ReportError> =>
  Effect.tryPromise({
    try: async () => {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const name = attempt === 1 ? stem : `${stem}-${attempt}`
        const placed: Array<string> = []
        let collided = false
        try {
          for (const file of files) {
            const target = join(directory, `${name}${file.extension}`)
            if (await placeWithoutReplacing(file.tempPath, target)) placed.push(target)
            else {
              collided = true
              break
            }
          }
        } catch (error) {
          // The files go together or not at all: a CSV without its JSON must not stand as a report.
          await Promise.all(placed.map((path) => unlink(path).catch(() => undefined)))
          throw error
        }
        if (!collided) {
          await Promise.all(files.map((file) => unlink(file.tempPath).catch(() => undefined)))
          return placed
        }
        // Another run took this name for one of the files: give back what we placed and try the next name.
        await Promise.all(placed.map((path) => unlink(path).catch(() => undefined)))
      }
      throw new Error(`more than ${MAX_ATTEMPTS} reports named ${stem} already exist`)
    },
    catch: (error) => new ReportError({ message: `cannot put the reports in ${directory}: ${describeFsError(error)}` })
  }).pipe(
    // Once in place, the names are made durable with the folder.
    Effect.tap((placed) => syncPlacedFiles(directory, placed)),
    // A signal between placing one file and the next would leave half a set under final names: the few link
    // calls finish first, and the interruption takes effect after.
    Effect.uninterruptible
  )
