/**
 * Reading a small file the user names (a token or password file, a suppressions list, a CA bundle): a regular file,
 * or a pipe (`--api-token-file <(pass show panther)`, a named pipe), read up to a limit.
 *
 * Neither `fs.readFile` nor `fs.readFileSync` will do for what a user may name. On a named pipe no one writes to,
 * their `open` waits for a writer in one of libuv's threads, and Node cannot exit while that thread waits: SIGTERM
 * and Ctrl-C were left unanswered for good. On `/dev/zero`, or a multi-gigabyte file named by mistake, they read
 * until memory runs out. Here a pipe is opened without waiting and read on the event loop, where a stop signal
 * still ends the process; anything else that is not a regular file is refused; and no more than the limit is read.
 */
import { constants, open as openDescriptor } from "node:fs"
import { type FileHandle, open, stat } from "node:fs/promises"
import { Socket } from "node:net"
import { promisify } from "node:util"

/** Why a named file was not read, in words for a message ("... cannot be read: <reason>"). */
export class InputFileRefused extends Error {
  override readonly name = "InputFileRefused"
}

const sizeInWords = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MiB` : `${Math.ceil(bytes / 1024)} KiB`

const tooLarge = (maxBytes: number, what: string) =>
  new InputFileRefused(
    `it is larger than ${sizeInWords(maxBytes)}, more than ${what} can be: check that it is the right file`
  )

/**
 * Why a socket is not read. No socket opens by its name (ENXIO, said bare), `/dev/stdin` among them when the program
 * that started this one gave it a socket for stdin, as Node.js does for its children's pipes: `--api-token-file
 * /dev/stdin` fed so was refused as "cannot be read: ENXIO", which told its reader nothing to mend.
 */
const SOCKET =
  "it is a socket, which cannot be opened by its name (stdin is one when the program that started this one, " +
  "a Node.js script for one, gave it a socket): give a file, or a pipe as a shell's | or <(...) makes"

/**
 * The file's bytes, at most `maxBytes` of them; `what` names the content for the message when there are more ("a
 * token file"). Node's own errors (ENOENT, EACCES, EISDIR...) pass through as they are.
 */
export const readInputFile = async (
  path: string,
  maxBytes: number,
  what: string,
  signal?: AbortSignal
): Promise<Buffer> => {
  // stat, not open: opening a named pipe is what waits.
  const info = await stat(path)
  if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: "EISDIR" })
  if (info.isFIFO()) return readPipe(path, maxBytes, what, signal)
  if (info.isSocket()) throw new InputFileRefused(SOCKET)
  if (!info.isFile()) throw new InputFileRefused("it is a device, not a file")
  if (info.size > maxBytes) throw tooLarge(maxBytes, what)
  const handle = await open(path, "r")
  try {
    return await readUpTo(handle, info.size, maxBytes, what)
  } finally {
    await handle.close()
  }
}

/**
 * Read in turn until the end, not only the `size` `stat` gave, which sizes the buffer: a file may grow between the
 * two (a log named by mistake). One byte of room past the size shows whether it did.
 */
const readUpTo = async (handle: FileHandle, size: number, maxBytes: number, what: string): Promise<Buffer> => {
  let buffer = Buffer.allocUnsafe(size + 1)
  let length = 0
  for (;;) {
    if (length === buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2))
      buffer.copy(grown, 0, 0, length)
      buffer = grown
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
    if (bytesRead === 0) return buffer.subarray(0, length)
    length += bytesRead
    if (length > maxBytes) throw tooLarge(maxBytes, what)
  }
}

/** `signal`: the read is given up (a stop signal while no one writes), the pipe closed so nothing keeps Node up. */
const readPipe = async (path: string, maxBytes: number, what: string, signal?: AbortSignal): Promise<Buffer> => {
  // A plain descriptor, not a FileHandle: the socket owns it from here on and closes it, where a FileHandle would
  // close it a second time when collected, perhaps by then another file's.
  const fd = await promisify(openDescriptor)(path, constants.O_RDONLY | constants.O_NONBLOCK)
  const pipe = new Socket({ fd, readable: true, writable: false })
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let length = 0
    pipe.on("data", (chunk: Buffer) => {
      length += chunk.length
      if (length > maxBytes) {
        pipe.destroy()
        reject(tooLarge(maxBytes, what))
      } else {
        chunks.push(chunk)
      }
    })
    pipe.once("end", () => {
      pipe.destroy()
      resolve(Buffer.concat(chunks))
    })
    pipe.once("error", reject)
    const giveUp = () => {
      pipe.destroy()
      reject(new InputFileRefused("reading it was stopped"))
    }
    if (signal?.aborted === true) giveUp()
    else signal?.addEventListener("abort", giveUp, { once: true })
    pipe.once("close", () => signal?.removeEventListener("abort", giveUp))
  })
}

/** `readInputFile` as UTF-8 text, a byte order mark in front left out (Notepad writes one). */
export const readInputText = async (
  path: string,
  maxBytes: number,
  what: string,
  signal?: AbortSignal
): Promise<string> => (await readInputFile(path, maxBytes, what, signal)).toString("utf8").replace(/^\uFEFF/u, "")

/**
 * Whether the named file is a pipe: what a command that only wants to know a secret it does not use (to keep its
 * errors clear of it) leaves unread. Reading it would wait for a writer, and take the secret from the command it is
 * meant for, which a pipe gives only once.
 */
export const isPipe = (path: string): Promise<boolean> =>
  stat(path).then(
    (found) => found.isFIFO(),
    () => false
  )
