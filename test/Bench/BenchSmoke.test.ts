/**
 * `npm run bench` end to end on a tiny setting: the simulator, the floor and `run` start as processes, the table
 * prints, and nothing is left running or written. Speed is judged by the benchmark itself, never here.
 */
import { spawn } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { endWithTest } from "../support/ChildProcesses.js"

const BENCH = fileURLToPath(new URL("../../dist/Bench/main.js", import.meta.url))
const RESULTS = fileURLToPath(new URL("../../bench/RESULTS.md", import.meta.url))

// The tiny benchmark starts a simulator and a dozen measured processes: 20 s on a 2-core machine with other tests
// running, over 30 s with a heavier load. Its tests get room for that; a hung one is still ended.
const BENCH_LIMIT_MS = 110_000
const BENCH_TEST = { timeout: BENCH_LIMIT_MS + 10_000 }

const bench = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = endWithTest(
      spawn(process.execPath, [BENCH, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } })
    )
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text
    })
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), BENCH_LIMIT_MS)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

describe("npm run bench", () => {
  it(
    "runs a tiny benchmark, prints the tables and targets, and leaves bench/RESULTS.md alone",
    BENCH_TEST,
    async () => {
      const before = readFileSync(RESULTS, "utf8")
      const finished = bench([
        "--users",
        "300",
        "--reps",
        "1",
        "--latencies",
        "0",
        "--scale",
        "600,300",
        "--scale-reps",
        "1"
      ])
      // Put back if the tiny run wrote over it, so that a failure here costs the checkout nothing.
      let overwritten = false
      const { code, stdout, stderr } = await finished.finally(() => {
        overwritten = readFileSync(RESULTS, "utf8") !== before
        if (overwritten) writeFileSync(RESULTS, before)
      })
      expect(code, stderr).toBe(0)
      expect(stdout).toContain("| no added latency, cold | 300 (")
      expect(stdout).toContain("| no added latency, previous report present | 300 (")
      // The scales in increasing order, whatever order they were given in.
      expect(stdout).toMatch(/\| 300 \(\d+ read\) \|[^\n]*\n\| 600 \(\d+ read\) \|/)
      expect(stdout).toContain("**Targets**")
      expect(stdout).toContain("Medians of 1 repetitions")
      expect(stdout).toMatch(/peak RSS of `run` at 600 users at most 50 MB above 300/)
      expect(stdout).toContain("Not measured: latency added")
      // Settings other than the standard ones measure something else: their figures do not replace the file's.
      expect(stderr).toContain("not written to bench/RESULTS.md")
      expect(overwritten).toBe(false)
    }
  )

  it.each([
    [
      ["--scale", "1e3"],
      'bench: --scale takes whole numbers from 1 to 5000000 (the simulator\'s limit) separated by commas, or "none"; got "1e3"'
    ],
    [["--users", "0x10"], 'bench: --users takes a whole number from 1 to 5000000 (the simulator\'s limit); got "0x10"'],
    [["--reps", "0"], 'bench: --reps takes a whole number from 1; got "0"'],
    [["--max-load", "busy"], "bench: --max-load takes a positive number"],
    [["--out", "/nonexistent-folder/RESULTS.md"], "bench: the folder of /nonexistent-folder/RESULTS.md does not exist"],
    [["--bogus"], "bench: Unknown option '--bogus'"]
  ])("refuses %j before starting anything, saying what to fix", async (args, message) => {
    const { code, stdout, stderr } = await bench(args)
    expect(code).toBe(2)
    expect(stdout).toBe("")
    expect(stderr).toContain(message)
    expect(stderr).not.toContain("simulator ready")
    if (args[0] === "--bogus") expect(stderr).toContain("--help lists the options")
  })

  it("refuses a TMPDIR that is not there before starting anything, saying what to fix", async () => {
    const { code, stderr } = await bench(["--users", "300", "--latencies", "0", "--scale", "none"], {
      TMPDIR: "/nonexistent-folder"
    })
    expect(code).toBe(2)
    expect(stderr).toContain(
      "bench: cannot make a work folder in /nonexistent-folder, the temporary folder (ENOENT): set TMPDIR to a folder"
    )
    expect(stderr).not.toContain("simulator ready")
  })

  it.each([[["--users", "0", "--help"]], [["--bogus", "-h"]], [["-h"]]])(
    "answers %j with the usage, whatever else is wrong with the line",
    async (args) => {
      const { code, stdout, stderr } = await bench(args)
      expect(code, stderr).toBe(0)
      expect(stdout).toContain("npm run bench -- [options]")
      expect(stderr).toBe("")
    }
  )

  it("with --latencies none, speaks of no repetitions it did not make", BENCH_TEST, async () => {
    const { code, stdout, stderr } = await bench(["--latencies", "none", "--scale", "300", "--reps", "4", "--no-write"])
    expect(code, stderr).toBe(0)
    expect(stdout).toContain("**Memory at scale** (no added latency, median of 3 runs;")
    expect(stdout).not.toContain("Medians of")
  })
})
