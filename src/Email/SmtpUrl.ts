/**
 * SMTP_URL: `smtps://host:465` (TLS from the start) or `smtp://host:587` (STARTTLS, required unless the host is
 * loopback or `--smtp-insecure` is given). Credentials inside the URL are taken out into a `Redacted` value, and
 * no message here ever repeats the URL as typed, since it may hold a password.
 */
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { connectableHost, HOST_NAME_RULE } from "../Cli/HostName.js"
import {
  PERCENT_ENCODINGS,
  parseUrl,
  portPastRangeNotShown,
  quotable,
  URL_SCHEME,
  unencodedInCredentials
} from "../Cli/QuotableUrl.js"
import { isLoopbackHost } from "../PantherApi/Connection.js"
import type { SmtpCredentials, SmtpSecurity } from "./EmailSettings.js"

export interface SmtpEndpoint {
  readonly host: string
  readonly port: number
  readonly security: SmtpSecurity
  /** From `smtp://user:password@host`, when the URL carried them. */
  readonly credentials?: SmtpCredentials
}

const DEFAULT_PORTS: Record<string, number> = { "smtp:": 587, "smtps:": 465 }

/**
 * What an SMTP URL has that only a password's unencoded character explains; a sentence to follow "SMTP_URL" that
 * quotes the URL without its user name and password.
 */
const needsEncoding = (text: string, what: string): string =>
  `${quotable(text)} is not a mail server URL it can use: it has ${what}, which an SMTP URL does not have. Most ` +
  "likely the user name or password holds a ?, #, @, : or /, which must be percent-encoded there: " +
  `${PERCENT_ENCODINGS} (e.g. smtps://user:pa%3Fss@mail.example.com:465); or give them as SMTP_USER and ` +
  "SMTP_PASSWORD."

/** A URL's user name or password percent-decoded; undefined when an escape is broken (a % not before two hex digits). */
const decoded = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part)
  } catch {
    return undefined
  }
}

/**
 * `insecure` is `--smtp-insecure`: allow a session without TLS to a host that is not loopback. The error is a
 * sentence to follow "SMTP_URL"; it shows the scheme and host only.
 */
export const parseSmtpUrl = (raw: string, insecure: boolean): Either.Either<SmtpEndpoint, string> => {
  const text = raw.trim()
  if (text === "") return Either.left("is empty: give smtps://host:465 or smtp://host:587")
  // With an @, checked on the text before it is parsed: a ?, # or / left unencoded in a password ends the URL's host
  // part early, and the parser would take the password's start for the host (or port) that messages name and mail
  // goes to. Without one, a query or path is only that, and is refused below as such.
  const holdsCredentials = text.includes("@")
  const beforeParsing = holdsCredentials ? unencodedInCredentials(text) : undefined
  if (beforeParsing !== undefined) return Either.left(needsEncoding(text, beforeParsing))
  const parsed = parseUrl(text)
  if (parsed === undefined) {
    // Not echoed: a URL that fails to parse may still hold a password.
    return Either.left(
      `is not a valid URL (not shown, as it may hold a password): ${portPastRangeNotShown(text)}expected ` +
        "smtps://host:465 or smtp://host:587, " +
        `with a ?, #, @, : or / in a user name or password percent-encoded: ${PERCENT_ENCODINGS}`
    )
  }
  const { url, portPastRange } = parsed
  const afterParsing = holdsCredentials ? unencodedInCredentials(text, url) : undefined
  if (afterParsing !== undefined) return Either.left(needsEncoding(text, afterParsing))
  // An @ the parser did not take as the end of `user:password@`, as in smtp://@host.
  if (holdsCredentials && url.username === "" && url.password === "") {
    return Either.left(
      "has an @ that does not end a user:password@ part (not shown, as it may hold a password): percent-encode " +
        `a ?, #, @, : or / in the user name or password (${PERCENT_ENCODINGS}), or use SMTP_USER and SMTP_PASSWORD`
    )
  }
  const shown = `${url.protocol}//${url.host}`
  const port = DEFAULT_PORTS[url.protocol]
  if (port === undefined) {
    // Without `://` what the parser took for a scheme is the text up to its first colon: a password put here by
    // mistake ("Tr0ub4dor:3") parses so, and its start would be named.
    return Either.left(
      URL_SCHEME.test(text)
        ? `must start with smtps:// or smtp:// (got ${url.protocol}//)`
        : "is not a mail server URL (not shown, as it may hold a password): expected smtps://host:465 or " +
            "smtp://host:587"
    )
  }
  if (url.hostname === "") return Either.left(`${shown} has no host name`)
  if (portPastRange !== undefined) {
    return Either.left(
      `${shown}:${portPastRange} names port ${portPastRange}, which no mail server listens on: ports go from 1 to ` +
        `65535. Give the server's port, or leave it out for ${port} (${url.protocol}//)`
    )
  }
  if (url.port === "0") {
    return Either.left(
      `${shown} names port 0, which no mail server listens on: give the server's port, or leave it out for ` +
        `${port} (${url.protocol}//)`
    )
  }
  if ((url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "") {
    return Either.left(`${shown} must not have a path, query string or fragment: set options with their flags`)
  }
  const host = connectableHost(url.hostname)
  if (host === undefined) {
    return Either.left(
      `${shown}: ${quotable(url.hostname)} is not a host name or IP address, so no mail could be sent to it: ` +
        HOST_NAME_RULE
    )
  }
  const security: SmtpSecurity =
    url.protocol === "smtps:"
      ? "implicit-tls"
      : isLoopbackHost(host) || insecure
        ? "starttls-if-offered"
        : "starttls-required"
  const endpoint = { host, port: url.port === "" ? port : Number(url.port), security }
  if (url.username === "" && url.password === "") return Either.right(endpoint)
  if (url.username === "" || url.password === "") {
    return Either.left(
      `${shown}: a user name and a password in the URL go together; or use SMTP_USER and SMTP_PASSWORD`
    )
  }
  const user = decoded(url.username)
  const password = decoded(url.password)
  if (user === undefined || password === undefined) {
    return Either.left(
      `${shown}: the user name or password in the URL has a broken percent escape (a % not followed by two hex ` +
        "digits; not shown, as it may be the password): write a % in them as %25, or give them as SMTP_USER and " +
        "SMTP_PASSWORD"
    )
  }
  return Either.right({ ...endpoint, credentials: { user, password: Redacted.make(password) } })
}

/** `smtp.acme.example:587`, for messages and logs. */
export const describeEndpoint = (endpoint: { readonly host: string; readonly port: number }): string =>
  `${endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`
