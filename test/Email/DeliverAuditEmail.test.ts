/**
 * The email reporter end to end: a real SMTP server on 127.0.0.1 receives the message and mailparser reads it
 * back. Retries wait milliseconds here (settings, not the test clock: the sockets are real).
 */

import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { createServer, type Server, type Socket } from "node:net"
import { dirname, join } from "node:path"
import { rootCertificates } from "node:tls"
import { gunzipSync } from "node:zlib"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Exit, Fiber, Option, Redacted, Schedule } from "effect"
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser"
import type { AuditOutcome } from "../../src/Audit/RunAudit.js"
import { ExitCode } from "../../src/Cli/ExitCode.js"
import { deliverAuditEmail } from "../../src/Email/DeliverAuditEmail.js"
import { describeDelivery } from "../../src/Email/DeliveryResult.js"
import { toEmailSettings } from "../../src/Email/EmailOptions.js"
import type { EmailPolicy } from "../../src/Email/EmailPolicy.js"
import {
  DEFAULT_HARD_CAP_BYTES,
  DEFAULT_PLAIN_MAX_BYTES,
  DEFAULT_SUBJECT_PREFIX,
  type EmailSettings,
  type EmailTransport,
  type MessageSettings,
  type SmtpServerSettings
} from "../../src/Email/EmailSettings.js"
import { retrySchedule, transportOptions } from "../../src/Email/Mailer.js"
import { captureLogs } from "../support/testClient.js"
import { reportDirectory, writeOutcome } from "./support/AuditOutcomeFixture.js"
import { makePrivateCaCertificate, makeSelfSignedCertificate } from "./support/Certificate.js"
import { sampleFindings, XSS_NAME } from "./support/SampleFindings.js"
import { closedPort, type ReceivedMail, startSmtpServer } from "./support/SmtpTestServer.js"

const PASSWORD = "correct horse battery staple"

const smtp = (port: number, overrides: Partial<SmtpServerSettings> = {}): EmailTransport => ({
  _tag: "Smtp",
  server: {
    host: "127.0.0.1",
    port,
    security: "starttls-if-offered",
    timeout: Duration.seconds(3),
    retry: { retries: 2, baseDelay: Duration.millis(10), maxDelay: Duration.millis(40) },
    ...overrides
  }
})

/** A TCP server on loopback that hands each connection to `onConnection`, closed with the test's scope: its port. */
/**
 * A TCP server on loopback that `onConnection` scripts, given each socket and its number, counted from 1: its port,
 * and how many connections it has had. A socket's errors (the client's resets) are the test's to look at, not a crash.
 */
const scriptedServer = (onConnection: (socket: Socket, connection: number) => void) => {
  let connections = 0
  return Effect.map(
    Effect.acquireRelease(
      Effect.async<Server>((resume) => {
        const server = createServer((socket) => {
          connections++
          socket.on("error", () => {})
          onConnection(socket, connections)
        }).listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) => Effect.sync(() => server.close())
    ),
    (server) => {
      const address = server.address()
      return {
        port: typeof address === "object" && address !== null ? address.port : 0,
        connections: () => connections
      }
    }
  )
}

/**
 * Answers a scripted SMTP session line by line: DATA with 354, the end of the message with `afterMessage`, QUIT with
 * 221 and the end of the connection, any other command with 250.
 */
const answerSmtp = (socket: Socket, afterMessage: () => void) => {
  let buffered = ""
  let inData = false
  socket.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("latin1")
    for (;;) {
      const end = buffered.indexOf(inData ? "\r\n.\r\n" : "\r\n")
      if (end === -1) return
      const line = buffered.slice(0, end)
      buffered = buffered.slice(end + (inData ? 5 : 2))
      if (inData) {
        inData = false
        afterMessage()
      } else if (/^DATA/iu.test(line)) {
        inData = true
        socket.write("354 Go ahead\r\n")
      } else if (/^QUIT/iu.test(line)) socket.end("221 Bye\r\n")
      else socket.write("250 OK\r\n")
    }
  })
}

const serverOf = (transport: EmailTransport): SmtpServerSettings => {
  if (transport._tag !== "Smtp") throw new Error("expected SMTP settings")
  return transport.server
}

const emailOn = (
  transport: EmailTransport,
  message: Partial<MessageSettings> = {},
  policy: Exclude<EmailPolicy, "never"> = "on-findings"
): EmailSettings => ({
  _tag: "EmailOn",
  policy,
  transport,
  message: {
    from: { name: "Panther audit", address: "audit@acme.example" },
    to: [
      { name: "Security", address: "security@acme.example" },
      { name: "", address: "ciso@acme.example" }
    ],
    cc: [{ name: "", address: "it-ops@acme.example" }],
    subjectPrefix: "[Panther user audit]",
    attachment: { plainMaxBytes: 5 * 1024 * 1024, hardCapBytes: 10 * 1024 * 1024 },
    ...message
  }
})

const sampleOutcome = Effect.flatMap(reportDirectory, (directory) => writeOutcome(directory, sampleFindings))

const only = (received: ReadonlyArray<ReceivedMail>): ReceivedMail => {
  expect(received).toHaveLength(1)
  const [mail] = received
  if (mail === undefined) throw new Error("no message arrived")
  return mail
}

const parse = (raw: Buffer): Effect.Effect<ParsedMail> => Effect.promise(() => simpleParser(raw))

const addresses = (field: AddressObject | ReadonlyArray<AddressObject> | undefined): Array<string> =>
  (field === undefined ? [] : Array.isArray(field) ? field : [field]).flatMap((object: AddressObject) =>
    object.value.map((address) => address.address ?? "")
  )

/** Everything about the reports that a delivery must leave alone. */
const snapshotReports = (outcome: AuditOutcome) => ({
  csv: readFileSync(outcome.reports.csv),
  json: readFileSync(outcome.reports.json),
  mtime: statSync(outcome.reports.csv).mtimeMs
})

describe("sending through SMTP", () => {
  it.scopedLive("delivers one message with the headers, both parts and the CSV attached as on disk", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer()
      const outcome = yield* sampleOutcome
      const result = yield* deliverAuditEmail(emailOn(smtp(server.port)), outcome)

      const mail = only(server.received)
      expect(mail.from).toBe("audit@acme.example")
      expect(mail.to).toEqual(["security@acme.example", "ciso@acme.example", "it-ops@acme.example"])
      const parsed = yield* parse(mail.raw)
      expect(parsed.subject).toBe(
        "[Panther user audit] api.acme.example: 1 critical, 3 high, 10 medium, 1 low (418 users)"
      )
      expect(parsed.from?.value).toEqual([{ name: "Panther audit", address: "audit@acme.example" }])
      expect(addresses(parsed.to)).toEqual(["security@acme.example", "ciso@acme.example"])
      expect(addresses(parsed.cc)).toEqual(["it-ops@acme.example"])
      expect(parsed.headers.get("auto-submitted")).toBe("auto-generated")
      expect(parsed.headers.get("x-panther-audit-run")).toBe("run-0001")
      expect(result).toMatchObject({
        _tag: "Sent",
        messageId: parsed.messageId,
        accepted: ["security@acme.example", "ciso@acme.example", "it-ops@acme.example"],
        attempts: 1,
        reason: "15 findings of severity low or above"
      })
      expect(describeDelivery(result)).toBe(
        `Email sent to security@acme.example, ciso@acme.example, it-ops@acme.example (message id ${parsed.messageId}).`
      )

      // Both parts, decoded by a real parser: the hostile name is text in each.
      const html = parsed.html === false ? "" : parsed.html
      expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;")
      expect(html).not.toContain("<script")
      expect(parsed.text).toContain(XSS_NAME)
      expect(parsed.text).toContain("FINDINGS BY CODE")
      expect(html).toContain("Findings by code")

      expect(parsed.attachments).toHaveLength(1)
      const [attachment] = parsed.attachments
      expect(attachment?.filename).toBe("user-audit-20260630T120000Z.csv")
      expect(attachment?.contentType).toBe("text/csv")
      expect(attachment?.content.equals(readFileSync(outcome.reports.csv))).toBe(true)
    })
  )

  it.scopedLive("attaches a large CSV gzip-compressed, and leaves one above the hard cap out with its path", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer()
      const outcome = yield* sampleOutcome
      const attachment = { plainMaxBytes: 512, hardCapBytes: 10 * 1024 * 1024 }
      yield* deliverAuditEmail(emailOn(smtp(server.port), { attachment }), outcome)
      const gzipped = yield* parse(only(server.received).raw)
      const [gz] = gzipped.attachments
      expect(gz?.filename).toBe("user-audit-20260630T120000Z.csv.gz")
      expect(gz?.contentType).toBe("application/gzip")
      expect(gunzipSync(gz?.content ?? Buffer.alloc(0)).equals(readFileSync(outcome.reports.csv))).toBe(true)

      server.received.length = 0
      yield* deliverAuditEmail(
        emailOn(smtp(server.port), { attachment: { plainMaxBytes: 512, hardCapBytes: 256 } }),
        outcome
      )
      const leftOut = yield* parse(only(server.received).raw)
      expect(leftOut.attachments).toEqual([])
      expect(leftOut.text).toContain(`limit for attachments. It is at ${outcome.reports.csv}`)
    })
  )

  it.scopedLive("logs in when the server asks, and the server sees the user", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ users: { bob: PASSWORD } })
      const credentials = { user: "bob", password: Redacted.make(PASSWORD) }
      yield* deliverAuditEmail(emailOn(smtp(server.port, { credentials })), yield* sampleOutcome)
      expect(only(server.received).user).toBe("bob")
    })
  )

  it.scopedLive("logs in with the password of SMTP_PASSWORD_FILE saved with a byte order mark, without the mark", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ users: { bob: PASSWORD } })
      // As Notepad saves it: a byte order mark, the password, a Windows line break.
      const passwordFile = join(yield* reportDirectory, "smtp-password")
      writeFileSync(passwordFile, `\uFEFF${PASSWORD}\r\n`)
      const settings = yield* toEmailSettings({
        email: Option.some("always"),
        smtpUrl: Option.some(Redacted.make(`smtp://127.0.0.1:${server.port}`)),
        smtpUser: Option.some("bob"),
        smtpPassword: Option.none(),
        smtpPasswordFile: Option.some(passwordFile),
        smtpInsecure: false,
        smtpCaFile: Option.none(),
        smtpRetries: 0,
        mailFrom: Option.some("audit@acme.example"),
        mailTo: Option.some("security@acme.example"),
        mailCc: Option.none(),
        mailSubjectPrefix: DEFAULT_SUBJECT_PREFIX,
        mailAttachMaxBytes: DEFAULT_PLAIN_MAX_BYTES,
        mailAttachHardCapBytes: DEFAULT_HARD_CAP_BYTES
      })
      const result = yield* deliverAuditEmail(settings, yield* sampleOutcome)
      expect(result._tag).toBe("Sent")
      expect(only(server.received).user).toBe("bob")
    })
  )

  it.scopedLive("warns when the server offers no login though one is configured, and sends no password", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const server = yield* startSmtpServer({ noAuth: true })
      const credentials = { user: "bob", password: Redacted.make(PASSWORD) }
      yield* deliverAuditEmail(emailOn(smtp(server.port, { credentials })), yield* sampleOutcome).pipe(
        Effect.provide(logs.layer)
      )
      expect(only(server.received).user).toBeUndefined()
      expect(server.authAttempts()).toBe(0)
      const warning = logs.lines.filter((line) => line.includes("offered no login"))
      expect(warning).toHaveLength(1)
      expect(warning[0]).toContain(
        `127.0.0.1:${server.port} offered no login, so the email was sent without the one configured ` +
          "(SMTP_USER and SMTP_PASSWORD, or the user in SMTP_URL)"
      )
      expect(logs.lines.join("\n")).not.toContain(PASSWORD)
    })
  )

  it.scopedLive("says nothing of the login when it was used", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const server = yield* startSmtpServer({ users: { bob: PASSWORD } })
      const credentials = { user: "bob", password: Redacted.make(PASSWORD) }
      yield* deliverAuditEmail(emailOn(smtp(server.port, { credentials })), yield* sampleOutcome).pipe(
        Effect.provide(logs.layer)
      )
      expect(only(server.received).user).toBe("bob")
      expect(logs.lines.join("\n")).not.toContain("offered no login")
    })
  )

  it.scopedLive(
    "fails once, exit 4, on a refused login, and never says the password, even when the server echoes it",
    () =>
      Effect.gen(function* () {
        const server = yield* startSmtpServer({
          users: { bob: "another password" },
          authFailureMessage: (password) =>
            `5.7.8 Login "${password}" (${Buffer.from(`\u0000bob\u0000${password}`).toString("base64")}) not accepted`
        })
        const outcome = yield* sampleOutcome
        const before = snapshotReports(outcome)
        const credentials = { user: "bob", password: Redacted.make(PASSWORD) }
        const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(server.port, { credentials })), outcome))

        expect(error._tag).toBe("DeliveryError")
        expect(error.exitCode).toBe(ExitCode.OutputFailure)
        expect(error.message).toContain(`127.0.0.1:${server.port} refused the login as "bob": check SMTP_USER and the`)
        expect(error.message).toContain("535")
        expect(error.message).toContain("[redacted]")
        for (const leak of [PASSWORD, "horse", Buffer.from(`\u0000bob\u0000${PASSWORD}`).toString("base64")]) {
          expect(error.message).not.toContain(leak)
          expect(JSON.stringify(error)).not.toContain(leak)
          expect(String(error)).not.toContain(leak)
        }
        // A refused login is not retried: it would be refused again, and retries can lock the account.
        expect(server.authAttempts()).toBe(1)
        expect(server.received).toEqual([])
        expect(snapshotReports(outcome)).toEqual(before)
      })
  )

  /** The bytes of UTF-8 read as Windows-1252: Latin-1 but for 0x80-0x9F, here those that ß, Ä and Ü end with. */
  const asWindows1252 = (text: string) =>
    Buffer.from(text, "utf8")
      .toString("latin1")
      .replace(/[\u0084\u009c\u009f]/g, (byte) => ({ "\u0084": "„", "\u009c": "œ", "\u009f": "Ÿ" })[byte] ?? byte)

  const quotedPrintable = (text: string) =>
    [...Buffer.from(text)].map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("")

  it.scopedLive.each([
    ["in quoted-printable, as mail writes bytes", quotedPrintable],
    // Reads the same on screen as the password typed: `a` and a combining diaeresis for `ä`.
    ["decomposed (NFD), as text from macOS or a normalizing server comes", (text: string) => text.normalize("NFD")],
    // PÃ¤sswÃ¶rd: the bytes of UTF-8 taken for Latin-1 by a server, then sent as UTF-8.
    ["as UTF-8 read as Latin-1", (text: string) => Buffer.from(text, "utf8").toString("latin1")]
  ] as const)("never quotes a password the server echoes %s", ([, echo]) =>
    Effect.gen(function* () {
      const password = "Sm7p-Pässwörd!"
      const server = yield* startSmtpServer({
        users: { bob: "another password" },
        authFailureMessage: (echoed) => `5.7.8 password ${echo(echoed)} not accepted`
      })
      const credentials = { user: "bob", password: Redacted.make(password) }
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(server.port, { credentials })), yield* sampleOutcome)
      )

      expect(error.message).toContain(`127.0.0.1:${server.port} refused the login as "bob"`)
      // The reply is withheld: what is left of it once the password is cut out of its decoded text says nothing.
      expect(error.message).toContain("[not shown: it quoted a secret]")
      expect(error.message).not.toContain(echo(password))
      expect(error.message).not.toContain("=53=6D=37")
      expect(error.message.normalize("NFC")).not.toContain(password)
    })
  )

  it.scopedLive(
    "never quotes a password with ß or a capital with an accent the server echoes as UTF-8 read as Windows-1252",
    () =>
      Effect.gen(function* () {
        // StraÃŸe-Ã„pfel: ß and Ä end in a byte that Windows-1252, which most software taking bytes for Latin-1
        // reads them with, makes a letter of (Ÿ, „), where Latin-1 has a control. Under 20 characters, so not read by
        // halves as a generated password is: withheld only when read back whole.
        const password = "Sm7p-Straße-Äpfel!"
        const server = yield* startSmtpServer({
          users: { bob: "another password" },
          authFailureMessage: (echoed) => `5.7.8 password ${asWindows1252(echoed)} not accepted`
        })
        const credentials = { user: "bob", password: Redacted.make(password) }
        const error = yield* Effect.flip(
          deliverAuditEmail(emailOn(smtp(server.port, { credentials })), yield* sampleOutcome)
        )

        expect(error.message).toContain(`127.0.0.1:${server.port} refused the login as "bob"`)
        expect(error.message).toContain("[not shown: it quoted a secret]")
        expect(error.message).not.toContain("StraÃŸe")
      })
  )

  it.scopedLive.each([
    [
      "Exchange Online, SMTP AUTH turned off for the organization",
      535,
      "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
      "SMTP AUTH is turned off for the organization or for this mailbox, whatever the password"
    ],
    [
      "Exchange Online, security defaults",
      535,
      "5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy.",
      "security defaults in Microsoft Entra ID turn SMTP AUTH off"
    ],
    [
      "Exchange Online, Basic authentication retired",
      550,
      "5.7.30 Basic authentication is not supported for Client Submission.",
      "it takes no password login (Basic authentication) for client submission"
    ],
    [
      "Gmail, an app password required",
      534,
      "5.7.9 Application-specific password required. For more information, go to " +
        "https://support.google.com/mail/?p=InvalidSecondFactor",
      "the account has 2-Step Verification on, and its own password is not taken over SMTP: give an app password"
    ],
    [
      "Gmail, credentials not accepted",
      535,
      "5.7.8 Username and Password not accepted. Learn more at https://support.google.com/mail/?p=BadCredentials",
      "check SMTP_USER and the password: Gmail takes an app password, which a Google account with 2-Step " +
        "Verification makes at myaccount.google.com/apppasswords, not the account's own password"
    ]
  ] as const)("on a login refused by %s, says what to do, not only to check the password", ([, code, message, says]) =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ users: { bob: PASSWORD }, refuseLogins: { code, message } })
      const credentials = { user: "bob", password: Redacted.make(PASSWORD) }
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(server.port, { credentials })), yield* sampleOutcome)
      )
      expect(error.message).toContain(`127.0.0.1:${server.port} refused the login as "bob": ${says}`)
      expect(error.message).toContain(`(server replied: ${code} ${message})`)
      // The generic advice, which these refusals used to get, sent the user after a password that was right.
      expect(error.message).not.toContain("check SMTP_USER and the password (server replied")
      expect(server.authAttempts()).toBe(1)
      expect(server.received).toEqual([])
    })
  )

  it.scopedLive("retries a temporary refusal and delivers on the next attempt", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ refuseFirstConnections: 1 })
      const result = yield* deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome)
      expect(result).toMatchObject({ _tag: "Sent", attempts: 2 })
      expect(server.connections()).toBe(2)
      only(server.received)
    })
  )

  it.scopedLive(
    "retries recipients a greylisting relay refused for now, and delivers to them on the next attempt",
    () =>
      Effect.gen(function* () {
        // A 451 for every recipient is no verdict on the addresses: the relay takes them when the sender comes back.
        const server = yield* startSmtpServer({ greylistFirstConnections: 1 })
        const result = yield* deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome)
        expect(result).toMatchObject({ _tag: "Sent", attempts: 2 })
        expect(server.connections()).toBe(2)
        expect(only(server.received).to).toEqual(["security@acme.example", "ciso@acme.example", "it-ops@acme.example"])
      })
  )

  it.scopedLive("gives up after the configured retries when the server stays busy, logging each one retried", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const server = yield* startSmtpServer({ refuseFirstConnections: 100 })
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome).pipe(Effect.provide(logs.layer))
      )
      expect(server.connections()).toBe(3)
      expect(error.message).toContain("Too busy, try again later")
      expect(error.message).toContain("(3 attempts)")
      // The two attempts followed by another say so; the last one's failure is the error above.
      const retrying = logs.lines.filter((line) => line.includes("SMTP attempt failed; retrying"))
      expect(retrying.map((line) => /attempt=(\d+)/u.exec(line)?.[1])).toEqual(["1", "2"])
    })
  )

  it.scopedLive("says a relay refused this host at its greeting, and what to do, retrying only a 4xx", () =>
    Effect.gen(function* () {
      // A relay that lets only listed hosts send, or found this one on a blocklist, greets with a 554 and hangs up.
      const { port, connections } = yield* scriptedServer((socket) => {
        socket.end("554 5.7.1 Client host 127.0.0.1 blocked\r\n")
      })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(port)), yield* sampleOutcome))
      expect(error.message).toBe(
        `the audit email was not sent: 127.0.0.1:${port} refused this machine at its greeting, before anything was ` +
          "sent: it takes no mail from this host's address (a relay that lets only listed hosts or networks send, or " +
          "one that found the address on a blocklist); have the relay's admin let this host send, or set SMTP_URL to " +
          "a relay that does (server replied: 554 5.7.1 Client host 127.0.0.1 blocked). The reports on disk are " +
          "complete."
      )
      expect(connections()).toBe(1)

      const busy = yield* startSmtpServer({ refuseFirstConnections: 100 })
      const later = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(busy.port)), yield* sampleOutcome))
      expect(later.message).toContain(
        `127.0.0.1:${busy.port} turned the connection away at its greeting, for now: a temporary refusal (a busy ` +
          "relay, or one limiting connections from this host) (server replied: 421 Too busy, try again later) " +
          "(3 attempts)"
      )
    })
  )

  it.effect("waits about twice as long before each retry, from the base delay up to the maximum", () =>
    Effect.gen(function* () {
      const retry = { retries: 8, baseDelay: Duration.seconds(2), maxDelay: Duration.seconds(30) }
      const delays = yield* Schedule.run(
        Schedule.delays(retrySchedule(retry)),
        0,
        Array.from({ length: 20 }, () => 0)
      )
      const millis = Chunk.toReadonlyArray(delays).slice(0, retry.retries).map(Duration.toMillis)
      expect(millis).toHaveLength(8)
      // Jittered by up to a fifth either way.
      expect(millis[0]).toBeGreaterThanOrEqual(1_600)
      expect(millis[0]).toBeLessThanOrEqual(2_400)
      expect(millis[2]).toBeGreaterThanOrEqual(6_400)
      for (const delay of millis) expect(delay).toBeLessThanOrEqual(36_000)
      expect(millis[7]).toBeGreaterThanOrEqual(24_000)
    })
  )

  it.scopedLive("does not send again when the server took the message and then never confirmed it", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ stallData: true, noStartTls: true })
      // nodemailer waits twice the timeout for an idle session.
      const transport = smtp(server.port, { timeout: Duration.millis(300) })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(transport), yield* sampleOutcome))
      expect(server.connections()).toBe(1)
      expect(error.message).toContain(
        `the audit email was not confirmed: the message went to 127.0.0.1:${server.port}, but no answer came within ` +
          "600ms before the server confirmed it"
      )
      expect(error.message).toContain("it may have been delivered, so it was not sent again")
    })
  )

  it.scopedLive("gives up a session whose answers trickle in, which no timeout of silence ends, and closes it", () =>
    Effect.gen(function* () {
      // Greets, then answers EHLO with a continuation line every 50 ms and never the last one: never silent for the
      // idle timeout (twice 400 ms, room for a loaded machine's pauses, which a shorter one took for silence), never
      // done.
      let closed = false
      const { port, connections } = yield* scriptedServer((socket) => {
        socket.write("220 test ESMTP\r\n")
        let trickle: NodeJS.Timeout | undefined
        socket.on("close", () => {
          closed = true
          clearInterval(trickle)
        })
        socket.once("data", () => {
          trickle = setInterval(() => socket.write("250-still thinking\r\n"), 50)
        })
      })
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(port, { timeout: Duration.millis(400) })), yield* sampleOutcome).pipe(
          Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("the send never ended") })
        )
      )
      expect(error.message).toContain(
        `the audit email was not sent: the session with 127.0.0.1:${port} was still not over after 8s: it answered, ` +
          "but so slowly that it never finished; check that SMTP_URL names the relay meant, and that relay's health"
      )
      // Not tried again: a relay that slow is no faster a moment later.
      expect(connections()).toBe(1)
      expect(
        yield* Effect.promise(async () => {
          for (let wait = 0; wait < 100 && !closed; wait++) await new Promise((resolve) => setTimeout(resolve, 20))
          return closed
        })
      ).toBe(true)
    })
  )

  it.scopedLive("says a session given up for trickling after the message went out may have delivered it", () =>
    Effect.gen(function* () {
      // A plain session up to the message's end, whose answer then trickles in and never ends (every 50 ms, well
      // within the idle timeout of twice 400 ms).
      const { port, connections } = yield* scriptedServer((socket) => {
        socket.write("220 test ESMTP\r\n")
        let trickle: NodeJS.Timeout | undefined
        socket.on("close", () => clearInterval(trickle))
        answerSmtp(socket, () => {
          trickle = setInterval(() => socket.write("250-still scanning\r\n"), 50)
        })
      })
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(port, { timeout: Duration.millis(400) })), yield* sampleOutcome).pipe(
          Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("the send never ended") })
        )
      )
      expect(error.message).toContain(
        `the audit email was not confirmed: the message went to 127.0.0.1:${port}, but the session was still not ` +
          "over after 8s, its answers coming too slowly: it may have been delivered, so it was not sent again"
      )
      expect(connections()).toBe(1)
    })
  )

  it.scopedLive("still retries a session that timed out before the message went out", () =>
    Effect.gen(function* () {
      // Accepts the connection and never greets: nothing was sent, so trying again is safe.
      const { port, connections } = yield* scriptedServer(() => {})
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(port, { timeout: Duration.millis(200) })), yield* sampleOutcome)
      )
      expect(connections()).toBe(3)
      expect(error.message).toContain("the audit email was not sent")
      expect(error.message).toContain("(3 attempts)")
      // How long it waited, so that a reader can tell a silent relay from a slow network.
      expect(error.message).toContain(
        `the session with 127.0.0.1:${port} failed: timed out, no greeting came within 200ms`
      )

      // Greets, then never answers EHLO: an idle session, given twice the timeout.
      const mute = yield* scriptedServer((socket) => {
        socket.write("220 test ESMTP\r\n")
      })
      const silent = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(mute.port, { timeout: Duration.millis(200) })), yield* sampleOutcome)
      )
      expect(silent.message).toContain(
        `the session with 127.0.0.1:${mute.port} failed: timed out, no answer came within 400ms`
      )
    })
  )

  it.scopedLive("after a temporary refusal of the message, still retries a connection that fails before sending", () =>
    Effect.gen(function* () {
      // The first session takes the message and answers 451; every later connection is dropped at once.
      const { port, connections } = yield* scriptedServer((socket, connection) => {
        if (connection > 1) return socket.destroy()
        socket.write("220 test ESMTP\r\n")
        answerSmtp(socket, () => socket.write("451 4.3.0 Try again later\r\n"))
      })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(port)), yield* sampleOutcome))
      expect(connections()).toBe(3)
      expect(error.message).toContain("the audit email was not sent")
      expect(error.message).toContain("(3 attempts)")
    })
  )

  it.scopedLive("says a session the server dropped at the message was cut off, not that it could not connect", () =>
    Effect.gen(function* () {
      // Greets, takes the envelope, and drops the connection when the message is to follow: retried, and said so.
      const { port, connections } = yield* scriptedServer((socket) => {
        socket.write("220 test ESMTP\r\n")
        let buffered = ""
        socket.on("data", (chunk) => {
          buffered += chunk.toString("latin1")
          for (let end = buffered.indexOf("\r\n"); end !== -1; end = buffered.indexOf("\r\n")) {
            const line = buffered.slice(0, end)
            buffered = buffered.slice(end + 2)
            if (/^DATA/iu.test(line)) return socket.destroy()
            socket.write("250 OK\r\n")
          }
        })
      })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(port)), yield* sampleOutcome))
      expect(connections()).toBe(3)
      expect(error.message).toBe(
        `the audit email was not sent: the session with 127.0.0.1:${port} failed: Connection closed unexpectedly ` +
          "(3 attempts). The reports on disk are complete."
      )
    })
  )

  it.scopedLive("fails, exit 4, when a recipient is refused for good, naming who got it and who did not", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ rejectRecipients: ["ciso@acme.example"] })
      const partly = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome))
      expect(partly._tag).toBe("DeliveryError")
      expect(partly.exitCode).toBe(4)
      expect(partly.message).toContain("reached security@acme.example, it-ops@acme.example")
      expect(partly.message).toContain(
        "the server refused ciso@acme.example (server replied: 550 No such mailbox): check that address in MAIL_TO / " +
          "MAIL_CC, and that the relay delivers to it."
      )
      // Delivered to the others once, not retried.
      expect(server.received).toHaveLength(1)

      const all = yield* startSmtpServer({ rejectRecipients: ["security@acme.example"] })
      const error = yield* Effect.flip(
        deliverAuditEmail(
          emailOn(smtp(all.port), { to: [{ name: "", address: "security@acme.example" }], cc: [] }),
          yield* sampleOutcome
        )
      )
      // The one address of MAIL_TO refused: the error names it and what to check, not "the message".
      expect(error.message).toContain(
        `127.0.0.1:${all.port} refused the recipient, security@acme.example (server replied: 550 No such mailbox): ` +
          "check that address in MAIL_TO / MAIL_CC, and that the relay delivers to it"
      )
      expect(all.connections()).toBe(1)

      const everyone = yield* startSmtpServer({
        rejectRecipients: ["security@acme.example", "it-ops@acme.example", "ciso@acme.example"]
      })
      const none = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(everyone.port)), yield* sampleOutcome))
      expect(none.message).toMatch(/refused every recipient, [a-z@.-]+, [a-z@.-]+, [a-z@.-]+ \(server replied: 550 /)
      expect(none.message).toContain("check those addresses in MAIL_TO / MAIL_CC, and that the relay delivers to them")
    })
  )

  it.scopedLive(
    "sends the message again on their own to recipients a relay with a cap per message refused for now",
    () =>
      Effect.gen(function* () {
        const logs = captureLogs()
        const server = yield* startSmtpServer({ maxRecipientsPerMessage: 2 })
        const result = yield* deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome).pipe(
          Effect.provide(logs.layer)
        )
        expect(result).toMatchObject({
          _tag: "Sent",
          accepted: ["security@acme.example", "ciso@acme.example", "it-ops@acme.example"],
          attempts: 2
        })
        expect(server.received.map((mail) => mail.to)).toEqual([
          ["security@acme.example", "ciso@acme.example"],
          ["it-ops@acme.example"]
        ])
        // The same message: one Message-ID, and headers naming every recipient, as the first had.
        const [first, second] = server.received.map((mail) => mail.raw.toString("utf8"))
        const idOf = (raw: string | undefined) => /^Message-ID: (.+)$/imu.exec(raw ?? "")?.[1]
        expect(idOf(second)).toBe(idOf(first))
        expect(idOf(first)).toBe(result._tag === "Sent" ? result.messageId : "")
        expect(second).toContain(
          "\r\nTo: Security <security@acme.example>, ciso@acme.example\r\nCc: it-ops@acme.example\r\n"
        )
        expect(logs.lines.join("\n")).toContain(
          "sending the audit email again to recipients the server refused for now"
        )
      })
  )

  it.scopedLive("reads a 552 for too many recipients as a cap, as RFC 5321 asks, and sends to the rest again", () =>
    Effect.gen(function* () {
      // RFC 821 gave "too many recipients" 552; RFC 5321 (4.5.3.1.10) made it 452 and has clients read a 552 so too.
      for (const message of ["5.5.3 Too many recipients", "Too many recipients"]) {
        const server = yield* startSmtpServer({ maxRecipientsPerMessage: 2, recipientCapReply: { code: 552, message } })
        const result = yield* deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome)
        expect(result).toMatchObject({
          _tag: "Sent",
          accepted: ["security@acme.example", "ciso@acme.example", "it-ops@acme.example"]
        })
        expect(server.received.map((mail) => mail.to)).toEqual([
          ["security@acme.example", "ciso@acme.example"],
          ["it-ops@acme.example"]
        ])
      }
      // A full mailbox (5.2.2) is no cap: sending again would not help, and its address is named.
      const full = yield* startSmtpServer({
        maxRecipientsPerMessage: 2,
        recipientCapReply: { code: 552, message: "5.2.2 Mailbox full" }
      })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(full.port)), yield* sampleOutcome))
      expect(error.message).toContain("the server refused it-ops@acme.example (server replied: 552 5.2.2 Mailbox full)")
      expect(full.received).toHaveLength(1)
    })
  )

  it.scopedLive("says a recipient refused for now was refused for now, not that its address may be wrong", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ refuseRecipientsForNow: ["ciso@acme.example"] })
      const partly = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome))
      expect(partly.exitCode).toBe(4)
      expect(partly.message).toContain("reached security@acme.example, it-ops@acme.example")
      // Sent to it again on its own, with the retries a message refused for every recipient gets.
      expect(partly.message).toContain(
        "the server refused for now ciso@acme.example (server replied: 452 4.5.3 Too many recipients): a temporary " +
          "refusal (a relay greylisting a sender it has not seen, or taking only so many recipients at a time), not " +
          `a wrong address; sent to it again on its own, the message was not sent: 127.0.0.1:${server.port} refused ` +
          "the recipient for now, ciso@acme.example (server replied: 452 4.5.3 Too many recipients): a temporary " +
          "refusal, not a wrong address (3 attempts). The next run names this report in its warnings."
      )
      expect(partly.message).not.toContain("check that address")
      expect(server.connections()).toBe(4)
      expect(server.received.map((mail) => mail.to)).toEqual([["security@acme.example", "it-ops@acme.example"]])

      // One refused for good beside it: that one's address is to be checked, the other's not.
      const both = yield* startSmtpServer({
        rejectRecipients: ["it-ops@acme.example"],
        refuseRecipientsForNow: ["ciso@acme.example"]
      })
      const mixed = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(both.port)), yield* sampleOutcome))
      expect(mixed.message).toContain("reached security@acme.example (message id <")
      expect(mixed.message).toContain(
        "but the server refused it-ops@acme.example (server replied: 550 No such mailbox): check that address in " +
          "MAIL_TO / MAIL_CC, and that the relay delivers to it; and for now ciso@acme.example (server replied: 452 " +
          "4.5.3 Too many recipients): a temporary refusal"
      )
    })
  )

  it.scopedLive("names a recipient refused for now, then for good when sent again, and does not say it was sent", () =>
    Effect.gen(function* () {
      // Greylisted at first; sent again with another that the relay then takes, it is refused for good.
      const server = yield* startSmtpServer({
        greylistOnFirstConnection: ["ciso@acme.example", "it-ops@acme.example"],
        rejectRecipients: ["it-ops@acme.example"]
      })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome))
      expect(server.received.map((mail) => mail.to)).toEqual([["security@acme.example"], ["ciso@acme.example"]])
      expect(error.exitCode).toBe(4)
      expect(error.message).toContain("the audit email reached security@acme.example, ciso@acme.example (message id <")
      expect(error.message).toContain(
        "but the server refused it-ops@acme.example (server replied: 550 No such mailbox): check that address"
      )
    })
  )

  it.scopedLive("counts no attempts of sending again when there was one, as with no retries", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ refuseRecipientsForNow: ["ciso@acme.example"] })
      const once = { retries: 0, baseDelay: Duration.millis(10), maxDelay: Duration.millis(40) }
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(server.port, { retry: once })), yield* sampleOutcome)
      )
      expect(error.message).toContain(
        "(server replied: 452 4.5.3 Too many recipients): a temporary refusal, not a wrong address. The next run names"
      )
      expect(server.connections()).toBe(2)
    })
  )

  it.scopedLive("names the sender as what the server refused at MAIL FROM, not the message, and does not retry", () =>
    Effect.gen(function* () {
      const reply = "5.7.1 Sender address rejected: not owned by user"
      const server = yield* startSmtpServer({ refuseSender: { code: 553, message: reply } })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome))
      expect(error.exitCode).toBe(4)
      expect(error.message).toContain(
        `127.0.0.1:${server.port} refused the sender, the MAIL_FROM address: set MAIL_FROM (--mail-from) to an ` +
          `address the relay accepts from this machine (server replied: 553 ${reply})`
      )
      expect(server.connections()).toBe(1)
      expect(server.received).toEqual([])
    })
  )

  it.scopedLive(
    "says which address to verify when Amazon SES refuses one it has not verified, and does not retry",
    () =>
      Effect.gen(function* () {
        const reply =
          "Message rejected: Email address is not verified. The following identities failed the check in region " +
          "EU-WEST-1: audit@acme.example"
        const server = yield* startSmtpServer({ refuseMessage: { code: 554, message: reply } })
        const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome))
        expect(error.exitCode).toBe(4)
        expect(error.message).toContain(
          `127.0.0.1:${server.port} refused the message for an address it has not verified, named in its reply: ` +
            "verify it in the region the reply names (the MAIL_FROM address, or, while the account is in SES's " +
            "sandbox, a recipient), or set MAIL_FROM (--mail-from) to a verified one"
        )
        expect(error.message).toContain(`(server replied: 554 ${reply})`)
        // Refused for good: the same message from the same sender would be refused again.
        expect(server.connections()).toBe(1)
        expect(server.received).toEqual([])
      })
  )

  it.scopedLive("quotes why each recipient was refused: a right address a relay does not deliver to", () =>
    Effect.gen(function* () {
      // As Microsoft 365's direct send answers an outside address: it delivers to the organization's domains only.
      const refusal = "5.7.54 SMTP; Unable to relay recipient in non-accepted domain"
      const server = yield* startSmtpServer({
        rejectRecipients: ["ciso@partner.example", "it-ops@partner.example"],
        recipientRefusal: refusal
      })
      const message = {
        to: [
          { name: "", address: "security@acme.example" },
          { name: "", address: "ciso@partner.example" }
        ],
        cc: [{ name: "", address: "it-ops@partner.example" }]
      }
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(server.port), message), yield* sampleOutcome))
      expect(error.message).toContain(
        `the server refused ciso@partner.example (server replied: 550 ${refusal}), it-ops@partner.example (server ` +
          `replied: 550 ${refusal}): check those addresses in MAIL_TO / MAIL_CC, and that the relay delivers to them.`
      )
      expect(error.message).toContain("reached security@acme.example")
      expect(server.received).toHaveLength(1)
    })
  )

  it.scopedLive("never quotes the password in a recipient's refusal", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({
        users: { bob: PASSWORD },
        rejectRecipients: ["ciso@acme.example"],
        recipientRefusal: `Not for bob/${PASSWORD}`
      })
      const credentials = { user: "bob", password: Redacted.make(PASSWORD) }
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(server.port, { credentials })), yield* sampleOutcome)
      )
      expect(error.message).toContain(
        "the server refused ciso@acme.example (server replied: 550 Not for bob/[redacted])"
      )
      expect(error.message).not.toContain("horse")
    })
  )

  it.scopedLive("fails with exit 4 after bounded retries when the server is down, without the password", () =>
    Effect.gen(function* () {
      const port = yield* closedPort()
      const outcome = yield* sampleOutcome
      const before = snapshotReports(outcome)
      const files = readdirSync(dirname(outcome.reports.csv)).sort()
      const credentials = { user: "bob", password: Redacted.make(PASSWORD) }
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(smtp(port, { credentials })), outcome))
      expect(error.exitCode).toBe(ExitCode.OutputFailure)
      expect(error.message).toBe(
        `the audit email was not sent: cannot connect to 127.0.0.1:${port}: ECONNREFUSED (3 attempts). ` +
          "The reports on disk are complete."
      )
      expect(JSON.stringify(error)).not.toContain(PASSWORD)
      expect(snapshotReports(outcome)).toEqual(before)
      expect(readdirSync(dirname(outcome.reports.csv)).sort()).toEqual(files)
    })
  )

  it.scopedLive("closes the SMTP connection when the delivery is interrupted mid-send", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ stallData: true })
      const fiber = yield* Effect.fork(deliverAuditEmail(emailOn(smtp(server.port)), yield* sampleOutcome))
      yield* Effect.promise(() => server.dataStarted)
      expect(server.openSessions()).toBe(1)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      // The server sees the socket close at once; a leaked session would linger until the socket timeout (6 s).
      yield* Effect.promise(() => server.sessionClosed).pipe(
        Effect.timeoutFail({
          duration: "1 second",
          onTimeout: () => new Error("the SMTP session outlived the interruption")
        })
      )
      expect(server.openSessions()).toBe(0)
    })
  )
})

describe("TLS", () => {
  it.scopedLive("upgrades with STARTTLS to a server with a self-signed certificate given as an extra CA", () =>
    Effect.gen(function* () {
      const certificate = yield* makeSelfSignedCertificate()
      const server = yield* startSmtpServer({
        tls: { key: certificate.key, cert: certificate.cert, implicit: false },
        users: { bob: PASSWORD }
      })
      const transport = smtp(server.port, {
        security: "starttls-required",
        extraCa: certificate.cert,
        credentials: { user: "bob", password: Redacted.make(PASSWORD) }
      })
      yield* deliverAuditEmail(emailOn(transport), yield* sampleOutcome)
      const mail = only(server.received)
      expect(mail.secure).toBe(true)
      expect(mail.user).toBe("bob")
    })
  )

  it.scopedLive("speaks TLS from the first byte for smtps://", () =>
    Effect.gen(function* () {
      const certificate = yield* makeSelfSignedCertificate()
      const server = yield* startSmtpServer({ tls: { key: certificate.key, cert: certificate.cert, implicit: true } })
      const transport = smtp(server.port, { security: "implicit-tls", extraCa: certificate.cert })
      yield* deliverAuditEmail(emailOn(transport), yield* sampleOutcome)
      expect(only(server.received).secure).toBe(true)
    })
  )

  it.scopedLive("says smtp:// to a port that speaks TLS from the first byte waited for a greeting, and why", () =>
    Effect.gen(function* () {
      // As smtp://email-smtp.<region>.amazonaws.com:465 (or :2465) would: the relay waits for a TLS handshake.
      const certificate = yield* makeSelfSignedCertificate()
      const server = yield* startSmtpServer({ tls: { key: certificate.key, cert: certificate.cert, implicit: true } })
      const transport = smtp(server.port, {
        security: "starttls-required",
        extraCa: certificate.cert,
        timeout: Duration.millis(300),
        retry: { retries: 0, baseDelay: Duration.millis(10), maxDelay: Duration.millis(40) }
      })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(transport), yield* sampleOutcome))
      expect(error.message).toContain(
        `the session with 127.0.0.1:${server.port} failed: timed out, no greeting came within 300ms; a relay that speaks TLS ` +
          "from the first byte (port 465, or 2465 on Amazon SES) sends no greeting to smtp://: for such a port use " +
          "smtps://"
      )
      expect(server.received).toEqual([])
    })
  )

  it.scopedLive("refuses an untrusted certificate, pointing at --smtp-ca-file, without retrying the handshake", () =>
    Effect.gen(function* () {
      const certificate = yield* makeSelfSignedCertificate()
      const server = yield* startSmtpServer({ tls: { key: certificate.key, cert: certificate.cert, implicit: false } })
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(server.port, { security: "starttls-required" })), yield* sampleOutcome)
      )
      expect(error.message).toContain(`the TLS handshake with 127.0.0.1:${server.port} failed`)
      expect(error.message).toContain("--smtp-ca-file")
      // The same certificate comes back on every attempt: one handshake, no backoff.
      expect(server.connections()).toBe(1)
      expect(error.message).not.toContain("attempts")
      expect(server.received).toEqual([])
    })
  )

  it.scopedLive("says a relay that demands a client certificate asked for one, without blaming its own", () =>
    Effect.gen(function* () {
      const certificate = yield* makePrivateCaCertificate()
      const ca = readFileSync(certificate.caPath, "utf8")
      const server = yield* startSmtpServer({
        tls: { key: certificate.key, cert: certificate.cert, implicit: true },
        clientCertificateCa: ca
      })
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(server.port, { security: "implicit-tls", extraCa: ca })), yield* sampleOutcome)
      )
      expect(error.message).toContain(
        `the TLS handshake with 127.0.0.1:${server.port} failed: the relay asked for a client certificate ` +
          "(mutual TLS), which this tool does not send (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)"
      )
      // Its own certificate was trusted: another CA would not help, and asking again gets the same answer.
      expect(error.message).not.toContain("--smtp-ca-file")
      expect(server.sockets()).toBe(1)
      expect(server.received).toEqual([])
    })
  )

  it.scopedLive(
    "does not retry a TLS 1.2 relay that ends the handshake with an alert, as one asking for a client certificate does",
    () =>
      Effect.gen(function* () {
        const certificate = yield* makePrivateCaCertificate()
        const ca = readFileSync(certificate.caPath, "utf8")
        const server = yield* startSmtpServer({
          tls: { key: certificate.key, cert: certificate.cert, implicit: true },
          clientCertificateCa: ca,
          tls12Only: true
        })
        const error = yield* Effect.flip(
          deliverAuditEmail(emailOn(smtp(server.port, { security: "implicit-tls", extraCa: ca })), yield* sampleOutcome)
        )
        expect(error.message).toContain(`the TLS handshake with 127.0.0.1:${server.port} failed`)
        expect(error.message).toContain("most likely because it wants a client certificate (mutual TLS)")
        expect(error.message).not.toContain("--smtp-ca-file")
        expect(server.sockets()).toBe(1)
        expect(server.received).toEqual([])
      })
  )

  it.scopedLive("retries a connection the relay resets during the TLS handshake", () =>
    Effect.gen(function* () {
      // Takes the connection and drops it before any TLS: a relay restarting, a load balancer without a backend.
      const { port, connections } = yield* scriptedServer((socket) => {
        socket.destroy()
      })
      const error = yield* Effect.flip(
        deliverAuditEmail(emailOn(smtp(port, { security: "implicit-tls" })), yield* sampleOutcome)
      )
      expect(connections()).toBe(3)
      expect(error.message).toContain("(3 attempts)")
    })
  )

  it.scopedLive("does not fall back to clear text when STARTTLS is required and the server lacks it", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer({ noStartTls: true, users: { bob: PASSWORD } })
      const transport = smtp(server.port, {
        security: "starttls-required",
        credentials: { user: "bob", password: Redacted.make(PASSWORD) }
      })
      const error = yield* Effect.flip(deliverAuditEmail(emailOn(transport), yield* sampleOutcome))
      expect(error.message).toContain("did not accept STARTTLS")
      expect(error.message).toContain("--smtp-insecure")
      expect(server.authAttempts()).toBe(0)
      expect(server.received).toEqual([])
    })
  )

  it("trusts an extra CA besides Node's bundled CAs and NODE_EXTRA_CA_CERTS' certificates, not instead of them", () => {
    const server = serverOf(smtp(587, { security: "starttls-required", extraCa: "EXTRA CA" }))
    expect(transportOptions(server, false, "NODE EXTRA CA").tls?.ca).toEqual([
      ...rootCertificates,
      "NODE EXTRA CA",
      "EXTRA CA"
    ])
  })

  it("waits the timeout to connect and for the greeting, and twice as long on an idle session", () => {
    const server = serverOf(smtp(587))
    expect(transportOptions(server)).toMatchObject({
      connectionTimeout: 3_000,
      greetingTimeout: 3_000,
      socketTimeout: 6_000
    })
  })

  it.scopedLive("uses STARTTLS when offered on loopback, and clear text only when it is not", () =>
    Effect.gen(function* () {
      const certificate = yield* makeSelfSignedCertificate()
      const tlsServer = yield* startSmtpServer({
        tls: { key: certificate.key, cert: certificate.cert, implicit: false }
      })
      yield* deliverAuditEmail(emailOn(smtp(tlsServer.port, { extraCa: certificate.cert })), yield* sampleOutcome)
      expect(only(tlsServer.received).secure).toBe(true)

      const plainServer = yield* startSmtpServer({ noStartTls: true })
      yield* deliverAuditEmail(emailOn(smtp(plainServer.port)), yield* sampleOutcome)
      expect(only(plainServer.received).secure).toBe(false)
    })
  )
})

describe("without SMTP_URL", () => {
  it.scopedLive("writes the message beside the reports as <stem>.eml, atomically, and says where", () =>
    Effect.gen(function* () {
      const directory = yield* reportDirectory
      const outcome = yield* writeOutcome(directory, sampleFindings)
      const before = snapshotReports(outcome)
      const result = yield* deliverAuditEmail(emailOn({ _tag: "EmlFile" }), outcome)
      const path = `${directory}/user-audit-20260630T120000Z.eml`
      expect(result).toEqual({ _tag: "WrittenToFile", path, reason: "15 findings of severity low or above" })
      expect(describeDelivery(result)).toBe(`Email written to ${path} (no SMTP_URL is set; open it in a mail client).`)
      // No temporary file is left behind, and the reports are as they were.
      expect(readdirSync(directory).sort()).toEqual([
        "user-audit-20260630T120000Z.csv",
        "user-audit-20260630T120000Z.eml",
        "user-audit-20260630T120000Z.json"
      ])
      expect(snapshotReports(outcome)).toEqual(before)

      // Every line ends CRLF, as over SMTP: no bare LF or CR anywhere.
      const raw = readFileSync(path, "latin1")
      expect(raw.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/)
      const parsed = yield* parse(readFileSync(path))
      expect(parsed.subject).toBe(
        "[Panther user audit] api.acme.example: 1 critical, 3 high, 10 medium, 1 low (418 users)"
      )
      expect(addresses(parsed.to)).toEqual(["security@acme.example", "ciso@acme.example"])
      expect(parsed.text).toContain("CRITICAL AND HIGH FINDINGS")
      expect(parsed.attachments[0]?.content.equals(readFileSync(outcome.reports.csv))).toBe(true)
    })
  )

  it.scopedLive("settings a scheduled run could not read fail an email that was due, and skip one that was not", () =>
    Effect.gen(function* () {
      const unavailable = (policy: Exclude<EmailPolicy, "never">): EmailSettings => ({
        _tag: "EmailUnavailable",
        policy,
        problem: '--smtp-password-file / SMTP_PASSWORD_FILE names no file in the folder "/run/secrets".'
      })
      const outcome = yield* sampleOutcome
      const error = yield* Effect.flip(deliverAuditEmail(unavailable("always"), outcome))
      expect(error.exitCode).toBe(ExitCode.OutputFailure)
      expect(error.message).toBe(
        'the audit email was not sent: --smtp-password-file / SMTP_PASSWORD_FILE names no file in the folder "/run/secrets". ' +
          "The next run names this report in its warnings."
      )
      const quiet = yield* Effect.flatMap(reportDirectory, (directory) => writeOutcome(directory, []))
      const skipped = yield* deliverAuditEmail(unavailable("on-findings"), quiet)
      expect(skipped._tag).toBe("Skipped")
      expect(readdirSync(dirname(quiet.reports.csv)).filter((name) => name.endsWith(".eml"))).toEqual([])
    })
  )

  it.scopedLive("fails with exit 4, writing nothing, when the reports are not where the outcome says", () =>
    Effect.gen(function* () {
      const outcome = yield* sampleOutcome
      const gone = { ...outcome, reports: { csv: "/nonexistent/dir/user-audit.csv", json: outcome.reports.json } }
      const error = yield* Effect.flip(deliverAuditEmail(emailOn({ _tag: "EmlFile" }), gone))
      expect(error.exitCode).toBe(ExitCode.OutputFailure)
      expect(error.message).toContain("cannot read the findings CSV /nonexistent/dir/user-audit.csv")
    })
  )
})
