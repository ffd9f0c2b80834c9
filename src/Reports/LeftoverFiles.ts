/**
 * Temporary files a killed run left in the report directory. A run removes its own as it ends, however it ends,
 * but not when it is killed outright (SIGKILL after a stop timed out, the out-of-memory killer, a lost container):
 * then its half-written reports stay behind as hidden `.tmp` files, each as large as the reports, night after night
 * on the same volume. Only the holder of the directory (`DirectoryLock.ts`) can tell such a file from one being
 * written, since every command that writes temporary files there holds it; so the holder removes them.
 *
 * `export` is the exception: it builds its folder (`.panther-audit-export-XXXXXX`) beside the reports without
 * holding the directory, so as not to wait for the nightly run, writes its mark in it first (`EXPORT_MARK`), and
 * touches it every `TOUCH_EVERY` while it builds it (`ExportFolder.ts`). One left untouched for longer than
 * `QUIET_FOR_MS` was left by an export killed outright: a half-written inventory of every user, which nothing would
 * ever show or remove. The holder of the directory and every export remove such folders, but only with the mark in
 * them (or nothing yet), and only this user's: a folder is removed whole, and one merely named so may be a user's.
 * What looks left by an export but does not prove it (no mark, or the name earlier versions used) is left alone and
 * named in a warning.
 */
import type { Stats } from "node:fs"
import { lstat, readdir, rm, unlink, utimes } from "node:fs/promises"
import { join } from "node:path"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { counted } from "../Cli/Counted.js"
import { plainFileHead } from "./FileHead.js"
import { ownedByThisUser } from "./FileOwner.js"
import { describeFsError, hasErrorCode } from "./ReportError.js"
import {
  EXPORT_MARK,
  EXPORT_MARK_SIGNATURE,
  isEarlierExportFolderName,
  isExportFolderName,
  isTemporaryName
} from "./TempFile.js"

/**
 * Left alone if written to this recently: the lock was taken over from a holder that looked dead, which a paused
 * machine can only appear to be for a minute. A time further ahead than that was set by a clock ahead of this one
 * (a killed run on another machine sharing the volume), and says nothing of when the file was last written.
 */
export const QUIET_FOR_MS = 60_000

/** How often an export touches the folder it is building: well within `QUIET_FOR_MS`. */
export const TOUCH_EVERY = Duration.seconds(10)

/**
 * Sets the time of `path` to the file system's own, read back from the change time it stamps on a touch: a process
 * on another machine sharing the volume compares that time with its clock, and this machine's clock, written as it
 * is, would make a live export's folder look a minute old when this clock is a minute behind. The touch that learns
 * the file system's time writes back the times the path has: one that wrote this machine's clock first left a moment,
 * until the second write, in which another machine's clean-up could take a live export's folder for a killed one.
 */
export const touch = async (path: string): Promise<void> => {
  const { atime, mtime } = await lstat(path)
  await utimes(path, atime, mtime)
  const { ctime } = await lstat(path)
  await utimes(path, ctime, ctime)
}

/**
 * Touches `path` now and every `every` until the scope closes, so that it is not taken for something a killed
 * command left. Touching a path gone or renamed meanwhile fails and is let be.
 */
export const keepTouched = (path: string, every: Duration.DurationInput): Effect.Effect<void, never, Scope.Scope> =>
  Effect.asVoid(
    Effect.forkScoped(
      Effect.promise(() => touch(path).catch(() => undefined)).pipe(Effect.repeat(Schedule.spaced(every)))
    )
  )

const writtenJustNow = (modifiedAt: number, nowMillis: number): boolean =>
  Math.abs(nowMillis - modifiedAt) < QUIET_FOR_MS

const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`

/** The size of a folder left alone, as `folderBytes` gives it. */
const folderSize = (bytes: number | "unlisted"): string =>
  bytes === "unlisted" ? "size unknown: this user cannot list it" : megabytes(bytes)

const listNames = (directory: string) =>
  Effect.promise(() =>
    readdir(directory).then(
      (names) => ({ names }),
      (error: unknown) => ({ error })
    )
  )

/**
 * Removes the temporary files and export folders left in `directory` by commands that did not finish, saying what
 * went. For the holder of the directory. Never fails.
 */
export const removeLeftoverFiles = (directory: string, nowMillis: number = Date.now()): Effect.Effect<void> =>
  Effect.gen(function* () {
    const listed = yield* listNames(directory)
    if ("error" in listed) {
      // Gone, it holds nothing to remove; unlisted, what it holds grows unseen, night after night.
      if (hasErrorCode(listed.error, "ENOENT")) return
      return yield* Effect.logWarning(
        `Could not look for temporary files left in ${directory} by a killed run: it cannot be listed ` +
          `(${describeFsError(listed.error)}). Give this user read permission on it.`
      )
    }
    yield* removeLeftovers(directory, listed.names, nowMillis, TEMPORARY_FILES)
    yield* removeLeftovers(directory, listed.names, nowMillis, EXPORT_FOLDERS)
    yield* removeLeftovers(directory, listed.names, nowMillis, EARLIER_EXPORT_FOLDERS)
  })

/**
 * Removes the folders left in `directory` by exports killed outright, saying what went: what an export does as it
 * starts. Never fails; a directory that cannot be listed is left for the export to fail on, with its own message.
 */
export const removeLeftoverExportFolders = (directory: string, nowMillis: number = Date.now()): Effect.Effect<void> =>
  Effect.flatMap(listNames(directory), (listed) =>
    "error" in listed
      ? Effect.void
      : Effect.zipRight(
          removeLeftovers(directory, listed.names, nowMillis, EXPORT_FOLDERS),
          removeLeftovers(directory, listed.names, nowMillis, EARLIER_EXPORT_FOLDERS)
        )
  )

/**
 * What becomes of something named as a kind of leftover: removed, kept (in use, or not what the kind is), or left
 * alone though it looks left over, named in a warning: it does not prove itself this tool's, or it is another
 * user's.
 */
type Verdict = "remove" | "keep" | "unproven" | "another's"

/** One kind of thing a killed command leaves behind, and how it is told apart, removed and spoken of. */
interface Leftover {
  readonly named: (name: string) => boolean
  /** What becomes of it, from what `lstat` says of it and, for a folder, what it holds. */
  readonly judge: (path: string, info: Stats, nowMillis: number) => Promise<Verdict>
  /** How what is judged left over goes; none for a kind that nothing proves this tool's. */
  readonly removal?: Removal
  /** Of what was left alone, unproven, each named with its size; none for a kind that always proves itself. */
  readonly unprovenMessage?: (which: string, directory: string) => string
  /** Of what was left alone as another user's, each named with its owner and size; none for a kind never so. */
  readonly anothersMessage?: (which: string, directory: string) => string
}

interface Removal {
  /** Removes it; resolves to the bytes it held. */
  readonly remove: (path: string, info: Stats) => Promise<number>
  readonly removedMessage: (count: number, size: string, directory: string) => string
  readonly notRemovedMessage: (which: string, directory: string) => string
}

const TEMPORARY_FILES: Leftover = {
  named: isTemporaryName,
  // Their names, random digits and all, are proof enough: no one else names a file so.
  judge: async (_path, info, nowMillis) =>
    info.isFile() && !writtenJustNow(info.mtimeMs, nowMillis) ? "remove" : "keep",
  removal: {
    remove: (path, info) => unlink(path).then(() => info.size),
    removedMessage: (count, size, directory) =>
      `Removed ${counted(count, "temporary file")} (${size}) left in ${directory} by a run that was killed before it could ` +
      `clean up; what ${count === 1 ? "it" : "they"} held was never put in place.`,
    notRemovedMessage: (which, directory) =>
      `Temporary files left in ${directory} by a run that was killed cannot be removed: ${which}. Remove them by hand.`
  }
}

/**
 * The bytes of the files directly in `folder`, which is how an export lays its files out; "unlisted" if it cannot be
 * listed (another user's, whose exports leave it 0750), where 0 would say it holds nothing; "gone" if it is no longer
 * there (its owner's clean-up removed it after it was looked at).
 */
const folderBytes = async (folder: string): Promise<number | "unlisted" | "gone"> => {
  const names = await readdir(folder).catch((error: unknown) => (hasErrorCode(error, "ENOENT") ? "gone" : "unlisted"))
  if (typeof names === "string") return names
  const sizes = await Promise.all(
    names.map((name) =>
      lstat(join(folder, name)).then(
        (info) => info.size,
        () => 0
      )
    )
  )
  return sizes.reduce((sum, size) => sum + size, 0)
}

/**
 * Not held by the lock, a folder touched at a time ahead of this clock may be a live export's on a machine whose
 * clock is ahead: it is left until this clock has passed that time by `QUIET_FOR_MS`.
 */
const quietFolder = (info: Stats, nowMillis: number): boolean =>
  info.isDirectory() && nowMillis - info.mtimeMs >= QUIET_FOR_MS

/** Whether `folder` holds the mark an export writes in its own first: a plain file opening with its signature. */
const holdsExportMark = async (folder: string): Promise<boolean> => {
  const signature = Buffer.from(EXPORT_MARK_SIGNATURE, "utf8")
  const head = await plainFileHead(join(folder, EXPORT_MARK), signature.length)
  return head?.equals(signature) === true
}

/**
 * Whether `folder` holds nothing, or nothing but the start of a mark (a file made but not yet written): what an export
 * killed between making its folder and writing its mark leaves. Removing it loses nothing; left alone, it was named
 * night after night as a folder nothing proves an export's, for the user to remove by hand.
 */
const holdsNothingYet = async (folder: string): Promise<boolean> => {
  const names = await readdir(folder).catch(() => undefined)
  if (names === undefined || names.length > 1) return false
  if (names.length === 0) return true
  if (names[0] !== EXPORT_MARK) return false
  const signature = Buffer.from(EXPORT_MARK_SIGNATURE, "utf8")
  const head = await plainFileHead(join(folder, EXPORT_MARK), signature.length)
  return head !== undefined && signature.subarray(0, head.length).equals(head)
}

const EXPORT_FOLDERS: Leftover = {
  named: isExportFolderName,
  // Without the mark, it was not made by an export (or one was killed after it removed the mark to put the folder in
  // place, the export then whole in it): removing it could lose data, unless it holds nothing yet. One of
  // another user is not this user's export: in a shared folder, anyone can make one so named and marked, and a tree
  // that its owner can change while it is removed can have a folder in it swapped for a link, through which the
  // removal would delete files elsewhere that only this user may delete.
  judge: async (path, info, nowMillis) =>
    !quietFolder(info, nowMillis)
      ? "keep"
      : !ownedByThisUser(info)
        ? "another's"
        : (await holdsExportMark(path)) || (await holdsNothingYet(path))
          ? "remove"
          : "unproven",
  removal: {
    remove: async (path) => {
      const bytes = await folderBytes(path)
      await rm(path, { recursive: true })
      return typeof bytes === "number" ? bytes : 0
    },
    removedMessage: (count, size, directory) =>
      `Removed ${counted(count, "unfinished export folder")} (${size}) left in ${directory} by an export that was killed ` +
      `before it could clean up; what ${count === 1 ? "it" : "they"} held was never put in place.`,
    notRemovedMessage: (which, directory) =>
      `Unfinished export folders left in ${directory} by an export that was killed cannot be removed: ${which}. ` +
      "Remove them by hand."
  },
  unprovenMessage: (which, directory) =>
    `Left ${which} in ${directory} alone: named as an unfinished export's folder, but without the mark an export ` +
    `writes in it first (${EXPORT_MARK}), so nothing shows an export left it. If one did, remove it by hand (one holding ` +
    "manifest.json is a whole export: to keep it, verify it and rename it export-<stamp>).",
  // Said, not passed over: where the file system shows every file with one owner (a Windows folder mounted into a
  // container shows root), the folder is this user's, and nothing else would ever remove it or say it is there.
  anothersMessage: (which, directory) =>
    `Left ${which} in ${directory} alone: named as an unfinished export's folder, but another user's: only that ` +
    `user's exports and runs remove it, and only with the mark an export writes in it first (${EXPORT_MARK}). If the ` +
    "file system shows files with an owner not their own (a Windows folder mounted into a container shows root), it " +
    "may be this user's: remove it by hand once no export is running."
}

/** What an export writes in its folder: its reports, inventory, review page and manifest, and their temporary files. */
const isExportFileName = (name: string): boolean =>
  isTemporaryName(name) ||
  name === "manifest.json" ||
  /^(user-audit|inventory|access-review)-\d{8}T\d{6}Z(-\d+)?\.(csv|json|html)$/.test(name)

/** Whether `folder` holds nothing but files an export writes (or nothing at all, as one killed at once left it). */
const holdsOnlyExportFiles = async (folder: string): Promise<boolean> => {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => undefined)
  return entries?.every((entry) => entry.isFile() && isExportFileName(entry.name)) ?? false
}

/**
 * Folders named as earlier versions named an unfinished export's, which wrote no mark in them: one may be a user's
 * (`.export-backup`, perhaps a copy of an export), so none is removed. One that could be a killed export's is named,
 * for the user to remove by hand; one holding anything an export does not write is not even that.
 */
const EARLIER_EXPORT_FOLDERS: Leftover = {
  named: isEarlierExportFolderName,
  judge: async (path, info, nowMillis) =>
    quietFolder(info, nowMillis) && (await holdsOnlyExportFiles(path)) ? "unproven" : "keep",
  unprovenMessage: (which, directory) =>
    `Left ${which} in ${directory} alone: named as versions before this one named an unfinished export's folder, ` +
    "and holding only files an export writes, but those versions left no mark to prove it, and a folder of yours " +
    "may be named so. If an export killed outright left it, remove it by hand."
}

const removeLeftovers = (directory: string, names: ReadonlyArray<string>, nowMillis: number, kind: Leftover) =>
  Effect.gen(function* () {
    const { removal } = kind
    let removed = 0
    let bytes = 0
    const notRemoved: Array<string> = []
    const unproven: Array<string> = []
    const anothers: Array<string> = []
    for (const name of names.filter(kind.named)) {
      const path = join(directory, name)
      const outcome = yield* Effect.promise(async () => {
        const info = await lstat(path).catch(() => undefined)
        if (info === undefined) return undefined
        const verdict = await kind.judge(path, info, nowMillis).catch((): Verdict => "keep")
        // Gone since it was looked at: there is nothing left to name.
        if (verdict === "unproven" && kind.unprovenMessage !== undefined) {
          const bytes = await folderBytes(path)
          return bytes === "gone" ? undefined : { unproven: bytes }
        }
        if (verdict === "another's" && kind.anothersMessage !== undefined) {
          const bytes = await folderBytes(path)
          return bytes === "gone" ? undefined : { owner: info.uid, anothers: bytes }
        }
        if (verdict !== "remove" || removal === undefined) return undefined
        // Gone before it could be removed: another export or run in this directory removed it first, and says so.
        return removal.remove(path, info).then(
          (size) => ({ size }),
          (error: unknown) => (hasErrorCode(error, "ENOENT") ? undefined : { error: describeFsError(error) })
        )
      })
      if (outcome === undefined) continue
      if ("unproven" in outcome) unproven.push(`${name} (${folderSize(outcome.unproven)})`)
      else if ("anothers" in outcome) anothers.push(`${name} (uid ${outcome.owner}, ${folderSize(outcome.anothers)})`)
      else if ("error" in outcome) notRemoved.push(`${name} (${outcome.error})`)
      else {
        removed++
        bytes += outcome.size
      }
    }
    if (removal !== undefined && removed > 0) {
      yield* Effect.logWarning(removal.removedMessage(removed, megabytes(bytes), directory))
    }
    if (removal !== undefined && notRemoved.length > 0) {
      yield* Effect.logWarning(removal.notRemovedMessage(notRemoved.join(", "), directory))
    }
    if (kind.unprovenMessage !== undefined && unproven.length > 0) {
      yield* Effect.logWarning(kind.unprovenMessage(unproven.join(", "), directory))
    }
    if (kind.anothersMessage !== undefined && anothers.length > 0) {
      yield* Effect.logWarning(kind.anothersMessage(anothers.join(", "), directory))
    }
  })
