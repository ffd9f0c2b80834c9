/**
 * Mail addresses as people type them into MAIL_TO: `a@acme.example, "Security, EU" <sec-eu@acme.example>`.
 * Checked strictly before any API call, because a typo found after a ten-minute audit means a lost nightly report,
 * and a line break in an address would let a variable inject mail headers.
 */
import * as Either from "effect/Either"

export interface MailAddress {
  /** The display name, empty when none was given. */
  readonly name: string
  readonly address: string
}

const LOCAL_PART = /^[^\s@"(),:;<>[\]\\]+$/u
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u

/** A deliberately plain check: `local@domain.tld` (or `@localhost`), no quoted local parts, no IP literals. */
export const isEmailAddress = (address: string): boolean => {
  if (address.length > 254) return false
  const at = address.lastIndexOf("@")
  if (at <= 0) return false
  const local = address.slice(0, at)
  const domain = address.slice(at + 1)
  if (
    local.length > 64 ||
    !LOCAL_PART.test(local) ||
    local.startsWith(".") ||
    local.endsWith(".") ||
    local.includes("..")
  ) {
    return false
  }
  const labels = domain.split(".")
  if (domain.toLowerCase() === "localhost") return true
  return labels.length >= 2 && labels.every((label) => label.length <= 63 && DOMAIN_LABEL.test(label))
}

/** Splits on commas that are not inside a quoted display name or an `<...>`. */
const splitEntries = (text: string): Array<string> => {
  const entries: Array<string> = []
  let current = ""
  let quoted = false
  let angled = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? ""
    if (char === "\\" && quoted) {
      current += char + (text[index + 1] ?? "")
      index++
      continue
    }
    if (char === '"' && !angled) quoted = !quoted
    else if (char === "<" && !quoted) angled = true
    else if (char === ">" && !quoted) angled = false
    if (char === "," && !quoted && !angled) {
      entries.push(current)
      current = ""
    } else current += char
  }
  entries.push(current)
  return entries
}

const NAMED = /^(.*?)\s*<([^<>]*)>$/su

const unquote = (name: string): string =>
  name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1).replace(/\\(.)/gu, "$1") : name

const parseEntry = (entry: string, takes: AddressCount): Either.Either<MailAddress, string> => {
  if (/[\r\n\0]/u.test(entry)) return Either.left(`${JSON.stringify(entry)} contains a line break`)
  const named = NAMED.exec(entry)
  const name = named === null ? "" : unquote((named[1] ?? "").trim())
  const address = (named === null ? entry : (named[2] ?? "")).trim()
  if (!isEmailAddress(address)) {
    return Either.left(`${JSON.stringify(entry)} is not an email address${listHint(entry, takes)}`)
  }
  return Either.right({ name, address })
}

/** Whether a setting takes a list of addresses (recipients) or one (the sender). */
export type AddressCount = "list" | "one"

/**
 * What to do about an entry that is several addresses apart from their separator: Outlook separates with `;`, a
 * shell variable often with spaces, and "is not an email address" alone left its reader to guess which was wrong.
 * The sender is one address: told to separate them with commas, its reader was then refused the list.
 */
const listHint = (entry: string, takes: AddressCount): string => {
  const parts = entry.split(/[;\s]+/u).filter((part) => part !== "")
  if (parts.length < 2 || !parts.every(isEmailAddress)) return ""
  return takes === "one"
    ? ": give one address, not a list"
    : `: separate addresses with commas, as in ${parts.join(", ")}`
}

/**
 * Parses a comma-separated list. Empty entries (a trailing comma) are ignored; anything else must be an address,
 * optionally with a display name. The error names the first bad entry.
 */
export const parseAddressList = (
  text: string,
  takes: AddressCount = "list"
): Either.Either<ReadonlyArray<MailAddress>, string> =>
  Either.all(
    splitEntries(text)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "")
      .map((entry) => parseEntry(entry, takes))
  )
