/**
 * A path holding what a shell would have expanded: `~/reports`, `$HOME/reports`, `%USERPROFILE%\reports`. Set in a
 * compose file (`~`), an env file, a crontab's variable line or a systemd unit, or given as `--report-dir=~/reports`
 * (bash and zsh expand a ~ only at the start of a word), it reaches this tool as written, and "it does not exist" sent
 * the reader to a folder that does exist, under that name.
 */
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"

/** `~` or `~user` at the start; `$NAME` or `${NAME}` anywhere; `%NAME%` anywhere, as Windows writes a variable. */
const SHELL_ONLY =
  /^~[A-Za-z0-9._-]*(?=\/|\\|$)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%/

/**
 * Such a part at the start of a path, before its first folder, as a secret's file name may show it: `~` and the
 * variables that name a home or a working folder only, so that no other start of a secret given there by mistake
 * (a password `$Xy7/...`) is quoted.
 */
const LEADING_SHELL_ONLY =
  /^(?:~|\$\{?(?:HOME|PWD|XDG_CONFIG_HOME|XDG_RUNTIME_DIR)\}?|%(?:USERPROFILE|HOMEPATH|APPDATA)%)(?=[\\/])/

// A ~ after `--report-dir=` is no word's start: bash and zsh leave it, where they expand a $HOME there.
const AT_WORD_START = ", at the start of a word (not after a flag's =)"

const onlyAShell = (part: string): string =>
  `${part} is expanded only by a shell${part.startsWith("~") ? AT_WORD_START : ""}, not by this tool, nor in an env ` +
  "file, a crontab's variable line or a systemd unit: give the full path"

/** What to say of a path not found that holds such a part, after "it does not exist; ", or undefined. */
export const unexpandedPathHint = (path: string): string | undefined => {
  const part = SHELL_ONLY.exec(path)?.[0]
  return part === undefined ? undefined : onlyAShell(part)
}

/** Why `path` could not be read (`describeFsError`), with the hint above when it was not found and holds such a part. */
export const describeFsErrorOfPath = (error: unknown, path: string): string => {
  const unexpanded = hasErrorCode(error, "ENOENT") ? unexpandedPathHint(path) : undefined
  return `${describeFsError(error)}${unexpanded === undefined ? "" : `; ${unexpanded}`}`
}

/**
 * The same, of a secret's file not found, whose path may be the secret itself and is not quoted: only a part at its
 * start, before a folder, is named ("its path starts with ~, which ..."); a `$` further on may be the secret's own.
 */
export const leadingUnexpandedPathHint = (path: string): string | undefined => {
  const part = LEADING_SHELL_ONLY.exec(path)?.[0]
  return part === undefined
    ? undefined
    : `its path starts with ${part}, which ${onlyAShell(part).slice(part.length + 1)}`
}
