/**
 * Whose a file in the report directory is. That directory is often shared (a world-writable folder with the sticky
 * bit, a volume other containers mount): another local user can put a file there under any name this tool writes,
 * but cannot give it this user's ownership. So what decides what this tool deletes goes by the files it owns.
 */
import type { Stats } from "node:fs"

/** Whether this process's user owns the file; always so where there are no user ids (Windows). */
export const ownedByThisUser = (info: Pick<Stats, "uid">): boolean => {
  const uid = process.getuid?.()
  return uid === undefined || info.uid === uid
}
