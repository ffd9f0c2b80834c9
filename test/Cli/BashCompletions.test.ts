/**
 * `--completions bash`, which every command's help offers, loaded into bash as a user's shell loads it and asked what
 * a Tab completes: the words after a command, not only the commands' names.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { COMMAND_PATHS, helpFlags } from "../support/helpFlags.js"

let directory = ""
let script = ""

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "completions-"))
  script = join(directory, "panther-audit.bash")
  // What `verify` completes: an export's folder, among the script's own file.
  mkdirSync(join(directory, "export-20260630T020000Z"))
  const result = await runCli(["--completions", "bash"])
  expect(result.code, result.stderr).toBe(0)
  writeFileSync(script, result.stdout)
})

afterAll(() => rmSync(directory, { recursive: true, force: true }))

/** What Tab offers after `words` (the last one being typed), as bash's completion function fills COMPREPLY. */
const completions = (...words: ReadonlyArray<string>): ReadonlyArray<string> => {
  const quoted = words.map((word) => `'${word}'`).join(" ")
  const result = spawnSync(
    "bash",
    [
      "-c",
      `source "$0"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; ` +
        `complete -p panther-audit >/dev/null; _panther-audit_bash_completions panther-audit '${words.at(-1)}' ` +
        `'${words.at(-2)}'; printf '%s\\n' "\${COMPREPLY[@]}"`,
      script
    ],
    { encoding: "utf8", cwd: directory }
  )
  expect(result.status, result.stderr).toBe(0)
  return result.stdout.split("\n").filter((line) => line !== "")
}

describe("--completions bash", () => {
  it("completes the commands, and a command's own flags and subcommands after it", () => {
    expect(completions("panther-audit", "sche")).toEqual(["schedule"])
    expect(completions("panther-audit", "run", "--stale")).toEqual(["--stale-days"])
    expect(completions("panther-audit", "users", "")).toEqual(expect.arrayContaining(["list", "get", "delete"]))
    expect(completions("panther-audit", "users", "")).not.toContain("schedule")
    expect(completions("panther-audit", "users", "list", "--for")).toEqual(["--format"])
    expect(completions("panther-audit", "users", "delete", "--y")).toEqual(["--yes"])
  })

  it("offers after each command every flag its help lists, and no other", async () => {
    for (const path of COMMAND_PATHS) {
      const offered = completions("panther-audit", ...path.split(" "), "-")
      expect([...offered].sort(), path).toEqual([...(await helpFlags(path))].sort())
    }
  })

  it("offers a choice's values one by one", () => {
    expect(completions("panther-audit", "run", "--email", "on")).toEqual(["on-findings", "on-change"])
    expect(completions("panther-audit", "users", "list", "--format", "")).toEqual(["ndjson", "csv", "table"])
  })

  it("offers the values the help lists for a flag of text that takes only those", () => {
    expect(completions("panther-audit", "run", "--fail-on", "")).toEqual([
      "none",
      "info",
      "low",
      "medium",
      "high",
      "critical"
    ])
    expect(completions("panther-audit", "export", "--fail-on", "h")).toEqual(["high"])
    expect(completions("panther-audit", "demo", "--policy", "")).toEqual(["cis", "pci", "nist"])
    expect(completions("panther-audit", "schedule", "--policy", "p")).toEqual(["pci"])
  })

  it("offers verify the folders it may check, and its flags after a dash", () => {
    expect(completions("panther-audit", "verify", "")).toEqual(["export-20260630T020000Z"])
    expect(completions("panther-audit", "verify", "exp")).toEqual(["export-20260630T020000Z"])
    expect(completions("panther-audit", "verify", "--exp")).toEqual(["--expect-sha256"])
    expect(completions("panther-audit", "verify", "--expect-sha256", "abc", "")).toEqual(["export-20260630T020000Z"])
  })

  it("completes the values of the flags every command takes, and --log-format, which @effect/cli never sees", () => {
    expect(completions("panther-audit", "users", "list", "--log-level", "")).toEqual(
      expect.arrayContaining(["debug", "info", "warning", "none"])
    )
    expect(completions("panther-audit", "users", "list", "--log-level", "")).not.toContain("--format")
    expect(completions("panther-audit", "run", "--log-f")).toEqual(["--log-format"])
    expect(completions("panther-audit", "--log-f")).toEqual(["--log-format"])
    expect(completions("panther-audit", "run", "--log-format", "")).toEqual(["json", "pretty"])
    expect(completions("panther-audit", "--completions", "z")).toEqual(["zsh"])
  })

  it("is the script of every command, whichever command it is asked of", async () => {
    const ofRun = await runCli(["run", "--completions", "bash"])
    expect(ofRun.code).toBe(0)
    expect(ofRun.stdout).toContain("panther__audit__users__list)")
    expect((await runCli(["--completions=sh"])).stdout).toContain("_panther-audit_bash_completions")
  })
})
