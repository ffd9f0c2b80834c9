/**
 * What went wrong in an SMTP attempt, in words, and whether trying again can help. Connection drops and timeouts
 * (during the TLS handshake too) and temporary (4xx) replies are worth another attempt; a refused login, a refused
 * certificate, a relay that ends the handshake with an alert (as one asking for a client certificate does) or a
 * permanent (5xx) refusal would be refused again, and retrying a login can lock the account.
 *
 * Server replies are quoted because they say what to fix ("5.7.8 Username and Password not accepted"), but a
 * server may echo what it was sent, and an AUTH exchange carries the password (in base64 for PLAIN and LOGIN).
 * Every form of the password is cut out of the text before it is used anywhere.
 */
import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import { cutShort } from "../Cli/CutShort.js"
import {
  looksGenerated,
  NO_SECRETS,
  redact,
  revealsAny,
  type Secrets,
  scrubSecrets,
  secretsOf,
  WITHHELD
} from "../Cli/Redact.js"
import { certificateProblem, noSharedTlsVersion } from "../PantherApi/CertificateFailure.js"
import type { SmtpCredentials } from "./EmailSettings.js"
import { loginAdvice } from "./LoginRefusal.js"
import { messageRefused, senderRefused } from "./MessageRefusal.js"
import { isTemporaryReply } from "./RefusedForNow.js"

export interface SmtpFailure {
  readonly retryable: boolean
  /** One clause, such as `the server refused the login (535 5.7.8 ...)`. Holds no credential. */
  readonly reason: string
  /** The message went out and the session failed before the server confirmed it: it may have been delivered. */
  readonly unconfirmed?: boolean
}

/** Fields nodemailer sets on its errors, read defensively: anything may arrive here. */
interface ErrorFacts {
  readonly code: string | undefined
  readonly originalCode: string | undefined
  readonly responseCode: number | undefined
  readonly response: string | undefined
  readonly timeoutType: string | undefined
  /** The SMTP command the server refused (`MAIL FROM`, `RCPT TO`, ...), as nodemailer names it. */
  readonly command: string | undefined
  readonly message: string
}

const stringField = (error: object, field: string): string | undefined => {
  const value: unknown = Reflect.get(error, field)
  return typeof value === "string" && value !== "" ? value : undefined
}

const factsOf = (error: unknown): ErrorFacts => {
  if (typeof error !== "object" || error === null) {
    return {
      code: undefined,
      originalCode: undefined,
      responseCode: undefined,
      response: undefined,
      timeoutType: undefined,
      command: undefined,
      message: String(error)
    }
  }
  const responseCode: unknown = Reflect.get(error, "responseCode")
  return {
    code: stringField(error, "code"),
    originalCode: stringField(error, "originalCode"),
    responseCode: typeof responseCode === "number" ? responseCode : undefined,
    response: stringField(error, "response"),
    timeoutType: stringField(error, "timeoutType"),
    command: stringField(error, "command"),
    message: stringField(error, "message") ?? "unknown error"
  }
}

/**
 * The password, with the forms AUTH gives it on the wire (base64 for PLAIN and LOGIN, padded or not, and of
 * `user:password` as some servers log it), so that a reply quoting one keeps the rest of its words. Any other form
 * of it a server could echo is found by reading the reply back (Redact.ts).
 */
export const smtpSecrets = (credentials: SmtpCredentials | undefined): Secrets => {
  if (credentials === undefined) return NO_SECRETS
  const password = Redacted.value(credentials.password)
  if (password === "") return NO_SECRETS
  const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64")
  const blobs = [
    base64(password),
    base64(`\u0000${credentials.user}\u0000${password}`),
    base64(`${credentials.user}\u0000${credentials.user}\u0000${password}`),
    base64(`${credentials.user}:${password}`)
  ]
  return secretsOf(
    [password],
    [...blobs, ...blobs.map((blob) => blob.replace(/=+$/, ""))],
    looksGenerated(password) ? [password] : []
  )
}

const MAX_REPLY_CHARS = 300

/**
 * A server reply or library message fit to quote: one line, without credentials, bounded. Flattened before it is
 * scrubbed (a multi-line reply may fold the password across lines) and scrubbed before it is cut.
 */
const quote = (text: string, secrets: Secrets): string => {
  const redacted = redact(text, secrets)
  // The lines of a multi-line reply joined without their codes (`535-5.7.8 ...`), as a folded password would read.
  const unfolded = redacted
    .split(/\r?\n/)
    .map((line) => line.replace(/^\d{3}[ -](\d\.\d{1,3}\.\d{1,3} )?/, ""))
    .join("")
  if (revealsAny(unfolded, secrets)) return WITHHELD
  const line = scrubSecrets(redacted.replace(/\p{Cc}+/gu, " "), secrets).trim()
  return cutShort(line, MAX_REPLY_CHARS)
}

/** A server's reply, as `describeSmtpFailure` quotes it: one line, bounded, without the password in any form. */
export const quoteReply = quote

/** Node's codes for a failed TLS handshake, which nodemailer passes on as the `originalCode` of a socket error. */
const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|^EPROTO$/u
const WRONG_PROTOCOL = /ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG|^EPROTO$/u

const GIVE_THE_CA = "for a private or self-signed certificate, give its CA with --smtp-ca-file"

/**
 * What to do about a failed handshake, by what its code says of the certificates (the same reading as for the API,
 * `CertificateFailure.ts`): a relay asking for a client certificate is not helped by trusting another CA. A
 * certificate, or an alert the relay ends the handshake with, comes out the same on every attempt, so neither is
 * retried; a reset or a timeout during the handshake arrives as a connection failure and is.
 */
const handshakeFailure = (code: string, message: string, server: string): SmtpFailure => {
  const failed = `the TLS handshake with ${server} failed`
  // Before WRONG_PROTOCOL: "unsupported protocol" comes as EPROTO too, from a relay that did speak TLS, an old one.
  if (noSharedTlsVersion({ code, message })) {
    return {
      retryable: false,
      reason:
        `${failed}: ${code}; the relay and this tool have no TLS version in common, most often a relay that speaks ` +
        "only TLS 1.1 or older (Node offers TLS 1.2 and later): its TLS settings need updating, or set SMTP_URL to " +
        "a relay that takes TLS 1.2"
    }
  }
  if (WRONG_PROTOCOL.test(code)) {
    return {
      retryable: true,
      reason:
        `${failed}: ${code}; is the port right? smtps:// expects TLS from the first byte (usually port 465), ` +
        "smtp:// STARTTLS (587)"
    }
  }
  const problem = certificateProblem(code)
  // It asks every time: trying again cannot help.
  if (problem === "client-certificate") {
    return {
      retryable: false,
      reason:
        `${failed}: the relay asked for a client certificate (mutual TLS), which this tool does not send (${code}); ` +
        "have the relay take mail from this host without one, or set SMTP_URL to a relay that does not ask for one"
    }
  }
  const hint =
    problem === "expired" || problem === "not-yet-valid"
      ? `its certificate ${problem === "expired" ? "has expired" : "is not valid yet"}: check this machine's clock; ` +
        "if it is right, the relay's certificate needs renewing"
      : problem === "wrong-host"
        ? "its certificate is for another host name: set SMTP_URL to the host name the certificate is for"
        : problem === undefined && code.includes("_ALERT_")
          ? "the relay ended the handshake with an alert, most likely because it wants a client certificate (mutual " +
            "TLS), which this tool does not send: check what it requires of clients"
          : GIVE_THE_CA
  return { retryable: problem === undefined && !code.includes("_ALERT_"), reason: `${failed}: ${code}; ${hint}` }
}

const CONNECTION_CODES: ReadonlySet<string> = new Set(["ECONNECTION", "ESOCKET", "ETIMEDOUT", "EDNS", "EPROTOCOL"])

/**
 * smtp:// to a port that speaks TLS from the first byte (465; Amazon SES's 2465, its "TLS Wrapper" ports) connects,
 * then waits for a greeting the relay sends only after a TLS handshake that smtp:// never starts: the greeting's
 * timeout is all it sees, and without this it reads as a slow or unreachable server. Or no mail server listens there
 * at all: a web server or database sends no greeting either, and smtps:// would fail there too.
 */
const NO_GREETING_WITHOUT_TLS =
  "a relay that speaks TLS from the first byte (port 465, or 2465 on Amazon SES) sends no greeting to smtp://: " +
  "for such a port use smtps://; otherwise check that the port is the mail relay's (587 or 25), not another service's"

/**
 * A refusal for size: the enhanced status 5.3.4 (or 5.2.3) says so; without an enhanced status, a 552 at the message
 * is read so too (not one for a recipient, nor one saying 5.2.2: a full mailbox).
 */
const isTooLarge = (response: string | undefined, responseCode: number | undefined, code: string | undefined) => {
  // The enhanced status stands right after the reply code (RFC 3463): "552 5.3.4 ...", not an address in the text.
  const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/m.exec(response ?? "")?.[1]
  return enhanced !== undefined
    ? enhanced === "5.3.4" || enhanced === "5.2.3"
    : responseCode === 552 && code === "EMESSAGE"
}

/** What never came, by the name nodemailer gives the timeout that ran out. */
const AWAITED: Readonly<Record<string, string>> = {
  CONNECTION_TIMEOUT: "no connection was made",
  GREETING_TIMEOUT: "no greeting came",
  SOCKET_TIMEOUT: "no answer came"
}

/**
 * `no greeting came within 30s`: how long it waited tells a relay that never answers from a slow network. Undefined
 * for a timeout not named in `waits`.
 */
const silence = (
  timeoutType: string,
  waits: Readonly<Record<string, Duration.Duration>> | undefined
): string | undefined => {
  const wait = waits?.[timeoutType]
  const awaited = AWAITED[timeoutType]
  return wait === undefined || awaited === undefined ? undefined : `${awaited} within ${Duration.format(wait)}`
}

const isTemporary = (responseCode: number | undefined): boolean =>
  responseCode !== undefined && responseCode >= 400 && responseCode < 500

export const describeSmtpFailure = (
  error: unknown,
  context: {
    readonly server: string
    readonly user: string | undefined
    readonly secrets: Secrets
    /** The whole message had gone out before the failure (see Mailer's session watch). */
    readonly messageSent?: boolean
    /** The connection to the server had been made before the failure (see Mailer's session watch). */
    readonly connected?: boolean
    /** `smtps://`: TLS from the first byte. When false, a greeting that never came may be a TLS-only port. */
    readonly implicitTls?: boolean
    /** How long each wait lasts, by the name nodemailer gives its timeout (`GREETING_TIMEOUT`, ...). */
    readonly waits?: Readonly<Record<string, Duration.Duration>>
  }
): SmtpFailure => {
  const facts = factsOf(error)
  const { secrets } = context
  const reply = facts.response === undefined ? "" : ` (server replied: ${quote(facts.response, secrets)})`
  const withReply = (reason: string, retryable: boolean): SmtpFailure => ({ retryable, reason: `${reason}${reply}` })

  // Sent, then no answer (a timeout, a dropped connection): the server may have taken it. An answer it did give,
  // such as a 451 after the message, still says it was not taken, and is read below.
  if (context.messageSent === true && facts.responseCode === undefined) {
    const what =
      facts.timeoutType !== undefined
        ? (silence(facts.timeoutType, context.waits) ?? `no answer came (${facts.timeoutType})`)
        : `the session failed (${quote(facts.message, secrets)})`
    return {
      retryable: false,
      unconfirmed: true,
      reason:
        `the message went to ${context.server}, but ${what} before the server confirmed it: it may have been ` +
        "delivered, so it was not sent again (that could deliver it twice); check the mailbox"
    }
  }

  // Every recipient refused at RCPT TO (nodemailer lists them): the fix is MAIL_TO, not the message.
  const rejected: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "rejected") : undefined
  const refusedRecipients = Array.isArray(rejected) ? rejected.filter((address) => typeof address === "string") : []

  // A greeting other than 220: the relay turned this machine away before it was sent anything, and "answered with an
  // error" left its reader to guess at what. Its reply (a blocklist, a busy relay) says which.
  if (facts.code === "EPROTOCOL" && facts.command === "CONN" && facts.responseCode !== undefined) {
    return isTemporary(facts.responseCode)
      ? withReply(
          `${context.server} turned the connection away at its greeting, for now: a temporary refusal (a busy relay, ` +
            "or one limiting connections from this host)",
          true
        )
      : withReply(
          `${context.server} refused this machine at its greeting, before anything was sent: it takes no mail from ` +
            "this host's address (a relay that lets only listed hosts or networks send, or one that found the " +
            "address on a blocklist); have the relay's admin let this host send, or set SMTP_URL to a relay that does",
          false
        )
  }

  // EHLO refused, then HELO too (nodemailer names the second): the session never began.
  if (facts.code === "EPROTOCOL" && facts.command === "HELO" && facts.responseCode !== undefined) {
    return withReply(
      `${context.server} refused EHLO and HELO, with which every SMTP session begins, before anything was sent: ` +
        "it takes no mail from this host, or what answers at that port is not a mail relay; check SMTP_URL, and " +
        "ask the relay's admin to let this host send",
      isTemporary(facts.responseCode)
    )
  }

  switch (facts.code) {
    case "EAUTH":
      return withReply(
        `${context.server} refused the login${context.user === undefined ? "" : ` as "${context.user}"`}: ` +
          loginAdvice(facts.response),
        isTemporary(facts.responseCode)
      )
    case "ENOAUTH":
      return withReply(`${context.server} requires a login: set SMTP_USER and SMTP_PASSWORD`, false)
    case "ETLS":
      return facts.responseCode === undefined
        ? {
            retryable: true,
            reason: `the TLS handshake with ${context.server} failed: ${quote(facts.message, secrets)}; ${GIVE_THE_CA}`
          }
        : withReply(
            `${context.server} did not accept STARTTLS; use smtps:// if it offers TLS on another port, or ` +
              "--smtp-insecure if this network is trusted",
            isTemporary(facts.responseCode)
          )
    case "EENVELOPE":
    case "EMESSAGE":
      if (facts.responseCode === undefined) {
        return { retryable: false, reason: `the message was not accepted: ${quote(facts.message, secrets)}` }
      }
      // A server that wants a login may say so only when the sender is given.
      if (facts.responseCode === 530 && context.user === undefined) {
        return withReply(`${context.server} requires a login: set SMTP_USER and SMTP_PASSWORD`, false)
      }
      if (refusedRecipients.length > 0) {
        const one = refusedRecipients.length === 1
        const refused = `${context.server} refused ${one ? "the recipient" : "every recipient"}`
        // For now (greylisting, a cap on recipients), nothing is wrong with an address: checking it finds no typo. Read
        // as the recipients first refused were (a 552 for too many of them too), or sent to them again alone and
        // refused the same way, the message said both "a temporary refusal" and "check that address".
        const forNow = facts.response === undefined ? isTemporary(facts.responseCode) : isTemporaryReply(facts.response)
        return forNow
          ? {
              retryable: true,
              reason:
                `${refused} for now, ${refusedRecipients.join(", ")}${reply}: a temporary refusal, not a wrong ` +
                `address`
            }
          : {
              retryable: false,
              reason:
                `${refused}, ${refusedRecipients.join(", ")}${reply}: check ${one ? "that address" : "those addresses"} ` +
                `in MAIL_TO / MAIL_CC, and that the relay delivers to ${one ? "it" : "them"}`
            }
      }
      if (isTooLarge(facts.response, facts.responseCode, facts.code)) {
        return withReply(
          `${context.server} refused the message as too large: lower --mail-attach-hard-cap-bytes / ` +
            "MAIL_ATTACH_HARD_CAP_BYTES below its size limit, so the CSV is left out and the email says where it is",
          false
        )
      }
      return withReply(
        facts.command === "MAIL FROM"
          ? senderRefused(context.server, context.user, facts.response, isTemporary(facts.responseCode))
          : messageRefused(context.server, facts.response),
        isTemporary(facts.responseCode)
      )
    default:
      break
  }
  if (facts.responseCode !== undefined) {
    return withReply(
      `${context.server} answered with an error`,
      isTemporary(facts.responseCode) || facts.responseCode === 503
    )
  }
  if (facts.originalCode !== undefined && TLS_ERROR.test(facts.originalCode)) {
    return handshakeFailure(facts.originalCode, facts.message, context.server)
  }
  if (facts.code !== undefined && CONNECTION_CODES.has(facts.code)) {
    const waited = facts.timeoutType === undefined ? undefined : silence(facts.timeoutType, context.waits)
    const detail =
      facts.timeoutType !== undefined
        ? waited === undefined
          ? `timed out (${facts.timeoutType})`
          : `timed out, ${waited}`
        : facts.originalCode !== undefined
          ? facts.originalCode
          : quote(facts.message, secrets)
    // Connected, the server dropped the session (at the message, say): not a server that cannot be reached.
    const what =
      facts.code === "EDNS"
        ? `cannot look up ${context.server}`
        : context.connected === true
          ? `the session with ${context.server} failed`
          : `cannot connect to ${context.server}`
    const hint =
      facts.timeoutType === "GREETING_TIMEOUT" && context.implicitTls === false ? `; ${NO_GREETING_WITHOUT_TLS}` : ""
    return { retryable: true, reason: `${what}: ${detail}${hint}` }
  }
  return { retryable: false, reason: `sending through ${context.server} failed: ${quote(facts.message, secrets)}` }
}
