/**
 * A real `run`, killed outright (SIGKILL: the out-of-memory killer, a lost container) while it writes its reports:
 * nothing it had begun may stand under a final name, and what it left must be what the next holder of the directory
 * knows for a killed run's and removes, with a word that says so.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, statSync, watch } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { removeLeftoverFiles } from "../../src/Reports/LeftoverFiles.js"
import { endWithTest } from "../support/ChildProcesses.js"
import { BIN, runCli, stderrText } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { captureLogs } from "../support/testClient.js"

/** The temporary name of a findings report being written (TempFile.ts): `.user-audit.csv.<12 hex>.tmp`. */
const REPORT_BEING_WRITTEN = /^\.user-audit\.(csv|json)\.[0-9a-f]{12}\.tmp$/

let simulator: StartedSimulator
let directory = ""
const directories: Array<string> = []
beforeAll(async () => {
  // Enough users that writing the reports (about 19 MB) goes on well after the first bytes are written.
  simulator = await startSimulator({ users: 40_000, seed: 7 })
})
afterAll(async () => {
  await simulator.close()
  for (const made of directories) rmSync(made, { recursive: true, force: true })
})

const env = () => ({
  PANTHER_API_URL: simulator.baseUrl,
  PANTHER_API_TOKEN: simulator.readToken,
  AUDIT_REPORT_DIR: directory
})

/**
 * Runs `run` and kills it the moment its reports' temporary files are first written to: told by the file system
 * (inotify), not by looking every so often, which a run writing fast could finish between two looks.
 */
const runKilledWhileWriting = () =>
  new Promise<{ readonly signal: NodeJS.Signals | null; readonly stderr: string }>((resolve) => {
    const child = endWithTest(spawn(process.execPath, [BIN, "run"], { env: { PATH: process.env.PATH, ...env() } }))
    let stderr = ""
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk
    })
    const watcher = watch(directory, (event, name) => {
      if (event === "change" && name !== null && REPORT_BEING_WRITTEN.test(name)) child.kill("SIGKILL")
    })
    child.on("close", (_code, signal) => {
      watcher.close()
      resolve({ signal, stderr })
    })
  })

describe("a run killed outright while it writes its reports", () => {
  it("leaves nothing under a final name, and what it left is removed by the next holder, which says why", async () => {
    // On a loaded machine the run may finish its reports before the kill lands: that run proves nothing, and another
    // is made in a new directory. A run that ends otherwise (an error) fails the test.
    let killed: Awaited<ReturnType<typeof runKilledWhileWriting>> | undefined
    for (let attempt = 1; attempt <= 3 && killed?.signal !== "SIGKILL"; attempt++) {
      directory = mkdtempSync(join(tmpdir(), "killed-run-"))
      directories.push(directory)
      killed = await runKilledWhileWriting()
      if (killed.signal !== "SIGKILL") expect(stderrText(killed.stderr)).toContain("audit finished")
    }
    expect(killed?.signal, stderrText(killed?.stderr ?? "")).toBe("SIGKILL")
    const left = readdirSync(directory).sort()
    // Its lock, and its reports under their temporary names: no user-audit-<stamp>.csv or .json, whole or not.
    expect(left.filter((name) => !name.startsWith("."))).toEqual([])
    const temporary = left.filter((name) => REPORT_BEING_WRITTEN.test(name))
    expect(temporary.length).toBeGreaterThan(0)
    expect(left).toEqual([".panther-audit.lock", ...temporary].sort())

    // The next run waits for the lock, and says at once that its holder is dead and nothing needs doing.
    let waiting = false
    const next = await runCli(["run"], {
      env: env(),
      onStderr: (stderr) => {
        waiting ||= stderrText(stderr).includes("Waiting for run (pid")
      },
      stopWhen: () => waiting
    })
    const said = stderrText(next.stderr)
    expect(said).toContain(
      "runs on this machine: that run was killed, and this one goes on once its lock is taken over"
    )
    expect(readdirSync(directory).filter((name) => !name.startsWith("."))).toEqual([])

    // Taking the lock over waits a minute; what follows it is the clean-up, here with the clock a minute on.
    const bytes = temporary.reduce((sum, name) => sum + statSync(join(directory, name)).size, 0)
    // Killed halfway through, not before its first byte: what it left is part of a report.
    expect(bytes).toBeGreaterThan(0)
    const logs = captureLogs()
    await Effect.runPromise(removeLeftoverFiles(directory, Date.now() + 2 * 60_000).pipe(Effect.provide(logs.layer)))
    expect(readdirSync(directory)).toEqual([".panther-audit.lock"])
    expect(logs.lines.join("\n")).toContain(
      `Removed ${temporary.length} temporary file${temporary.length === 1 ? "" : "s"} ` +
        `(${(bytes / 1_000_000).toFixed(1)} MB) left in ${directory} by a run that was killed before it could clean ` +
        `up; what ${temporary.length === 1 ? "it" : "they"} held was never put in place.`
    )
  })
})
