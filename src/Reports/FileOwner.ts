/**
 * Whose a file in the report directory is. That directory is often shared (a world-writable folder with the sticky
 * bit, a volume other containers mount): another local user can put a file there under any name this tool writes,
 * but cannot give it this user's ownership. So what decides what this tool deletes goes by the files it owns.
 */
import type { Stats } from "node:fs"

/**
 * Whether this process's user owns the file; always so where there are no user ids (Windows). `madeHere` is the owner
 * the file system gave a file this process has just made, where one is at hand: a file system that does not keep
 * owners shows another (a Windows folder mounted into a container shows every file as root's, NFS gives root's files
 * to nobody), and every file there has that one. Taken for this user's too, or such a folder's reports would never be
 * pruned; the rule is about files other users made, which such a file system cannot tell apart anyway.
 */
export const ownedByThisUser = (info: Pick<Stats, "uid">, madeHere?: number): boolean => {
  // The effective user: the one new files are given to (the real one differs only under setuid).
  const uid = process.geteuid?.()
  return uid === undefined || info.uid === uid || info.uid === madeHere
}
