import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    // Ends any process a test started and left running (a failed assertion before its stop).
    setupFiles: ["test/support/ChildProcesses.ts"],
    // One test file per core. Vitest's default leaves a core to itself, which on a 2-core CI machine is a single
    // worker; but most tests here wait on the processes and servers they start rather than compute, and the suite
    // took about 1.6 times as long that way (541 s against 344 s on 2 cores).
    maxWorkers: availableParallelism(),
    // Tests start real servers on loopback; a few seconds of slack keeps a loaded 2-core CI machine green.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
