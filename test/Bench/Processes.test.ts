/**
 * The benchmark's measured processes: each has a deadline, and one killed at it is reported as such, not as a
 * bare SIGKILL that leaves one wondering what killed it. Real processes.
 */
import { describe, expect, it } from "vitest"
import { endAll, runNode } from "../../src/Bench/Processes.js"

describe("runNode", () => {
  it("says a process was killed at its deadline, and how one that ended by itself ended", async () => {
    const hung = await runNode(["-e", "setTimeout(() => {}, 20000)"], {}, 300)
    expect(hung.signal).toBe("SIGKILL")
    expect(hung.ended).toBe("did not finish within 0.3 s, its deadline, and was killed")
    const failed = await runNode(["-e", "process.exit(3)"], {}, 10_000)
    expect(failed.ended).toBe("ended with 3")
  })

  // Last in this file: once ending, the module starts no process.
  it("ends every child on endAll, which resolves once each has exited, and starts none after", async () => {
    const hung = runNode(["-e", "setTimeout(() => {}, 20000)"], {}, 20_000)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await endAll()
    expect((await hung).signal).toBe("SIGKILL")
    await expect(runNode(["-e", ""], {}, 10_000)).rejects.toThrow("the benchmark is stopping")
  })
})
