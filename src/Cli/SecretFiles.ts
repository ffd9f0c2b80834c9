/**
 * The token and SMTP password an invocation keeps in files (`--api-token-file`, `PANTHER_API_TOKEN_FILE`,
 * `--smtp-password-file`, `SMTP_PASSWORD_FILE`), for the program's last line and usage errors to hide as they hide a
 * secret given in a flag or variable (SecretArguments.ts, SecretVariables.ts). Pasted where a value goes
 * (`--policy`, `--report-dir`, `--format`), a token kept in a file was quoted back whole, while the same token in
 * `PANTHER_API_TOKEN` was not: the files are the way the README recommends.
 *
 * Read before any command runs, and only a regular file: a pipe gives its secret once, to the command it is meant
 * for, and opening one could wait for a writer. What cannot be read is left to the command, which says why.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs"
import { MIN_HIDDEN_SECRET } from "./SecretVariables.js"

const SECRET_FILE_FLAGS: ReadonlyArray<string> = ["--api-token-file", "--smtp-password-file"]
const SECRET_FILE_VARIABLES: ReadonlyArray<string> = ["PANTHER_API_TOKEN_FILE", "SMTP_PASSWORD_FILE"]

/**
 * Past this size a token or password file holds more than a secret (a log or an archive named by mistake,
 * `/dev/zero`): it is not read further, here or where the commands read the secret.
 */
export const MAX_SECRET_FILE_BYTES = 64 * 1024

/**
 * What a token or password file written in UTF-16 is told, after its name. Windows PowerShell 5 writes UTF-16 with
 * `>` and `Out-File` (`echo $token > token`): read as UTF-8, each character comes beside a NUL, so the token was said
 * to hold "a character an HTTP header cannot carry", and the password was sent so and refused as wrong, though an
 * editor shows the file holding the secret alone on one line.
 */
export const UTF16_SECRET_FILE =
  'is in UTF-16 ("Unicode", as Windows PowerShell writes with > and Out-File), not UTF-8: write it again as UTF-8 ' +
  "or ASCII (in PowerShell, Set-Content -NoNewline -Encoding ascii)"

/** The paths the secret file flags name, as `--flag path` or `--flag=path`. */
const flagPaths = (argv: ReadonlyArray<string>): ReadonlyArray<string> =>
  argv.flatMap((arg, index) => {
    const equals = arg.indexOf("=")
    const name = equals === -1 ? arg : arg.slice(0, equals)
    if (!SECRET_FILE_FLAGS.includes(name)) return []
    const path = equals === -1 ? argv[index + 1] : arg.slice(equals + 1)
    return path === undefined ? [] : [path]
  })

/** A regular file's text, up to the limit; undefined for anything else, or what cannot be read. */
const regularFileText = (path: string): string | undefined => {
  try {
    // stat first: opening a named pipe no one writes to waits, and one opened and closed here loses its writer.
    if (!statSync(path).isFile()) return undefined
    const descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      if (!fstatSync(descriptor).isFile()) return undefined
      const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1)
      let length = 0
      for (let read = -1; read !== 0 && length < buffer.length; length += read) {
        read = readSync(descriptor, buffer, length, buffer.length - length, null)
      }
      return length > MAX_SECRET_FILE_BYTES ? undefined : buffer.toString("utf8", 0, length)
    } finally {
      closeSync(descriptor)
    }
  } catch {
    return undefined
  }
}

/** The secrets the invocation's token and password files hold, without a byte order mark and surrounding space. */
export const secretFileValues = (
  argv: ReadonlyArray<string>,
  environment: NodeJS.ProcessEnv
): ReadonlyArray<string> => {
  const paths = [...flagPaths(argv), ...SECRET_FILE_VARIABLES.map((name) => environment[name]?.trim() ?? "")]
  const values = new Set<string>()
  for (const path of paths) {
    if (path.trim() === "") continue
    // trim() takes a byte order mark off too: U+FEFF is white space to JavaScript.
    const value = regularFileText(path)?.trim() ?? ""
    if (value.length >= MIN_HIDDEN_SECRET) values.add(value)
  }
  return [...values]
}
