/**
 * Sends a message through the configured SMTP server. The nodemailer transport lives in a scope: closing the
 * scope (the run ends, or SIGTERM interrupts it) closes the transport, and an interrupted send aborts its socket
 * through the AbortSignal, so a stopping process never leaves an SMTP session hanging.
 */
import { rootCertificates } from "node:tls"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type { SendMailOptions, SMTPTransportOptions } from "nodemailer"
import { type Secrets, scrubSecrets } from "../Cli/Redact.js"
import { DeliveryError } from "./DeliveryError.js"
import type { SmtpRetry, SmtpServerSettings } from "./EmailSettings.js"
import { nodeExtraCaCertificates } from "./NodeExtraCa.js"
import { describeSmtpFailure, quoteReply, smtpSecrets } from "./SmtpFailure.js"
import { describeEndpoint } from "./SmtpUrl.js"

export interface RefusedRecipient {
  readonly address: string
  /** The server's reply to RCPT TO, quoted (`quoteReply`); empty when nodemailer kept none. */
  readonly reply: string
}

export interface SentMessage {
  readonly messageId: string
  readonly accepted: ReadonlyArray<string>
  /** Recipients the server refused while taking the message for the others, each with the reason it gave. */
  readonly rejected: ReadonlyArray<RefusedRecipient>
  readonly attempts: number
}

/**
 * The reply each refused recipient got, which nodemailer keeps in `rejectedErrors`. A right address can be refused
 * for where it is: Microsoft 365's direct send delivers only to the organization's own domains, and a relay that
 * refuses an outside address says so only there.
 */
const refusedRecipients = (info: object, rejected: ReadonlyArray<string>, secrets: Secrets) => {
  const errors: unknown = Reflect.get(info, "rejectedErrors")
  const replies = new Map<string, string>()
  if (Array.isArray(errors)) {
    for (const error of errors) {
      if (typeof error !== "object" || error === null) continue
      const recipient: unknown = Reflect.get(error, "recipient")
      const response: unknown = Reflect.get(error, "response")
      if (typeof recipient === "string" && typeof response === "string") {
        replies.set(recipient, quoteReply(response, secrets))
      }
    }
  }
  return rejected.map((address): RefusedRecipient => ({ address, reply: replies.get(address) ?? "" }))
}

class AttemptFailed extends Data.TaggedError("AttemptFailed")<{
  readonly retryable: boolean
  readonly reason: string
  readonly unconfirmed?: boolean
}> {}

/** A message not sent, or not confirmed, after its retries: why, and how many attempts were made. */
export class SendFailed extends Data.TaggedError("SendFailed")<{
  readonly reason: string
  readonly unconfirmed: boolean
  readonly attempts: number
}> {}

/**
 * Follows nodemailer's log, never printed, for facts neither an error nor the result carries. Whether the whole
 * message had gone out (its "<n bytes encoded mime message>" line, logged when the body stream ends): a session that
 * fails after that may have delivered it, and sending it again could deliver it twice; nodemailer reports such a
 * failure as it reports one before connecting (`ETIMEDOUT`, command `CONN`). Whether the connection was made at all
 * (its "Connection established" line, the only one naming the server's address): a session the server dropped is
 * reported as one that could not connect. And whether it logged in: given a login, nodemailer sends without one
 * when the server offers no AUTH, and says nothing.
 */
export const makeSessionWatch = () => {
  let messageSent = false
  let connected = false
  let authenticated = false
  const ignore = () => {}
  return {
    reset: () => {
      messageSent = false
      connected = false
      authenticated = false
    },
    messageSent: () => messageSent,
    connected: () => connected,
    authenticated: () => authenticated,
    logger: {
      level: ignore,
      trace: ignore,
      debug: ignore,
      info: (entry: unknown) => {
        if (typeof entry !== "object" || entry === null) return
        if (Reflect.get(entry, "tnx") === "message") messageSent = true
        if (Reflect.get(entry, "tnx") === "network" && "remoteAddress" in entry) connected = true
        if (Reflect.get(entry, "action") === "authenticated") authenticated = true
      },
      warn: ignore,
      error: ignore,
      fatal: ignore
    }
  }
}

/**
 * How long nodemailer waits, by the name it gives each timeout: to connect, for the greeting, and twice as long on an
 * idle session (a relay may take a while to check a large message).
 */
export const smtpWaits = (timeout: Duration.Duration) => ({
  CONNECTION_TIMEOUT: timeout,
  GREETING_TIMEOUT: timeout,
  SOCKET_TIMEOUT: Duration.times(timeout, 2)
})

/**
 * `nodeExtraCa` is what NODE_EXTRA_CA_CERTS names (see `nodeExtraCaCertificates`): trusted along with Node's bundled
 * CAs and the server's `extraCa`.
 */
export const transportOptions = (
  server: SmtpServerSettings,
  logger: SMTPTransportOptions["logger"] = false,
  nodeExtraCa?: string
): SMTPTransportOptions => {
  const waits = smtpWaits(server.timeout)
  return {
    host: server.host,
    port: server.port,
    secure: server.security === "implicit-tls",
    // requireTLS fails the session when STARTTLS is missing or fails, instead of going on in clear text.
    requireTLS: server.security === "starttls-required",
    ...(server.credentials === undefined
      ? {}
      : { auth: { user: server.credentials.user, pass: Redacted.value(server.credentials.password) } }),
    tls: {
      minVersion: "TLSv1.2",
      rejectUnauthorized: server.security !== "starttls-if-offered",
      // `ca` replaces Node's trusted roots, NODE_EXTRA_CA_CERTS included, so the extra certificate is added to them,
      // not put in their place.
      ...(server.extraCa === undefined
        ? {}
        : { ca: [...rootCertificates, ...(nodeExtraCa === undefined ? [] : [nodeExtraCa]), server.extraCa] })
    },
    connectionTimeout: Duration.toMillis(waits.CONNECTION_TIMEOUT),
    greetingTimeout: Duration.toMillis(waits.GREETING_TIMEOUT),
    socketTimeout: Duration.toMillis(waits.SOCKET_TIMEOUT),
    // The logger only watches (makeSessionWatch); nodemailer's debug log, which would hold the AUTH exchange and
    // the message, stays off.
    logger,
    debug: false
  }
}

/**
 * The longest one session may take, in server timeouts: ten minutes by default, room for the largest attachment at
 * 15 KB/s. nodemailer's timeouts only catch silence, so a relay that answers a few bytes at a time (a tarpit, a
 * proxy in trouble) held the session, the run and the report directory's lock for ever.
 */
export const SESSION_TIMEOUTS = 20

/** A session over its time: not tried again, as a relay that slow is no faster a few seconds later. */
const sessionTooLong = (server: string, limit: Duration.Duration, messageSent: boolean) =>
  new AttemptFailed({
    retryable: false,
    unconfirmed: messageSent,
    reason: messageSent
      ? `the message went to ${server}, but the session was still not over after ${Duration.format(limit)}, its ` +
        "answers coming too slowly: it may have been delivered, so it was not sent again (that could deliver it " +
        "twice); check the mailbox"
      : `the session with ${server} was still not over after ${Duration.format(limit)}: it answered, but so slowly ` +
        "that it never finished; check that SMTP_URL names the relay meant, and that relay's health"
  })

/** Doubling waits from `baseDelay`, each at most `maxDelay`, jittered so parallel jobs do not retry in step. */
export const retrySchedule = (retry: SmtpRetry) =>
  Schedule.exponential(retry.baseDelay).pipe(
    Schedule.union(Schedule.spaced(retry.maxDelay)),
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(retry.retries))
  )

export class Mailer extends Effect.Service<Mailer>()("Email/Mailer", {
  scoped: (server: SmtpServerSettings) =>
    Effect.gen(function* () {
      // nodemailer is loaded when mail is sent: most runs write no email, and loading it is a tenth of start-up.
      const { createTransport } = yield* Effect.promise(() => import("nodemailer"))
      const watch = makeSessionWatch()
      const nodeExtraCa = server.extraCa === undefined ? undefined : yield* nodeExtraCaCertificates
      const transport = yield* Effect.acquireRelease(
        Effect.sync(() => createTransport(transportOptions(server, watch.logger, nodeExtraCa))),
        (transport) => Effect.sync(() => transport.close())
      )
      const sessionLimit = Duration.times(server.timeout, SESSION_TIMEOUTS)
      const context = {
        server: describeEndpoint(server),
        user: server.credentials?.user,
        secrets: smtpSecrets(server.credentials),
        implicitTls: server.security === "implicit-tls",
        waits: smtpWaits(server.timeout)
      }

      let saidNoLogin = false

      /** Sends `message`, retrying what may pass on a later attempt; fails with why it did not go. */
      const trySend = Effect.fn("Mailer.trySend")(function* (message: SendMailOptions) {
        let attempts = 0
        const attempt = Effect.suspend(() => {
          attempts++
          watch.reset()
          return Effect.tryPromise({
            try: (signal) => transport.sendMail({ ...message, signal }),
            catch: (error) =>
              new AttemptFailed(
                describeSmtpFailure(error, {
                  ...context,
                  messageSent: watch.messageSent(),
                  connected: watch.connected()
                })
              )
          }).pipe(
            // Interrupted at the limit, the send's signal aborts its socket.
            Effect.timeoutFail({
              duration: sessionLimit,
              onTimeout: () => sessionTooLong(context.server, sessionLimit, watch.messageSent())
            })
          )
        }).pipe(
          Effect.tapError((failure) =>
            failure.retryable && attempts <= server.retry.retries
              ? Effect.logWarning("SMTP attempt failed; retrying").pipe(
                  Effect.annotateLogs({ attempt: attempts, reason: failure.reason })
                )
              : Effect.void
          )
        )
        const info = yield* attempt.pipe(
          Effect.retry({ schedule: retrySchedule(server.retry), while: (failure) => failure.retryable }),
          Effect.mapError(
            (failure) =>
              new SendFailed({
                reason: scrubSecrets(failure.reason, context.secrets),
                unconfirmed: failure.unconfirmed === true,
                attempts
              })
          )
        )
        if (server.credentials !== undefined && !watch.authenticated() && !saidNoLogin) {
          saidNoLogin = true
          // Not a failure: a relay that takes mail without a login exists. But a login was configured, so the server
          // may not be the one meant (or a network device stripped the offer); the password was not sent.
          yield* Effect.logWarning(
            `The SMTP server ${context.server} offered no login, so the email was sent without the one configured ` +
              "(SMTP_USER and SMTP_PASSWORD, or the user in SMTP_URL): check that SMTP_URL names the server meant, " +
              "or configure no login if it needs none."
          )
        }
        return {
          messageId: info.messageId,
          accepted: [...info.accepted],
          rejected: refusedRecipients(info, [...info.rejected].map(String), context.secrets),
          attempts
        } satisfies SentMessage
      })

      /** Sends the audit email; fails as a whole, saying the reports on disk are complete. */
      const send = (message: SendMailOptions) =>
        Effect.mapError(
          trySend(message),
          (failed) =>
            new DeliveryError({
              message: scrubSecrets(
                `the audit email was ${failed.unconfirmed ? "not confirmed" : "not sent"}: ${failed.reason}` +
                  `${failed.attempts > 1 ? ` (${failed.attempts} attempts)` : ""}. The reports on disk are complete.`,
                context.secrets
              )
            })
        )

      return { send, trySend } as const
    })
}) {}
