/**
 * `npm run bench` stopped by a signal in the middle of measuring: the simulator and the measured process it had
 * started are gone with it, its work folder too, and bench/RESULTS.md is as it was. The signal goes to the
 * benchmark alone, as `kill` sends it, not to its children as Ctrl-C in a terminal would.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { endWithTest } from "../support/ChildProcesses.js"

const BENCH = fileURLToPath(new URL("../../dist/Bench/main.js", import.meta.url))
const RESULTS = fileURLToPath(new URL("../../bench/RESULTS.md", import.meta.url))

/**
 * npm's own folder in os.tmpdir(), not the benchmark's: on a Node with a module compile cache (22.1 and later, as
 * in the image) npm turns it on for its own code, and keeps it there (Node 20 has none, and npm makes nothing).
 */
const NPM_COMPILE_CACHE = "node-compile-cache"

/** Children of `pid`, from /proc (Linux). */
const childrenOf = (pid: number): ReadonlyArray<number> =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
    .split(" ")
    .filter((text) => text !== "")
    .map(Number)

/** Children of `pid`, theirs, and so on. */
const descendantsOf = (pid: number): ReadonlyArray<number> =>
  childrenOf(pid).flatMap((child) => {
    try {
      return [child, ...descendantsOf(child)]
    } catch {
      return [child]
    }
  })

/** Running, as opposed to gone or a zombie waiting for whoever inherited it to reap it. */
const running = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z"
  } catch {
    return false
  }
}

/**
 * The first repetition is measured within about 4 s on a quiet machine; on a busy one (load 12 on two cores) the
 * simulator alone took 5 to 6 s to start and 20 s was not enough. Waiting longer costs nothing when it comes.
 */
const FIRST_REP_WAIT = 60_000

let temporary = ""

beforeEach(() => {
  temporary = mkdtempSync(join(tmpdir(), "bench-stop-"))
})

afterEach(() => {
  rmSync(temporary, { recursive: true, force: true })
})

describe("npm run bench stopped by a signal", { timeout: FIRST_REP_WAIT + 30_000 }, () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129]
  ] as const)("on %s ends its simulator and measured processes and leaves no work folder", async (signal, code) => {
    if (!existsSync(`/proc/${process.pid}/task/${process.pid}/children`)) return
    const before = readFileSync(RESULTS, "utf8")
    // Its work folder goes where os.tmpdir() says: a folder of this test's own, to see it is removed.
    const child = endWithTest(
      spawn(
        process.execPath,
        [BENCH, "--users", "300", "--reps", "50", "--latencies", "20", "--scale", "none", "--no-write"],
        { env: { ...process.env, TMPDIR: temporary }, stdio: ["ignore", "ignore", "pipe"] }
      )
    )
    const pid = child.pid ?? 0
    let stderr = ""
    let started: ReadonlyArray<number> = []
    try {
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("close", (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }))
      )
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no repetition was measured:\n${stderr}`)), FIRST_REP_WAIT)
        child.stderr.setEncoding("utf8").on("data", (text: string) => {
          stderr += text
          if (stderr.includes("rep 1/50")) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      started = childrenOf(pid)
      expect(started.length).toBeGreaterThan(0)
      child.kill(signal)
      expect(await exited).toEqual({ code, signal: null })
      // Its children, killed, are not reported as failures.
      expect(stderr.trimEnd().split("\n").at(-1)).toBe(`bench: ${signal}; stopping`)
      // Killed children die a moment after the signal is sent.
      for (let wait = 0; wait < 50 && started.some(running); wait++) await new Promise((r) => setTimeout(r, 100))
      expect(started.filter(running)).toEqual([])
      expect(readdirSync(temporary)).toEqual([])
      expect(readFileSync(RESULTS, "utf8")).toBe(before)
    } finally {
      for (const left of started.filter(running)) process.kill(left, "SIGKILL")
    }
  })

  it("under npm run bench, stops when npm is sent SIGTERM, though the shell npm passes it to ends alone", async () => {
    if (!existsSync(`/proc/${process.pid}/task/${process.pid}/children`)) return
    const before = readFileSync(RESULTS, "utf8")
    const npm = endWithTest(
      spawn(
        "npm",
        ["run", "bench", "--", "--users", "300", "--reps", "50", "--latencies", "20", "--scale", "none", "--no-write"],
        { cwd: fileURLToPath(new URL("../..", import.meta.url)), env: { ...process.env, TMPDIR: temporary } }
      )
    )
    let stderr = ""
    let started: ReadonlyArray<number> = []
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no repetition was measured:\n${stderr}`)), FIRST_REP_WAIT)
        npm.stderr.setEncoding("utf8").on("data", (text: string) => {
          stderr += text
          if (stderr.includes("rep 1/50")) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      started = descendantsOf(npm.pid ?? 0)
      const exited = new Promise((resolve) => npm.on("exit", resolve))
      npm.kill("SIGTERM")
      await exited
      for (let wait = 0; wait < 50 && started.some(running); wait++) await new Promise((r) => setTimeout(r, 100))
      expect(started.filter(running)).toEqual([])
      expect(readdirSync(temporary).filter((name) => name !== NPM_COMPILE_CACHE)).toEqual([])
      expect(readFileSync(RESULTS, "utf8")).toBe(before)
    } finally {
      // The benchmark first, so that it ends what it started since; then whatever is left.
      for (const left of started.filter(running)) process.kill(left, "SIGTERM")
      await new Promise((r) => setTimeout(r, 1000))
      for (const left of started.filter(running)) process.kill(left, "SIGKILL")
    }
  })
})
