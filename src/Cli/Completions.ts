/**
 * `--completions sh|bash|fish|zsh`, which every command's help offers. The script is printed here rather than by
 * @effect/cli, which wrote scripts that did not complete (BashCompletions.ts, ZshCompletions.ts, FishCompletions.ts)
 * and, asked by one command (`run --completions zsh`), the script of that command's tree alone. Each script is
 * given `--log-format`, which every command takes but @effect/cli never sees (Logging.ts takes it out of the
 * arguments first).
 */
import { POLICIES } from "../Audit/Policy.js"
import { FAIL_ON_VALUES } from "../Audit/Severity.js"
import { LEVEL_NAMES, LOG_FORMATS } from "./Logging.js"

/** The shells a script is written for; `sh` is answered with bash's, as @effect/cli does. */
export type CompletionShell = "bash" | "fish" | "zsh"

/** The shell whose script `argv` (node, script, arguments) asks for, if it asks for one. */
export const askedCompletions = (argv: ReadonlyArray<string>): CompletionShell | undefined => {
  for (const [index, word] of argv.entries()) {
    const shell = word.startsWith("--completions=")
      ? word.slice("--completions=".length)
      : word === "--completions"
        ? argv[index + 1]
        : undefined
    if (shell === "bash" || shell === "sh") return "bash"
    if (shell === "fish" || shell === "zsh") return shell
  }
  return undefined
}

/** The values `--completions` takes, as its help lists them. */
const SHELL_NAMES = ["sh", "bash", "fish", "zsh"] as const

/**
 * What is wrong with a `--completions` that `askedCompletions` found no shell in: no value, or one no script is
 * written for (`powershell`, `BASH`). @effect/cli, failing to read it as the flag's value, went on to read it as a
 * command and said "Invalid subcommand for panther-audit - use one of 'run', ...", which sent the user to the commands
 * when it was the shell's name that was wrong.
 */
export const completionsProblem = (argv: ReadonlyArray<string>): string | undefined => {
  for (const [index, word] of argv.entries()) {
    if (word !== "--completions" && !word.startsWith("--completions=")) continue
    const value = word === "--completions" ? argv[index + 1] : word.slice("--completions=".length)
    const takes = `bash, zsh or fish (sh gives bash's)`
    if (value === undefined || value.trim() === "" || value.startsWith("-")) {
      return `--completions needs the name of a shell: ${takes}.`
    }
    // Quoted when it reads as a shell's name (`BASH`, `powershell`); anything else may be a secret pasted there.
    return /^[A-Za-z]{1,20}$/.test(value)
      ? `--completions takes ${takes}; got "${value}".`
      : `--completions takes ${takes}; got something else (not shown, as it is no shell's name and may be a secret).`
  }
  return undefined
}

/** `--log-format`, which the scripts @effect/cli writes lack, as each script's mending adds it beside `--log-level`. */
export const LOG_FORMAT_FLAG = {
  name: "--log-format",
  description: "Log lines as JSON or as text for a person (env LOG_FORMAT).",
  values: LOG_FORMATS
} as const

/** The values of the flags every command takes, by flag: what bash's script completes after each. */
export const BUILT_IN_VALUES: ReadonlyMap<string, ReadonlyArray<string>> = new Map<string, ReadonlyArray<string>>([
  ["--completions", SHELL_NAMES],
  ["--log-level", LEVEL_NAMES],
  [LOG_FORMAT_FLAG.name, LOG_FORMAT_FLAG.values]
])

/**
 * Flags of text that take one of a fixed set of values, which their help lists: text to @effect/cli (their variables,
 * read in any case, share its check), so its scripts completed a file name where the values belong.
 */
export const TEXT_FLAG_VALUES: ReadonlyMap<string, ReadonlyArray<string>> = new Map<string, ReadonlyArray<string>>([
  ["--fail-on", FAIL_ON_VALUES],
  ["--policy", POLICIES]
])

/**
 * The commands whose argument is a folder, by path: text to @effect/cli (VerifyCommand.ts says why), so its scripts
 * completed the flags there, or nothing.
 */
export const FOLDER_ARGUMENT_COMMANDS: ReadonlyArray<string> = ["verify"]
