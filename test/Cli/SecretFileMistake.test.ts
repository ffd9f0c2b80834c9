import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runCli, stderrText } from "../support/cli.js"

// Base64 secrets often hold a "/", which made them look like a path the error then quoted.
const TOKEN_BODY = "9ZkLmN0pQrStUvWxYz12345+ab=="
const PASSWORD_BODY = "9ZkLmN0pQrStUvWxYz12345"

const workDirs: Array<string> = []
afterAll(() => {
  for (const directory of workDirs) rmSync(directory, { recursive: true, force: true })
})

const workDir = () => {
  const directory = mkdtempSync(join(tmpdir(), "secret-file-mistake-"))
  workDirs.push(directory)
  mkdirSync(join(directory, "reports"))
  // A folder of the same name as the secret's first part, so the case where the folder exists is covered too.
  mkdirSync(join(directory, "k8s"))
  return directory
}

const tokenRun = (value: string, cwd: string) =>
  runCli(["schedule", "--report-dir", "reports"], {
    cwd,
    env: { PANTHER_API_URL: "https://api.acme.example", PANTHER_API_TOKEN: "", PANTHER_API_TOKEN_FILE: value }
  })

const passwordRun = (value: string, cwd: string) =>
  runCli(["run", "--report-dir", "reports", "--smtp-password-file", value], {
    cwd,
    env: {
      PANTHER_API_URL: "https://api.acme.example",
      PANTHER_API_TOKEN: "pat-unused",
      MAIL_TO: "security@acme.example",
      MAIL_FROM: "audit@acme.example",
      SMTP_URL: "smtp://127.0.0.1:7199",
      SMTP_USER: "audit"
    }
  })

describe("a secret put in a _FILE variable by mistake", () => {
  it.each([
    ["with no folder in it", "", "Its value is not shown: with no folder in it"],
    ["whose first part is no folder", "BPq3x/", "the folder in its path does not exist either"],
    ["whose first part is a folder that exists", "k8s/", 'names no file in the folder "k8s"']
  ])("is never quoted, %s", async (_case, prefix, explanation) => {
    const cwd = workDir()
    const token = await tokenRun(`${prefix}${TOKEN_BODY}`, cwd)
    expect(token.code).toBe(2)
    expect(stderrText(token.stderr)).toContain("--api-token-file / PANTHER_API_TOKEN_FILE names no file")
    expect(stderrText(token.stderr)).toContain(explanation)
    // One sentence ends with a full stop, as every message does.
    expect(stderrText(token.stderr)).toContain("or set PANTHER_API_TOKEN to give the token itself.")
    const password = await passwordRun(`${prefix}${PASSWORD_BODY}`, cwd)
    expect(password.code).toBe(2)
    expect(stderrText(password.stderr)).toContain("--smtp-password-file / SMTP_PASSWORD_FILE names no file")
    expect(stderrText(password.stderr)).toContain(explanation)
    expect(stderrText(password.stderr)).toContain("or set SMTP_PASSWORD to give the password itself.")
    for (const [result, body] of [
      [token, TOKEN_BODY],
      [password, PASSWORD_BODY]
    ] as const) {
      const printed = `${result.stdout}${result.stderr}`
      expect(printed).not.toContain(body)
      expect(printed).not.toContain(body.slice(0, 8))
      expect(printed).not.toContain(`${prefix}${body}`)
    }
  })
})

describe("a secret's file named with a ~ or $HOME only a shell expands", () => {
  it.each([
    ["~/secrets/", "~"],
    ["$HOME/secrets/", "$HOME"]
  ])("says so of %s, quoting that part alone", async (prefix, part) => {
    // As an env file, a crontab's variable line or a systemd unit passes it on: the folder said not to exist does.
    const cwd = workDir()
    const expected =
      `its path starts with ${part}, which is expanded only by a shell` +
      `${part === "~" ? ", at the start of a word (not after a flag's =)" : ""}, ` +
      "not by this tool, nor in an env file, a " +
      "crontab's variable line or a systemd unit: give the full path."
    const token = await tokenRun(`${prefix}${TOKEN_BODY}`, cwd)
    expect(token.code).toBe(2)
    expect(stderrText(token.stderr)).toContain(`--api-token-file / PANTHER_API_TOKEN_FILE names no file: ${expected}`)
    const password = await passwordRun(`${prefix}${PASSWORD_BODY}`, cwd)
    expect(password.code).toBe(2)
    expect(stderrText(password.stderr)).toContain(
      `--smtp-password-file / SMTP_PASSWORD_FILE names no file: ${expected}`
    )
    for (const [result, body] of [
      [token, TOKEN_BODY],
      [password, PASSWORD_BODY]
    ] as const) {
      expect(`${result.stdout}${result.stderr}`).not.toContain(body.slice(0, 8))
    }
  })
})

describe("a secret's file in a folder this user may not enter", () => {
  it("is said to be out of reach, not missing, its name still not shown", async () => {
    // Root enters any folder: the command runs as nobody then, the folder root's own.
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    const cwd = workDir()
    chmodSync(cwd, 0o755)
    const secrets = join(cwd, "secrets")
    mkdirSync(secrets)
    writeFileSync(join(secrets, TOKEN_BODY), "pat-unused\n")
    chmodSync(secrets, uid === undefined ? 0o000 : 0o700)
    try {
      const result = await runCli(["users", "list"], {
        cwd,
        ...(uid === undefined ? {} : { uid }),
        env: {
          PANTHER_API_URL: "https://api.acme.example",
          PANTHER_API_TOKEN: "",
          PANTHER_API_TOKEN_FILE: join(secrets, TOKEN_BODY)
        }
      })
      expect(result.code, result.stderr).toBe(2)
      // Before, "names no file in the folder": the user went looking for a typo in a name that was right.
      expect(stderrText(result.stderr)).toContain(
        `--api-token-file / PANTHER_API_TOKEN_FILE cannot be read: this user may not enter the folder "${secrets}" ` +
          "(permission denied)."
      )
      expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN_BODY.slice(0, 8))
    } finally {
      chmodSync(secrets, 0o755)
    }
  })
})
