/**
 * `--completions bash` (and `sh`, which @effect/cli answers alike), which every command's help offers. The script
 * @effect/cli writes completed the commands' names and nothing after them: it tracks the command typed so far under
 * names with `__` for `-`, but starts from `panther-audit`, which none of its cases then match, and names a nested
 * command (`users list`) by a case its own tracking never reaches. A choice's values (`--email`) were offered as one
 * word, `always,on-findings,...`, and the values of the flags every command takes (`--log-level`) not at all: the
 * flags were offered in their place. The script is mended here, line by line; the commands and flags it lists are
 * @effect/cli's, with `--log-format` (Completions.ts).
 */
import { BUILT_IN_VALUES, LOG_FORMAT_FLAG } from "./Completions.js"

/** A name as the script's tracking spells it: `panther-audit` is `panther__audit`. */
const tracked = (name: string): string => name.replaceAll("-", "__")

/**
 * The script @effect/cli wrote for `programName`, mended: the tracking starts from the name its cases use, a
 * nested command's case follows from its parent's (`panther__audit__users,list`, not `panther__audit,users,list`),
 * a choice's values are words of their own, and the flags every command takes complete their values.
 */
export const mendBashCompletions = (lines: ReadonlyArray<string>, programName: string): string =>
  lines
    .flatMap((line) => {
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
