/**
 * A token file written by Windows PowerShell 5 (`echo $token > token`: UTF-16 with a byte order mark, and CRLF) is
 * said to be in UTF-16, with how to write it again, rather than said to hold "a character an HTTP header cannot
 * carry" while an editor shows it holding the token alone on one line.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

let simulator: StartedSimulator
const directory = mkdtempSync(join(tmpdir(), "utf16-token-"))

beforeAll(async () => {
  simulator = await startSimulator({ users: 3 })
})

afterAll(async () => {
  await simulator.close()
  rmSync(directory, { recursive: true, force: true })
})

describe("a token file in UTF-16", () => {
  for (const [name, encoding, bom] of [
    ["little-endian with its byte order mark", "utf16le", "\ufeff"],
    ["little-endian without one", "utf16le", ""]
  ] as const) {
    it(`${name}: says so, and how to write it again, without quoting the token`, async () => {
      const file = join(directory, `token-${encoding}-${bom.length}`)
      writeFileSync(file, Buffer.from(`${bom}${simulator.readToken}\r\n`, encoding))
      const result = await runCli(["users", "list", "--log-format", "pretty"], {
        env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN_FILE: file }
      })
      expect(result.code, result.stderr).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.stderr).toContain(
        `--api-token-file / PANTHER_API_TOKEN_FILE "${file}" is in UTF-16 ("Unicode", as Windows PowerShell writes ` +
          "with > and Out-File), not UTF-8: write it again as UTF-8 or ASCII"
      )
      expect(result.stderr).not.toContain("HTTP header")
      expect(result.stderr).not.toContain(simulator.readToken)
    })
  }

  it("the same token written in UTF-8 lists the users", async () => {
    const file = join(directory, "token-utf8")
    writeFileSync(file, `\ufeff${simulator.readToken}\r\n`)
    const result = await runCli(["users", "list", "--format", "ndjson"], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN_FILE: file }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim().split("\n")).toHaveLength(3)
  })
})
