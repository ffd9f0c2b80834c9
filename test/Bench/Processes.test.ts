/**
 * The benchmark's measured processes: each has a deadline, and one killed at it is reported as such, not as a
 * bare SIGKILL that leaves one wondering what killed it. Real processes.
 */
import { describe, expect, it } from "vitest"
import { runNode } from "../../src/Bench/Processes.js"

describe("runNode", () => {
  it("says a process was killed at its deadline, and how one that ended by itself ended", async () => {
    const hung = await runNode(["-e", "setTimeout(() => {}, 20000)"], {}, 300)
    expect(hung.signal).toBe("SIGKILL")
    expect(hung.ended).toBe("did not finish within 0.3 s, its deadline, and was killed")
    const failed = await runNode(["-e", "process.exit(3)"], {}, 10_000)
    expect(failed.ended).toBe("ended with 3")
  })
})
