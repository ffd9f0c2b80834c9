/**
 * The secrets an input file's error must not quote. An admin may name a secret's own file where an input file is
 * expected (`--suppressions /run/secrets/token`), or a file may hold a secret on the line at fault; the errors of
 * reading such files quote the file (a YAML code frame, a CSV value). The invocation's secrets are read before those
 * files, and every such error is scrubbed of them (Redact.ts).
 */
import { NO_SECRETS, type Secrets, scrubSecrets, WITHHELD } from "./Redact.js"

export interface InputFileSecrets {
  readonly secrets: Secrets
  /**
   * A secret's file was named but could not be read (its own error comes later, where it always did): what it holds
   * is not known, so nothing of an input file is quoted, only where it is wrong and how.
   */
  readonly unread: boolean
}

export const NO_INPUT_FILE_SECRETS: InputFileSecrets = { secrets: NO_SECRETS, unread: false }

export const NOT_CHECKED = "[not shown: a secret's file could not be read to check it against]"

/** Shorter than this, a line is too likely part of a secret by chance (`user`, `soon`) to be withheld for it. */
const MIN_FRAGMENT = 4

/**
 * Whether a line of the quote is a piece of a secret: a parser stops inside a secret's file and quotes its start
 * ("value is "hunter2"" of `hunter2"x`), or cuts a long line short, and such a piece of a password is not withheld
 * by `scrubSecrets`, which looks for a password whole.
 */
const pieceOfSecret = (text: string, secrets: Secrets): boolean =>
  text.split("\n").some((line) => {
    const piece = line.replaceAll("…", "").trim().toLowerCase()
    // As the parser quotes it, and without the quotes it puts around a value.
    return [piece, piece.replace(/^"(.*)"$/su, "$1")].some(
      (form) => form.length >= MIN_FRAGMENT && secrets.values.some((secret) => secret.toLowerCase().includes(form))
    )
  })

/** A piece of an input file (a line, a value), as an error may quote it. */
export const quoteOfFile = (known: InputFileSecrets, text: string): string =>
  known.unread ? NOT_CHECKED : pieceOfSecret(text, known.secrets) ? WITHHELD : scrubSecrets(text, known.secrets)

/**
 * A whole message about an input file, its pieces already quoted with `quoteOfFile`: scrubbed once more (the path
 * may be a secret, and pieces together may give away one that none does alone), or `fallback`, which names the flag
 * and the problem without the path or the file, when that would withhold it whole.
 */
export const inputFileMessage = (known: InputFileSecrets, message: string, fallback: string): string => {
  const scrubbed = scrubSecrets(message, known.secrets)
  return scrubbed === WITHHELD ? fallback : scrubbed
}
