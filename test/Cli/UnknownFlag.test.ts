import { Console, Effect } from "effect"
import { describe, expect, it } from "vitest"
import { demoCommand } from "../../src/Audit/DemoCommand.js"
import { runCommand } from "../../src/Audit/RunCommand.js"
import { rootCommand } from "../../src/Cli/Main.js"
import { explainUnknownFlag, oneSlipApart, withUnknownFlagsExplained } from "../../src/Cli/UnknownFlag.js"
import { type CommandFlags, flagsByCommand, withUsageErrorsExplained } from "../../src/Cli/UsageHints.js"
import { exportCommand } from "../../src/Export/ExportCommand.js"
import { verifyCommand } from "../../src/Export/VerifyCommand.js"
import { reviewCommand } from "../../src/Review/ReviewCommand.js"
import { scheduleCommand } from "../../src/Schedule/ScheduleCommand.js"
import { simulateCommand } from "../../src/Simulator/SimulateCommand.js"
import { usersCommand } from "../../src/Users/UsersCommand.js"
import { runCli, stderrText } from "../support/cli.js"

const every = flagsByCommand(
  rootCommand([
    runCommand,
    demoCommand,
    scheduleCommand,
    usersCommand,
    simulateCommand,
    reviewCommand,
    exportCommand,
    verifyCommand
  ])
)
const argv = (...words: ReadonlyArray<string>) => ["node", "bin.js", ...words]

describe("a flag the invoked command does not have", () => {
  it("is said to be another command's, for every command and every flag only others take", () => {
    // Read from the commands' own definitions: schedule's --cron, simulate's --latency-ms, users create's --email.
    expect(every.get("schedule")?.has("--cron")).toBe(true)
    expect(every.get("simulate")?.has("--latency-ms")).toBe(true)
    expect(every.get("users create")?.has("--email")).toBe(true)
    let checked = 0
    for (const [invoked, own] of every) {
      for (const [other, flags] of every) {
        for (const flag of flags.keys()) {
          if (other === invoked || own.has(flag) || !flag.startsWith("--")) continue
          const said = explainUnknownFlag(every, invoked, flag)
          expect(said, `${invoked} ${flag}`).toMatch(new RegExp(`^${flag} is a flag of .*\`${other}\``))
          expect(said, `${invoked} ${flag}`).toContain(`not of \`${invoked}\``)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(100)
  })

  it("names the one command that takes it, and its help", () => {
    expect(explainUnknownFlag(every, "run", "--cron")).toBe(
      "--cron is a flag of `schedule`, not of `run`: see panther-audit schedule --help"
    )
    expect(explainUnknownFlag(every, "users list", "--latency-ms")).toBe(
      "--latency-ms is a flag of `simulate`, not of `users list`: see panther-audit simulate --help"
    )
    // Several: each named, and no one help to send the reader to.
    expect(explainUnknownFlag(every, "simulate", "--fail-on")).toBe(
      "--fail-on is a flag of `run`, `demo`, `schedule`, `review` or `export`, not of `simulate`"
    )
  })

  it("says nothing of a flag the command itself takes, whatever else takes it too", () => {
    expect(explainUnknownFlag(every, "run", "--report-dir")).toBeUndefined()
  })

  it("suggests the command's own flag one slip away, and nothing for one further off", () => {
    expect(explainUnknownFlag(every, "run", "--stale-dys")).toBe(
      "Did you mean --stale-days? See panther-audit run --help"
    )
    expect(explainUnknownFlag(every, "schedule", "--cronn")).toContain("Did you mean --cron?")
    expect(explainUnknownFlag(every, "run", "--log-levl", ["--log-level"])).toContain("Did you mean --log-level?")
    expect(explainUnknownFlag(every, "run", "--stale-dy")).toBeUndefined()
    // A dash too many before a short flag is one slip too.
    expect(explainUnknownFlag(every, "users delete", "--y")).toBe(
      "Did you mean -y? See panther-audit users delete --help"
    )
    expect(explainUnknownFlag(every, "run", "--bogus")).toBeUndefined()
  })

  it("suggests another command's flag one slip away, naming the commands it belongs to", () => {
    expect(explainUnknownFlag(every, "users list", "--stale-dys")).toBe(
      "Did you mean --stale-days? It is a flag of `run`, `demo`, `schedule`, `review` or `export`, not of `users list`"
    )
    // One command takes it: its help is where to read on.
    expect(explainUnknownFlag(every, "run", "--cronn")).toBe(
      "Did you mean --cron? It is a flag of `schedule`, not of `run`: see panther-audit schedule --help"
    )
    // Two flags one slip away: each with the commands that take it.
    expect(explainUnknownFlag(every, "users list", "--mail-tc")).toBe(
      "Did you mean --mail-to (a flag of `run`, `demo` or `schedule`) or --mail-cc (a flag of `run`, `demo` or " +
        "`schedule`)? Neither is a flag of `users list`"
    )
    // The command's own flag one slip away is the likelier meant, and said alone.
    expect(explainUnknownFlag(every, "users create", "--emial")).toBe(
      "Did you mean --email? See panther-audit users create --help"
    )
    expect(explainUnknownFlag(every, "users list", "--stale-dy")).toBeUndefined()
  })

  it("is one slip from a flag with a letter left out, added, changed, or two swapped; not with two slips", () => {
    expect(oneSlipApart("--stale-dys", "--stale-days")).toBe(true)
    expect(oneSlipApart("--stale-dayss", "--stale-days")).toBe(true)
    expect(oneSlipApart("--staale-days", "--stale-days")).toBe(true)
    expect(oneSlipApart("--stale-dais", "--stale-days")).toBe(true)
    expect(oneSlipApart("--stlae-days", "--stale-days")).toBe(true)
    expect(oneSlipApart("--stale-day", "--stale-days")).toBe(true)
    expect(oneSlipApart("--stale-days", "--stale-days")).toBe(false)
    expect(oneSlipApart("--stale-dy", "--stale-days")).toBe(false)
    expect(oneSlipApart("--stlae-dyas", "--stale-days")).toBe(false)
    expect(oneSlipApart("--stale-dasy-", "--stale-days")).toBe(false)
  })

  it("is explained only in @effect/cli's words for an unknown flag, with or without its value", () => {
    const text = (flag: string) => `Received unknown argument: '${flag}'`
    expect(withUnknownFlagsExplained(argv("run", "--cron", "0"), every, text("--cron"))).toBe(
      "Received unknown argument: '--cron'. --cron is a flag of `schedule`, not of `run`: see panther-audit " +
        "schedule --help"
    )
    // Its value stays hidden, as hideUnknownValues left it.
    expect(withUnknownFlagsExplained(argv("run", "--cron=0 2 * * *"), every, text("--cron=..."))).toMatch(
      /^Received unknown argument: '--cron=\.\.\.'\. --cron is a flag of `schedule`/
    )
    expect(withUnknownFlagsExplained(argv("run", "--bogus"), every, text("--bogus"))).toBe(text("--bogus"))
    // The command is the longest of the leading words that names one: `users list`, not `users`.
    expect(
      withUnknownFlagsExplained(argv("users", "list", "--latency-ms", "5"), every, text("--latency-ms"))
    ).toContain("not of `users list`")
    // No command named: nothing to say which command it is not a flag of.
    expect(withUnknownFlagsExplained(argv("--cron"), every, text("--cron"))).toBe(text("--cron"))
  })

  it("given before any command, says which command takes it, or which command's flag was meant", () => {
    const noCommand =
      "Invalid subcommand for panther-audit - use one of 'run', 'demo', 'schedule', 'users', 'simulate', 'review', " +
      "'export', 'verify'"
    expect(withUnknownFlagsExplained(argv("--cron", "0 2 * * *"), every, noCommand)).toBe(
      `${noCommand}. --cron is a flag of \`schedule\`, and needs its command before it: see panther-audit schedule --help`
    )
    // Its value is not quoted, and a flag every command takes (given first) is not the one to explain.
    const withValue = withUnknownFlagsExplained(argv("--log-level", "debug", "--cron=0 2 * * *"), every, noCommand, [
      "--log-level"
    ])
    expect(withValue).toContain("--cron is a flag of `schedule`, and needs its command before it")
    expect(withValue).not.toContain("0 2")
    expect(withUnknownFlagsExplained(argv("--stale-dys", "30"), every, noCommand)).toBe(
      `${noCommand}. Did you mean --stale-days? It is a flag of \`run\`, \`demo\`, \`schedule\`, \`review\` or ` +
        "`export`, and needs its command before it"
    )
    // A flag every command takes, one slip off, is suggested as it is for a command.
    expect(withUnknownFlagsExplained(argv("--log-levl", "debug"), every, noCommand, ["--log-level"])).toBe(
      `${noCommand}. Did you mean --log-level? See panther-audit --help`
    )
    // Two flags one slip away, each with the commands that take it.
    expect(withUnknownFlagsExplained(argv("--mail-tc", "x"), every, noCommand)).toBe(
      `${noCommand}. Did you mean --mail-to (a flag of \`run\`, \`demo\` or \`schedule\`) or --mail-cc (a flag of ` +
        "`run`, `demo` or `schedule`)? Each needs its command before it"
    )
    // A flag every command takes given as --name=value has no value apart to step over.
    expect(
      withUnknownFlagsExplained(argv("--log-level=debug", "--cron", "0"), every, noCommand, ["--log-level"])
    ).toContain("--cron is a flag of `schedule`, and needs its command before it")
    // Nothing to say of a flag no command takes, nor of a mistyped command, nor of a flag after one: the command
    // is what is wrong there.
    expect(withUnknownFlagsExplained(argv("--bogus"), every, noCommand)).toBe(noCommand)
    expect(withUnknownFlagsExplained(argv("rn"), every, noCommand)).toBe(noCommand)
    expect(withUnknownFlagsExplained(argv("rn", "--cron", "0"), every, noCommand)).toBe(noCommand)
  })

  it("loads the other commands only for a message that calls a flag unknown", async () => {
    let loads = 0
    const load = async () => {
      loads++
      return every as ReadonlyMap<string, CommandFlags>
    }
    const said: Array<string> = []
    const printed = (text: string) =>
      Effect.runPromise(
        Console.consoleWith((console) =>
          Console.error(text).pipe(
            withUsageErrorsExplained(argv("run", "--cron", "0"), () => every.get("run") ?? new Map(), load),
            Effect.withConsole({ ...console, error: (line: unknown) => Effect.sync(() => said.push(String(line))) })
          )
        )
      )
    await Effect.runPromise(Effect.void.pipe(withUsageErrorsExplained(argv("run"), () => new Map(), load)))
    await printed("Expected to find option: '--email'")
    expect(loads).toBe(0)
    await printed("Received unknown argument: '--cron'")
    expect(loads).toBe(1)
    expect(said).toEqual([
      "Expected to find option: '--email'",
      "Received unknown argument: '--cron'. --cron is a flag of `schedule`, not of `run`: see panther-audit " +
        "schedule --help"
    ])
  })

  it("is said so by the built command, exit 2, in either log format", async () => {
    for (const logFormat of ["pretty", "json"]) {
      for (const [args, message] of [
        [["run", "--cron", "0 2 * * *"], "--cron is a flag of `schedule`, not of `run`"],
        [["simulate", "--stale-days", "30"], "--stale-days is a flag of `run`, `demo`, `schedule`"],
        [["run", "--stale-dys", "30"], "Received unknown argument: '--stale-dys'. Did you mean --stale-days?"],
        [["users", "list", "--stale-dys", "30"], "Did you mean --stale-days? It is a flag of `run`, `demo`"],
        [["--cron", "0 2 * * *"], "--cron is a flag of `schedule`, and needs its command before it"]
      ] as const) {
        const result = await runCli([...args, "--log-format", logFormat])
        expect(result.code, args.join(" ")).toBe(2)
        expect(stderrText(result.stderr), args.join(" ")).toContain(message)
      }
    }
  })
})
