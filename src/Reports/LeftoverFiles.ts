/**
 * Temporary files a killed run left in the report directory. A run removes its own as it ends, however it ends,
 * but not when it is killed outright (SIGKILL after a stop timed out, the out-of-memory killer, a lost container):
 * then its half-written reports stay behind as hidden `.tmp` files, each as large as the reports, night after night
 * on the same volume. Only the holder of the directory (`DirectoryLock.ts`) can tell such a file from one being
 * written, since every command that writes temporary files there holds it; so the holder removes them.
 */
import { lstat, readdir, unlink } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { describeFsError, hasErrorCode } from "./ReportError.js"
import { isTemporaryName } from "./TempFile.js"

/**
 * Left alone if written to this recently: the lock was taken over from a holder that looked dead, which a paused
 * machine can only appear to be for a minute. A time further ahead than that was set by a clock ahead of this one
 * (a killed run on another machine sharing the volume), and says nothing of when the file was last written.
 */
const QUIET_FOR_MS = 60_000

const writtenJustNow = (modifiedAt: number, nowMillis: number): boolean =>
  Math.abs(nowMillis - modifiedAt) < QUIET_FOR_MS

const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`

/** Removes the temporary files left in `directory` by runs that did not finish, saying what went. Never fails. */
export const removeLeftoverFiles = (directory: string, nowMillis: number = Date.now()): Effect.Effect<void> =>
  Effect.gen(function* () {
    const listed = yield* Effect.promise(() =>
      readdir(directory).then(
        (names) => ({ names }),
        (error: unknown) => ({ error })
      )
    )
    if ("error" in listed) {
      // Gone, it holds nothing to remove; unlisted, what it holds grows unseen, night after night.
      if (hasErrorCode(listed.error, "ENOENT")) return
      return yield* Effect.logWarning(
        `Could not look for temporary files left in ${directory} by a killed run: it cannot be listed ` +
          `(${describeFsError(listed.error)}). Give this user read permission on it.`
      )
    }
    const names = listed.names
    let removed = 0
    let bytes = 0
    const notRemoved: Array<string> = []
    for (const name of names.filter(isTemporaryName)) {
      const path = join(directory, name)
      const outcome = yield* Effect.promise(async () => {
        const info = await lstat(path).catch(() => undefined)
        if (info === undefined || !info.isFile() || writtenJustNow(info.mtimeMs, nowMillis)) return undefined
        return unlink(path).then(
          () => ({ size: info.size }),
          (error: unknown) => ({ error: describeFsError(error) })
        )
      })
      if (outcome === undefined) continue
      if ("error" in outcome) notRemoved.push(`${name} (${outcome.error})`)
      else {
        removed++
        bytes += outcome.size
      }
    }
    if (removed > 0) {
      yield* Effect.logWarning(
        `Removed ${removed} temporary file(s) (${megabytes(bytes)}) left in ${directory} by a run that was killed ` +
          "before it could clean up; what they held was never put in place."
      )
    }
    if (notRemoved.length > 0) {
      yield* Effect.logWarning(
        `Temporary files left in ${directory} by a run that was killed cannot be removed: ${notRemoved.join(", ")}. ` +
          "Remove them by hand."
      )
    }
  })
