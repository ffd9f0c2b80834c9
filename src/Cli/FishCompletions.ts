/**
 * `--completions fish`, which every command's help offers. The script @effect/cli writes completes the commands,
 * their flags and a choice's values, but forbids file names as the value of every flag that takes text
 * (`-r -f`), where fish would otherwise offer them: `run --suppressions <Tab>` and `--report-dir <Tab>` offered
 * nothing, as did `verify`'s folder. The script is mended here, line by line, a flag of text with a fixed set of
 * values (`--fail-on`) given its values rather than file names; the commands and flags it lists are @effect/cli's,
 * with `--log-format` (Completions.ts).
 */
import { FOLDER_ARGUMENT_COMMANDS, LOG_FORMAT_FLAG, TEXT_FLAG_VALUES } from "./Completions.js"
import type { CommandFlags } from "./UsageHints.js"

/** The command a line of the script completes for, from its condition: `["users", "list"]`, `[]` for none. */
const commandOf = (line: string): ReadonlyArray<string> =>
  [...line.matchAll(/(?<!not )__fish_seen_subcommand_from ([a-z][a-z0-9-]*)/gu)].map(([, name = ""]) => name)

/**
 * The script @effect/cli wrote, mended: a flag that takes text or a file name completes a file name, as fish does for
 * an argument it knows nothing of, or its values where it has a fixed set; one that takes a number or a secret still
 * completes nothing; a folder argument (`verify`'s) completes a folder; `--log-format` follows `--log-level`.
 * `flagsOf` gives a command's flags (`["users", "list"]`) and what each takes.
 */
export const mendFishCompletions = (
  lines: ReadonlyArray<string>,
  flagsOf: (command: ReadonlyArray<string>) => CommandFlags
): string =>
  lines
    .flatMap((line) => {
      // `--log-level` with its condition, the command it is a flag of.
      const levels = /^(complete -c \S+ -n "[^"]*") -l log-level /u.exec(line)
      if (levels !== null) {
        const values = LOG_FORMAT_FLAG.values.join(" ")
        return [
          line,
          `${levels[1]} -l ${LOG_FORMAT_FLAG.name.slice(2)} -r -f -a "${values}" -d '${LOG_FORMAT_FLAG.description}'`
        ]
      }
      // The argument of a command that takes a folder, declared by no -l: a folder, not nothing.
      const argument = / -r -f(?= |$)/u.exec(line)
      if (argument !== null && !/ -[ls] /u.test(line) && FOLDER_ARGUMENT_COMMANDS.includes(commandOf(line).join(" "))) {
        return [line.replace(argument[0], ` -r -f -a "(__fish_complete_directories)"`)]
      }
      const flag = / -l ([a-z0-9][a-z0-9-]*) -r -f(?= |$)/u.exec(line)
      if (flag === null || / -a "/u.test(line)) return [line]
      const values = TEXT_FLAG_VALUES.get(`--${flag[1]}`)
      if (values !== undefined) return [line.replace(flag[0], `${flag[0]} -a "${values.join(" ")}"`)]
      const kind = flagsOf(commandOf(line))
        .get(`--${flag[1]}`)
        ?.replace(/\.\.\.$/u, "")
      return [kind === "text" || kind === "file" ? line.replace(flag[0], ` -l ${flag[1]} -r -F`) : line]
    })
    .join("\n")
