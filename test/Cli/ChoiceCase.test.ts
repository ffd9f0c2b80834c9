/**
 * A choice flag's value in another case than the help lists it (`--email ALWAYS`, `--format=CSV`) is taken, as its
 * variable's is (`MAIL_POLICY=ALWAYS`), where the command line refused what the environment took.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { choicesAsListed, flagsOfUsage, mayGiveChoiceInOtherCase } from "../../src/Cli/UsageHints.js"
import { runCli, stderrText } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

let simulator: StartedSimulator

beforeAll(async () => {
  simulator = await startSimulator({ users: 3, seed: 5 })
})

afterAll(async () => {
  await simulator?.close()
})

const asReader = (...args: Array<string>) =>
  runCli(args, { env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken } })

describe("a choice flag given in another case", () => {
  it("lists users in the format named, as it does given in lower case", async () => {
    const listed = await asReader("users", "list", "--format", "csv")
    expect(listed.code, listed.stderr).toBe(0)
    for (const args of [["--format", "CSV"], ["--format=Csv"]]) {
      const result = await asReader("users", "list", ...args)
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toBe(listed.stdout)
    }
  })

  it("is read as the policy it names by run, as MAIL_POLICY is", async () => {
    for (const args of [["--email", "ALWAYS"], ["--email=Always"]]) {
      const result = await runCli(["run", ...args, "--log-format", "pretty"], {
        env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken, MAIL_TO: "" }
      })
      expect(result.code, result.stderr).toBe(2)
      expect(stderrText(result.stderr)).toContain("--email always needs recipients")
    }
  })

  it("is still refused, quoted as given, when it is no choice in any case", async () => {
    const result = await asReader("users", "list", "--format", "JSON", "--log-format", "pretty")
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain('--format must be one of ndjson, csv, table; got "JSON"')
  })

  it("leaves the values of other flags, and words after --, as given", () => {
    const flags = flagsOfUsage("[--email text] [--format ndjson | csv | table] [--id text...]")
    const argv = ["node", "bin.js", "users", "list", "--email", "Ann@Example.COM", "--format", "TABLE", "--id", "CSV"]
    expect(choicesAsListed(argv, flags)).toEqual([...argv.slice(0, 7), "table", "--id", "CSV"])
    const afterEnd = ["node", "bin.js", "users", "get", "--", "--format", "CSV"]
    expect(choicesAsListed(afterEnd, flags)).toEqual(afterEnd)
  })

  it("is looked for only in values that could be one: letters and hyphens, a capital among them", () => {
    // Reading the flags means rendering every command's help, about 25 ms of the start: a timestamp or an email
    // with a capital in it paid that for no choice it could be.
    const given = (...args: Array<string>) => mayGiveChoiceInOtherCase(["node", "bin.js", "run", ...args])
    expect(given("--email", "ALWAYS")).toBe(true)
    expect(given("--email", "On-Findings")).toBe(true)
    expect(given("--as-of", "2026-06-30T12:00:00Z")).toBe(false)
    expect(given("--mail-to", "Ann@Example.COM")).toBe(false)
    expect(given("--email", "always")).toBe(false)
  })
})
