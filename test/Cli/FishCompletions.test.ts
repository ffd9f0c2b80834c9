/**
 * `--completions fish`, which every command's help offers, loaded into a real fish as a user's config loads it, and
 * asked what a Tab offers (`complete -C`). Skipped, saying so, where fish is not installed.
 */
import { describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { COMMAND_PATHS, helpFlags } from "../support/helpFlags.js"
import { completionsIn, expectFixedValuesOffered, foldersOffered, hasShell } from "../support/shellCompletion.js"

const NO_FISH = "fish is not installed here (apt-get install fish runs these tests)"
const hasFish = hasShell("fish")
const { offered, script } = completionsIn("fish")
// Where `verify` is completed: an export's folder beside a file, which it does not offer.
const withExport = completionsIn("fish", ["export-20260630T020000Z"])

const sorted = (words: ReadonlyArray<string>): ReadonlyArray<string> => [...words].sort()

describe("--completions fish", () => {
  it("completes the commands, and a command's own flags and subcommands after it", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(sorted(offered("panther-audit "))).toEqual(
      sorted(["run", "demo", "schedule", "users", "simulate", "review", "export", "verify"])
    )
    expect(offered("panther-audit run --stale")).toEqual(["--stale-days"])
    expect(offered("panther-audit run --")).toEqual(expect.arrayContaining(["--api-url", "--email", "--stale-days"]))
    expect(sorted(offered("panther-audit users "))).toEqual(sorted(["list", "get", "create", "update", "delete"]))
    expect(offered("panther-audit users list --for")).toEqual(["--format"])
  })

  it("offers after each command every flag its help lists, and no other", async ({ skip }) => {
    skip(!hasFish, NO_FISH)
    for (const path of COMMAND_PATHS) {
      const flags = new Set(offered(`panther-audit ${path} -`))
      expect([...flags].sort(), path).toEqual([...(await helpFlags(path))].sort())
    }
  })

  it("offers a choice's values", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(sorted(offered("panther-audit users list --format "))).toEqual(sorted(["ndjson", "csv", "table"]))
    expect(sorted(offered("panther-audit run --email on"))).toEqual(sorted(["on-findings", "on-change"]))
  })

  it("offers a file name for a value of text, as bash does, and nothing for a number", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(offered("panther-audit run --suppressions ")).toEqual(["suppressions.yaml"])
    // A flag the help says takes a file, not text: a file name too.
    expect(offered("panther-audit run --smtp-ca-file ")).toEqual(["suppressions.yaml"])
    expect(offered("panther-audit schedule --smtp-password-file ")).toEqual(["suppressions.yaml"])
    expect(offered("panther-audit users list --contains bob --format ")).toContain("csv")
    expect(offered("panther-audit run --stale-days ")).toEqual([])
  })

  it("completes --log-format, which every command takes but @effect/cli never sees, and its values", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(offered("panther-audit run --log-f")).toEqual(["--log-format"])
    expect(offered("panther-audit --log-f")).toEqual(["--log-format"])
    expect(offered("panther-audit users list --log-format ")).toEqual(["json", "pretty"])
  })

  it("offers the values the help lists for a flag of text that takes only those", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expectFixedValuesOffered(offered)
  })

  const folders = (line: string) => foldersOffered(withExport.offered, line)

  it("offers verify the folders it may check, not files", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(folders("panther-audit verify ")).toEqual(["export-20260630T020000Z"])
    expect(folders("panther-audit verify --expect-sha256 abc ")).toEqual(["export-20260630T020000Z"])
    // Its flags' values stay theirs: no folder among a shell's names or the log formats.
    expect(sorted(withExport.offered("panther-audit verify --completions "))).toEqual(
      sorted(["sh", "bash", "fish", "zsh"])
    )
    expect(withExport.offered("panther-audit verify --log-format ")).toEqual(["json", "pretty"])
    // Its flag of text completes a file name, as every flag of text does, not a folder alone.
    expect(withExport.offered("panther-audit verify --expect-sha256 ")).toContain("suppressions.yaml")
  })

  it("is the script of every command, whichever command it is asked of", async () => {
    const ofRun = await runCli(["run", "--completions", "fish"])
    expect(ofRun.code, ofRun.stderr).toBe(0)
    expect(ofRun.stdout).toBe(script())
    expect((await runCli(["users", "list", "--completions=fish"])).stdout).toBe(script())
  })
})
