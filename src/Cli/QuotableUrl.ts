/**
 * One rule for every URL that may hold a user name and password (the API's, a proxy's, the mail relay's): how it is
 * quoted in a message, and how a password with a character left unencoded is caught before a URL parser splits it
 * into a wrong host whose name is the password's start.
 */

/** A URL's scheme and `://`, at the start of its text. */
export const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/**
 * A URL fit to quote in a message, without what may hold a secret, which is named instead: a user name and password,
 * a query such as `?api_key=...`, a fragment. Everything between the scheme and the LAST `@` of the text counts as
 * credentials: a `?`, `#` or `/` left unencoded in a password ends the host part early for a URL parser, so a cut at
 * the first of them (or at the first `@`) would show the password's start.
 */
export const quotable = (text: string): string => {
  const scheme = URL_SCHEME.exec(text)?.[0] ?? ""
  const at = text.lastIndexOf("@")
  const afterCredentials = at === -1 ? text.slice(scheme.length) : text.slice(at + 1)
  const shown = `${scheme}${afterCredentials.replace(/[?#][\s\S]*$/, "")}`
  return shown === text ? `"${text}"` : `"${shown}" (its user name, password or query not shown)`
}

/**
 * A host name with a dot (`api.acme.runpanther.net`), `localhost` or an IP address, then a port or path; what
 * follows a user name and password, which are never quoted.
 */
const LOOKS_LIKE_A_HOST = /^\/*(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost|\[[0-9a-f:.]+\])(?::\d*)?(?:[/?#]|$)/i

/**
 * Whether a URL that does not parse reads as an address past its scheme and credentials, and so may be quoted.
 * Anything else may be a secret put there by mistake: a token, or `user:password` with the host left out, whose
 * password stands where the port goes.
 */
export const readsAsAddress = (text: string): boolean => {
  const afterScheme = text.replace(URL_SCHEME, "")
  return LOOKS_LIKE_A_HOST.test(afterScheme.slice(afterScheme.lastIndexOf("@") + 1))
}

/**
 * `quotable` of a URL a message refuses, when it reads as an address (`readsAsAddress`); otherwise it is not shown,
 * so that `user:password` with the host left out is not quoted up to a `?` or `#` in the password.
 */
export const quotableIfAddress = (text: string): string =>
  readsAsAddress(text) ? quotable(text) : "(not shown, as it may hold a password)"

/** The highest port there is. */
const MAX_PORT = 65535

/**
 * A URL parsed; one the parser refuses only for its port past `MAX_PORT` (a digit too many, `:58700` for `:5870`) is
 * parsed with the port left out and that port given as typed, for the message to name: the parser's refusal says
 * only that the URL is not valid, which sends the user looking for a character to percent-encode in the password.
 * Undefined for any other URL the parser refuses.
 */
export const parseUrl = (text: string): { readonly url: URL; readonly portPastRange?: string } | undefined => {
  try {
    return { url: new URL(text) }
  } catch {
    const scheme = URL_SCHEME.exec(text)?.[0]
    const at = text.lastIndexOf("@")
    // Without an @ before it, what stands where a port goes may be a password, its user name taken for the host
    // (`smtp://user:12345678`): a port only when the rest reads as an address.
    if (scheme === undefined || (at === -1 && !readsAsAddress(text))) return undefined
    // The port follows the host, which follows the last @ as `quotable` reads it.
    const hostAt = Math.max(scheme.length, at + 1)
    const [whole, host, port] = /^([^/?#]*:)(\d+)(?=[/?#]|$)/.exec(text.slice(hostAt)) ?? []
    if (whole === undefined || host === undefined || port === undefined || Number(port) <= MAX_PORT) return undefined
    try {
      return { url: new URL(text.slice(0, hostAt) + host + text.slice(hostAt + whole.length)), portPastRange: port }
    } catch {
      return undefined
    }
  }
}

/**
 * For a URL the parser refused and that is not quoted: a word saying that what stands where a port goes is a number
 * past the highest port, without the number, which may be a password with the host left out (`smtp://user:12345678`).
 * A host of one word, as a compose file names a service (`smtp://mailpit:70000`), does not read as an address, and
 * the message said only that the URL was not valid, sending its reader after a character to percent-encode. Empty
 * for any other URL; otherwise a clause ending in "; ".
 */
export const portPastRangeNotShown = (text: string): string => {
  const scheme = URL_SCHEME.exec(text)?.[0]
  if (scheme === undefined) return ""
  const port = /^[^/?#@]*:(\d+)\/?$/.exec(text.slice(scheme.length))?.[1]
  return port !== undefined && Number(port) > MAX_PORT
    ? `the number after its last colon, if it is meant as the port, is past ${MAX_PORT}, the highest port there is; `
    : ""
}

/** How to write, in a URL's user name or password, the characters that would end it early. */
export const PERCENT_ENCODINGS = "? as %3F, # as %23, @ as %40, : as %3A, / as %2F"

/**
 * What a URL that takes no query, fragment or path with an `@` has of them, in words, if anything: almost surely a
 * password with a `?`, `#` or `/` left unencoded. The text is checked for `?` and `#` before parsing, since the
 * parser is what gets it wrong; with the parsed `url`, an `@` in its path (after a `/` that ended the host early).
 */
export const unencodedInCredentials = (text: string, url?: URL): string | undefined => {
  if (/[?#]/.test(text)) return "a query (?) or fragment (#)"
  if (url?.pathname.includes("@") === true) return "an @ after the host"
  return undefined
}

/** A URL's part percent-decoded, or as typed when its escapes are broken. */
export const decodedOrAsTyped = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/**
 * What in a URL with a `user:password@` is secret, for the input files' errors to be kept clear of: the URL, and the
 * password as typed and decoded. Read from the text, so also from a URL that does not parse.
 */
export const secretsInUrl = (raw: string): ReadonlyArray<string> => {
  const text = raw.trim()
  const at = text.lastIndexOf("@")
  if (at === -1) return []
  const scheme = text.indexOf("://")
  const login = text.slice(scheme === -1 || scheme > at ? 0 : scheme + 3, at)
  const colon = login.indexOf(":")
  const password = colon === -1 ? "" : login.slice(colon + 1)
  return [text, password, decodedOrAsTyped(password)].filter((secret) => secret !== "")
}
