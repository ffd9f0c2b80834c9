/**
 * `--completions bash` (and `sh`, which @effect/cli answers alike), which every command's help offers. The script
 * @effect/cli writes completed the commands' names and nothing after them: it tracks the command typed so far under
 * names with `__` for `-`, but starts from `panther-audit`, which none of its cases then match, and names a nested
 * command (`users list`) by a case its own tracking never reaches. A choice's values (`--email`) were offered as one
 * word, `always,on-findings,...`, and the values of the flags every command takes (`--log-level`) not at all: the
 * flags were offered in their place; a flag of text with a fixed set of values (`--fail-on`) completed a file name,
 * and `verify`'s folder the flags. The script is mended here, line by line; the commands and flags it lists are
 * @effect/cli's, with `--log-format` (Completions.ts).
 */
import { BUILT_IN_VALUES, FOLDER_ARGUMENT_COMMANDS, LOG_FORMAT_FLAG, TEXT_FLAG_VALUES } from "./Completions.js"

/** A name as the script's tracking spells it: `panther-audit` is `panther__audit`. */
const tracked = (name: string): string => name.replaceAll("-", "__")

/** A command's case, `        panther__audit__verify)`, whose lines complete what follows that command. */
const COMMAND_CASE = /^ {8}([A-Za-z0-9_-]+)\)$/u

/** What a command's case completes last, where no flag's value is being typed: the command's flags. */
const FLAGS_LAST = `            COMPREPLY=( $(compgen -W "\${opts}" -- "\${cur}") )`

/**
 * A line of the case of a command whose argument is a folder, mended: its flags only after a dash, a folder
 * otherwise; undefined for any other line.
 */
const folderArgument = (line: string): string | undefined => {
  if (line === `            if [[ \${cur} == -* || \${COMP_CWORD} -eq 2 ]] ; then`) {
    return `            if [[ \${cur} == -* ]] ; then`
  }
  return line === FLAGS_LAST ? `            COMPREPLY=( $(compgen -d -- "\${cur}") )` : undefined
}

/**
 * The script @effect/cli wrote for `programName`, mended: the tracking starts from the name its cases use, a
 * nested command's case follows from its parent's (`panther__audit__users,list`, not `panther__audit,users,list`),
 * a choice's values are words of their own, the flags every command takes complete their values, a flag of text
 * with a fixed set its values, and a command whose argument is a folder (`verify`) a folder.
 */
export const mendBashCompletions = (lines: ReadonlyArray<string>, programName: string): string => {
  const folderCases = new Set(
    FOLDER_ARGUMENT_COMMANDS.map((command) => [programName, ...command.split(" ")].map(tracked).join("__"))
  )
  let inFolderCase = false
  return lines
    .flatMap((line, index) => {
      const command = COMMAND_CASE.exec(line)
      if (command !== null) inFolderCase = folderCases.has(command[1] ?? "")
      const folder = inFolderCase ? folderArgument(line) : undefined
      if (folder !== undefined) return [folder]
      const valuesOf = TEXT_FLAG_VALUES.get(/^ +(--[a-z0-9-]+)\)$/u.exec(lines[index - 1] ?? "")?.[1] ?? "")
      if (valuesOf !== undefined && line.trim() === `COMPREPLY=( $(compgen -f "\${cur}") )`) {
        return [line.replace(`compgen -f "\${cur}"`, `compgen -W "${valuesOf.join(" ")}" -- "\${cur}"`)]
      }
      if (line === `                cmd="${programName}"`) return [`                cmd="${tracked(programName)}"`]
      if (line === `        ${programName})`) return [`        ${tracked(programName)})`]
      // A case of the loop that follows the words typed: the command so far, then the next word.
      const step = /^( +)([A-Za-z0-9_]+(?:,[A-Za-z0-9_]+){2,})\)$/u.exec(line)
      if (step !== null) {
        const words = (step[2] ?? "").split(",")
        return [`${step[1]}${words.slice(0, -1).join("__")},${words.at(-1)})`]
      }
      // A command's cases by the word before the one typed, `--email`: those of the flags every command takes first.
      const byFlag = /^( +)case "\$\{prev\}" in$/u.exec(line)
      if (byFlag !== null) {
        const indent = `${byFlag[1]}    `
        return [
          line,
          ...[...BUILT_IN_VALUES].flatMap(([flag, values]) => [
            `${indent}${flag})`,
            `${indent}    COMPREPLY=( $(compgen -W "${values.join(" ")}" -- "\${cur}") )`,
            `${indent}    return 0`,
            `${indent}    ;;`
          ])
        ]
      }
      return [
        line
          .replace(/^( +opts=".* --log-level)( .*")$/u, `$1 ${LOG_FORMAT_FLAG.name}$2`)
          .replace(/compgen -W "([^"$]*)"/gu, (_, words: string) => `compgen -W "${words.replaceAll(",", " ")}"`)
      ]
    })
    .join("\n")
}
