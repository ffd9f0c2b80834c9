/**
 * `--help` is where a user looks first: each option says its default and its variable, and the logging flags,
 * which main.ts takes out of the arguments before the parser, are named in every command's help. No option's help
 * opens with @effect/cli's line about its kind of value, which said nothing and, for a number, something untrue.
 */
import { describe, expect, it } from "vitest"
import { BIN, runCli } from "../support/cli.js"
import { hasScript, onTerminal } from "../support/terminal.js"

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character itself.
const ESCAPE = /\u001b/u

describe("--help", () => {
  it("written to a pipe or a file holds no terminal escape sequences, for any command", async () => {
    for (const command of [[], ["run"], ["users", "list"]]) {
      const result = await runCli([...command, "--help"])
      expect(result.code, command.join(" ")).toBe(0)
      expect(result.stdout, command.join(" ")).toContain("OPTIONS")
      expect(result.stdout, command.join(" ")).not.toMatch(ESCAPE)
    }
  })

  it.skipIf(!hasScript)("on a terminal keeps its bold headings, unless NO_COLOR or TERM=dumb says not to", async () => {
    const help = `"${process.execPath}" "${BIN}" run --help`
    const styled = await onTerminal(help, {})
    expect(styled).toContain("OPTIONS")
    expect(styled).toMatch(ESCAPE)
    for (const env of [{ NO_COLOR: "1" }, { TERM: "dumb" }]) {
      const shown = await onTerminal(help, env)
      expect(shown, JSON.stringify(env)).toContain("OPTIONS")
      expect(shown, JSON.stringify(env)).not.toMatch(ESCAPE)
    }
    // NO_COLOR set to nothing is as good as unset (no-color.org).
    expect(await onTerminal(help, { NO_COLOR: "" })).toMatch(ESCAPE)
  })

  it("of the program lists each command with what it does, and not with its flags", async () => {
    const result = await runCli(["--help"])
    expect(result.code).toBe(0)
    const commands = result.stdout.slice(result.stdout.indexOf("COMMANDS"))
    for (const entry of [
      /\n {2}- run +Audit every Panther user once and write the CSV and JSON reports\.\n/,
      /\n {2}- users list +List users: ndjson, csv or a table on stdout\.\n/,
      /\n {2}- users delete +Delete a user; needs a token with Manage Users\.\n/,
      /\n {2}- review +Quarterly access review: a sheet to record each user's decision in, and a page that prints/,
      /\n {2}- export +Compliance export: every user, the findings and a review page in one folder/,
      /\n {2}- verify +Check a compliance export against its manifest\.json\.\n/
    ]) {
      expect(commands).toMatch(entry)
    }
    const entries = commands.split("\n").filter((line) => line.startsWith("  - "))
    expect(entries).toHaveLength(13)
    for (const entry of entries) expect(entry).not.toMatch(/--|\[|\s$/)
    expect(commands).toContain("`panther-audit <command> --help` lists a command's options.")
  })

  it("of users lists its commands by their own names, each with what it does", async () => {
    const commands = (await runCli(["users", "--help"])).stdout.split("COMMANDS")[1] ?? ""
    expect(commands).toMatch(/\n {2}- get +Show one user as JSON\.\n/)
    expect(commands).toMatch(
      /\n {2}- update +Change a user's email, names or role; needs a token with Manage Users\.\n/
    )
    expect(commands).toContain("`panther-audit users <command> --help` lists a command's options.")
  })

  it("asked before a command's word (`users --help list`) is users' own, worded as users' help is", async () => {
    // The help shown is of the words before --help; the words after it name no command it is shown for.
    const help = (await runCli(["users", "--help", "list"])).stdout
    expect(help).toContain("\n$ panther-audit users\n")
    expect(help.split("COMMANDS")[1] ?? "").toMatch(/\n {2}- get +Show one user as JSON\.\n/)
    expect(help).toContain("`panther-audit users <command> --help` lists a command's options.")
  })

  it("of a command starts its usage line with the words that run it", async () => {
    for (const command of [["run"], ["users", "list"], ["users", "get"], ["simulate"]]) {
      const help = (await runCli([...command, "--help"])).stdout
      const usage = help.split("\n").find((line) => line.startsWith("$ "))
      expect(usage, command.join(" ")).toMatch(new RegExp(`^\\$ panther-audit ${command.join(" ")}( |$)`))
    }
    expect((await runCli(["--help"])).stdout).toContain("\n$ panther-audit\n")
  })

  it("of run gives each option's default and variable, and the logging flags with theirs", async () => {
    const result = await runCli(["run", "--help"])
    expect(result.code).toBe(0)
    const help = result.stdout
    for (const text of [
      "Default: 30 (env PANTHER_TIMEOUT_SECONDS)",
      "Default: 4 (env PANTHER_MAX_RETRIES)",
      "Default: 120 (env PANTHER_RETRY_BUDGET_SECONDS)",
      "Default: 7. Env: AUDIT_PENDING_DAYS",
      "Default: ./reports. Env: AUDIT_REPORT_DIR",
      "Default: none. Env: AUDIT_FAIL_ON",
      "Default for an .eml file: panther-user-audit@localhost. Env: MAIL_FROM",
      "--log-format json|pretty (env LOG_FORMAT",
      "(env LOG_LEVEL; default info)"
    ]) {
      expect(help).toContain(text)
    }
  })

  it("of every other command names the logging flags too", async () => {
    for (const command of [
      ["demo"],
      ["schedule"],
      ["review"],
      ["export"],
      ["verify"],
      ["simulate"],
      ["users", "list"]
    ]) {
      const result = await runCli([...command, "--help"])
      expect(result.code, command.join(" ")).toBe(0)
      expect(result.stdout, command.join(" ")).toContain("--log-format json|pretty (env LOG_FORMAT")
    }
  })

  it("of demo says it makes a missing report folder, as it does, where run says the folder must exist", async () => {
    const demo = (await runCli(["demo", "--help"])).stdout
    const options = demo.slice(demo.indexOf("OPTIONS"))
    const reportDir = options.slice(options.indexOf("--report-dir text"), options.indexOf("--email "))
    expect(reportDir).toContain("Made when it does not exist")
    expect(reportDir).not.toContain("It must exist")
    expect((await runCli(["run", "--help"])).stdout).toContain("Where reports are written. It must exist")
    // A folder this user may write in but not list is refused (exit 2), by every command that writes reports.
    for (const command of ["run", "demo", "schedule", "review", "export"]) {
      expect((await runCli([command, "--help"])).stdout, command).toContain("be readable (listed) and writable")
    }
  })

  it("of demo says what it does with its email and how many users it serves, as it behaves", async () => {
    const demo = (await runCli(["demo", "--help"])).stdout
    const options = demo.slice(demo.indexOf("OPTIONS"))
    const flag = (name: string, next: string) => options.slice(options.indexOf(name), options.indexOf(next))
    expect(flag("--users integer", "--as-of")).toContain("Default: 300.")
    // Without MAIL_TO the demo writes its email to a file all the same: not "otherwise never", as run's says.
    const email = flag("--email ", "--smtp-url")
    expect(email).toContain("Default: on-findings.")
    expect(email).not.toContain("otherwise never")
    expect(flag("--smtp-url", "--smtp-user")).toContain("Used only with --mail-to / MAIL_TO")
    expect(flag("--mail-to", "--mail-cc")).toContain("written as an .eml file to security-team@example.com")
    const run = (await runCli(["run", "--help"])).stdout
    expect(run).toContain("Default: on-findings when MAIL_TO is set, otherwise never.")
    expect(run).toContain("Recipients, comma-separated. Setting it turns the email on.")
  })

  it("of export says --include-deactivated is always on there, since an export holds every user", async () => {
    const help = (await runCli(["export", "--help"])).stdout
    const options = help.slice(help.indexOf("OPTIONS"))
    const flag = options.slice(options.indexOf("--include-deactivated"), options.indexOf("--fail-on"))
    expect(flag).toContain("Always on for an export")
    expect(flag).not.toContain("Also fetch deactivated users")
  })

  it("of the commands that write no inventory says what --include-deactivated does without naming one", async () => {
    for (const command of ["run", "review", "demo", "schedule"]) {
      const help = (await runCli([command, "--help"])).stdout
      const options = help.slice(help.indexOf("OPTIONS"))
      const flag = options.slice(options.indexOf("--include-deactivated"), options.indexOf("--fail-on"))
      expect(flag, command).toContain("Also fetch deactivated users")
      expect(flag, command).not.toContain("inventory")
    }
  })

  it("of schedule says it refuses --as-of, as it does, where run's says it defaults to now", async () => {
    const help = (await runCli(["schedule", "--help"])).stdout
    const options = help.slice(help.indexOf("OPTIONS"))
    const flag = options.slice(options.indexOf("--as-of"), options.indexOf("--stale-days"))
    expect(flag).toContain("Refused by schedule (exit 2)")
    expect(flag).toContain("Env: AUDIT_AS_OF.")
    expect(flag).not.toContain("Defaults to now")
    expect((await runCli(["schedule", "--as-of", "2026-06-30T00:00:00Z"])).code).toBe(2)
    expect((await runCli(["run", "--help"])).stdout).toContain(
      "2026-06-30T00:00:00Z). Defaults to now. Env: AUDIT_AS_OF."
    )
  })

  it("of schedule names SIGHUP with the signals that stop it, and its exit code, as it stops and exits 129", async () => {
    const said = (await runCli(["schedule", "--help"])).stdout.replace(/\s+/g, " ")
    expect(said).toContain("Stops on SIGTERM, SIGINT or SIGHUP.")
    expect(said).toContain("143 stopped by SIGTERM, 130 by SIGINT, 129 by SIGHUP.")
  })

  it("of users list shows --id as optional in its usage line, as it is, and still repeatable", async () => {
    const list = (await runCli(["users", "list", "--help"])).stdout
    const usage = list.split("\n").find((line) => line.includes("list [--api-url text]")) ?? ""
    expect(usage).toContain(" [--id text...] ")
    expect(usage).not.toMatch(/[^[]--id text\.\.\./)
    expect(list).toContain("This option may be repeated zero or more times.")
  })

  it("of users list and delete say what --email and --yes do, as they behave", async () => {
    const list = (await runCli(["users", "list", "--help"])).stdout
    const options = list.slice(list.indexOf("OPTIONS"))
    const email = options.slice(options.indexOf("--email text"), options.indexOf("--status text"))
    expect(email).toContain("deactivated or not; not with --contains, --status or --id, which Panther would ignore")
    expect(email).toContain("every user holding it in another case")
    const remove = (await runCli(["users", "delete", "--help"])).stdout
    expect(remove).toContain("Delete without asking (needed when stdin or stderr is not a terminal).")
  })

  it("of users create says a role is needed, by --role or --role-id, as it refuses one without", async () => {
    const create = (await runCli(["users", "create", "--help"])).stdout
    const options = create.slice(create.indexOf("OPTIONS"))
    const role = options.slice(options.indexOf("--role text"), options.indexOf("--role-id text"))
    const roleId = options.slice(options.indexOf("--role-id text"), options.indexOf("--if-absent"))
    expect(role).toContain("A new user needs this or --role-id.")
    expect(roleId).toContain("A new user needs this or --role.")
    // update keeps the role when neither is given: its help says nothing of needing one.
    const update = (await runCli(["users", "update", "--help"])).stdout
    expect(update).not.toContain("A new user needs")
  })

  const EVERY_COMMAND = [
    [],
    ["run"],
    ["demo"],
    ["schedule"],
    ["users"],
    ["users", "list"],
    ["users", "get"],
    ["users", "create"],
    ["users", "update"],
    ["users", "delete"],
    ["simulate"],
    ["review"],
    ["export"],
    ["verify"]
  ]

  // One test a command: the program started a dozen times in one test outlasted its time on a busy machine.
  it.each(EVERY_COMMAND.map((command) => ({ command, name: ["panther-audit", ...command].join(" ") })))(
    "of $name opens no flag's or argument's help with a generic line on its kind of value",
    async ({ command }) => {
      const result = await runCli([...command, "--help"])
      expect(result.code).toBe(0)
      const help = result.stdout
      expect(help).toContain("OPTIONS")
      expect(help).not.toContain("A user-defined piece of text")
      expect(help).not.toContain("A true or false value.")
    }
  )

  it("of a flag gives the number hint where it takes a number, then its own description", async () => {
    const help = (await runCli(["run", "--help"])).stdout
    expect(help).toContain(
      "--timeout-seconds float\n\n  Takes a number in decimal notation.\n\n  Seconds to wait for one response"
    )
    expect(help).toContain("--max-retries integer\n\n  Takes a whole number in decimal notation.\n\n  Retries of one")
    expect(help).toContain("--api-token redacted\n\n  Panther API token; prefer --api-token-file")
    expect(help).toContain("--api-url text\n\n  Panther API base URL")
    expect(help).toContain("--include-deactivated\n\n  ")
    const users = (await runCli(["users", "get", "--help"])).stdout
    expect(users).toContain("<id>\n\n  The user's id")
  })
})
