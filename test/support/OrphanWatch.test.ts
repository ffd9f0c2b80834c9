import { spawn } from "node:child_process"
import { once } from "node:events"
import { describe, expect, it } from "vitest"
import { endWithTest } from "./ChildProcesses.js"
import { startOrphanWatch } from "./OrphanWatch.js"

const sleeper = () => endWithTest(spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" }))

describe("the watch on a test worker's children", () => {
  it("kills a child still running when the worker's end closes the watcher's pipe, then ends itself", async () => {
    const { watch, watcher } = startOrphanWatch()
    const left = sleeper()
    const ended = sleeper()
    watch(left)
    watch(ended)
    ended.kill("SIGTERM")
    await once(ended, "exit")
    // As a worker killed outright would: its end of the pipe closes, no hook runs.
    const leftExit = once(left, "exit")
    const watcherExit = once(watcher, "exit")
    watcher.stdin?.destroy()
    const [, signal] = await leftExit
    expect(signal).toBe("SIGKILL")
    expect(await watcherExit).toEqual([0, null])
  })

  it("leaves the children alone while the worker runs", async () => {
    const { watch, watcher } = startOrphanWatch()
    const child = sleeper()
    watch(child)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(child.exitCode).toBeNull()
    expect(child.signalCode).toBeNull()
    expect(watcher.exitCode).toBeNull()
    watcher.kill()
  })
})
