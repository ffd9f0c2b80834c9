/**
 * A command's name mistyped (`rn`, `reveiw`, `users lst`) got a list of every command, or "not a command of
 * panther-audit users", where a mistyped flag is told which one was meant (UnknownFlag.ts). The command one slip
 * from the word typed, or the users command a bare `list` names, is suggested the same way. The word typed first is
 * not quoted back: it may be a secret pasted in the wrong place.
 */
import { slipsBetween } from "./TypingSlips.js"

/** @effect/cli's words for a first word that names no command, with every command loaded (Main.ts). */
const NO_COMMAND = /Invalid subcommand for panther-audit - use one of [^\n]*/

/** UsageHints.ts's words for `users lst`: the word after a command that groups others. */
const NOT_A_COMMAND_OF = /("[^"\n]*" is not a command of panther-audit ([a-z-]+)): see (panther-audit [a-z-]+ --help)/

/** Whether `text` may be of a mistyped command: only then is the whole tree loaded to suggest one. */
export const mayBeMistypedCommand = (text: string): boolean =>
  NO_COMMAND.test(text) || /Invalid subcommand for panther-audit - use '[a-z-]+'/.test(text)

/**
 * The first word of `argv` (node, script, arguments), unless it is a flag: that is UnknownFlag.ts's to explain. The
 * flags every command takes before it (`--log-level info rn`) are out of `argv` by now (Logging.ts).
 */
const firstWord = (argv: ReadonlyArray<string>): string | undefined => {
  const [word] = argv.slice(2)
  return word?.startsWith("-") === false ? word : undefined
}

/** The commands (paths) below `parent` (`""` for the top) one slip from `typed`, case aside. */
const near = (paths: ReadonlyArray<string>, parent: string, typed: string): ReadonlyArray<string> =>
  paths.filter((path) => {
    const words = path.split(" ")
    const name = words.at(-1) ?? ""
    return words.slice(0, -1).join(" ") === parent && slipsBetween(typed.toLowerCase(), name, 1) !== undefined
  })

const listed = (paths: ReadonlyArray<string>): string => {
  const quoted = paths.map((path) => `\`${path}\``)
  return quoted.length === 1 ? `${quoted[0]}` : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`
}

/**
 * `text` with the command meant suggested, given every command's path (`run`, `users list`); as it was when no
 * command is near.
 */
export const withCommandSuggested = (
  argv: ReadonlyArray<string>,
  paths: ReadonlyArray<string>,
  text: string
): string => {
  const nested = NOT_A_COMMAND_OF.exec(text)
  if (nested !== null) {
    const [whole, said = "", parent = "", help = ""] = nested
    const typed = argv[argv.indexOf(parent) + 1] ?? ""
    const meant = near(paths, parent, typed)
    return meant.length === 0 ? text : text.replace(whole, `${said}. Did you mean ${listed(meant)}? See ${help}`)
  }
  if (!NO_COMMAND.test(text)) return text
  const typed = firstWord(argv)
  if (typed === undefined) return text
  // A command of users given alone (`list`) means it as much as a slip does.
  const meant = [...near(paths, "", typed), ...paths.filter((path) => path.endsWith(` ${typed}`))]
  return meant.length === 0 ? text : text.replace(NO_COMMAND, (whole) => `${whole}. Did you mean ${listed(meant)}?`)
}
