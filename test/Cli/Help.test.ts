/**
 * `--help` is where a user looks first: each option says its default and its variable, and the logging flags,
 * which main.ts takes out of the arguments before the parser, are named in every command's help.
 */
import { describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences of colored help output.
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/gu, "")

describe("--help", () => {
  it("of run gives each option's default and variable, and the logging flags with theirs", async () => {
    const result = await runCli(["run", "--help"])
    expect(result.code).toBe(0)
    const help = plain(result.stdout)
    for (const text of [
      "Default: 30 (env PANTHER_TIMEOUT_SECONDS)",
      "Default: 4 (env PANTHER_MAX_RETRIES)",
      "Default: 120 (env PANTHER_RETRY_BUDGET_SECONDS)",
      "Default: 7. Env: AUDIT_PENDING_DAYS",
      "--log-format json|pretty (env LOG_FORMAT",
      "(env LOG_LEVEL; default info)"
    ]) {
      expect(help).toContain(text)
    }
  })

  it("of every other command names the logging flags too", async () => {
    for (const command of [
      ["demo"],
      ["schedule"],
      ["review"],
      ["export"],
      ["verify"],
      ["simulate"],
      ["users", "list"]
    ]) {
      const result = await runCli([...command, "--help"])
      expect(result.code, command.join(" ")).toBe(0)
      expect(plain(result.stdout), command.join(" ")).toContain("--log-format json|pretty (env LOG_FORMAT")
    }
  })
})
