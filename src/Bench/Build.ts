/**
 * The build the benchmark measures: dist/ as `npm run build` made it. The benchmark runs what is in dist/, so one
 * started after a change to the sources, without a build, measured the code before the change and said nothing;
 * one with part of dist/ missing failed only once its first process started.
 */
import { existsSync, readdirSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { BIN, FLOOR, PROBE } from "./Processes.js"

/** The bundled program, written by each build after it read the sources. */
const PROGRAM = fileURLToPath(new URL("../program.cjs", import.meta.url))
const ROOT = fileURLToPath(new URL("../../", import.meta.url))

const REBUILD = "run `npm run build`, then the benchmark (`npm run build && npm run bench`)"

/** The files under `folder`, every level. */
const filesUnder = (folder: string): ReadonlyArray<string> =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : []
  })

/**
 * Fails if dist/ lacks a file the benchmark starts, or is older than a source it was built from. Where there are no
 * sources beside dist/ (dist/ copied alone, as the image does), only the files are checked.
 */
export const checkBuild = (): void => {
  const missing = [BIN, PROGRAM, FLOOR, fileURLToPath(PROBE)].filter((path) => !existsSync(path))
  if (missing.length > 0) {
    throw new Error(
      `dist/ is incomplete (${missing.map((path) => relative(ROOT, path)).join(", ")} missing): ${REBUILD}`
    )
  }
  const sources = join(ROOT, "src")
  if (!existsSync(sources)) return
  const built = statSync(PROGRAM).mtimeMs
  const lock = join(ROOT, "package-lock.json")
  const newer = [...filesUnder(sources), ...(existsSync(lock) ? [lock] : [])].find(
    (path) => statSync(path).mtimeMs > built
  )
  if (newer !== undefined) {
    throw new Error(
      `dist/ was built before ${relative(ROOT, newer)} last changed, and would measure the old code: ${REBUILD}`
    )
  }
}
