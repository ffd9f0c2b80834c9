/**
 * A command's name mistyped (`rn`, `reveiw`, `users lst`): the built command says which command was meant, as it does
 * for a mistyped flag, and still exits 2 with nothing on stdout.
 */
import { describe, expect, it } from "vitest"
import { jsonLogLines, runCli, stderrText } from "../support/cli.js"

const mistyped = async (...args: ReadonlyArray<string>) => {
  const result = await runCli([...args, "--log-format", "pretty"])
  expect(result.code, result.stderr).toBe(2)
  expect(result.stdout).toBe("")
  return stderrText(result.stderr)
}

describe("a mistyped command", () => {
  it("is answered with the command one slip from it", async () => {
    expect(await mistyped("rn")).toContain("Did you mean `run`?")
    expect(await mistyped("reveiw", "--report-dir", "x")).toContain("Did you mean `review`?")
    expect(await mistyped("simulte", "--port", "0")).toContain("Did you mean `simulate`?")
    // Commands are matched as written, so a capital is a slip too.
    expect(await mistyped("Run")).toContain("Did you mean `run`?")
    expect(await mistyped("SIMULATE")).toContain("Did you mean `simulate`?")
    expect(await mistyped("--log-level", "info", "exprot")).toContain("Did you mean `export`?")
  })

  it("of users, with the users command meant", async () => {
    const said = await mistyped("users", "lst")
    expect(said).toContain(`"lst" is not a command of panther-audit users`)
    expect(said).toContain("Did you mean `users list`? See panther-audit users --help")
    expect(await mistyped("users", "delte", "abc")).toContain("Did you mean `users delete`?")
  })

  it("given as a command of users without users before it", async () => {
    expect(await mistyped("list")).toContain("Did you mean `users list`?")
  })

  it("suggests nothing for a word no command is near, and never quotes it at the top", async () => {
    const said = await mistyped("pat-7c1f3a9e2b6d")
    expect(said).not.toContain("Did you mean")
    expect(said).not.toContain("pat-7c1f3a9e2b6d")
    expect(await mistyped("users", "purge")).not.toContain("Did you mean")
  })

  it("says it on the one JSON line too", async () => {
    const result = await runCli(["rn", "--log-format", "json"])
    expect(result.code).toBe(2)
    const [line] = jsonLogLines(result.stderr)
    expect(String(line?.message)).toContain("Did you mean `run`?")
    const nested = jsonLogLines((await runCli(["users", "lst", "--log-format", "json"])).stderr)
    // One pointer to the help, not a second "see --help for usage" after it.
    expect(String(nested[0]?.message)).toMatch(/Did you mean `users list`\? See panther-audit users --help\.$/u)
  })
})
