/**
 * SMTP_URL: `smtps://host:465` (TLS from the start) or `smtp://host:587` (STARTTLS, required unless the host is
 * loopback or `--smtp-insecure` is given). Credentials inside the URL are taken out into a `Redacted` value, and
 * no message here ever repeats the URL as typed, since it may hold a password.
 */
import { Either, Redacted } from "effect"
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

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/**
 * `insecure` is `--smtp-insecure`: allow a session without TLS to a host that is not loopback. The error is a
 * sentence to follow "SMTP_URL"; it shows the scheme and host only.
 */
export const parseSmtpUrl = (raw: string, insecure: boolean): Either.Either<SmtpEndpoint, string> => {
  const text = raw.trim()
  if (text === "") return Either.left("is empty: give smtps://host:465 or smtp://host:587")
  let url: URL
  try {
    url = new URL(text)
  } catch {
    // Not echoed: a URL that fails to parse may still hold a password.
    return Either.left(
      "is not a valid URL (not shown, as it may hold a password): expected smtps://host:465 or smtp://host:587"
    )
  }
  // An @ the parser did not take as the end of `user:password@` means a #, ? or / in the password ended the URL's
  // host part early: what it read as host and port are the user name and the start of the password.
  if (text.includes("@") && url.username === "" && url.password === "") {
    return Either.left(
      "has an @ that does not end a user:password@ part (not shown, as it may hold a password): percent-encode " +
        "a #, ? or / in the password (%23, %3F, %2F), or use SMTP_USER and SMTP_PASSWORD"
    )
  }
  const shown = `${url.protocol}//${url.host}`
  const port = DEFAULT_PORTS[url.protocol]
  if (port === undefined) return Either.left(`must start with smtps:// or smtp:// (got ${url.protocol}//)`)
  if (url.hostname === "") return Either.left(`${shown} has no host name`)
  if ((url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "") {
    return Either.left(`${shown} must not have a path, query string or fragment: set options with their flags`)
  }
  const host = url.hostname.replace(/^\[(.*)\]$/u, "$1")
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
  return Either.right({
    ...endpoint,
    credentials: { user: decode(url.username), password: Redacted.make(decode(url.password)) }
  })
}

/** `smtp.acme.example:587`, for messages and logs. */
export const describeEndpoint = (endpoint: { readonly host: string; readonly port: number }): string =>
  `${endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`
