/**
 * Puts finished temporary files under their final names, all with one stem, without ever replacing a file that
 * is already there: two runs in the same second get `stem.csv` and `stem-2.csv`. The folder is then synced, so the
 * names survive a crash as the files' contents do.
 */
import { link, rename, stat, unlink } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { confirmHeldReportDirectory } from "./HeldDirectory.js"
import { describeFsError, hasErrorCode, ReportError } from "./ReportError.js"
import { syncPlacedFiles } from "./SyncDirectory.js"

export interface FileToCommit {
  readonly tempPath: string
  /** The final name's ending, such as `.csv`. */
  readonly extension: string
}

const MAX_ATTEMPTS = 1000

/** How a file went under its final name: linked (its temporary name still there too) or renamed (moved). */
type Placed = { readonly target: string; readonly tempPath: string; readonly how: "linked" | "renamed" }

/** Makes a hard link, as `link` does; a parameter so that a file system without hard links can be tested here. */
export type LinkFile = (from: string, to: string) => Promise<void>

/**
 * `link` fails when the target exists, which makes "create only if absent" atomic. File systems without hard
 * links (some network mounts, FAT) fall back to a checked rename. Undefined when the name is taken.
 */
const placeWithoutReplacing = async (
  from: string,
  to: string,
  linkFile: LinkFile
): Promise<Placed["how"] | undefined> => {
  try {
    await linkFile(from, to)
    return "linked"
  } catch (error) {
    if (hasErrorCode(error, "EEXIST")) return undefined
    if (!hasErrorCode(error, "EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV")) throw error
    const exists = await stat(to).then(
      () => true,
      () => false
    )
    if (exists) return undefined
    await rename(from, to)
    return "renamed"
  }
}

/**
 * Takes placed files back off their final names. A linked file still has its temporary name, so the final one goes;
 * a renamed one has only the final name, and is renamed back: deleted, it was the report itself that went, and the
 * next name tried found nothing to place.
 */
const giveBack = (placed: ReadonlyArray<Placed>): Promise<unknown> =>
  Promise.all(
    placed.map(({ target, tempPath, how }) =>
      (how === "linked" ? unlink(target) : rename(target, tempPath)).catch(() => undefined)
    )
  )

/** Places the set under the first free name; what `commitFiles` does, in file system calls. */
const placeAll = async (
  directory: string,
  stem: string,
  files: ReadonlyArray<FileToCommit>,
  linkFile: LinkFile
): Promise<ReadonlyArray<string>> => {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const name = attempt === 1 ? stem : `${stem}-${attempt}`
    const placed: Array<Placed> = []
    let collided = false
    try {
      for (const file of files) {
        const target = join(directory, `${name}${file.extension}`)
        const how = await placeWithoutReplacing(file.tempPath, target, linkFile)
        if (how !== undefined) placed.push({ target, tempPath: file.tempPath, how })
        else {
          collided = true
          break
        }
      }
    } catch (error) {
      // The files go together or not at all: a CSV without its JSON must not stand as a report.
      await giveBack(placed)
      throw error
    }
    if (!collided) {
      const linked = placed.filter(({ how }) => how === "linked")
      await Promise.all(linked.map(({ tempPath }) => unlink(tempPath).catch(() => undefined)))
      return placed.map(({ target }) => target)
    }
    // Another run took this name for one of the files: give back what we placed and try the next name.
    await giveBack(placed)
  }
  throw new Error(`more than ${MAX_ATTEMPTS} reports named ${stem} already exist`)
}

/**
 * Why a temporary file was gone when it was to be placed: the folder was removed during the run, or emptied or made
 * anew (a clean-up's `rm -rf`). Said as "it does not exist" of a folder there again, the reader went to check it.
 */
const whyGone = async (directory: string): Promise<string> => {
  const there = await stat(directory).then(
    (info) => info.isDirectory(),
    () => false
  )
  return there
    ? "the reports written in it were removed before they could be put in place (was it emptied or made anew " +
        "during the run?); nothing was put in place"
    : "it was removed during the run, and the reports written in it with it; nothing was put in place"
}

/** Returns the final path of each file, in the order given. */
export const commitFiles = (
  directory: string,
  stem: string,
  files: ReadonlyArray<FileToCommit>,
  linkFile: LinkFile = link
): Effect.Effect<ReadonlyArray<string>, ReportError> =>
  Effect.zipRight(
    // Not beside another audit's reports: the directory may have been made anew, and taken, since this run took it.
    confirmHeldReportDirectory,
    Effect.tryPromise({
      try: () =>
        placeAll(directory, stem, files, linkFile).catch(async (error: unknown) => {
          throw hasErrorCode(error, "ENOENT") ? new Error(await whyGone(directory)) : error
        }),
      catch: (error) =>
        new ReportError({ message: `cannot put the reports in ${directory}: ${describeFsError(error)}` })
    })
  ).pipe(
    // Once in place, the names are made durable with the folder.
    Effect.tap((placed) => syncPlacedFiles(directory, placed)),
    // A signal between placing one file and the next would leave half a set under final names: the few link
    // calls finish first, and the interruption takes effect after.
    Effect.uninterruptible
  )
