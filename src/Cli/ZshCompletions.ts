/**
 * `--completions zsh`, which every command's help offers. The script @effect/cli writes defines the function that
 * lists a nested command's subcommands under one name (`_panther__audit__users_commands`, `__` for `-`) and calls
 * it by another (`_panther-audit__users_commands`), so `panther-audit users <Tab>` offered nothing. The script is
 * mended here, line by line; the commands and flags it lists are @effect/cli's.
 */

/**
 * The script @effect/cli wrote, mended: a nested command's subcommands are asked of the function that lists them.
 */
export const mendZshCompletions = (lines: ReadonlyArray<string>): string =>
  lines
    .map((line) => {
      const call = /^( +)":: :_(.+__.+)_commands" \\$/u.exec(line)
      if (call === null) return line
      // `panther-audit__users`: each command's name with `__` for `-`, as the function's definition spells it.
      const name = (call[2] ?? "")
        .split("__")
        .map((command) => command.replaceAll("-", "__"))
        .join("__")
      return `${call[1]}":: :_${name}_commands" \\`
    })
    .join("\n")
