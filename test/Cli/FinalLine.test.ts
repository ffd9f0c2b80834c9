/**
 * With JSON log lines (stderr not a terminal), the line that says why a command failed is JSON too, shaped as the
 * logger's: a log collector reading one object per line could not parse the plain text that used to end the log.
 * The built command, its stderr piped, against the simulator and a mail port nobody listens on.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CliResult, runCli, runEmailing } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

let simulator: StartedSimulator
let directory = ""

beforeAll(async () => {
  simulator = await startSimulator({ users: 20, seed: 4 })
  directory = mkdtempSync(join(tmpdir(), "final-line-"))
})

afterAll(async () => {
  await simulator?.close()
  rmSync(directory, { recursive: true, force: true })
})

/** `run` whose email cannot be sent: nothing listens on port 1. */
const runWithoutMail = (env: Record<string, string> = {}) =>
  runEmailing(simulator, directory, "smtp://127.0.0.1:1", env)

/** Every line of stderr, parsed: fails the test on a line that is not JSON. */
const jsonLines = (result: CliResult): ReadonlyArray<Record<string, unknown>> =>
  result.stderr
    .trimEnd()
    .split("\n")
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>
      } catch {
        throw new Error(`a stderr line is not JSON: ${line}`)
      }
    })

/** The last line: the failure, as the logger's lines are shaped. */
const failureLine = (result: CliResult) => {
  const lines = jsonLines(result)
  const last = lines.at(-1) ?? {}
  expect(Object.keys(last).sort()).toEqual(["annotations", "logLevel", "message", "spans", "timestamp"])
  expect(last.logLevel).toBe("ERROR")
  expect(new Date(String(last.timestamp)).toISOString()).toBe(last.timestamp)
  return last
}

describe("the failure of a command, with JSON log lines", () => {
  it("is one JSON line after the run's own, for a run whose email was not sent", async () => {
    const result = await runWithoutMail()
    expect(result.code).toBe(4)
    const lines = jsonLines(result)
    expect(lines.map((line) => line.message)).toContain("audit finished")
    const last = failureLine(result)
    expect(last.message).toMatch(/^the audit email was not sent: cannot connect to 127\.0\.0\.1:1/)
    expect(last.annotations).toEqual({ error: "DeliveryError", exitCode: 4 })
  })

  it("is one JSON line for a refused token, a usage error and a bad log level", async () => {
    const refused = await runCli(["users", "list"], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: "pat-not-a-token-4f1e" }
    })
    expect(refused.code).toBe(3)
    expect(failureLine(refused).message).toContain("Panther refused the API token (401)")
    expect(JSON.stringify(jsonLines(refused))).not.toContain("pat-not-a-token-4f1e")

    // @effect/cli's own words for a usage error are in the failure's message, not a plain-text line before it.
    const usage = await runCli(["run", "--bogus"])
    expect(usage.code).toBe(2)
    expect(jsonLines(usage)).toHaveLength(1)
    expect(failureLine(usage)).toMatchObject({
      message: "Received unknown argument: '--bogus'; see --help for usage.",
      annotations: { exitCode: 2 }
    })

    const level = await runCli(["users", "list"], { env: { LOG_LEVEL: "loud" } })
    expect(level.code).toBe(2)
    expect(failureLine(level).message).toContain("LOG_LEVEL must be one of all, trace, debug, info")
    // Tagged and counted as every other usage error, though said before the command line is read.
    expect(failureLine(level).annotations).toEqual({ error: "ConfigurationError", exitCode: 2 })
  })

  it("is the last line and the only one saying why, at --log-level debug too", async () => {
    // The runtime's own line about a fiber ending in failure, at DEBUG, would follow it and repeat the error.
    const refused = await runCli(["users", "list", "--log-level", "debug"], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: "pat-not-a-token-4f1e" }
    })
    expect(refused.code).toBe(3)
    expect(failureLine(refused).message).toContain("Panther refused the API token (401)")
    const saying = jsonLines(refused).filter((line) => JSON.stringify(line).includes("Panther refused the API token"))
    expect(saying).toHaveLength(1)
  })

  it("is the plain line it was with --log-format pretty", async () => {
    const result = await runWithoutMail({ LOG_FORMAT: "pretty" })
    expect(result.code).toBe(4)
    const last = result.stderr.trimEnd().split("\n").at(-1)
    expect(last).toMatch(/^panther-audit: the audit email was not sent: cannot connect to 127\.0\.0\.1:1/)
    const usage = await runCli(["run", "--bogus"], { env: { LOG_FORMAT: "pretty" } })
    expect(usage.stderr).toContain("Received unknown argument: '--bogus'")
    expect(usage.stderr.trimEnd().endsWith("panther-audit: see --help for usage.")).toBe(true)
  })
})
