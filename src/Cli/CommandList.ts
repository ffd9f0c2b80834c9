/**
 * Two parts of @effect/cli's help that said nothing a reader could use, rewritten as the help is printed
 * (GenericHelp.ts).
 *
 * The COMMANDS section lists each command by its whole usage line, every flag in it, and adds what the command does
 * only when its description is a single paragraph. Every description here has more than one (the logging paragraph,
 * LoggingHelp.ts, at least), so `panther-audit --help` listed a wall of flags and not one word of what `review` or
 * `export` is for, while `panther-audit users` without a command sends its reader to that list "for what each does".
 * Each entry becomes the command's words and its summary, the first paragraph of its description.
 *
 * A command's own usage line names it alone (`$ list [--api-url text] ...`), which no shell runs as written: it
 * starts with the words that run it (`$ panther-audit users list [--api-url text] ...`).
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as CommandDescriptor from "@effect/cli/CommandDescriptor"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as HashMap from "effect/HashMap"
import * as HashSet from "effect/HashSet"
import { withoutStyle } from "./TerminalStyle.js"

export const PROGRAM_NAME = "panther-audit"

/** What the rewriting needs to know of the commands. */
export interface CommandHelp {
  /** The words after the program's name that name the command whose help is printed: `["users", "list"]`. */
  readonly path: ReadonlyArray<string>
  /** A command's summary, by the words that name it (`"users list"`); undefined for a command not known. */
  readonly summaryOf: (words: string) => string | undefined
}

type AnyCommand = { readonly descriptor: CommandDescriptor.Command<unknown> }

const nameOf = (descriptor: CommandDescriptor.Command<unknown>): string | undefined =>
  [...HashSet.values(CommandDescriptor.getNames(descriptor))][0]

/** The commands one level below `descriptor`, by name; none for a command that groups none. */
const childrenOf = (
  descriptor: CommandDescriptor.Command<unknown>
): ReadonlyMap<string, CommandDescriptor.Command<unknown>> => {
  const own = nameOf(descriptor)
  // A command that groups none is its own only entry.
  return new Map([...HashMap.entries(CommandDescriptor.getSubcommands(descriptor))].filter(([name]) => name !== own))
}

/** The first paragraph of a command's description, as plain text. */
const summaryOfDescriptor = (descriptor: CommandDescriptor.Command<unknown>): string | undefined => {
  const help = withoutStyle(HelpDoc.toAnsiText(CommandDescriptor.getHelp(descriptor, CliConfig.defaultConfig)))
  const description = /^DESCRIPTION\n\n(.+)$/m.exec(help)
  return description?.[1]?.trim()
}

/** The command `words` name, found from the commands the program has loaded. */
const findCommand = (
  commands: ReadonlyArray<AnyCommand>,
  words: ReadonlyArray<string>
): CommandDescriptor.Command<unknown> | undefined => {
  const [first, ...rest] = words
  let found = commands.map((command) => command.descriptor).find((descriptor) => nameOf(descriptor) === first)
  for (const word of rest) found = found === undefined ? undefined : childrenOf(found).get(word)
  return found
}

/** The rewriting's knowledge of `commands` (the program's, as loaded) for the command line `args` (no node, script). */
export const commandHelp = (commands: ReadonlyArray<AnyCommand>, args: ReadonlyArray<string>): CommandHelp => {
  const path: Array<string> = []
  for (const word of args) {
    if (findCommand(commands, [...path, word]) === undefined) break
    path.push(word)
  }
  return {
    path,
    // `users --help` lists its commands by their own names (`list`), the root's help by their whole words.
    summaryOf: (words) => {
      const command = findCommand(commands, [...path, ...words.split(" ")]) ?? findCommand(commands, words.split(" "))
      return command === undefined ? undefined : summaryOfDescriptor(command)
    }
  }
}

/** An entry of COMMANDS: `  - users list [--api-url text] ...` followed by the padding to the longest. */
const ENTRY = /^ {2}- (.+?)\s*$/

/** The words of an entry that name the command, up to its first flag or argument. */
const commandWords = (usage: string): string => {
  const words: Array<string> = []
  for (const word of usage.split(" ")) {
    if (word === "" || /^[-[<(]/.test(word)) break
    words.push(word)
  }
  return words.join(" ")
}

/** The COMMANDS section's entries as each command's words and summary, aligned. */
const withSummaries = (lines: Array<string>, help: CommandHelp): Array<string> => {
  const start = lines.findIndex((line) => withoutStyle(line) === "COMMANDS")
  if (start === -1) return lines
  const entries = lines.flatMap((line, index) => {
    const entry = index > start ? ENTRY.exec(line) : null
    return entry?.[1] === undefined ? [] : [{ index, words: commandWords(entry[1]) }]
  })
  const width = Math.max(0, ...entries.map(({ words }) => words.length))
  for (const { index, words } of entries) {
    const summary = help.summaryOf(words)
    lines[index] = summary === undefined ? `  - ${words}` : `  - ${words.padEnd(width)}  ${summary}`
  }
  const last = entries.at(-1)
  if (last !== undefined) {
    const program = [PROGRAM_NAME, ...help.path].join(" ")
    lines.splice(last.index + 1, 0, "", `  \`${program} <command> --help\` lists a command's options.`)
  }
  return lines
}

/** The usage line (`$ list ...`) with the words that run the command (`$ panther-audit users list ...`). */
const withFullUsage = (lines: Array<string>, help: CommandHelp): Array<string> => {
  const name = help.path.at(-1)
  if (name === undefined) return lines
  const index = lines.findIndex((line) => line === `$ ${name}` || line.startsWith(`$ ${name} `))
  if (index !== -1) lines[index] = `$ ${[PROGRAM_NAME, ...help.path].join(" ")}${lines[index]?.slice(2 + name.length)}`
  return lines
}

/** The help text as @effect/cli made it, with both parts rewritten; any other text (a version) as it is. */
export const withCommandList = (text: string, help: CommandHelp): string => {
  const lines = text.split("\n")
  if (!lines.some((line) => withoutStyle(line) === "USAGE")) return text
  return withSummaries(withFullUsage(lines, help), help).join("\n")
}
