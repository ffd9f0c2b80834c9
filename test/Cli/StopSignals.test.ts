/**
 * Ctrl-C pressed twice, as an impatient person does: the first stops the run cleanly, the second ends the process
 * at once. Either way the exit code is 130, no report is left under a final name, and the report directory is free
 * for the next run, which would otherwise wait a minute for a lock whose holder is gone.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { LOCK_FILE } from "../../src/Reports/DirectoryLock.js"
import { endWithTest } from "../support/ChildProcesses.js"
import { BIN } from "../support/cli.js"
import { json, startScriptedServer } from "../support/scriptedServer.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "stop-signals-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

/** `run` against the API at `apiUrl`, into this test's directory: the process, its stderr so far, and how it exits. */
const startRun = (apiUrl: string) => {
  const child = endWithTest(
    spawn(process.execPath, [BIN, "run", "--report-dir", directory], {
      env: { PATH: process.env.PATH ?? "", PANTHER_API_URL: apiUrl, PANTHER_API_TOKEN: "scripted-token" },
      stdio: ["ignore", "ignore", "pipe"]
    })
  )
  const output = { stderr: "" }
  child.stderr.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString("utf8")
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  )
  return { child, output, exited }
}

describe("run stopped with Ctrl-C", () => {
  it("twice, the second while the first winds down: exits 130 at once, no report, the directory free", async () => {
    let listing: () => void = () => {}
    // The roles come at once; the list of users never does, so the run is in the middle of its work.
    const server = await startScriptedServer((_index, request) => {
      if (request.path === "/roles") return json(200, { results: [] })
      listing()
      return () => {}
    })
    try {
      // Each run after the first finds the directory free: one left locked would keep it waiting a minute.
      for (let round = 1; round <= 3; round++) {
        const listed = new Promise<void>((resolve) => {
          listing = resolve
        })
        const { child, output, exited } = startRun(server.url)
        await listed
        const stoppedAt = Date.now()
        child.kill("SIGINT")
        // A millisecond later: the run takes about fifteen to wind down after the first.
        setTimeout(() => child.kill("SIGINT"), 1)
        const { code, signal } = await exited
        const took = Date.now() - stoppedAt
        expect({ code, signal }, output.stderr).toEqual({ code: 130, signal: null })
        // The last line says what ended the process: the second signal, or the first if winding down beat it.
        const last = JSON.parse(output.stderr.trimEnd().split("\n").at(-1) ?? "{}") as {
          message?: string
          annotations?: unknown
        }
        expect(
          ["SIGINT again while stopping: ended at once, without winding down.", "stopped by SIGINT."],
          output.stderr
        ).toContain(last.message)
        expect(last.annotations).toMatchObject({ exitCode: 130 })
        // Well before the five seconds the first signal allows the winding down.
        expect(took).toBeLessThan(2_000)
        expect(existsSync(join(directory, LOCK_FILE)), `round ${round}`).toBe(false)
        // Only hidden temporary files may stay, as after a process killed outright; never a report.
        expect(readdirSync(directory).filter((name) => !name.startsWith("."))).toEqual([])
      }
    } finally {
      await server.close()
    }
  })
})

describe("run stopped by SIGHUP, as a closed terminal or a dropped ssh session sends", () => {
  it("winds down as at SIGTERM: exits 129 saying so, no report, the directory free for the next run", async () => {
    let listing: () => void = () => {}
    const listed = new Promise<void>((resolve) => {
      listing = resolve
    })
    const server = await startScriptedServer((_index, request) => {
      if (request.path === "/roles") return json(200, { results: [] })
      listing()
      return () => {}
    })
    try {
      const { child, output, exited } = startRun(server.url)
      await listed
      child.kill("SIGHUP")
      // Ended by the signal itself (signal SIGHUP, no code), it had left its lock for the next run to wait out.
      expect(await exited, output.stderr).toEqual({ code: 129, signal: null })
      const last = JSON.parse(output.stderr.trimEnd().split("\n").at(-1) ?? "{}") as {
        message?: string
        annotations?: unknown
      }
      expect(last).toMatchObject({ message: "stopped by SIGHUP.", annotations: { signal: "SIGHUP", exitCode: 129 } })
      expect(existsSync(join(directory, LOCK_FILE))).toBe(false)
      expect(readdirSync(directory)).toEqual([])
    } finally {
      await server.close()
    }
  })
})
