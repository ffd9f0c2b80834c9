/**
 * A process that does not wind down within `STOP_GRACE_MS` of a stop signal is ended all the same, well inside
 * Docker's 10 s before SIGKILL, and says so: its logs would otherwise end at "audit interrupted", as if the run had
 * wound down. The stop-signal module is run in a process of its own that never winds down (a timer keeps it up),
 * since it ends the process it is in.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"
import { afterEach, beforeEach, expect, it } from "vitest"
import { STOP_GRACE_MS } from "../../src/Cli/StopSignals.js"
import { endWithTest } from "../support/ChildProcesses.js"

let folder = ""
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "stop-grace-"))
})
afterEach(() => rmSync(folder, { recursive: true, force: true }))

const HOLDS_ON = `
import { watchStopSignals } from ${JSON.stringify(fileURLToPath(new URL("../../src/Cli/StopSignals.ts", import.meta.url)))}
watchStopSignals((text, exitCode) => process.stderr.write(exitCode + " " + text + "\\n"))
setInterval(() => {}, 1000)
process.stdout.write("ready\\n")
`

/** Starts a process that never winds down, once it watches the stop signals. */
const startHoldingOn = async () => {
  const script = join(folder, "holds-on.mjs")
  await build({
    stdin: { contents: HOLDS_ON, resolveDir: folder, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: script
  })
  const child = endWithTest(spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] }))
  let stderr = ""
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()))
  return { child, exited, stderr: () => stderr }
}

it("ends a process still winding down after the grace period with the signal's code, and says so", async () => {
  const { child, exited, stderr } = await startHoldingOn()
  const signalledAt = Date.now()
  child.kill("SIGTERM")
  expect(await exited).toBe(143)
  // Not before the grace period: a run winding down is given all of it.
  expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(STOP_GRACE_MS - 50)
  expect(stderr()).toBe("143 still winding down 5 s after SIGTERM: ended without waiting more.\n")
}, 20_000)

it("ends it at once at a second signal, with that signal's code, and says so", async () => {
  const { child, exited, stderr } = await startHoldingOn()
  const signalledAt = Date.now()
  child.kill("SIGTERM")
  setTimeout(() => child.kill("SIGINT"), 200)
  expect(await exited).toBe(130)
  expect(Date.now() - signalledAt).toBeLessThan(STOP_GRACE_MS)
  expect(stderr()).toBe("130 SIGINT again while stopping: ended at once, without winding down.\n")
}, 20_000)
