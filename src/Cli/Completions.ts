/**
 * `--completions sh|bash|fish|zsh`, which every command's help offers. The script is printed here rather than by
 * @effect/cli, which wrote scripts that did not complete (BashCompletions.ts, ZshCompletions.ts) and, asked by one
 * command (`run --completions zsh`), the script of that command's tree alone.
 */

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
