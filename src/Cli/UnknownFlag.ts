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

/** Whether `text` calls a flag unknown: only then is the whole tree loaded to explain it. */
export const namesUnknownFlag = (text: string): boolean => new RegExp(UNKNOWN_FLAG.source).test(text)

/**
 * Whether one slip turns `typed` into `flag`: a letter left out, one too many, one wrong, or two neighbours swapped.
 */
export const oneSlipApart = (typed: string, flag: string): boolean => slipsBetween(typed, flag, 1) === 1

const listed = (names: ReadonlyArray<string>): string =>
  names.length === 1 ? `${names[0]}` : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`

/**
 * What to say of `flag`, unknown to the command `invoked` (its path, `users list`), given every command's flags by
 * path; undefined when no command takes it and none of the command's own flags (nor `alsoTaken`, the flags every
 * command takes) is one slip from it.
 */
export const explainUnknownFlag = (
  commands: ReadonlyMap<string, CommandFlags>,
  invoked: string,
  flag: string,
  alsoTaken: ReadonlyArray<string> = []
): string | undefined => {
  // Called unknown for another reason (given where @effect/cli reads no flag): what takes it is not the news.
  if (commands.get(invoked)?.has(flag) === true) return undefined
  const takers = [...commands].filter(([, flags]) => flags.has(flag)).map(([path]) => path)
  if (takers.length > 0) {
    const quoted = takers.map((path) => `\`${path}\``)
    const where = takers.length === 1 ? `: see panther-audit ${takers[0]} --help` : ""
    return `${flag} is a flag of ${listed(quoted)}, not of \`${invoked}\`${where}`
  }
  // A short one (`-y`) too: `--y` is a dash from it.
  const own = [...(commands.get(invoked)?.keys() ?? []), ...alsoTaken]
  const near = own.filter((name) => oneSlipApart(flag, name))
  return near.length === 0 ? undefined : `Did you mean ${listed(near)}? See panther-audit ${invoked} --help`
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
  if (invoked === undefined) return text
  return text.replace(UNKNOWN_FLAG, (whole, flag: string) => {
    const explained = explainUnknownFlag(commands, invoked, flag, alsoTaken)
    return explained === undefined ? whole : `${whole}. ${explained}`
  })
}
