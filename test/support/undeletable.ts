/**
 * Makes files impossible to delete, as a report owned by someone else is, or a folder impossible to write in: by a
 * read-only directory for an ordinary user, by the immutable attribute for root (whom no permission stops).
 */
import { spawnSync } from "node:child_process"
import { chmodSync } from "node:fs"
import { join } from "node:path"

/**
 * Makes `names` in `directory` undeletable (for an ordinary user, every file in it). Returns the undo, or undefined
 * where it cannot be done (root without chattr, or without the capability it needs).
 */
export const makeUndeletable = (directory: string, names: ReadonlyArray<string>): (() => void) | undefined => {
  // An ordinary user cannot delete a file from a folder it cannot write in.
  if (process.getuid?.() !== 0) return makeUnwritable(directory)
  const paths = names.map((name) => join(directory, name))
  if (spawnSync("chattr", ["+i", ...paths]).status !== 0) return undefined
  return () => {
    spawnSync("chattr", ["-i", ...paths])
  }
}

/**
 * Makes `directory` a folder no file can be made in. Returns the undo, or undefined where it cannot be done (root
 * without chattr, or without the capability it needs).
 */
export const makeUnwritable = (directory: string): (() => void) | undefined => {
  if (process.getuid?.() !== 0) {
    chmodSync(directory, 0o555)
    return () => chmodSync(directory, 0o755)
  }
  if (spawnSync("chattr", ["+i", directory]).status !== 0) return undefined
  return () => {
    spawnSync("chattr", ["-i", directory])
  }
}
