/**
 * `npm run bench` end to end on a tiny setting: the simulator, the floor and `run` start as processes, the table
 * prints, and nothing is left running or written. Speed is judged by the benchmark itself, never here.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { endWithTest } from "../support/ChildProcesses.js"

const BENCH = fileURLToPath(new URL("../../dist/Bench/main.js", import.meta.url))

it("runs a tiny benchmark and prints the tables and targets", async () => {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = endWithTest(
      spawn(
        process.execPath,
        [BENCH, "--quick", "--users", "300", "--reps", "1", "--latencies", "0", "--scale", "300,600", "--no-write"],
        { stdio: ["ignore", "pipe", "pipe"] }
      )
    )
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      out += text
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("error", reject)
    child.on("close", (exitCode) => {
      clearTimeout(timer)
      resolve({ code: exitCode, stdout: out })
    })
  })
  expect(code).toBe(0)
  expect(stdout).toContain("| no added latency, cold | 300 (")
  expect(stdout).toMatch(/\| 600 \(\d+ read\) \|/)
  expect(stdout).toContain("**Targets**")
  expect(stdout).toMatch(/peak RSS of `run` at 600 users at most 50 MB above 300/)
})
