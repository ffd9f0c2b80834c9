/**
 * bench/RESULTS.md: the benchmark writes its tables between two markers and keeps whatever is written around them.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"

export const BEGIN = "<!-- bench:begin (written by npm run bench; edit outside these markers) -->"
export const END = "<!-- bench:end -->"

/**
 * Replaces the block between the markers, keeping whatever was written around it; a file without them keeps its
 * text and gets the block at its end. A file with only one marker, or with them out of order, is refused: which
 * part was generated cannot be told, and guessing could delete what someone wrote.
 */
export const writeResults = (path: string, generated: string): void => {
  const block = `${BEGIN}\n\n${generated}\n\n${END}`
  const existing = readIfThere(path)
  let text: string
  if (existing === undefined) text = `# Benchmark results\n\n${block}\n`
  else {
    const start = existing.indexOf(BEGIN)
    const end = existing.indexOf(END)
    if (start >= 0 && end > start) text = `${existing.slice(0, start)}${block}${existing.slice(end + END.length)}`
    else if (start < 0 && end < 0)
      text = `${existing}${existing === "" || existing.endsWith("\n") ? "" : "\n"}\n${block}\n`
    else {
      throw new Error(
        `${path} has ${start < 0 || end < 0 ? "only one of" : "out of order"} the markers of the results block ` +
          `(${BEGIN} then ${END}): put them right, or remove both to have the results added at the end`
      )
    }
  }
  // Beside it, then renamed over it: a failed write leaves the file as it was, not cut short.
  const temporary = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, text)
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
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
