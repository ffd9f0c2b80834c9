/**
 * `--completions zsh`, which every command's help offers, loaded into a real interactive zsh with its completion
 * system on, as a user's `.zshrc` loads it, and asked what a Tab offers. Skipped, saying so, where zsh is not
 * installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { completeInZsh, hasShell } from "../support/shellCompletion.js"

const NO_ZSH = "zsh is not installed here (apt-get install zsh runs these tests)"
const hasZsh = hasShell("zsh")
let script = ""
/** Where zsh runs: a file name is completed from the files here. */
let here = ""

beforeAll(async () => {
  here = mkdtempSync(join(tmpdir(), "zsh-completions-"))
  writeFileSync(join(here, "suppressions.yaml"), "suppressions: []\n")
  const result = await runCli(["--completions", "zsh"])
  expect(result.code, result.stderr).toBe(0)
  script = result.stdout
})

afterAll(() => rmSync(here, { recursive: true, force: true }))

// Each completion starts a zsh and its completion system: seconds apiece on a loaded machine.
describe("--completions zsh", { timeout: 90_000 }, () => {
  it("completes the commands", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...completeInZsh(script, "panther-audit ", here)].sort()).toEqual([
      "demo",
      "export",
      "review",
      "run",
      "schedule",
      "simulate",
      "users",
      "verify"
    ])
    expect(completeInZsh(script, "panther-audit sche", here)).toEqual(["schedule"])
  })

  it("completes a command's flags", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(completeInZsh(script, "panther-audit run --stale", here)).toEqual(["--stale-days"])
    expect(completeInZsh(script, "panther-audit run --", here)).toEqual(
      expect.arrayContaining(["--api-url", "--email"])
    )
  })

  it("completes the subcommands of users, and their flags", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...completeInZsh(script, "panther-audit users ", here)].sort()).toEqual([
      "create",
      "delete",
      "get",
      "list",
      "update"
    ])
    expect(completeInZsh(script, "panther-audit users l", here)).toEqual(["list"])
    expect(completeInZsh(script, "panther-audit users list --for", here)).toEqual(["--format"])
  })

  it("offers a choice's values", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...completeInZsh(script, "panther-audit users list --format ", here)].sort()).toEqual([
      "csv",
      "ndjson",
      "table"
    ])
    expect([...completeInZsh(script, "panther-audit run --email on", here)].sort()).toEqual([
      "on-change",
      "on-findings"
    ])
  })

  it("takes a flag's value as its value, and completes what comes after it", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(completeInZsh(script, "panther-audit users list --contains bob --for", here)).toEqual(["--format"])
    expect(completeInZsh(script, "panther-audit run --stale-days 30 --emai", here)).toEqual(["--email"])
  })

  it("offers a file name for a value, not flags, and nothing for a number", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(completeInZsh(script, "panther-audit run --suppressions ", here)).toEqual(["suppressions.yaml"])
    expect(completeInZsh(script, "panther-audit run --stale-days ", here)).toEqual([])
  })

  it("completes --log-format, which every command takes but @effect/cli never sees, and its values", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(completeInZsh(script, "panther-audit run --log-f", here)).toEqual(["--log-format"])
    expect(completeInZsh(script, "panther-audit users list --log-format ", here)).toEqual(["json", "pretty"])
  })

  it("is the script of every command, whichever command it is asked of", async () => {
    const ofRun = await runCli(["run", "--completions", "zsh"])
    expect(ofRun.code, ofRun.stderr).toBe(0)
    expect(ofRun.stdout).toBe(script)
    expect((await runCli(["users", "list", "--completions=zsh"])).stdout).toBe(script)
  })
})
