/**
 * A path holding what a shell would have expanded: `~/reports`, `$HOME/reports`, `%USERPROFILE%\reports`. Set in a
 * compose file (`~`), an env file, a crontab's variable line or a systemd unit, or given as zsh's
 * `--report-dir=~/reports`, it reaches this tool as written, and "it does not exist" sent the reader to a folder that
 * does exist, under that name.
 */

/** `~` or `~user` at the start; `$NAME` or `${NAME}` anywhere; `%NAME%` anywhere, as Windows writes a variable. */
const SHELL_ONLY =
  /^~[A-Za-z0-9._-]*(?=\/|\\|$)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%/

/** What to say of a path not found that holds such a part, after "it does not exist; ", or undefined. */
export const unexpandedPathHint = (path: string): string | undefined => {
  const token = SHELL_ONLY.exec(path)?.[0]
  return token === undefined
    ? undefined
    : `${token} is expanded only by a shell, not by this tool, nor in an env file, a crontab's variable line ` +
        "or a systemd unit: give the full path"
}
