/**
 * A flag @effect/cli calls unknown is most often one the reader meant: another command's (`run --cron "0 2 * * *"`,
 * where `--cron` is schedule's) or one of the command's own mistyped (`run --stale-dys 30`). @effect/cli suggests a
 * flag only for a required one; and only the invoked command is loaded to parse the line (Main.ts), so the parse
 * cannot know the other commands' flags. Once the parse has failed, the whole command tree is loaded, and its help
 * says which commands take the flag: read from the commands' own definitions, as the usage lines show them, so no
 * list is kept by hand to drift from them.
 */
import { slipsBetween } from "./TypingSlips.js"
import type { CommandFlags } from "./UsageHints.js"

/** @effect/cli's words for a flag it does not know, its value hidden if it had one (`UsageHints.hideUnknownValues`). */
const UNKNOWN_FLAG = /Received unknown argument: '(--[A-Za-z0-9-]+)(?:=[^']*)?'/g

/**
 * @effect/cli's words for a line whose first word is no command's name: a flag given before any command
 * (`panther-audit --cron '0 2 * * *'`) is one of them.
 */
const NO_COMMAND = /Invalid subcommand for panther-audit - use one of [^\n]*/

/**
 * Whether `text` calls a flag unknown, or may be of a flag given before any command: only then is the whole tree
 * loaded to explain it.
 */
export const mayExplainFlag = (text: string): boolean =>
  new RegExp(UNKNOWN_FLAG.source).test(text) || NO_COMMAND.test(text)

/**
 * Whether one slip turns `typed` into `flag`: a letter left out, one too many, one wrong, or two neighbours swapped.
 */
export const oneSlipApart = (typed: string, flag: string): boolean => slipsBetween(typed, flag, 1) === 1

const listed = (names: ReadonlyArray<string>): string =>
  names.length === 1 ? `${names[0]}` : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`

/** The paths of the commands that take `flag`, in the order help lists them. */
const takersOf = (commands: ReadonlyMap<string, CommandFlags>, flag: string): ReadonlyArray<string> =>
  [...commands].filter(([, flags]) => flags.has(flag)).map(([path]) => path)

const quoted = (paths: ReadonlyArray<string>): string => listed(paths.map((path) => `\`${path}\``))

/** Where the reader should look next: the one command's help, or nowhere when several take the flag. */
const helpOfOnly = (takers: ReadonlyArray<string>): string =>
  takers.length === 1 ? `: see panther-audit ${takers[0]} --help` : ""

/**
 * Why a flag of other commands is no good where it was given: not the invoked command's, or (no command given,
 * `panther-audit --cron ...`) before any command.
 */
const misplaced = (invoked: string | undefined): string =>
  invoked === undefined ? "and needs its command before it" : `not of \`${invoked}\``

/**
 * What to say of `flag`, unknown to the command `invoked` (its path, `users list`; undefined when the line names no
 * command), given every command's flags by path; undefined when no command takes it and no flag of the command's
 * own (nor of `alsoTaken`, the flags every command takes), nor then of another command, is one slip from it.
 */
export const explainUnknownFlag = (
  commands: ReadonlyMap<string, CommandFlags>,
  invoked: string | undefined,
  flag: string,
  alsoTaken: ReadonlyArray<string> = []
): string | undefined => {
  // Called unknown for another reason (given where @effect/cli reads no flag): what takes it is not the news.
  if (invoked !== undefined && commands.get(invoked)?.has(flag) === true) return undefined
  const takers = takersOf(commands, flag)
  if (takers.length > 0) return `${flag} is a flag of ${quoted(takers)}, ${misplaced(invoked)}${helpOfOnly(takers)}`
  // A short one (`-y`) too: `--y` is a dash from it.
  const own = [...(invoked === undefined ? [] : (commands.get(invoked)?.keys() ?? [])), ...alsoTaken]
  const near = own.filter((name) => oneSlipApart(flag, name))
  if (near.length > 0) {
    return `Did you mean ${listed(near)}? See panther-audit${invoked === undefined ? "" : ` ${invoked}`} --help`
  }
  // Only then another command's (`users list --stale-dys`), which the reader may not know is not this one's.
  const others = [...new Set([...commands.values()].flatMap((flags) => [...flags.keys()]))].filter((name) =>
    oneSlipApart(flag, name)
  )
  const [only] = others
  if (only === undefined) return undefined
  if (others.length === 1) {
    const onlyTakers = takersOf(commands, only)
    return `Did you mean ${only}? It is a flag of ${quoted(onlyTakers)}, ${misplaced(invoked)}${helpOfOnly(onlyTakers)}`
  }
  const each = others.map((name) => `${name} (a flag of ${quoted(takersOf(commands, name))})`)
  const none = others.length === 2 ? "Neither" : "None"
  return invoked === undefined
    ? `Did you mean ${listed(each)}? Each needs its command before it`
    : `Did you mean ${listed(each)}? ${none} is a flag of \`${invoked}\``
}

/** The path of the command `argv` invokes: the longest of its leading words that names one (`users get abc`). */
export const invokedPath = (
  commands: ReadonlyMap<string, unknown>,
  argv: ReadonlyArray<string>
): string | undefined => {
  const words = argv.slice(2)
  const firstFlag = words.findIndex((word) => word.startsWith("-"))
  const commandWords = firstFlag === -1 ? words : words.slice(0, firstFlag)
  for (let length = commandWords.length; length > 0; length--) {
    const path = commandWords.slice(0, length).join(" ")
    if (commands.has(path)) return path
  }
  return undefined
}

/**
 * What to say of the first flag of a line that names no command, where one command's flag was given first: past
 * the flags every command takes (`--log-level debug`), up to the first other word, which is then the command
 * mistyped (`rn`), or a value this cannot tell from one. Its name alone: a value may be a secret.
 */
const explainFlagBeforeCommand = (
  argv: ReadonlyArray<string>,
  commands: ReadonlyMap<string, CommandFlags>,
  alsoTaken: ReadonlyArray<string>
): string | undefined => {
  const words = argv.slice(2)
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? ""
    if (!word.startsWith("-")) return undefined
    const [name = ""] = word.split("=")
    if (alsoTaken.includes(name)) {
      // Its value given apart is no command.
      if (!word.includes("=")) index++
      continue
    }
    const explained = explainUnknownFlag(commands, undefined, name, alsoTaken)
    if (explained !== undefined) return explained
  }
  return undefined
}

/**
 * `text` with each flag it calls unknown explained as above, where there is something to say, after @effect/cli's
 * words, which show the flag as given (its value hidden).
 */
export const withUnknownFlagsExplained = (
  argv: ReadonlyArray<string>,
  commands: ReadonlyMap<string, CommandFlags>,
  text: string,
  alsoTaken: ReadonlyArray<string> = []
): string => {
  const invoked = invokedPath(commands, argv)
  if (invoked === undefined) {
    const explained = explainFlagBeforeCommand(argv, commands, alsoTaken)
    return explained === undefined ? text : text.replace(NO_COMMAND, (whole) => `${whole}. ${explained}`)
  }
  return text.replace(UNKNOWN_FLAG, (whole, flag: string) => {
    const explained = explainUnknownFlag(commands, invoked, flag, alsoTaken)
    return explained === undefined ? whole : `${whole}. ${explained}`
  })
}
