import { describe, expect, it } from "vitest"
import { requireOptionValue } from "../../src/Cli/FlagValues.js"
import {
  emptyValuesApart,
  explainUsageError,
  flagsOfUsage,
  hideUnknownValues,
  noValueFlagGivenOne
} from "../../src/Cli/UsageHints.js"
import { runCli, stderrText } from "../support/cli.js"

// As the help's usage line of `run` has them.
const known = flagsOfUsage(
  "[--report-dir text] [--stale-days integer] [--timeout-seconds float] [--include-deactivated] [(-y, --yes)] " +
    "--id text... [--email always | on-change | never]"
)
const explain = (argv: ReadonlyArray<string>, flag: string) =>
  explainUsageError(["node", "bin.js", ...argv], known, `Received unknown argument: '${flag}'`)

describe("usage errors", () => {
  it("say a known flag lacks its value, or is given twice, where @effect/cli calls it unknown", () => {
    expect(explain(["run", "--report-dir"], "--report-dir")).toBe("--report-dir needs a value")
    expect(explain(["run", "--report-dir", "--include-deactivated"], "--report-dir")).toBe("--report-dir needs a value")
    expect(explain(["run", "--stale-days", "1", "--stale-days=2"], "--stale-days")).toBe(
      "--stale-days is given more than once: give it once"
    )
    // A flag that takes no value cannot lack one; a flag this command does not have is unknown indeed; a known one
    // with a value is left as @effect/cli put it.
    expect(explain(["run", "--include-deactivated"], "--include-deactivated")).toBe(
      "Received unknown argument: '--include-deactivated'"
    )
    expect(explain(["run", "--yes"], "--yes")).toBe("Received unknown argument: '--yes'")
    expect(explain(["run", "--bogus"], "--bogus")).toBe("Received unknown argument: '--bogus'")
    expect(explain(["run", "--report-dir", "x"], "--report-dir")).toBe("Received unknown argument: '--report-dir'")
  })

  it("say a secret typed into --wizard cannot be read, where @effect/cli said <redacted> is not a redacted", () => {
    const said = explainUsageError(
      ["node", "bin.js", "users", "get", "--wizard"],
      known,
      "'<redacted>' is not a redacted"
    )
    expect(said).toContain("--wizard cannot take a secret typed into it")
    expect(said).toContain("PANTHER_API_TOKEN")
    expect(said).toContain("--api-token-file")
  })

  it("never quote back the value given to a flag the command does not know", async () => {
    // A secret flag mistyped beyond what sounds secret (SecretArguments.ts): its value could be the token.
    for (const args of [
      ["users", "list", "--api-tokn=sim-admin-4e8b2d6f1a3c5e7092b4d6f8a1c3e5b7"],
      ["run", "--tkn=sim-admin-4e8b2d6f1a3c5e7092b4d6f8a1c3e5b7"],
      // A quote in the value, and names @effect/cli reads differently: no part of the value either.
      ["users", "list", "--api-tokn=abc'4e8b2d6f1a3c"],
      ["run", "--api_tok=4e8b2d6f1a3c"],
      ["users", "list", "--api.tokn=4e8b2d6f1a3c"],
      ["users", "list", "-api-tokn=4e8b2d6f1a3c"]
    ]) {
      const result = await runCli(args)
      expect(result.code, args.join(" ")).toBe(2)
      expect(result.stderr, args.join(" ")).not.toContain("4e8b2d6f")
      expect(stderrText(result.stderr), args.join(" ")).toMatch(/unknown argument: '-{1,2}(api[-_.]tokn?|tkn)=\.\.\.'/)
    }
    // Where the value is taken for an argument (a user id, verify's folder), or given apart after the mistyped name.
    for (const args of [
      ["users", "get", "-api-token=4e8b2d6f1a3c"],
      ["users", "delete", "--yes", "--", "-api_tok=4e8b2d6f1a3c"],
      ["verify", "--api-tokn=4e8b2d6f1a3c"],
      ["verify", "-api-token=4e8b2d6f1a3c"],
      ["verify", "--api-tokn", "4e8b2d6f1a3c"]
    ]) {
      const result = await runCli(args, { env: { PANTHER_API_URL: "http://127.0.0.1:9", PANTHER_API_TOKEN: "t" } })
      expect(result.code, args.join(" ")).toBe(2)
      expect(result.stderr, args.join(" ")).not.toContain("4e8b2d6f")
    }
    expect(
      explainUsageError(
        ["node", "bin.js", "users", "create", "--emial=x@y.z"],
        known,
        "The flag '--emial=x@y.z' is not recognized. Did you mean '--email'?"
      )
    ).toBe("The flag '--emial=...' is not recognized. Did you mean '--email'?")
  })

  it("name the flag of a value that is not a number or not one of its choices", () => {
    const say = (argv: ReadonlyArray<string>, message: string) =>
      explainUsageError(["node", "bin.js", ...argv], known, message)
    expect(say(["run", "--stale-days", "abc"], "'abc' is not a integer")).toBe(
      '--stale-days must be a whole number; got "abc"'
    )
    expect(say(["run", "--timeout-seconds=x"], "'x' is not a float")).toBe(
      '--timeout-seconds must be a number; got "x"'
    )
    expect(say(["run", "--email", "sometimes"], "Expected one of the following cases: always, on-change, never")).toBe(
      '--email must be one of always, on-change, never; got "sometimes"'
    )
    // A value given to no flag of that kind is left as @effect/cli said it.
    expect(say(["run", "abc"], "'abc' is not a integer")).toBe("'abc' is not a integer")
  })

  // One test a command line: each starts the program, and 25 in one test outlasted its timeout on a busy machine.
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["run", "--stale-days", "abc"], '--stale-days must be a whole number; got "abc"'],
    [["run", "--timeout-seconds", "1,5"], '--timeout-seconds must be a number; got "1,5"'],
    [["users", "list", "--format", "xml"], '--format must be one of ndjson, csv, table; got "xml"'],
    [["run", "--email", "sometimes"], '--email must be one of always, on-findings, on-change, never; got "sometimes"'],
    [["run", "--report-dir"], "--report-dir needs a value"],
    // run's description names --fail-on too ("findings at or above --fail-on"): not read as a flag of its own.
    [["run", "--fail-on"], "--fail-on needs a value"],
    [["run", "--stale-days", "10", "--stale-days", "20"], "--stale-days is given more than once"],
    // --yes belongs to users delete, and takes no value: for users list it is unknown, as @effect/cli says.
    [["users", "list", "--yes"], "Received unknown argument: '--yes'"],
    [["users", "list", "--contains"], "--contains needs a value"],
    // verify also takes a folder: left out with the flag's value, @effect/cli said this one its own way.
    [["verify", "--expect-sha256"], "--expect-sha256 needs a value; see --help"],
    // What a script sends for an unset variable: `--email="$EMAIL"`.
    [["users", "list", "--email="], "--email is empty: give the email address of the user to list, or leave it out"],
    // A variable holding only a blank: `--stale-days="$DAYS"`, said as the value given apart is.
    [["run", "--stale-days= "], "--stale-days is empty: give a value, or leave it out"],
    [
      ["users", "create", "--email", "a@example.com", "--given-name=", "--family-name", "Lee", "--role", "Analyst"],
      // Required: said as the flag's own check says `--given-name ""`, not that it may be left out.
      "--given-name is empty, and needs a value: the new user's first name"
    ],
    // A flag that takes "" as not set, as its variable does: `--privileged-roles="$ROLES"` with the variable unset
    // must not run the audit with the default roles, nor `--mail-from="$FROM"` mail from the default sender.
    [["run", "--privileged-roles="], "--privileged-roles is empty: give a value, or leave it out"],
    [["run", "--mail-to", "a@example.com", "--mail-from="], "--mail-from is empty: give a value, or leave it out"],
    [["users", "list", "--email=a@example.com", "--email=b@example.com"], "--email is given more than once"],
    [
      ["users", "list", "--include-deactivated="],
      "--include-deactivated takes no value: give it as --include-deactivated"
    ],
    [["users", "purge"], '"purge" is not a command of panther-audit users: see panther-audit users --help'],
    // A flag before the command, where @effect/cli said to "use 'users'", the word it followed; its value unquoted.
    [
      ["users", "--api-token=pat-before-command-7d", "list"],
      '"--api-token" comes before the command of panther-audit users: give the command first, then its flags'
    ],
    [["users", "list", "--id=u-9"], "--id, which may be repeated, takes its value apart: give it as --id u-9"],
    // Said as `--id ""` is: what the flag takes, not just "a value".
    [["users", "list", "--id="], "--id is empty: give a user id, or leave it out"],
    // The value is withheld, the name it was given to is not.
    [["run", "--report-dri=report"], "Received unknown argument: '--report-dri=...'"],
    // A question ends its sentence: "Did you mean '--email'?; see --help" ran the pointer into it.
    [
      ["users", "create", "--emial", "x@y.z"],
      "The flag '--emial' is not recognized. Did you mean '--email'? See --help for usage."
    ],
    // Each of several errors ends where the next begins, in the one line JSON logs give them.
    [
      ["users", "create"],
      "Expected to find option: '--email'; Expected to find option: '--given-name'; Expected to find option: " +
        "'--family-name'; see --help for usage."
    ]
  ]
  it.each(cases)("name the flag whose value is not a number or not one of its choices: %j", async (args, message) => {
    const result = await runCli(args)
    expect(result.code, args.join(" ")).toBe(2)
    expect(stderrText(result.stderr), args.join(" ")).toContain(message)
  })

  it("point once to the help of a command's commands, not a second time to --help", async () => {
    // "see panther-audit users --help; see --help for usage." sent the reader to two helps, the second the wrong one.
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [["users", "purge"], '"purge" is not a command of panther-audit users: see panther-audit users --help.'],
      [
        ["users", "--api-url=https://api.acme.example", "list"],
        '"--api-url" comes before the command of panther-audit users: give the command first, then its flags; ' +
          "see panther-audit users --help."
      ]
    ]
    for (const [args, message] of cases) {
      const result = await runCli(args)
      expect(result.code, args.join(" ")).toBe(2)
      expect(stderrText(result.stderr).trim(), args.join(" ")).toBe(message)
    }
  })

  // @effect/cli joins the errors of two flags that fail together as one "missing value", whatever each was.
  it("name every variable that cannot be read, two at once or one beside a required flag left out", async () => {
    const twoVariables = { PANTHER_MAX_RETRIES: "three", PANTHER_RETRY_BUDGET_SECONDS: "1,5" }
    for (const logFormat of ["json", "pretty"]) {
      const both = await runCli(["users", "list", "--log-format", logFormat], { env: twoVariables })
      expect(both.code, logFormat).toBe(2)
      expect(both.stderr.trimEnd().split("\n"), logFormat).toHaveLength(1)
      expect(stderrText(both.stderr), logFormat).toContain(
        'PANTHER_MAX_RETRIES must be a whole number; got "three"; PANTHER_RETRY_BUDGET_SECONDS must be a number; got ' +
          '"1,5". Correct the environment variables, or unset them.'
      )
    }
    const besideMissing = await runCli(["users", "create"], { env: { PANTHER_MAX_RETRIES: "three" } })
    expect(besideMissing.code).toBe(2)
    expect(stderrText(besideMissing.stderr)).toContain(
      'PANTHER_MAX_RETRIES must be a whole number; got "three". Correct the environment variable, or unset it.'
    )
  })
})

describe("values of flags the command does not have", () => {
  // A mistyped token flag: its value may be the token, and is never quoted back.
  const hidden = (words: ReadonlyArray<string>, text: string) =>
    hideUnknownValues(["node", "bin.js", ...words], known, text)

  it("are not quoted back, given apart or as -name=value, in either kind of quotes, from six characters on", () => {
    expect(hidden(["run", "--tokn", "pat-9f3a7c1e"], "Received unknown argument: 'pat-9f3a7c1e'")).toBe(
      "Received unknown argument: '...'"
    )
    expect(hidden(["run", "--tokn", "pat-9f3a7c1e"], 'got "pat-9f3a7c1e"')).toBe('got "..."')
    expect(hidden(["run", "-tokn=pat-9f3a7c1e"], "Received unknown argument: '-tokn=pat-9f3a7c1e'")).toBe(
      "Received unknown argument: '-tokn=...'"
    )
    expect(hidden(["run", "--tokn", "abc123"], "Received unknown argument: 'abc123'")).toBe(
      "Received unknown argument: '...'"
    )
    // Five characters or fewer are more likely a word of the message (`green`, `true`) than a secret.
    expect(hidden(["run", "--colour", "green"], "Received unknown argument: 'green'")).toBe(
      "Received unknown argument: 'green'"
    )
  })
})

describe("flags after --, which ends them", () => {
  it("are not read for a value given to a flag that takes none, nor given apart when empty", () => {
    expect(noValueFlagGivenOne(["node", "bin.js", "users", "delete", "u1", "--yes=no"], known)).toBe(
      "--yes takes no value: give it as --yes"
    )
    expect(noValueFlagGivenOne(["node", "bin.js", "users", "delete", "u1", "--", "--yes=no"], known)).toBeUndefined()
    // --report-dir's own check refuses an empty value, as the command that has it registers.
    requireOptionValue("--report-dir")
    expect(emptyValuesApart(["node", "bin.js", "run", "--report-dir=", "--", "--report-dir="], known)).toEqual([
      "node",
      "bin.js",
      "run",
      "--report-dir",
      "",
      "--",
      "--report-dir="
    ])
  })
})
