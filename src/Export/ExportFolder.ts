/**
 * An export is built in a hidden temporary folder beside its final place and renamed into place only when every
 * file and the manifest are written. Until then nothing carries the final name; if the export fails or is
 * interrupted, the scope removes the temporary folder with whatever it held. An export killed outright cannot: it
 * writes its mark in its folder first and touches the folder while building it, so that the folder of one killed is
 * told apart by its mark and age and removed by the next export or run in that directory (`LeftoverFiles.ts`).
 */
import { chmod, lstat, mkdtemp, readdir, rename, rm, unlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { keepTouched, removeLeftoverExportFolders, TOUCH_EVERY } from "../Reports/LeftoverFiles.js"
import { describeFsError, hasErrorCode, ReportError } from "../Reports/ReportError.js"
import { syncPlacedFiles } from "../Reports/SyncDirectory.js"
import { EXPORT_FOLDER_PREFIX, EXPORT_MARK, EXPORT_MARK_TEXT } from "../Reports/TempFile.js"

export interface ExportFolder {
  /** The temporary folder to write into. */
  readonly path: string
  /** Renames the folder to `name` in its parent (`name-2`, `name-3`, ... when taken); returns the final path. */
  readonly publish: (name: string) => Effect.Effect<string, ReportError>
}

const MAX_ATTEMPTS = 1000

/** Renames a folder, as `rename` does; a parameter so that a name taken just before the rename can be tested. */
export type RenameFolder = (from: string, to: string) => Promise<void>

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false
  )

/**
 * Removes an export's folder that was not put in place, with all it holds. Node's `rm` tries the folder first, and
 * refused it for want of permission (its parent made read-only during the export) gives up without removing anything
 * in it: every user's inventory stayed, without the mark (taken out just before the rename that failed), so no
 * clean-up would ever remove it, while the export said nothing of it was left. So what it holds is removed first; a
 * folder that still cannot go gets its mark back, for the next export or run to remove once it may, and is named in a
 * warning.
 */
const removeUnfinished = (parent: string, path: string): Effect.Effect<void> =>
  Effect.flatMap(
    Effect.promise(async () => {
      try {
        const names = await readdir(path)
        // Each one settled before anything is said of what is left.
        const removed = await Promise.allSettled(
          names.map((name) => rm(join(path, name), { recursive: true, force: true }))
        )
        const refused = removed.find((result): result is PromiseRejectedResult => result.status === "rejected")
        if (refused !== undefined) throw refused.reason
        await rm(path, { recursive: true, force: true })
        return undefined
      } catch (error) {
        if (hasErrorCode(error, "ENOENT")) return undefined
        await writeFile(join(path, EXPORT_MARK), EXPORT_MARK_TEXT, { mode: 0o640 }).catch(() => undefined)
        const left = await readdir(path).catch(() => undefined)
        return {
          error,
          emptied: left?.every((name) => name === EXPORT_MARK) === true,
          marked: left?.includes(EXPORT_MARK) === true
        }
      }
    }),
    (failed) =>
      failed === undefined
        ? Effect.void
        : Effect.logWarning(
            `The unfinished export's folder ${path} could not be removed (${describeFsError(failed.error)}): ` +
              (failed.emptied
                ? "the files in it were. "
                : "the export's files are still in it, every user's inventory among them. ") +
              (failed.marked
                ? `The next export or run in ${parent} removes it once this user may write there.`
                : "Remove it by hand.")
          )
  )

export const makeExportFolder = (
  parent: string,
  touchEvery: Duration.DurationInput = TOUCH_EVERY,
  renameFolder: RenameFolder = rename
): Effect.Effect<ExportFolder, ReportError, Scope.Scope> =>
  Effect.gen(function* () {
    yield* removeLeftoverExportFolders(parent)
    const path = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => mkdtemp(join(parent, EXPORT_FOLDER_PREFIX)),
        catch: (error) => new ReportError({ message: `cannot create a folder in ${parent}: ${describeFsError(error)}` })
      }),
      // After a successful publish the path no longer exists and this does nothing.
      (path) => removeUnfinished(parent, path)
    )
    // Before anything else is in it: a folder without the mark is removed as an unfinished export's only while it holds
    // nothing else.
    yield* Effect.tryPromise({
      try: () => writeFile(join(path, EXPORT_MARK), EXPORT_MARK_TEXT, { flag: "wx", mode: 0o640 }),
      catch: (error) => new ReportError({ message: `cannot write in ${path}: ${describeFsError(error)}` })
    })
    // Until the scope closes; once the folder is renamed into place, touching the old path fails and is let be.
    yield* keepTouched(path, touchEvery)

    const publish = (name: string) =>
      Effect.tryPromise({
        try: async () => {
          // mkdtemp makes the folder private (0700); the files in it are 0640, readable by the group as reports are.
          await chmod(path, 0o750)
          // Not part of the export, which the manifest lists without it. Last before the rename: killed in between,
          // the export stands whole but unmarked, and is left alone and named rather than removed.
          await unlink(join(path, EXPORT_MARK)).catch((error: unknown) => {
            if (!hasErrorCode(error, "ENOENT")) throw error
          })
          for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            const target = join(parent, attempt === 1 ? name : `${name}-${attempt}`)
            // rename replaces an empty folder of the same name, so look first; a name taken between the look and the
            // rename makes it fail (a folder with files in it: ENOTEMPTY or EEXIST; a file or a link: ENOTDIR),
            // and then the next name is tried. Failing on a file, the export was removed after its whole audit.
            if (await exists(target)) continue
            try {
              await renameFolder(path, target)
              return target
            } catch (error) {
              // ENOTDIR also says the parent is no longer a folder: only a target there now is a name taken.
              if (hasErrorCode(error, "ENOTDIR") && (await exists(target))) continue
              if (!hasErrorCode(error, "ENOTEMPTY", "EEXIST")) throw error
            }
          }
          throw new Error(`more than ${MAX_ATTEMPTS} exports named ${name} already exist`)
        },
        catch: (error) => new ReportError({ message: `cannot put the export in ${parent}: ${describeFsError(error)}` })
      }).pipe(
        Effect.tap((target) => syncPlacedFiles(parent, [target])),
        // Interrupted, the rename already under way would still happen, after the export had said it left nothing and
        // while the scope removed the temporary folder, perhaps emptying the export in its final place: it finishes
        // first, and the interruption takes effect after.
        Effect.uninterruptible
      )

    return { path, publish }
  })
