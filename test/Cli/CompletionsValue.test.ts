/**
 * `--completions` given no shell, or one no script is written for: the built command says what the flag takes, not
 * that the command is unknown, and prints nothing a shell would `source`.
 */
import { describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"

describe("--completions with a value no script is written for", () => {
  it("names the shells it takes, whichever command it was asked of", async () => {
    for (const args of [
      ["--completions", "powershell"],
      ["run", "--completions=BASH"],
      ["users", "list", "--completions", "zshh"]
    ]) {
      const result = await runCli([...args, "--log-format", "pretty"])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.stderr).toContain(`--completions takes bash, zsh or fish (sh gives bash's); got "`)
      expect(result.stderr).not.toContain("subcommand")
    }
  })

  it("quotes a shell's name however long, not as '...', which read as if it had been cut", async () => {
    for (const args of [
      ["--completions", "powershell"],
      ["run", "--completions=nushell"]
    ]) {
      const result = await runCli([...args, "--log-format", "pretty"])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toContain(
        `--completions takes bash, zsh or fish (sh gives bash's); got "${args.at(-1)?.replace("--completions=", "")}".`
      )
    }
  })

  it("asks for a shell when none follows", async () => {
    // A flag after it is no shell's name: its command's flag (`--report-dir`), not a value to refuse unseen.
    for (const args of [
      ["--completions"],
      ["schedule", "--completions", "--log-level", "info"],
      ["run", "--completions", "--report-dir", "reports"]
    ]) {
      const result = await runCli([...args, "--log-format", "pretty"])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toContain("--completions needs the name of a shell: bash, zsh or fish")
    }
  })

  it("does not quote a token pasted as the shell's name", async () => {
    const token = "pat-completions-7c1f3a9e2b6d"
    const result = await runCli(["--completions", token, "--log-format", "pretty"], {
      env: { PANTHER_API_TOKEN: token }
    })
    expect(result.code, result.stderr).toBe(2)
    expect(result.stderr).toContain("--completions takes bash")
    expect(result.stderr).not.toContain(token)
    // Nor a secret this run does not know of: no shell is named so.
    const unknown = "Zq8vN2xR4tLw"
    const pasted = await runCli(["--completions", unknown, "--log-format", "pretty"])
    expect(pasted.code, pasted.stderr).toBe(2)
    expect(pasted.stderr).toContain("--completions takes bash")
    expect(pasted.stderr).not.toContain(unknown)
  })
})
