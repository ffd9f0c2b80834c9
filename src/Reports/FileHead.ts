/**
 * The first bytes of a file that proves what a folder is (an export's mark, its manifest), read without following a
 * link: a link planted there proves nothing.
 */
import { openRegularFile } from "./RegularFile.js"

/** Up to `bytes` bytes from the start of the plain file at `path`; undefined when it is not one or cannot be read. */
export const plainFileHead = async (path: string, bytes: number): Promise<Buffer | undefined> => {
  // Checked as opened, not by a look before: the name may be given to a pipe in between, and opening one by a look
  // waited for ever. A link is not followed, a pipe opens at once and is refused (RegularFile.ts).
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
