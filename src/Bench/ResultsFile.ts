/**
 * bench/RESULTS.md: the benchmark writes its tables between two markers and keeps whatever is written around them.
 */
import {
  accessSync,
  chmodSync,
  constants,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from "node:fs"
import { dirname } from "node:path"

export const BEGIN = "<!-- bench:begin (written by npm run bench; edit outside these markers) -->"
export const END = "<!-- bench:end -->"

/**
 * The file's new text: the block between the markers replaced, whatever was written around it kept; a file without
 * them keeps its text and gets the block at its end. A file with only one marker, or with them out of order, is
 * refused: which part was generated cannot be told, and guessing could delete what someone wrote.
 */
const withResults = (path: string, existing: string | undefined, generated: string): string => {
  const block = `${BEGIN}\n\n${generated}\n\n${END}`
  if (existing === undefined) return `# Benchmark results\n\n${block}\n`
  const start = existing.indexOf(BEGIN)
  // The end marker after the first one: a note above the block may name the end marker.
  const end = start < 0 ? -1 : existing.indexOf(END, start)
  if (start >= 0 && end >= 0) return `${existing.slice(0, start)}${block}${existing.slice(end + END.length)}`
  const anyEnd = existing.indexOf(END)
  if (start < 0 && anyEnd < 0) return `${existing}${existing === "" || existing.endsWith("\n") ? "" : "\n"}\n${block}\n`
  throw new Error(
    `${path} has ${start >= 0 && anyEnd >= 0 ? "the markers of the results block out of order" : "only one of the markers of the results block"} ` +
      `(${BEGIN} then ${END}): put them right, or remove both to have the results added at the end`
  )
}

/**
 * Fails now if `writeResults` would fail at the end (markers, a missing or read-only folder): a full benchmark takes
 * minutes, and its figures would be printed but not written.
 */
export const checkResultsFile = (path: string): void => {
  withResults(path, readIfThere(path), "")
  accessSync(dirname(realTarget(path)), constants.W_OK)
}

/** Writes the block into the file; through a symbolic link to the file it names, keeping the file's mode. */
export const writeResults = (path: string, generated: string): void => {
  const existing = readIfThere(path)
  const text = withResults(path, existing, generated)
  const target = realTarget(path)
  // Beside it, then renamed over it: a failed write leaves the file as it was, not cut short.
  const temporary = `${target}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, text)
    if (existing !== undefined) chmodSync(temporary, statSync(target).mode & 0o7777)
    renameSync(temporary, target)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
}

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
    if (error instanceof Error && Reflect.get(error, "code") === "ENOENT") return undefined
    throw error
  }
}
