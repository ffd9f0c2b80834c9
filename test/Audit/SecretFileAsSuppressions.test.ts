/**
 * A secret's file named where the suppressions file is expected (`--suppressions /run/secrets/token`), or a
 * suppressions file holding a secret on the line at fault: the error names the flag and what is wrong, and quotes
 * neither the secret nor its base64, on stderr or in the JSON log. A line without a secret is still quoted.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { runCli, stderrText } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

/** YAML fails on it, and its parser's code frame quotes the line it is on. */
const TOKEN = "tok-9f8e7d6c5b4a: [x"
/** An ordinary-looking token: YAML reads it as a plain scalar, a document that is not a mapping. */
const PLAIN_TOKEN = "Q7rT2mX9pL4sV8nB3kW6yH1cF5gJ0dZ2aE4uR7iO"
const PASSWORD = "hunter2: [pa{ss"

let simulator: StartedSimulator
let directory = ""
beforeAll(async () => {
  simulator = await startSimulator({ users: 5, seed: 1, readToken: TOKEN })
})
afterAll(() => simulator.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "secret-as-input-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const file = (name: string, text: string): string => {
  const path = join(directory, name)
  writeFileSync(path, text)
  return path
}

const env = (overrides: Record<string, string> = {}) => ({
  PANTHER_API_URL: simulator.baseUrl,
  AUDIT_REPORT_DIR: directory,
  ...overrides
})

const expectNotQuoted = (output: string, secret: string) => {
  for (const form of [secret, Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("hex")]) {
    expect(output).not.toContain(form)
  }
  // Nor its first half, which a cut code frame would show.
  expect(output).not.toContain(secret.slice(0, Math.ceil(secret.length / 2)))
}

describe("a secret's file given as the suppressions file", () => {
  it.each(["run", "export"])(
    "%s: the token file as --suppressions exits 2 without quoting the token",
    async (command) => {
      const token = file("token", `${TOKEN}\n`)
      const result = await runCli([command, "--suppressions", token, "--log-format", "json"], {
        env: env({ PANTHER_API_TOKEN_FILE: token })
      })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr)).toContain(`suppressions file ${token}: not valid YAML or JSON`)
      expect(stderrText(result.stderr)).toContain("at line")
      expectNotQuoted(result.stdout + result.stderr, TOKEN)
    }
  )

  it("schedule: the token file as AUDIT_SUPPRESSIONS exits 2 at start-up without quoting the token", async () => {
    const token = file("token", `${TOKEN}\n`)
    const result = await runCli(["schedule", "--cron", "0 3 * * *"], {
      env: env({ PANTHER_API_TOKEN_FILE: token, AUDIT_SUPPRESSIONS: token })
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`suppressions file ${token}: not valid YAML or JSON`)
    expectNotQuoted(result.stdout + result.stderr, TOKEN)
  })

  it("an ordinary-looking token file as --suppressions: said not to be a mapping, the token not quoted", async () => {
    const token = file("token", `${PLAIN_TOKEN}\n`)
    const result = await runCli(["run", "--suppressions", token], { env: env({ PANTHER_API_TOKEN_FILE: token }) })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(
      `suppressions file ${token}: expected a document of the form {suppressions: [...]}`
    )
    expectNotQuoted(result.stdout + result.stderr, PLAIN_TOKEN)
  })

  it("the SMTP password file as AUDIT_SUPPRESSIONS exits 2 without quoting the password", async () => {
    const password = file("smtp-password", `${PASSWORD}\n`)
    const result = await runCli(["run", "--log-format", "json"], {
      env: env({
        PANTHER_API_TOKEN: TOKEN,
        AUDIT_SUPPRESSIONS: password,
        SMTP_URL: "smtp://127.0.0.1:2525",
        SMTP_USER: "audit",
        SMTP_PASSWORD_FILE: password,
        MAIL_TO: "security@acme.example",
        MAIL_FROM: "audit@acme.example"
      })
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`suppressions file ${password}: not valid YAML or JSON`)
    expectNotQuoted(result.stdout + result.stderr, PASSWORD)
  })

  it("export, which sends no email: the SMTP password its environment holds is not quoted either", async () => {
    const password = file("smtp-password", `${PASSWORD}\n`)
    const result = await runCli(["export", "--suppressions", password, "--log-format", "json"], {
      env: env({ PANTHER_API_TOKEN: TOKEN, SMTP_PASSWORD: PASSWORD })
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`suppressions file ${password}: not valid YAML or JSON`)
    expectNotQuoted(result.stdout + result.stderr, PASSWORD)
  })

  it("a password inside SMTP_URL, on the suppressions file's bad line, is not quoted", async () => {
    const suppressions = file("suppressions.yaml", `suppressions:\n  - user: ${PASSWORD}\n`)
    const result = await runCli(["run", "--suppressions", suppressions], {
      env: env({
        PANTHER_API_TOKEN: TOKEN,
        SMTP_URL: `smtp://audit:${encodeURIComponent(PASSWORD)}@127.0.0.1:2525`,
        MAIL_TO: "security@acme.example",
        MAIL_FROM: "audit@acme.example"
      })
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`suppressions file ${suppressions}: not valid YAML or JSON`)
    expect(stderrText(result.stderr)).toContain("at line 2")
    expectNotQuoted(result.stdout + result.stderr, PASSWORD)
  })

  it.each(["HTTPS_PROXY", "http_proxy"])(
    "a password inside %s, on the suppressions file's bad line, is not quoted",
    async (variable) => {
      const suppressions = file("suppressions.yaml", `suppressions:\n  - user: ${PASSWORD}\n`)
      const result = await runCli(["run", "--suppressions", suppressions, "--log-format", "json"], {
        env: env({
          PANTHER_API_TOKEN: PLAIN_TOKEN,
          [variable]: `http://audit:${encodeURIComponent(PASSWORD)}@proxy.acme.example:3128`
        })
      })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr)).toContain(`suppressions file ${suppressions}: not valid YAML or JSON`)
      expect(stderrText(result.stderr)).toContain("at line 2")
      expectNotQuoted(result.stdout + result.stderr, PASSWORD)
    }
  )

  it("half of a random-looking proxy password, on the suppressions file's bad line, is not quoted", async () => {
    // Half a generated password is as good as a whole one to a guesser: withheld as half a token is (Redact.ts).
    const generated = "Zq8Xv3Lm7Rt2Wp9Kd4Hs6Jn1"
    const half = generated.slice(0, 12)
    const suppressions = file("suppressions.yaml", `suppressions:\n  - user: ${half}: [x\n`)
    const result = await runCli(["run", "--suppressions", suppressions, "--log-format", "json"], {
      env: env({ PANTHER_API_TOKEN: PLAIN_TOKEN, HTTPS_PROXY: `http://audit:${generated}@proxy.acme.example:3128` })
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`suppressions file ${suppressions}: not valid YAML or JSON`)
    expect(result.stdout + result.stderr).not.toContain(half)
  })

  it.each(["PANTHER_API_TOKEN", "PANTHER_API_TOKEN_FILE"])(
    "demo, which audits its own simulator: the token %s holds is not quoted either",
    async (variable) => {
      const suppressions = file("suppressions.yaml", `suppressions:\n  - user: ${TOKEN}\n`)
      const value = variable === "PANTHER_API_TOKEN" ? TOKEN : file("token", `${TOKEN}\n`)
      const result = await runCli(["demo", "--users", "5", "--suppressions", suppressions, "--email", "never"], {
        env: { AUDIT_REPORT_DIR: directory, [variable]: value }
      })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr)).toContain(`suppressions file ${suppressions}: not valid YAML or JSON`)
      expectNotQuoted(result.stdout + result.stderr, TOKEN)
    }
  )

  it("demo with PANTHER_API_TOKEN_FILE naming a pipe no one writes to: not held up by it, nothing quoted", async () => {
    const pipe = join(directory, "token-pipe")
    execFileSync("mkfifo", [pipe])
    const suppressions = file("suppressions.yaml", `suppressions:\n  - user: ${TOKEN}\n`)
    const result = await runCli(["demo", "--users", "5", "--suppressions", suppressions, "--email", "never"], {
      env: { AUDIT_REPORT_DIR: directory, PANTHER_API_TOKEN_FILE: pipe },
      timeoutMs: 20_000
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`suppressions file ${suppressions}: not valid YAML or JSON`)
    expectNotQuoted(result.stdout + result.stderr, TOKEN)
  })

  it("export with SMTP_PASSWORD_FILE naming a pipe no one writes to: not held up by it, nothing quoted", async () => {
    const pipe = join(directory, "password-pipe")
    execFileSync("mkfifo", [pipe])
    const suppressions = file("suppressions.yaml", `suppressions:\n  - user: ${PASSWORD}\n`)
    const result = await runCli(["export", "--suppressions", suppressions], {
      env: env({ PANTHER_API_TOKEN: PLAIN_TOKEN, SMTP_PASSWORD_FILE: pipe }),
      timeoutMs: 20_000
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`suppressions file ${suppressions}: not valid YAML or JSON`)
    expectNotQuoted(result.stdout + result.stderr, PASSWORD)
  })

  it("PANTHER_API_TOKEN on the suppressions file's bad line is not quoted; the line and column are", async () => {
    const suppressions = file("suppressions.yaml", `suppressions:\n  - user: ${TOKEN}\n`)
    const result = await runCli(["run", "--suppressions", suppressions, "--log-format", "json"], {
      env: env({ PANTHER_API_TOKEN: TOKEN })
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toMatch(
      new RegExp(`suppressions file ${suppressions}: not valid YAML or JSON: .* at line 2, column \\d+`)
    )
    expectNotQuoted(result.stdout + result.stderr, TOKEN)
  })

  it("a token file that cannot be read: the suppressions file's error quotes nothing of it", async () => {
    const suppressions = file("suppressions.yaml", `suppressions:\n  - user: ${TOKEN}\n`)
    const result = await runCli(["run", "--suppressions", suppressions], {
      env: env({ PANTHER_API_TOKEN_FILE: join(directory, "gone", "token") })
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`suppressions file ${suppressions}: not valid YAML or JSON`)
    expect(stderrText(result.stderr)).toContain("at line 2")
    expectNotQuoted(result.stdout + result.stderr, TOKEN)
  })

  it("with a valid token file, a bad line holding no secret is quoted as before, with its line and column", async () => {
    const token = file("token", `${TOKEN}\n`)
    const suppressions = file(
      "suppressions.yaml",
      "suppressions:\n  - user: a@example.com\n    finding: [STALE_LOGIN\n    reason: r\n"
    )
    const entry = file(
      "entry.yaml",
      "suppressions:\n  - user: a@example.com\n    finding: STALE_LOGIN\n    reason: r\n    owner: o\n    expires: soon\n"
    )
    const broken = await runCli(["run", "--suppressions", suppressions], {
      env: env({ PANTHER_API_TOKEN_FILE: token })
    })
    expect(broken.code).toBe(2)
    const said = stderrText(broken.stderr)
    expect(said).toContain(`suppressions file ${suppressions}: not valid YAML or JSON`)
    expect(said).toMatch(/at line \d+, column \d+:/)
    expect(said).toContain("finding: [STALE_LOGIN")
    const wrongEntry = await runCli(["run", "--suppressions", entry], { env: env({ PANTHER_API_TOKEN_FILE: token }) })
    expect(wrongEntry.code).toBe(2)
    expect(stderrText(wrongEntry.stderr)).toContain('entry 1 (a@example.com): expires "soon" is not a date')
  })

  it.each([
    ["reason", "the token", PLAIN_TOKEN, { PANTHER_API_TOKEN: PLAIN_TOKEN }],
    [
      "owner",
      "the SMTP password",
      "smtp-pw-71be2c",
      {
        PANTHER_API_TOKEN: TOKEN,
        SMTP_URL: "smtp://127.0.0.1:2525",
        SMTP_USER: "audit",
        SMTP_PASSWORD: "smtp-pw-71be2c",
        MAIL_TO: "security@acme.example",
        MAIL_FROM: "audit@acme.example"
      }
    ]
  ])(
    "a valid entry whose %s holds %s is refused, exit 2, since reports and the email quote it",
    async (field, _what, secret, secrets) => {
      const fields = { reason: "accepted", owner: "o", [field]: `approved; key ${secret}` }
      const suppressions = file(
        "suppressions.yaml",
        "suppressions:\n  - user: a@example.com\n    finding: STALE_LOGIN\n" +
          `    reason: "${fields.reason}"\n    owner: "${fields.owner}"\n    expires: 2099-01-01\n`
      )
      const result = await runCli(["run", "--suppressions", suppressions], { env: env(secrets) })
      expect(result.code, result.stderr).toBe(2)
      expect(stderrText(result.stderr)).toContain(
        `suppressions file ${suppressions}: entry 1: \`${field}\` holds the API token or a password (not shown)`
      )
      expectNotQuoted(result.stdout + result.stderr, secret)
      expect(readdirSync(directory).filter((name) => name.startsWith("user-audit-"))).toEqual([])
    }
  )
})
