import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"

/**
 * Test files that need the program's modules loaded afresh for them, so keep Vitest's per-file module isolation:
 * those that replace a module with `vi.mock` (a fault injected into `node:fs/promises`), which takes only where the
 * modules are loaded anew, and one that leaves a module in a state for good (`endAll` ends the benchmark's processes
 * and lets none start after).
 */
const OWN_MODULES = [
  "test/Export/ExportStopped.test.ts",
  "test/Export/VerifyManifestRead.test.ts",
  "test/Reports/ReportFinishFailed.test.ts",
  "test/Bench/Processes.test.ts"
]

/** What every test file gets, whichever project runs it. */
const everyFile = {
  // Ends any process a test started and left running (a failed assertion before its stop).
  setupFiles: ["test/support/ChildProcesses.ts"],
  // Tests start real servers on loopback; a few seconds of slack keeps a loaded 2-core CI machine green.
  testTimeout: 30_000,
  hookTimeout: 30_000
}

export default defineConfig({
  test: {
    // Runs once for the whole run (the root's, not inherited by the projects below, which would each run it again).
    globalSetup: ["test/globalSetup.ts"],
    // One test file per core. Vitest's default leaves a core to itself, which on a 2-core CI machine is a single
    // worker; but most tests here wait on the processes and servers they start rather than compute, and the suite
    // took about 1.6 times as long that way (541 s against 344 s on 2 cores).
    maxWorkers: availableParallelism(),
    // A worker loads effect and the program's modules once for all the files it runs, not once per file: that loading
    // was about a fifth of the suite's CPU time. Test files that need their own are a project of their own, below.
    // Vitest 3 reads this for the pool from the root config only.
    poolOptions: { forks: { isolate: false } },
    projects: [
      {
        test: {
          ...everyFile,
          name: "tests",
          include: ["test/**/*.test.ts"],
          exclude: OWN_MODULES
        }
      },
      // Set here, as the pool's setting above would otherwise apply to these files too.
      {
        test: {
          ...everyFile,
          name: "own modules",
          include: OWN_MODULES,
          poolOptions: { forks: { isolate: true } }
        }
      }
    ]
  }
})
