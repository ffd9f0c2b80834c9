import { describe, expect, it } from "vitest"
import { secretArguments } from "../../src/Cli/SecretArguments.js"
import { runCli } from "../support/cli.js"

const TOKEN = "pat-ARGV-SECRET-5d1e9b7c"

describe("secret values on the command line", () => {
  it("are the values of the token, password and SMTP URL flags, in both forms", () => {
    expect(
      secretArguments([
        "node",
        "bin.js",
        "run",
        "--api-token",
        TOKEN,
        "--smtp-password=pw-secret",
        "--smtp-url",
        "smtps://u:pw2@mail.example",
        "--report-dir",
        "reports"
      ])
    ).toEqual(expect.arrayContaining([TOKEN, "pw-secret", "smtps://u:pw2@mail.example"]))
    expect(secretArguments(["node", "bin.js", "run", "--report-dir", "reports"])).toEqual([])
  })

  it("are not quoted back by a usage error of a command that does not take them", async () => {
    // verify takes a folder and no connection flags: the token after --api-token is a stray argument to it.
    const result = await runCli(["verify", "--api-token", TOKEN])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("[redacted]")
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
    // In the --flag=value form the whole argument is taken for the folder, which the failure then names.
    const joined = await runCli(["verify", `--api-token=${TOKEN}`, "--log-level", "all"])
    expect(joined.code).toBe(2)
    expect(`${joined.stdout}${joined.stderr}`).not.toContain(TOKEN)
  })
})
