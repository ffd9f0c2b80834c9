/**
 * A command that groups others, run without one: a script that calls `panther-audit users` by mistake must not be
 * told it succeeded, nor find the help in the file its stdout went to. `--help` is still how to ask for the help.
 */
import { describe, expect, it } from "vitest"
import { jsonLogLines, runCli, stderrText } from "../support/cli.js"

describe("a command without its subcommand", () => {
  it("users alone is a usage error (exit 2) naming the five operations and --help, with nothing on stdout", async () => {
    for (const format of ["json", "pretty"]) {
      const result = await runCli(["users", "--log-format", format])
      expect(result.code, format).toBe(2)
      expect(result.stdout, format).toBe("")
      const said = stderrText(result.stderr)
      expect(said, format).toContain(
        "`panther-audit users` needs a command after it: list, get, create, update or delete."
      )
      expect(said, format).toContain("See `panther-audit users --help`")
    }
    // One JSON line, as every failure is, that a log collector counts as a usage error.
    const lines = jsonLogLines((await runCli(["users", "--log-format", "json"])).stderr)
    expect(lines).toHaveLength(1)
    expect(lines[0]?.annotations).toEqual({ error: "ConfigurationError", exitCode: 2 })
  })

  it("the program alone is one too, naming every command", async () => {
    const result = await runCli([])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(stderrText(result.stderr)).toContain(
      "`panther-audit` needs a command after it: run, demo, schedule, users, simulate, review, export or verify. " +
        "See `panther-audit --help`"
    )
  })

  it("--help still prints the help on stdout and exits 0", async () => {
    for (const args of [["--help"], ["users", "--help"], ["users", "-h"]]) {
      const result = await runCli(args)
      expect(result.code, args.join(" ")).toBe(0)
      expect(result.stdout, args.join(" ")).toContain("COMMANDS")
      expect(result.stderr, args.join(" ")).toBe("")
    }
  })
})
