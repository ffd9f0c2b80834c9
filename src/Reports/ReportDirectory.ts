/**
 * The report directory is checked before any API call: a run that would fail at the end, after minutes of
 * paging, should fail at once instead.
 */
import { randomBytes } from "node:crypto"
import { constants } from "node:fs"
import { access, open, opendir, readlink, stat, unlink } from "node:fs/promises"
import { dirname, join, resolve } from "node:path"
import * as Effect from "effect/Effect"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { unexpandedPathHint } from "../Cli/UnexpandedPath.js"
import { MANIFEST_FORMAT, MANIFEST_NAME } from "../Export/Manifest.js"
import { plainFileHead } from "./FileHead.js"
import { describeFsError, hasErrorCode } from "./ReportError.js"

/** `export` writes the format first; a manifest edited by hand may have it a little further on. */
const MANIFEST_HEAD_BYTES = 4096
/** The format's name, any version: matched in the text, so that a manifest cut short or edited still counts. */
const EXPORT_FORMAT = new RegExp(`"format"\\s*:\\s*"${MANIFEST_FORMAT.slice(0, MANIFEST_FORMAT.lastIndexOf("/") + 1)}`)

/**
 * Whether the folder is a compliance export (its manifest.json names the export format). Reports written into one
 * would make `verify` find files its manifest does not list, and the export could no longer be relied on.
 */
const isExportFolder = async (path: string): Promise<boolean> => {
  const head = await plainFileHead(join(path, MANIFEST_NAME), MANIFEST_HEAD_BYTES)
  return head !== undefined && EXPORT_FORMAT.test(head.toString("utf8"))
}

/** Both, since a message naming only the flag sends whoever set the variable (a container's) looking for a flag. */
const SETTING = "--report-dir / AUDIT_REPORT_DIR"

/** Resolves the directory and proves it can be listed and a file can be created in it. */
export const checkReportDirectory = (directory: string): Effect.Effect<string, ConfigurationError> =>
  Effect.tryPromise({
    try: async () => {
      const path = resolve(directory)
      const info = await stat(path).catch(async (error: unknown) => {
        // A link to nothing (a volume not mounted) cannot be created where it is: say where it points. Only when
        // nothing is there: a link into a folder it may not enter, or a loop, is said as what it is.
        const missing = typeof error === "object" && error !== null && Reflect.get(error, "code") === "ENOENT"
        const target = missing ? await readlink(path).catch(() => undefined) : undefined
        const unexpanded = missing ? unexpandedPathHint(directory) : undefined
        throw new Error(
          target !== undefined
            ? `it is a link to ${target}, which does not exist; create that, or pass another ${SETTING}`
            : unexpanded !== undefined
              ? `${describeFsError(error)}; ${unexpanded} as ${SETTING}`
              : missing
                ? `${describeFsError(error)}; create it or pass another ${SETTING}`
                : `${describeFsError(error)}; pass another ${SETTING}`
        )
      })
      if (!info.isDirectory()) throw new Error(`it is not a directory; pass a directory as ${SETTING}`)
      // Before the write probe below: nothing is created in an export, not even for a moment.
      if (await isExportFolder(path)) {
        throw new Error(
          `it is a compliance export (it holds an export's ${MANIFEST_NAME}), which must stay as it was made: a ` +
            "file written into it makes `verify` fail. Pass the folder the exports are in, such as " +
            `${dirname(path)}, as ${SETTING}`
        )
      }
      await access(path, constants.W_OK).catch((error: unknown) => {
        // A read-only mount (a missing volume under readOnlyRootFilesystem) is not a matter of permissions.
        const why =
          typeof error === "object" && error !== null && Reflect.get(error, "code") === "EROFS"
            ? "it is on a read-only file system; mount a writable volume there"
            : "it is not writable by this user; fix its permissions"
        throw new Error(`${why} or pass another ${SETTING}`)
      })
      // A folder this user may write in but not read (mode 0333, a drop box) hides the earlier reports: every run
      // would pass for the first, losing what was resolved, the marks of undelivered emails and leftover files.
      const listing = await opendir(path).catch((error: unknown) => {
        throw new Error(
          hasErrorCode(error, "EACCES", "EPERM")
            ? "it cannot be listed by this user (permission denied), so earlier reports would not be found; " +
                `give this user read permission on it (as well as write) or pass another ${SETTING}`
            : `it cannot be listed (${describeFsError(error)}); fix it or pass another ${SETTING}`
        )
      })
      await listing.close()
      // Permission bits do not tell the whole story (read-only mounts, root): create and remove a real file. Made as
      // the reports are (0640, whatever the umask): one left behind, where it cannot be removed, is no file for
      // every local user to write in.
      const probe = join(path, `.write-check.${randomBytes(6).toString("hex")}.tmp`)
      const handle = await open(probe, "wx", 0o640).catch(async (error: unknown) => {
        // ENOENT for a directory just found: one the kernel fills (/proc), which takes no new files even from root,
        // or one removed since. Not "it does not exist", which is not so of the first.
        if (hasErrorCode(error, "ENOENT")) {
          const stillThere = await stat(path).then(
            (again) => again.isDirectory(),
            () => false
          )
          throw new Error(
            stillThere
              ? "no file can be created in it: it is on a file system that takes no new files (as /proc and /sys, " +
                  `which the kernel fills); pass a directory on a disk or volume as ${SETTING}`
              : `it was removed while it was being checked; create it or pass another ${SETTING}`
          )
        }
        throw new Error(`a file cannot be created in it (${describeFsError(error)}); fix it or pass another ${SETTING}`)
      })
      await handle.close()
      await unlink(probe)
      return path
    },
    catch: (error) =>
      new ConfigurationError({
        message: `report directory ${directory}: ${error instanceof Error ? error.message : String(error)}`
      })
  })
