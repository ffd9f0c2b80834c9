/**
 * `--completions zsh`, which every command's help offers, loaded into a real interactive zsh with its completion
 * system on, as a user's `.zshrc` loads it, and asked what a Tab offers. Skipped, saying so, where zsh is not
 * installed.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { completeInZsh, hasShell } from "../support/shellCompletion.js"

const NO_ZSH = "zsh is not installed here (apt-get install zsh runs these tests)"
const hasZsh = hasShell("zsh")
let script = ""

beforeAll(async () => {
  const result = await runCli(["--completions", "zsh"])
  expect(result.code, result.stderr).toBe(0)
  script = result.stdout
})

// Each completion starts a zsh and its completion system: seconds apiece on a loaded machine.
describe("--completions zsh", { timeout: 90_000 }, () => {
  it("completes the commands", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...completeInZsh(script, "panther-audit ")].sort()).toEqual([
      "demo",
      "export",
      "review",
      "run",
      "schedule",
      "simulate",
      "users",
      "verify"
    ])
    expect(completeInZsh(script, "panther-audit sche")).toEqual(["schedule"])
  })

  it("completes a command's flags", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(completeInZsh(script, "panther-audit run --stale")).toEqual(["--stale-days"])
    expect(completeInZsh(script, "panther-audit run --")).toEqual(expect.arrayContaining(["--api-url", "--email"]))
  })

  it("completes the subcommands of users, and their flags", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...completeInZsh(script, "panther-audit users ")].sort()).toEqual([
      "create",
      "delete",
      "get",
      "list",
      "update"
    ])
    expect(completeInZsh(script, "panther-audit users l")).toEqual(["list"])
    expect(completeInZsh(script, "panther-audit users list --for")).toEqual(["--format"])
  })

  it("offers a choice's values", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...completeInZsh(script, "panther-audit users list --format ")].sort()).toEqual(["csv", "ndjson", "table"])
    expect([...completeInZsh(script, "panther-audit run --email on")].sort()).toEqual(["on-change", "on-findings"])
  })

  it("is the script of every command, whichever command it is asked of", async () => {
    const ofRun = await runCli(["run", "--completions", "zsh"])
    expect(ofRun.code, ofRun.stderr).toBe(0)
    expect(ofRun.stdout).toBe(script)
    expect((await runCli(["users", "list", "--completions=zsh"])).stdout).toBe(script)
  })
})
