/**
 * The checked email settings the reporter runs on. Built from flags and env vars by `toEmailSettings`
 * (EmailOptions.ts); tests build them directly. Nothing here is read from the environment.
 */
import * as Duration from "effect/Duration"
import type * as Redacted from "effect/Redacted"
import type { EmailPolicy } from "./EmailPolicy.js"
import type { MailAddress } from "./MailAddress.js"

/**
 * - `implicit-tls`: `smtps://`, TLS from the first byte.
 * - `starttls-required`: `smtp://` to any host but loopback; the session fails rather than continue in clear text.
 * - `starttls-if-offered`: `smtp://` to loopback, or with `--smtp-insecure`: TLS when the server offers it, its
 *   certificate unchecked. This mode already accepts clear text, and an unverified encrypted session is no worse;
 *   local relays often offer STARTTLS with a self-signed certificate.
 */
export type SmtpSecurity = "implicit-tls" | "starttls-required" | "starttls-if-offered"

export interface SmtpCredentials {
  readonly user: string
  readonly password: Redacted.Redacted<string>
}

export interface SmtpRetry {
  /** Retries after the first attempt; 0 tries once. */
  readonly retries: number
  /** The first wait; each retry doubles it, with jitter, up to `maxDelay`. */
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
}

export interface SmtpServerSettings {
  readonly host: string
  readonly port: number
  readonly security: SmtpSecurity
  readonly credentials?: SmtpCredentials
  /** Extra PEM certificates to trust besides Node's and NODE_EXTRA_CA_CERTS', for a company CA or a self-signed relay. */
  readonly extraCa?: string
  /** Connecting and waiting for the greeting, each; an idle socket is dropped after twice as long. */
  readonly timeout: Duration.Duration
  readonly retry: SmtpRetry
}

export type EmailTransport =
  | { readonly _tag: "Smtp"; readonly server: SmtpServerSettings }
  /** No SMTP_URL: the message is written beside the reports as `<stem>.eml`, to open in any mail client. */
  | { readonly _tag: "EmlFile" }

export interface AttachmentLimits {
  /** A findings CSV up to this size is attached as it is on disk; a larger one gzip-compressed. */
  readonly plainMaxBytes: number
  /** Above this size (after compression, as encoded in the message) the CSV is left out, and the message says where. */
  readonly hardCapBytes: number
}

export interface MessageSettings {
  readonly from: MailAddress
  readonly to: ReadonlyArray<MailAddress>
  readonly cc: ReadonlyArray<MailAddress>
  readonly subjectPrefix: string
  readonly attachment: AttachmentLimits
}

export type EmailSettings =
  | { readonly _tag: "EmailOff"; readonly reason: string }
  | {
      readonly _tag: "EmailOn"
      readonly policy: Exclude<EmailPolicy, "never">
      readonly message: MessageSettings
      readonly transport: EmailTransport
    }
  /**
   * A scheduled run could not read a file its email needs (SMTP_PASSWORD_FILE, SMTP_CA_FILE), which start-up could:
   * that run's email fails, saying why, and its audit does not.
   */
  | {
      readonly _tag: "EmailUnavailable"
      readonly policy: Exclude<EmailPolicy, "never">
      readonly problem: string
    }

export const DEFAULT_SUBJECT_PREFIX = "[Panther user audit]"
export const DEFAULT_PLAIN_MAX_BYTES = 5 * 1024 * 1024
/** Encoded, with the message around it, under Postfix's default limit of 10,240,000 bytes. */
export const DEFAULT_HARD_CAP_BYTES = 8 * 1024 * 1024
export const DEFAULT_SMTP_RETRIES = 3
/** Used when MAIL_FROM is not set and the message only goes to an .eml file. */
export const DEFAULT_EML_FROM: MailAddress = { name: "Panther user audit", address: "panther-user-audit@localhost" }

export const defaultSmtpRetry: SmtpRetry = {
  retries: DEFAULT_SMTP_RETRIES,
  baseDelay: Duration.seconds(2),
  maxDelay: Duration.seconds(30)
}

export const defaultSmtpTimeout = Duration.seconds(30)
