/**
 * The first bytes of a file that proves what a folder is (an export's mark, its manifest), read without following a
 * link: a link planted there proves nothing.
 */
import { lstat } from "node:fs/promises"
import { openRegularFile } from "./RegularFile.js"

/** Up to `bytes` bytes from the start of the plain file at `path`; undefined when it is not one or cannot be read. */
export const plainFileHead = async (path: string, bytes: number): Promise<Buffer | undefined> => {
  const info = await lstat(path).catch(() => undefined)
  if (info === undefined || !info.isFile()) return undefined
  // Checked again as opened: the name may have been given to a pipe since the look, and opening one waits for ever.
  const handle = await openRegularFile(path, { followLink: false }).catch(() => undefined)
  if (handle === undefined) return undefined
  try {
    const head = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(head, 0, bytes, 0)
    return head.subarray(0, bytesRead)
  } catch {
    return undefined
  } finally {
    await handle.close().catch(() => undefined)
  }
}
