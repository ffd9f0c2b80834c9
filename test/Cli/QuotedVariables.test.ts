/**
 * Variables written with quotes in a file that keeps them (`docker run --env-file`, a compose file's list of
 * variables): the built command names the variable and the quotes, rather than pass the quotes on as part of the
 * value (a token refused by Panther with 401 and the advice to check it, a URL said to have no scheme).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

let simulator: StartedSimulator

beforeAll(async () => {
  simulator = await startSimulator({ users: 3 })
})

afterAll(() => simulator.close())

describe("a variable wrapped in quotes", () => {
  it("is refused, naming it, without quoting a token", async () => {
    for (const [name, value] of [
      ["PANTHER_API_TOKEN", `"${simulator.readToken}"`],
      ["PANTHER_API_URL", `"${simulator.baseUrl}"`],
      ["PANTHER_TIMEOUT_SECONDS", "'30'"]
    ] as const) {
      const env: Record<string, string> = { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken }
      env[name] = value
      const result = await runCli(["users", "list", "--log-format", "pretty"], { env })
      expect(result.code, result.stderr).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.stderr).toContain(`${name} is wrapped in quotes, which are read as part of its value`)
      expect(result.stderr).not.toContain(simulator.readToken)
    }
  })

  it("says of a proxy variable, which has no flag or file, what it holds, rather than send the value to its flag", async () => {
    for (const [name, value, holds] of [
      ["HTTPS_PROXY", '"http://proxy-user:s3cret-proxy-pass@proxy.corp.example:3128"', "it is a proxy's URL"],
      ["http_proxy", "'http://proxy.corp.example:3128'", "it is a proxy's URL"],
      ["NO_PROXY", '"localhost,.corp.example"', "it lists host names"]
    ] as const) {
      const result = await runCli(["users", "list", "--log-format", "pretty"], {
        env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken, [name]: value }
      })
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toContain(`Proxy settings: ${name} is wrapped in quotes`)
      expect(result.stderr).toContain(`remove them (${holds}`)
      expect(result.stderr).not.toContain("by its flag or file")
      expect(result.stderr).not.toContain("s3cret-proxy-pass")
    }
  })

  it("fails nothing in a secret the command does not use: the demo, which has its own simulator's key, runs", async () => {
    const reports = mkdtempSync(join(tmpdir(), "quoted-demo-"))
    try {
      const result = await runCli(["demo", "--report-dir", reports], {
        env: { PANTHER_API_TOKEN: `"${simulator.readToken}"` }
      })
      expect(result.code, result.stderr).toBe(0)
      expect(result.stderr).not.toContain("wrapped in quotes")
    } finally {
      rmSync(reports, { recursive: true, force: true })
    }
  })

  it("without them, the same values list the users", async () => {
    const result = await runCli(["users", "list", "--format", "ndjson"], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken, PANTHER_TIMEOUT_SECONDS: "30" }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim().split("\n")).toHaveLength(3)
  })
})
