/**
 * `review --compare-with` given a secret's file by mistake (`--compare-with /etc/panther-audit/token`), or a
 * workbook holding a secret in the cell the CSV parser stops at: the error names the flag and what is wrong, and
 * quotes neither the secret nor its base64.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { runCli, stderrText } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

/** The CSV parser stops at its quote and quotes the cell up to it ("value is ..."). */
const TOKEN = 'tok-9f8e7d6c5b4a"[x: y'

let simulator: StartedSimulator
let directory = ""
beforeAll(async () => {
  simulator = await startSimulator({ users: 5, seed: 1, readToken: TOKEN })
})
afterAll(() => simulator.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "compare-with-secret-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const file = (name: string, text: string): string => {
  const path = join(directory, name)
  writeFileSync(path, text)
  return path
}

const expectNotQuoted = (output: string, secret: string) => {
  for (const form of [secret, Buffer.from(secret).toString("base64"), secret.slice(0, Math.ceil(secret.length / 2))]) {
    expect(output).not.toContain(form)
  }
}

describe("review --compare-with a file holding a secret", () => {
  it("the token file: exits 2 naming the flag and the problem, without quoting the token", async () => {
    const token = file("token", `${TOKEN}\n`)
    const result = await runCli(["review", "--compare-with", token, "--log-format", "json"], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN_FILE: token, AUDIT_REPORT_DIR: directory }
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(
      `--compare-with ${token} cannot be compared with: it is not CSV as this tool writes it: Invalid Opening Quote`
    )
    expectNotQuoted(result.stdout + result.stderr, TOKEN)
  })

  it("PANTHER_API_TOKEN in the cell the parser stops at: not quoted", async () => {
    const workbook = file("access-review-20260101T000000Z.csv", `user_id,email,decision\nu-1,${TOKEN},keep\n`)
    const result = await runCli(["review", "--compare-with", workbook], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: TOKEN, AUDIT_REPORT_DIR: directory }
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(
      `--compare-with ${workbook} cannot be compared with: cell B2 (email) holds a quote but does not start with one`
    )
    expectNotQuoted(result.stdout + result.stderr, TOKEN)
  })

  it("the SMTP password file its environment names, though review sends no email: not quoted", async () => {
    const password = file("smtp-password", 'hunter2"[pa{ss: x\n')
    const result = await runCli(["review", "--compare-with", password], {
      env: {
        PANTHER_API_URL: simulator.baseUrl,
        PANTHER_API_TOKEN: TOKEN,
        SMTP_PASSWORD_FILE: password,
        AUDIT_REPORT_DIR: directory
      }
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`--compare-with ${password} cannot be compared with: it is not CSV`)
    expectNotQuoted(result.stdout + result.stderr, 'hunter2"[pa{ss: x')
    // Nor the start of it the parser stops at, though a chosen password is otherwise looked for whole.
    expect(result.stdout + result.stderr).not.toContain("hunter2")
  })

  it("a cell without a secret is still quoted", async () => {
    const token = file("token", `${TOKEN}\n`)
    // No workbook's header: the parser's words, which a workbook's stray quote is not said in.
    const workbook = file("access-review-20260101T000000Z.csv", 'user_id,email\nu-1,a"b@example.com\n')
    const result = await runCli(["review", "--compare-with", workbook], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN_FILE: token, AUDIT_REPORT_DIR: directory }
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain('at line 2, value is "a"')
  })
})
