/**
 * The README's tables of flags and variables against each command's `--help`, which the code writes from the options
 * it reads: a row whose variable the help does not name, a default the help does not give, a flag given to commands
 * the row does not say, or a variable the help names that no row lists, is one of the two gone stale.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { COMMAND_PATHS } from "../support/helpFlags.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const README = readFileSync(join(ROOT, "README.md"), "utf8")

/** One row of a README table that gives a flag with its variable. */
interface Row {
  readonly line: string
  readonly flag: string
  readonly variables: ReadonlyArray<string>
  readonly defaultCell: string
  readonly meaning: string
}

const cells = (line: string): ReadonlyArray<string> =>
  line
    .split("|")
    .slice(1, -1)
    .map((cell) => cell.trim())

const backticked = (cell: string): ReadonlyArray<string> =>
  [...cell.matchAll(/`([^`]+)`/gu)].map(([, text = ""]) => text)

/** The rows of every table whose header has a Flag column beside a Variable or Environment one. */
const readmeRows = (readme: string): ReadonlyArray<Row> => {
  const rows: Array<Row> = []
  let header: ReadonlyArray<string> | undefined
  for (const line of readme.split("\n")) {
    if (!line.startsWith("|")) {
      header = undefined
      continue
    }
    if (header === undefined) {
      header = cells(line)
      continue
    }
    if (/^\|[\s|-]+\|$/u.test(line)) continue
    const column = (name: string) => header?.indexOf(name) ?? -1
    const flagAt = column("Flag")
    const variableAt = Math.max(column("Variable"), column("Environment"))
    if (flagAt === -1 || variableAt === -1) continue
    const row = cells(line)
    rows.push({
      line,
      flag: backticked(row[flagAt] ?? "")[0] ?? "",
      variables: backticked(row[variableAt] ?? ""),
      defaultCell: row[column("Default")] ?? "",
      meaning: row[column("Meaning")] ?? ""
    })
  }
  return rows
}

/** What a command's help says of one flag: the paragraph under it in OPTIONS, or the logging paragraph's part. */
type FlagHelp = ReadonlyMap<string, string>

/** The flags of one command's help, each with what the help says of it. */
const flagsOfHelp = (help: string): FlagHelp => {
  const flags = new Map<string, string>()
  const options = help.slice(help.indexOf("\nOPTIONS\n"))
  let current: string | undefined
  for (const line of options.split("\n")) {
    const flag = /^(?:\(-[a-z], )?(--[a-z][a-z0-9-]*)/u.exec(line)
    if (flag?.[1] !== undefined) {
      current = flag[1]
      flags.set(current, "")
    } else if (current !== undefined && line.startsWith("  ")) {
      flags.set(current, `${flags.get(current)} ${line.trim()}`.trim())
    }
  }
  // Every command's DESCRIPTION says how the two logging flags are set: `--log-format json|pretty (env LOG_FORMAT;
  // default json, ...)`.
  for (const [, flag = "", said = ""] of help.matchAll(/(--log-(?:format|level)) \S+ (\(env [A-Z_]+; default \w+)/gu)) {
    flags.set(flag, said)
  }
  return flags
}

/** The variables a flag's help names: `(env PANTHER_API_URL)`, `Env: MAIL_POLICY or AUDIT_EMAIL.` */
const variablesNamed = (said: string): ReadonlyArray<string> =>
  [...said.matchAll(/\b(?:env|Env:) ([A-Z][A-Z0-9_]+)(?: or ([A-Z][A-Z0-9_]+))?/gu)].flatMap(([, first, second]) =>
    [first, second].filter((name) => name !== undefined)
  )

/** README default cells that name no value the help could give. */
const NO_VALUE = new Set(["", "(required)", "test key", "(write an .eml file)", "now"])

/** The value a README default cell gives first: its first backticked text, or its first word. */
const defaultValue = (cell: string): string | undefined => {
  if (NO_VALUE.has(cell)) return undefined
  return cell.startsWith("`") ? backticked(cell)[0] : /^[^\s,;]+/u.exec(cell)?.[0]
}

/**
 * The commands a row's meaning says take the flag: those it starts with (`` `run`, `schedule`: ...``), or all of them
 * (`Any command.`); undefined when it says neither (`` `json`: one JSON object per line`` names a value).
 */
const commandsOfMeaning = (meaning: string): ReadonlyArray<string> | undefined => {
  if (meaning.includes("Any command.")) return COMMAND_PATHS
  const [, named] = /^((?:`[a-z ]+`(?:, )?)+):/u.exec(meaning) ?? []
  const commands = named === undefined ? [] : backticked(named)
  return commands.length > 0 && commands.every((command) => COMMAND_PATHS.some((known) => known === command))
    ? commands
    : undefined
}

/** `value` as a word of its own: `0` is not found in `10`, nor `1` in `127.0.0.1`. */
const asWord = (value: string): RegExp =>
  new RegExp(`(?<![\\w@.-])${value.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")}(?![\\w@-])`, "u")

let helpOf: ReadonlyMap<string, FlagHelp> = new Map()

beforeAll(async () => {
  const helps = new Map<string, FlagHelp>()
  for (const command of COMMAND_PATHS) {
    const result = await runCli([...command.split(" "), "--help"])
    expect(result.code, `${command} --help: ${result.stderr}`).toBe(0)
    helps.set(command, flagsOfHelp(result.stdout))
  }
  helpOf = helps
}, 120_000)

/** The commands whose help lists `flag`, each with what it says of it. */
const takers = (flag: string): ReadonlyArray<readonly [string, string]> =>
  [...helpOf].flatMap(([command, flags]) => {
    const said = flags.get(flag)
    return said === undefined ? [] : [[command, said] as const]
  })

describe("the README's tables of flags and variables", () => {
  const rows = readmeRows(README)

  it("are found, each row with its flag and variable", () => {
    expect(rows.length).toBeGreaterThan(40)
    for (const row of rows) {
      expect(row.flag, row.line).toMatch(/^--[a-z]/u)
      expect(row.variables.length, row.line).toBeGreaterThan(0)
    }
  })

  it("give flags some command takes, with the variables its help names", () => {
    for (const row of rows) {
      const taking = takers(row.flag)
      expect(taking.length, `${row.flag}: no command's help lists it`).toBeGreaterThan(0)
      // `users list --email` (a filter) shares its name with run's --email and reads no variable: not this row's.
      const reading = taking.filter(([, said]) => variablesNamed(said).length > 0)
      expect(reading.length, `${row.flag}: no command's help names a variable for it`).toBeGreaterThan(0)
      for (const [command, said] of reading) {
        expect([...variablesNamed(said)].sort(), `${command} ${row.flag}`).toEqual([...row.variables].sort())
      }
    }
  })

  it("give the defaults the help gives", () => {
    for (const row of rows) {
      const value = defaultValue(row.defaultCell)
      if (value === undefined) continue
      for (const [command, said] of takers(row.flag)) {
        if (variablesNamed(said).length === 0) continue
        if (value === "off") {
          // A switch, or a setting that is off unless given.
          expect(said, `${command} ${row.flag}`).toMatch(/^(?!.*\bDefault\b)|Off by default/u)
          continue
        }
        const stated = /\bdefaults?\b:?(?: to)?(.*)$/iu.exec(said)?.[1]
        expect(stated, `${command} ${row.flag}: its help gives no default; the README gives ${value}`).toBeDefined()
        expect(stated, `${command} ${row.flag}`).toMatch(asWord(value))
      }
    }
  })

  it("say which commands take a flag where they name them", () => {
    for (const row of rows) {
      const named = commandsOfMeaning(row.meaning)
      if (named === undefined) continue
      const taking = takers(row.flag)
        .filter(([, said]) => variablesNamed(said).length > 0)
        .map(([command]) => command)
      expect([...taking].sort(), row.flag).toEqual([...named].sort())
    }
  })

  it("list every variable a command's help names", () => {
    const listed = new Set(rows.flatMap((row) => row.variables.map((variable) => `${row.flag} ${variable}`)))
    for (const [command, flags] of helpOf) {
      for (const [flag, said] of flags) {
        for (const variable of variablesNamed(said)) {
          expect(listed.has(`${flag} ${variable}`), `${command} ${flag} (env ${variable}) is in no README table`).toBe(
            true
          )
        }
      }
    }
  })
})
