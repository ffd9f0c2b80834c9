/**
 * A `--timeout-seconds` longer than any timer can wait (1e300, written to mean "no timeout") is as long as Node's
 * timers wait, about 24.8 days: the built command lists the users, where it ended with an internal error (exit 70,
 * a RangeError's stack) as the timeout's nanoseconds overflowed while its message was made.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

let simulator: StartedSimulator

beforeAll(async () => {
  simulator = await startSimulator({ users: 5 })
})

afterAll(() => simulator.close())

describe("a timeout longer than any timer waits", () => {
  for (const [how, args, env] of [
    ["a flag", ["--timeout-seconds", "1e300"], {}],
    ["its variable", [], { PANTHER_TIMEOUT_SECONDS: "1e300" }]
  ] as const) {
    it(`given by ${how}, still lets the command list the users`, async () => {
      const result = await runCli(["users", "list", "--format", "ndjson", ...args], {
        env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken, ...env }
      })
      expect(result.stderr).not.toContain("internal error")
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout.trim().split("\n")).toHaveLength(5)
    })
  }
})
