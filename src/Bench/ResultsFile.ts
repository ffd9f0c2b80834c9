/**
 * bench/RESULTS.md: the benchmark writes its tables between two markers and keeps whatever is written around them.
 */
import { chmodSync, readFileSync, realpathSync, renameSync, rmSync, type Stats, statSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"

export const BEGIN = "<!-- bench:begin (written by npm run bench; edit outside these markers) -->"
export const END = "<!-- bench:end -->"

/**
 * The file's new text: the block between the markers replaced, whatever was written around it kept; a file without
 * them keeps its text and gets the block at its end. A file with only one marker, with them out of order, or with
 * more than one pair, is refused: which part was generated cannot be told, and guessing could delete what someone
 * wrote.
 */
const withResults = (path: string, existing: string | undefined, generated: string): string => {
  const block = `${BEGIN}\n\n${generated}\n\n${END}`
  if (existing === undefined) return `# Benchmark results\n\n${block}\n`
  const start = existing.indexOf(BEGIN)
  // The end marker after the first one: a note above the block may name the end marker.
  const end = start < 0 ? -1 : existing.indexOf(END, start)
  const anyEnd = existing.indexOf(END)
  if (start >= 0 && end >= 0) {
    // A second block (pasted, or left by a merge) would keep old figures beside the new ones.
    if (existing.includes(BEGIN, start + BEGIN.length) || existing.includes(END, end + END.length)) {
      throw new Error(
        `${path} has the markers of the results block more than once (${BEGIN} then ${END}): keep one pair, ` +
          "around the block to be replaced"
      )
    }
    return `${existing.slice(0, start)}${block}${existing.slice(end + END.length)}`
  }
  if (start < 0 && anyEnd < 0) return `${existing}${existing === "" || existing.endsWith("\n") ? "" : "\n"}\n${block}\n`
  throw new Error(
    `${path} has ${start >= 0 && anyEnd >= 0 ? "the markers of the results block out of order" : "only one of the markers of the results block"} ` +
      `(${BEGIN} then ${END}): put them right, or remove both to have the results added at the end`
  )
}

/**
 * Fails now if `writeResults` would fail at the end (markers, a missing or read-only folder): a full benchmark takes
 * minutes, and its figures would be printed but not written. The folder is tried by making the temporary file the
 * write will make there: permissions alone do not tell (root may write anywhere but in /proc or a read-only mount).
 */
export const checkResultsFile = (path: string): void => {
  const target = realTarget(path)
  refuseAnythingButAFile(path, target)
  withResults(path, readIfThere(path), "")
  const folder = dirname(target)
  if (statIfThere(folder) === undefined) {
    throw new Error(`the folder of ${path} does not exist (${folder}): create it, or name a file in a folder that does`)
  }
  const temporary = temporaryBeside(target)
  try {
    writeFileSync(temporary, "")
  } catch (error) {
    throw new Error(`cannot write ${path}: making a file in ${folder} failed (${describe(error)})`)
  } finally {
    rmSync(temporary, { force: true })
  }
}

/** Writes the block into the file; through a symbolic link to the file it names, keeping the file's mode. */
export const writeResults = (path: string, generated: string): void => {
  const target = realTarget(path)
  refuseAnythingButAFile(path, target)
  const existing = readIfThere(path)
  const text = withResults(path, existing, generated)
  // Beside it, then renamed over it: a failed write leaves the file as it was, not cut short.
  const temporary = temporaryBeside(target)
  try {
    writeFileSync(temporary, text)
    if (existing !== undefined) chmodSync(temporary, statSync(target).mode & 0o7777)
    renameSync(temporary, target)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
}

const temporaryBeside = (target: string) => `${target}.${process.pid}.tmp`

/**
 * The results replace the file by renaming a new one over it: over a device such as /dev/null that would put a
 * plain file in the device's place (root may), and a pipe would block the read before it. A folder cannot be
 * written at all.
 */
const refuseAnythingButAFile = (path: string, target: string): void => {
  const stats = statIfThere(target)
  if (stats === undefined || stats.isFile()) return
  if (stats.isDirectory()) {
    throw new Error(`${path} is a folder: name the file to write in it, such as ${join(path, "RESULTS.md")}`)
  }
  throw new Error(
    `${path} is not a regular file (a device, a pipe or a socket), and the results would replace it: name a ` +
      "Markdown file, or print only with --no-write"
  )
}

const statIfThere = (path: string): Stats | undefined => {
  try {
    return statSync(path)
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined
    throw error
  }
}

const codeOf = (error: unknown): unknown => (error instanceof Error ? Reflect.get(error, "code") : undefined)

const describe = (error: unknown): string => String(codeOf(error) ?? (error instanceof Error ? error.message : error))

/** The file a path names, links followed; the path itself when there is no file yet. */
const realTarget = (path: string): string => {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

const readIfThere = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8")
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined
    throw error
  }
}
