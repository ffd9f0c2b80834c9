/**
 * Opening a file that another user may swap. A report directory is often one other local users may write in, and
 * what this tool reads there by name (the previous report, the last review's workbook) is checked to be a plain file
 * before it is read; but between that look and the opening, the name can be given to a named pipe (a rename in a
 * loop does it within a few runs), and opening a pipe waits for a writer for ever: synchronously, deaf to SIGTERM, as
 * a run that compared with a report did. So the file is opened without waiting (a pipe opens at once then), and what
 * was opened is checked, not the name.
 */
import { closeSync, constants, fstatSync, openSync } from "node:fs"
import { type FileHandle, open } from "node:fs/promises"

/** Thrown for anything but a regular file: a pipe, a device, a folder, a socket; and a link, where none is followed. */
export class NotRegularFile extends Error {
  constructor() {
    super("it is not a regular file")
  }
}

export interface OpenOptions {
  /** Whether a link at the path is followed (a report may be given as one); otherwise opening it fails (ELOOP). */
  readonly followLink?: boolean
}

/** Read-only, never waiting on a pipe, never taking a terminal as this process's own. (Windows has none of these.) */
const flags = (options: OpenOptions): number =>
  constants.O_RDONLY |
  (constants.O_NONBLOCK ?? 0) |
  (constants.O_NOCTTY ?? 0) |
  (options.followLink === false ? (constants.O_NOFOLLOW ?? 0) : 0)

/** Opens `path` for reading if it is a regular file; fails with `NotRegularFile` if what it opened is not one. */
export const openRegularFile = async (path: string, options: OpenOptions = {}): Promise<FileHandle> => {
  const handle = await open(path, flags(options))
  try {
    if ((await handle.stat()).isFile()) return handle
  } catch (error) {
    await handle.close().catch(() => undefined)
    throw error
  }
  await handle.close().catch(() => undefined)
  throw new NotRegularFile()
}

/** `openRegularFile`, synchronously: returns the descriptor, for the caller to close. */
export const openRegularFileSync = (path: string, options: OpenOptions = {}): number => {
  const fd = openSync(path, flags(options))
  let regular = false
  try {
    regular = fstatSync(fd).isFile()
  } finally {
    if (!regular) closeSync(fd)
  }
  if (!regular) throw new NotRegularFile()
  return fd
}
