/**
 * A real SMTP server on 127.0.0.1 for the email tests (the `smtp-server` package, the one nodemailer is tested
 * against). It records what arrives, and can refuse logins, refuse recipients or drop the first connections.
 */
import { Effect, type Scope } from "effect"
import { SMTPServer, type SMTPServerOptions } from "smtp-server"

export interface ReceivedMail {
  readonly raw: Buffer
  readonly from: string
  readonly to: ReadonlyArray<string>
  /** Whether the session was encrypted (implicit TLS or after STARTTLS) when the message came in. */
  readonly secure: boolean
  readonly user: string | undefined
}

export interface TestSmtpServer {
  readonly port: number
  readonly received: Array<ReceivedMail>
  /** Connections opened, refused ones included. */
  readonly connections: () => number
  /** TCP connections accepted, those whose TLS handshake failed (so no session began) included. */
  readonly sockets: () => number
  readonly authAttempts: () => number
  /** Sessions connected and not yet closed. */
  readonly openSessions: () => number
  /** Resolves when a message body starts to arrive. */
  readonly dataStarted: Promise<void>
  /** Resolves when a client closes its session. */
  readonly sessionClosed: Promise<void>
}

export interface TestSmtpServerOptions {
  /** When given, AUTH is required and only these user/password pairs pass. */
  readonly users?: Readonly<Record<string, string>>
  /** The refusal text for a bad login; a test may make it echo the password, as careless servers do. */
  readonly authFailureMessage?: (password: string) => string
  /**
   * Refuse every login, the right password too, with this reply: a relay where SMTP AUTH is turned off, or that takes
   * no password login at all (Exchange Online's `550 5.7.30`).
   */
  readonly refuseLogins?: { readonly code: number; readonly message: string }
  /** The first N connections get `421` at once (a temporary refusal). */
  readonly refuseFirstConnections?: number
  /** Recipients refused with `550` (permanent). */
  readonly rejectRecipients?: ReadonlyArray<string>
  /** The text of that `550`; "No such mailbox" unless given, as a relay that does not deliver there words it. */
  readonly recipientRefusal?: string
  /** Recipients past this many in one message refused with `452 4.5.3` (for now), as a relay with a cap on them does. */
  readonly maxRecipientsPerMessage?: number
  /**
   * How the cap refuses the rest; `452 4.5.3 Too many recipients` unless given. RFC 821 had 552 for it, which old
   * relays still answer.
   */
  readonly recipientCapReply?: { readonly code: number; readonly message: string }
  /** Recipients refused with `452 4.5.3` (for now), as a relay taking only so many recipients at a time refuses the rest. */
  readonly refuseRecipientsForNow?: ReadonlyArray<string>
  /**
   * Every recipient of the first N connections refused with `451 4.7.1` (a temporary refusal), as a greylisting relay
   * answers a sender it has not seen before: it takes the same recipients when the sender comes back.
   */
  readonly greylistFirstConnections?: number
  /** These recipients alone refused with `451 4.7.1` on the first connection, as greylisting that one sender does. */
  readonly greylistOnFirstConnection?: ReadonlyArray<string>
  readonly tls?: { readonly key: string; readonly cert: string; readonly implicit: boolean }
  /** Leave STARTTLS out entirely: not advertised, and the command refused. */
  readonly noStartTls?: boolean
  /** Offer no AUTH: a relay that takes mail from anyone allowed to connect. */
  readonly noAuth?: boolean
  /** Refuse the sender at MAIL FROM with this reply, as a relay refuses an address the login may not send as. */
  readonly refuseSender?: { readonly code: number; readonly message: string }
  /** Take the message body, then refuse it with this reply, as a relay refuses a sender it does not send for. */
  readonly refuseMessage?: { readonly code: number; readonly message: string }
  /** Take the message body but never answer it, like a server that hangs mid-delivery. */
  readonly stallData?: boolean
  /** Demand a client certificate this CA signed (mutual TLS), as a relay that takes mail only from known hosts. */
  readonly clientCertificateCa?: string
  /** Speak TLS 1.2 at most: a missing client certificate then ends the handshake with a bare "handshake failure". */
  readonly tls12Only?: boolean
}

const portOf = (server: SMTPServer): number => {
  const address = server.server.address()
  if (address === null || typeof address === "string") throw new Error("the test SMTP server has no TCP port")
  return address.port
}

export const startSmtpServer = (
  options: TestSmtpServerOptions = {}
): Effect.Effect<TestSmtpServer, never, Scope.Scope> =>
  Effect.gen(function* () {
    const received: Array<ReceivedMail> = []
    let connections = 0
    let authAttempts = 0
    let sockets = 0
    let open = 0
    let markDataStarted = () => {}
    let markSessionClosed = () => {}
    const dataStarted = new Promise<void>((resolve) => {
      markDataStarted = resolve
    })
    const sessionClosed = new Promise<void>((resolve) => {
      markSessionClosed = resolve
    })
    const settings: SMTPServerOptions = {
      logger: false,
      disableReverseLookup: true,
      authOptional: options.users === undefined,
      allowInsecureAuth: true,
      disabledCommands: [
        ...(options.noStartTls === true ? ["STARTTLS"] : []),
        ...(options.noAuth === true ? ["AUTH"] : [])
      ],
      ...(options.noStartTls === true ? { hideSTARTTLS: true } : {}),
      ...(options.tls === undefined
        ? {}
        : { key: options.tls.key, cert: options.tls.cert, secure: options.tls.implicit }),
      ...(options.clientCertificateCa === undefined
        ? {}
        : { requestCert: true, rejectUnauthorized: true, ca: options.clientCertificateCa }),
      ...(options.tls12Only === true ? { maxVersion: "TLSv1.2" } : {}),
      onConnect(_session, callback) {
        connections++
        if (connections <= (options.refuseFirstConnections ?? 0)) {
          return callback(Object.assign(new Error("Too busy, try again later"), { responseCode: 421 }))
        }
        open++
        callback()
      },
      onClose() {
        if (open > 0) open--
        markSessionClosed()
      },
      onAuth(auth, _session, callback) {
        authAttempts++
        if (options.refuseLogins !== undefined) {
          const { code, message } = options.refuseLogins
          return callback(Object.assign(new Error(message), { responseCode: code }))
        }
        const expected = auth.username === undefined ? undefined : options.users?.[auth.username]
        if (expected !== undefined && auth.password === expected) return callback(null, { user: auth.username })
        const message = options.authFailureMessage?.(auth.password ?? "") ?? "Authentication credentials invalid"
        callback(Object.assign(new Error(message), { responseCode: 535 }))
      },
      onMailFrom(_address, _session, callback) {
        if (options.refuseSender !== undefined) {
          const { code, message } = options.refuseSender
          return callback(Object.assign(new Error(message), { responseCode: code }))
        }
        callback()
      },
      onRcptTo(address, session, callback) {
        if (
          connections <= (options.greylistFirstConnections ?? 0) ||
          (connections === 1 && options.greylistOnFirstConnection?.includes(address.address) === true)
        ) {
          const message = "4.7.1 Greylisted, please try again later"
          return callback(Object.assign(new Error(message), { responseCode: 451 }))
        }
        const cap = options.maxRecipientsPerMessage
        if (cap !== undefined && session.envelope.rcptTo.length >= cap) {
          const { code, message } = options.recipientCapReply ?? { code: 452, message: "4.5.3 Too many recipients" }
          return callback(Object.assign(new Error(message), { responseCode: code }))
        }
        if (options.refuseRecipientsForNow?.includes(address.address) === true) {
          return callback(Object.assign(new Error("4.5.3 Too many recipients"), { responseCode: 452 }))
        }
        if (options.rejectRecipients?.includes(address.address) === true) {
          const message = options.recipientRefusal ?? "No such mailbox"
          return callback(Object.assign(new Error(message), { responseCode: 550 }))
        }
        callback()
      },
      onData(stream, session, callback) {
        markDataStarted()
        if (options.stallData === true) {
          stream.resume()
          return
        }
        const chunks: Array<Buffer> = []
        stream.on("data", (chunk: Buffer) => chunks.push(chunk))
        stream.on("end", () => {
          if (options.refuseMessage !== undefined) {
            const { code, message } = options.refuseMessage
            return callback(Object.assign(new Error(message), { responseCode: code }))
          }
          const mailFrom = session.envelope.mailFrom
          received.push({
            raw: Buffer.concat(chunks),
            from: mailFrom === false ? "" : mailFrom.address,
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            secure: session.secure,
            user: typeof session.user === "string" ? session.user : undefined
          })
          callback()
        })
      }
    }
    const server = new SMTPServer(settings)
    server.server.on("connection", () => {
      sockets++
    })
    // A handshake the server ends (a client without a certificate) comes as an error event, thrown if unheard.
    server.on("error", () => undefined)
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(portOf(server))))
      }),
      () => Effect.async<void>((resume) => server.close(() => resume(Effect.void)))
    )
    return {
      port,
      received,
      connections: () => connections,
      sockets: () => sockets,
      authAttempts: () => authAttempts,
      openSessions: () => open,
      dataStarted,
      sessionClosed
    }
  })

/** A port on 127.0.0.1 where nothing listens: bound, noted, released. */
export const closedPort = (): Effect.Effect<number> =>
  Effect.async<number>((resume) => {
    const server = new SMTPServer({ logger: false })
    server.listen(0, "127.0.0.1", () => {
      const port = portOf(server)
      server.close(() => resume(Effect.succeed(port)))
    })
  })
