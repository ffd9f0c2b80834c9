#!/usr/bin/env node
/**
 * The command's entry point. It runs the bundled program, dist/program.cjs (`main.ts` and everything it uses), with
 * the V8 code cache that `npm run build` made beside it, so the program's code is not compiled again on every
 * start: about a third of the time before the first request (bench/RESULTS.md).
 *
 * The cache is only used for the very program it was made from: it starts with the SHA-256 of the program's text,
 * and V8 itself refuses a cache from another V8 version or other flags. Without a usable cache the program is
 * compiled as usual, only slower. Nothing is written at run time: the cache lives beside the code, and is as
 * trusted as the code.
 *
 * PANTHER_AUDIT_CODE_CACHE=write makes a new cache when the process exits successfully (the build runs `run` with
 * it); PANTHER_AUDIT_CODE_CACHE=report says on stderr whether the cache was used. With source maps enabled
 * (`node --enable-source-maps`) the program is loaded as a plain CommonJS module instead, since Node does not map
 * the frames of code compiled through `vm.Script`.
 */
import { createHash } from "node:crypto"
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { setFlagsFromString } from "node:v8"
import { Script } from "node:vm"
import { launcherV8Flags } from "./Cli/V8Settings.js"

// Before anything is compiled; see V8Settings.ts.
for (const flag of launcherV8Flags(process.argv)) setFlagsFromString(flag)

const PROGRAM = fileURLToPath(new URL("./program.cjs", import.meta.url))
const CACHE = `${PROGRAM}.cache`
const DIGEST_BYTES = 32
// The CommonJS wrapper on a line of its own; `lineOffset` below keeps the program's line numbers its own.
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {\n"
const WRAPPER_END = "\n})"

/** Runs the program as Node would, without the cache: what source maps need (Node maps vm scripts' frames not). */
const runPlainly = () => createRequire(PROGRAM)(PROGRAM)

/**
 * The first `size` bytes of an open file (fewer if it is shorter by now), read into `buffer` from `at` on; the file
 * is closed.
 */
const readInto = (file: number, size: number, buffer: Buffer, at = 0): Buffer => {
  try {
    let filled = 0
    while (filled < size) {
      const read = readSync(file, buffer, at + filled, size - filled, null)
      if (read === 0) break
      filled += read
    }
    return buffer.subarray(at, at + filled)
  } finally {
    closeSync(file)
  }
}

/** Far above any cache of this program (about 2 MB): a larger file is not one the build made, and is not read. */
const MAX_CACHE_BYTES = 256 * 1024 * 1024

/** The cache file, open, with its size; undefined when there is no file of a cache's size to read. */
const openCache = (): { readonly file: number; readonly size: number } | undefined => {
  let file: number
  try {
    // Without O_NONBLOCK, opening a named pipe waits for a writer, for ever, before fstat can say it is no file; on a
    // regular file the flag changes nothing (it is 0 where Node has none, on Windows).
    file = openSync(CACHE, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch {
    return undefined
  }
  try {
    const found = fstatSync(file)
    if (found.isFile() && found.size <= MAX_CACHE_BYTES) return { file, size: found.size }
  } catch {}
  closeSync(file)
  return undefined
}

/** Runs the program from its text, with the code cache when there is one for exactly this text. */
const runWithCodeCache = (mode: string | undefined) => {
  const programFile = openSync(PROGRAM, "r")
  const programSize = fstatSync(programFile).size
  const cacheFile = openCache()
  // One buffer for both files, the cache read over the program's bytes once their text is made: the first touch of
  // each fresh page of memory costs about as much as reading into it, and a buffer of the cache's own size was about
  // 5 ms of every start on the slower machine measured (bench/RESULTS.md).
  const wrapperStart = Buffer.byteLength(WRAPPER_START)
  const buffer = Buffer.allocUnsafeSlow(
    Math.max(wrapperStart + programSize + Buffer.byteLength(WRAPPER_END), cacheFile?.size ?? 0)
  )
  // The wrapper is written around the program's bytes, and the whole made into text at once. Joined as strings, the
  // text was a concatenation that V8 copied once more, into a flat string, before compiling it: 1.8 MB of fresh
  // memory on every start (bench/RESULTS.md).
  buffer.write(WRAPPER_START, 0, "latin1")
  const programEnd = wrapperStart + readInto(programFile, programSize, buffer, wrapperStart).length
  const wrapped = programEnd + buffer.write(WRAPPER_END, programEnd, "latin1")
  // Of the very text V8 compiles, wrapper included: V8's own check of the source is little more than its length.
  // Hashed as the bytes (for a file of valid UTF-8, as the program is, the same digest as its text's) rather than
  // as the string, which the hash would first encode again: about 3 ms of every start.
  const digest = createHash("sha256").update(buffer.subarray(0, wrapped)).digest()
  const source = buffer.toString("utf8", 0, wrapped)

  const readCache = (): Buffer | "absent" | "stale" => {
    if (cacheFile === undefined) return "absent"
    // The program's bytes are not needed again: `digest` and `source` hold all that is used of them.
    let cache: Buffer
    try {
      cache = readInto(cacheFile.file, cacheFile.size, buffer)
    } catch {
      return "absent"
    }
    return cache.subarray(0, DIGEST_BYTES).equals(digest) ? cache.subarray(DIGEST_BYTES) : "stale"
  }

  const cache = readCache()
  const cachedData = typeof cache === "string" ? undefined : cache
  const script = new Script(source, {
    filename: PROGRAM,
    lineOffset: -1,
    ...(cachedData === undefined ? {} : { cachedData })
  })

  if (mode === "report") {
    const state = typeof cache === "string" ? cache : script.cachedDataRejected === true ? "rejected" : "used"
    process.stderr.write(`panther-audit: code cache ${state}\n`)
  }
  if (mode === "write") {
    // At exit the cache holds every function the run compiled; only a run that succeeded is taken as the model.
    // Written aside and renamed, so a reader never sees half of one.
    process.once("exit", (code) => {
      if (code !== 0) return
      const temporary = `${CACHE}.${process.pid}.tmp`
      try {
        writeFileSync(temporary, Buffer.concat([digest, script.createCachedData()]))
        renameSync(temporary, CACHE)
      } catch (error) {
        process.stderr.write(`panther-audit: the code cache was not written: ${String(error)}\n`)
        rmSync(temporary, { force: true })
      }
    })
  }

  const program = { exports: {} }
  script.runInThisContext()(program.exports, createRequire(PROGRAM), program, PROGRAM, dirname(PROGRAM))
}

// `node --enable-source-maps dist/bin.js ...` then maps stack traces back to src/.
if (process.sourceMapsEnabled) runPlainly()
else runWithCodeCache(process.env.PANTHER_AUDIT_CODE_CACHE)
