/**
 * What a command tells its caller beside its data (CommandNotes.ts): a plain `panther-audit: note: ...` line with
 * pretty logs, a JSON line at INFO with JSON logs, and written whatever --log-level says, since it is part of the
 * command's answer. The built `users list` against the simulator, given a status this tool does not know.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { jsonLogLines, runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

let simulator: StartedSimulator

beforeAll(async () => {
  simulator = await startSimulator({ users: 20, seed: 6 })
})

afterAll(async () => {
  await simulator?.close()
})

const NOTE =
  '--status "RETIRED" is not a Cognito status this tool knows (CONFIRMED, FORCE_CHANGE_PASSWORD, UNCONFIRMED, ' +
  "RESET_REQUIRED, EXTERNAL_PROVIDER, COMPROMISED, ARCHIVED, UNKNOWN); it is sent as given, and Panther lists only " +
  "users with exactly that status."

const listByStatus = (env: Record<string, string> = {}, ...flags: ReadonlyArray<string>) =>
  runCli(["users", "list", "--status", "RETIRED", ...flags], {
    env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken, ...env }
  })

describe("a command's note", () => {
  it("is a plain line saying it is a note, with pretty logs", async () => {
    const result = await listByStatus({ LOG_FORMAT: "pretty" })
    expect(result.code).toBe(0)
    expect(result.stderr.split("\n")).toContain(`panther-audit: note: ${NOTE}`)
    expect(result.stdout).toBe("")
  })

  it("is a JSON line at INFO with JSON logs, whatever --log-level says", async () => {
    for (const level of ["info", "none"]) {
      const result = await listByStatus({}, "--log-level", level)
      expect(result.code, level).toBe(0)
      const lines = jsonLogLines(result.stderr)
      expect(
        lines.map((line) => [line.message, line.logLevel]),
        level
      ).toEqual([[NOTE, "INFO"]])
    }
  })
})
