/**
 * `--completions zsh`, which every command's help offers, loaded into a real interactive zsh with its completion
 * system on, as a user's `.zshrc` loads it, and asked what a Tab offers. Skipped, saying so, where zsh is not
 * installed.
 */
import { describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { COMMAND_PATHS, helpFlags } from "../support/helpFlags.js"
import { completionsIn, expectFixedValuesOffered, foldersOffered, hasShell } from "../support/shellCompletion.js"

const NO_ZSH = "zsh is not installed here (apt-get install zsh runs these tests)"
const hasZsh = hasShell("zsh")
const { offered, script } = completionsIn("zsh")
// Where `verify` is completed: an export's folder beside a file, which it does not offer.
const withExport = completionsIn("zsh", ["export-20260630T020000Z"])

// Each completion starts a zsh and its completion system: seconds apiece on a loaded machine.
describe("--completions zsh", { timeout: 90_000 }, () => {
  it("completes the commands", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...offered("panther-audit ")].sort()).toEqual([
      "demo",
      "export",
      "review",
      "run",
      "schedule",
      "simulate",
      "users",
      "verify"
    ])
    expect(offered("panther-audit sche")).toEqual(["schedule"])
  })

  it("completes a command's flags", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(offered("panther-audit run --stale")).toEqual(["--stale-days"])
    expect(offered("panther-audit run --")).toEqual(expect.arrayContaining(["--api-url", "--email"]))
  })

  it("completes the subcommands of users, and their flags", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...offered("panther-audit users ")].sort()).toEqual(["create", "delete", "get", "list", "update"])
    expect(offered("panther-audit users l")).toEqual(["list"])
    expect(offered("panther-audit users list --for")).toEqual(["--format"])
  })

  it("offers after each command every flag its help lists, and no other", async ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    for (const path of COMMAND_PATHS) {
      const flags = new Set(offered(`panther-audit ${path} -`))
      expect([...flags].sort(), path).toEqual([...(await helpFlags(path))].sort())
    }
  })

  it("offers a choice's values", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect([...offered("panther-audit users list --format ")].sort()).toEqual(["csv", "ndjson", "table"])
    expect([...offered("panther-audit run --email on")].sort()).toEqual(["on-change", "on-findings"])
  })

  it("takes a flag's value as its value, and completes what comes after it", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(offered("panther-audit users list --contains bob --for")).toEqual(["--format"])
    expect(offered("panther-audit run --stale-days 30 --emai")).toEqual(["--email"])
    // A flag that may be repeated is offered again after its first value.
    expect(offered("panther-audit users list --id abc --i")).toContain("--id")
  })

  it("offers a file name for a value, not flags, and nothing for a number", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(offered("panther-audit run --suppressions ")).toEqual(["suppressions.yaml"])
    expect(offered("panther-audit run --stale-days ")).toEqual([])
  })

  it("completes --log-format, which every command takes but @effect/cli never sees, and its values", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(offered("panther-audit run --log-f")).toEqual(["--log-format"])
    expect(offered("panther-audit users list --log-format ")).toEqual(["json", "pretty"])
  })

  it("offers the values the help lists for a flag of text that takes only those", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expectFixedValuesOffered(offered)
  })

  const folders = (line: string) => foldersOffered(withExport.offered, line)

  it("offers verify the folders it may check, not files", ({ skip }) => {
    skip(!hasZsh, NO_ZSH)
    expect(folders("panther-audit verify ")).toEqual(["export-20260630T020000Z"])
    expect(folders("panther-audit verify --expect-sha256 abc ")).toEqual(["export-20260630T020000Z"])
  })

  it("is the script of every command, whichever command it is asked of", async () => {
    const ofRun = await runCli(["run", "--completions", "zsh"])
    expect(ofRun.code, ofRun.stderr).toBe(0)
    expect(ofRun.stdout).toBe(script())
    expect((await runCli(["users", "list", "--completions=zsh"])).stdout).toBe(script())
  })
})
