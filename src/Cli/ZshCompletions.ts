/**
 * `--completions zsh`, which every command's help offers. The script @effect/cli writes defines the function that
 * lists a nested command's subcommands under one name (`_panther__audit__users_commands`, `__` for `-`) and calls
 * it by another (`_panther-audit__users_commands`), so `panther-audit users <Tab>` offered nothing. It also declares
 * a flag that takes text or a number (`--stale-days`) as one that takes nothing, so zsh took its value for a word of
 * its own, and offered nothing more after it (`run --stale-days 30 --em<Tab>`), and flags in place of the value.
 * A flag of text with a fixed set of values (`--fail-on`) completed a file name, and `verify`'s folder nothing.
 * The script is mended here, line by line; the commands and flags it lists are @effect/cli's, with `--log-format`
 * (Completions.ts).
 */
import { FOLDER_ARGUMENT_COMMANDS, LOG_FORMAT_FLAG, TEXT_FLAG_VALUES } from "./Completions.js"
import type { CommandFlags } from "./UsageHints.js"

/** `--log-format` as the script declares a flag, beside `--log-level`. */
const logFormat = (indent: string): string =>
  `${indent}'${LOG_FORMAT_FLAG.name}[${LOG_FORMAT_FLAG.description.replace(/[()[\]:]/gu, "\\$&")}]` +
  `:CHOICE:(${LOG_FORMAT_FLAG.values.join(" ")})' \\`

/** A command's case in the script, `(list)`, and how deep it is indented, which says whose subcommand it is. */
interface Case {
  readonly indent: number
  readonly name: string
}

/**
 * What zsh completes as the value of `flag`, which takes `kind` (`integer`, `text`, `file`, ... as the help shows
 * it): its values where it has a fixed set, nothing for a number or a secret (which belongs in a variable or a file,
 * not on the command line), a file name otherwise, as zsh does for an argument it knows nothing of.
 */
const valueSpec = (flag: string, kind: string): string => {
  const values = TEXT_FLAG_VALUES.get(flag)
  if (values !== undefined) return `:CHOICE:(${values.join(" ")})`
  const name = kind.replace(/\.\.\.$/u, "")
  if (name === "redacted") return ":secret: "
  return name === "integer" || name === "float" ? `:${name}: ` : `:${name}:_files`
}

/**
 * The script @effect/cli wrote, mended: a nested command's subcommands are asked of the function that lists them,
 * a flag that takes a value says so, a folder argument (`verify`'s) completes a folder, and `--log-format` follows
 * `--log-level`. `flagsOf` gives a command's flags (`["users", "list"]`) and what each takes.
 */
export const mendZshCompletions = (
  lines: ReadonlyArray<string>,
  flagsOf: (command: ReadonlyArray<string>) => CommandFlags
): string => {
  const cases: Array<Case> = []
  const flags = new Map<string, CommandFlags>()
  const flagsHere = (): CommandFlags => {
    const command = cases.map((each) => each.name)
    const key = command.join(" ")
    const known = flags.get(key) ?? flagsOf(command)
    flags.set(key, known)
    return known
  }
  const mendLine = (line: string, index: number): string => {
    const label = /^( *)\(([a-z][a-z0-9-]*)\)$/u.exec(line)
    // A command's case is followed by its flags; a state's (`(users)` of `case $state in`) is not.
    if (label !== null && lines[index + 1]?.trim().startsWith("_arguments ")) {
      const indent = label[1]?.length ?? 0
      while ((cases.at(-1)?.indent ?? -1) >= indent) cases.pop()
      cases.push({ indent, name: label[2] ?? "" })
      return line
    }
    const flag = /^( +)'((?:\([^)]*\))?\*?)(-{1,2}[A-Za-z0-9][A-Za-z0-9-]*)(\[.*\])' \\$/u.exec(line)
    if (flag !== null) {
      const [, indent = "", prefix = "", name = "", description = ""] = flag
      const kind = flagsHere().get(name)
      if (kind === undefined) return line
      const repeatable = kind.endsWith("...") && !prefix.includes("*") ? "*" : ""
      return `${indent}'${repeatable}${prefix}${name}${description}${valueSpec(name, kind)}' \\`
    }
    const call = /^( +)":: :_(.+__.+)_commands" \\$/u.exec(line)
    if (call === null) return line
    // `panther-audit__users`: each command's name with `__` for `-`, as the function's definition spells it.
    const name = (call[2] ?? "")
      .split("__")
      .map((command) => command.replaceAll("-", "__"))
      .join("__")
    return `${call[1]}":: :_${name}_commands" \\`
  }
  return lines
    .flatMap((line, index) => {
      const levels = /^( +)'--log-level\[/u.exec(line)
      if (levels !== null) return [line, logFormat(levels[1] ?? "")]
      const mended = mendLine(line, index)
      // The end of a command's `_arguments`: a folder argument is declared last, as @effect/cli declares none.
      const end = /^( +)&& ret=0$/u.exec(line)
      const command = cases.map((each) => each.name).join(" ")
      return end !== null && FOLDER_ARGUMENT_COMMANDS.includes(command)
        ? [`${end[1]}':folder:_files -/' \\`, mended]
        : [mended]
    })
    .join("\n")
}
