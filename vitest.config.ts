import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    // Ends any process a test started and left running (a failed assertion before its stop).
    setupFiles: ["test/support/ChildProcesses.ts"],
    // Tests start real servers on loopback; a few seconds of slack keeps a loaded 2-core CI machine green.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
