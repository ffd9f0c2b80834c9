/**
 * The benchmark measures what is in dist/: it refuses a dist/ older than the sources beside it, or missing a file
 * it starts, before starting anything. A copy of the real dist/ in a temporary project, with sources of its own.
 */
import { spawnSync } from "node:child_process"
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeEach, describe, expect, it } from "vitest"

const DIST = fileURLToPath(new URL("../../dist", import.meta.url))
const ROOT = fileURLToPath(new URL("../..", import.meta.url))

let project = ""

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), "bench-build-"))
  cpSync(DIST, join(project, "dist"), { recursive: true })
  mkdirSync(join(project, "src", "Audit"), { recursive: true })
  writeFileSync(join(project, "src", "Audit", "Rules.ts"), "export {}\n")
  // Built a minute after the sources were last changed.
  const built = new Date()
  const written = new Date(built.getTime() - 60_000)
  utimesSync(join(project, "src", "Audit", "Rules.ts"), written, written)
  utimesSync(join(project, "dist", "program.cjs"), built, built)
})

afterEach(() => {
  rmSync(project, { recursive: true, force: true })
})

const bench = (...more: ReadonlyArray<string>) =>
  spawnSync(
    process.execPath,
    [
      join(project, "dist", "Bench", "main.js"),
      "--users",
      "300",
      "--reps",
      "1",
      "--latencies",
      "0",
      "--scale",
      "none"
    ].concat(more),
    { encoding: "utf8", timeout: 20_000, env: { ...process.env, TMPDIR: project } }
  )

describe("the build the benchmark measures", () => {
  it("is taken when it is newer than every source", () => {
    // Refused for the next check, of --out, which comes after the build's: the build passed, and nothing started.
    const { status, stderr } = bench("--out", project)
    expect(status).toBe(2)
    expect(stderr).toContain(`bench: ${project} is a folder`)
  })

  it("is refused when a source changed after it was built, naming the source and the fix", () => {
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(project, "src", "Audit", "Rules.ts"), later, later)
    const { status, stdout, stderr } = bench()
    expect(status).toBe(2)
    expect(stdout).toBe("")
    expect(stderr).toContain(
      "bench: dist/ was built before src/Audit/Rules.ts last changed, and would measure the old code: run `npm run build`"
    )
    expect(stderr).not.toContain("simulator ready")
  })

  it("is refused when a file it starts is missing", () => {
    rmSync(join(project, "dist", "bin.js"))
    const { status, stderr } = bench()
    expect(status).toBe(2)
    expect(stderr).toContain("bench: dist/ is incomplete (dist/bin.js missing): run `npm run build`")
    expect(stderr).not.toContain("simulator ready")
  })

  it("is asked for by npm run bench when there is no dist/ at all", () => {
    rmSync(join(project, "dist"), { recursive: true })
    mkdirSync(join(project, "scripts"))
    copyFileSync(join(ROOT, "package.json"), join(project, "package.json"))
    copyFileSync(join(ROOT, "scripts", "bench.mjs"), join(project, "scripts", "bench.mjs"))
    const { status, stderr } = spawnSync("npm", ["run", "--silent", "bench", "--", "--quick"], {
      cwd: project,
      encoding: "utf8",
      timeout: 20_000
    })
    expect(status).toBe(2)
    expect(stderr).toContain("bench: dist/ is not built: run `npm run build`, then the benchmark")
    expect(stderr).not.toContain("Cannot find module")
  })

  it("once taken, a failure while measuring exits 1, not 2, naming the process that failed", () => {
    writeFileSync(join(project, "dist", "Bench", "Floor.js"), 'process.stderr.write("no pages\\n")\nprocess.exit(5)\n')
    const { status, stderr } = bench()
    expect(status).toBe(1)
    expect(stderr).toContain("simulator ready")
    expect(stderr).toMatch(/bench: node \S+Floor\.js ended with 5:\nno pages/)
  })
})
