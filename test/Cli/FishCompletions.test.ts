/**
 * `--completions fish`, which every command's help offers, loaded into a real fish as a user's config loads it, and
 * asked what a Tab offers (`complete -C`). Skipped, saying so, where fish is not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { completeInFish, hasShell } from "../support/shellCompletion.js"

const NO_FISH = "fish is not installed here (apt-get install fish runs these tests)"
const hasFish = hasShell("fish")
let script = ""
/** Where fish runs: a file name is completed from the files here. */
let here = ""

beforeAll(async () => {
  here = mkdtempSync(join(tmpdir(), "fish-completions-"))
  writeFileSync(join(here, "suppressions.yaml"), "suppressions: []\n")
  const result = await runCli(["--completions", "fish"])
  expect(result.code, result.stderr).toBe(0)
  script = result.stdout
})

afterAll(() => rmSync(here, { recursive: true, force: true }))

const sorted = (words: ReadonlyArray<string>): ReadonlyArray<string> => [...words].sort()

describe("--completions fish", () => {
  it("completes the commands, and a command's own flags and subcommands after it", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(sorted(completeInFish(script, "panther-audit ", here))).toEqual(
      sorted(["run", "demo", "schedule", "users", "simulate", "review", "export", "verify"])
    )
    expect(completeInFish(script, "panther-audit run --stale", here)).toEqual(["--stale-days"])
    expect(completeInFish(script, "panther-audit run --", here)).toEqual(
      expect.arrayContaining(["--api-url", "--email", "--stale-days"])
    )
    expect(sorted(completeInFish(script, "panther-audit users ", here))).toEqual(
      sorted(["list", "get", "create", "update", "delete"])
    )
    expect(completeInFish(script, "panther-audit users list --for", here)).toEqual(["--format"])
  })

  it("offers a choice's values", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(sorted(completeInFish(script, "panther-audit users list --format ", here))).toEqual(
      sorted(["ndjson", "csv", "table"])
    )
    expect(sorted(completeInFish(script, "panther-audit run --email on", here))).toEqual(
      sorted(["on-findings", "on-change"])
    )
  })

  it("offers a file name for a value of text, as bash does, and nothing for a number", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(completeInFish(script, "panther-audit run --suppressions ", here)).toEqual(["suppressions.yaml"])
    expect(completeInFish(script, "panther-audit users list --contains bob --format ", here)).toContain("csv")
    expect(completeInFish(script, "panther-audit run --stale-days ", here)).toEqual([])
  })

  it("completes --log-format, which every command takes but @effect/cli never sees, and its values", ({ skip }) => {
    skip(!hasFish, NO_FISH)
    expect(completeInFish(script, "panther-audit run --log-f", here)).toEqual(["--log-format"])
    expect(completeInFish(script, "panther-audit --log-f", here)).toEqual(["--log-format"])
    expect(completeInFish(script, "panther-audit users list --log-format ", here)).toEqual(["json", "pretty"])
  })

  it("is the script of every command, whichever command it is asked of", async () => {
    const ofRun = await runCli(["run", "--completions", "fish"])
    expect(ofRun.code, ofRun.stderr).toBe(0)
    expect(ofRun.stdout).toBe(script)
    expect((await runCli(["users", "list", "--completions=fish"])).stdout).toBe(script)
  })
})
