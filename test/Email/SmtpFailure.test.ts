import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { NO_SECRETS, scrubSecrets } from "../../src/Cli/Redact.js"
import { describeSmtpFailure, quoteReply, smtpSecrets } from "../../src/Email/SmtpFailure.js"

const credentials = { user: "bob", password: Redacted.make("p@ss word") }
const context = { server: "mail.acme.example:587", user: "bob", secrets: smtpSecrets(credentials) }

/** An error shaped the way nodemailer shapes them. */
const smtpError = (fields: Record<string, unknown>) =>
  Object.assign(new Error(String(fields.message ?? "failed")), fields)

/** The failure nodemailer reports when `command` is answered `response` (its code the reply's first three digits). */
const answeredAt = (code: string, command: string, response: string, more: Record<string, unknown> = {}) =>
  describeSmtpFailure(
    smtpError({ code, command, responseCode: Number(response.slice(0, 3)), response, ...more }),
    context
  )

describe("SMTP failures", () => {
  it("points at SMTP_USER when the server wants a login only at the sender, and none was given", () => {
    const failure = describeSmtpFailure(
      smtpError({ code: "EENVELOPE", responseCode: 530, response: "530 5.7.0 Authentication required" }),
      { ...context, user: undefined }
    )
    expect(failure.retryable).toBe(false)
    expect(failure.reason).toContain("requires a login: set SMTP_USER and SMTP_PASSWORD")
  })

  it("removes the password in every form it takes on the wire", () => {
    const base64 = (text: string) => Buffer.from(text).toString("base64")
    const leaky = [
      "p@ss word",
      "p%40ss%20word",
      base64("p@ss word"),
      base64("\u0000bob\u0000p@ss word"),
      base64("bob\u0000bob\u0000p@ss word"),
      base64("\u0000bob\u0000p@ss word").replace(/=+$/, ""),
      base64("bob:p@ss word")
    ].join(" | ")
    const scrubbed = scrubSecrets(leaky, context.secrets)
    expect(scrubbed).toBe(Array(7).fill("[redacted]").join(" | "))
    expect(smtpSecrets(undefined)).toEqual(NO_SECRETS)
  })

  it("withholds a reply quoting half a generated password (a provider's API key), not half a chosen one", () => {
    const key = "SG.x7Kp2mQ9vR4tW8yB3nD6fH1jL5sA0uC"
    const half = key.slice(0, Math.ceil(key.length / 2) + 1)
    const reply = `535 Authentication failed: key ${half}... is not valid`
    expect(scrubSecrets(reply, smtpSecrets({ user: "apikey", password: Redacted.make(key) }))).toBe(
      "[not shown: it quoted a secret]"
    )
    const chosen = smtpSecrets({ user: "bob", password: Redacted.make("correct horse battery staple") })
    expect(scrubSecrets("535 correct horse battery rejected", chosen)).toBe("535 correct horse battery rejected")
  })

  it.each([
    ["folded across the lines of a multi-line reply", "535-5.7.8 bad credentials p@ss\r\n535 5.7.8 word"],
    ["in hex", `535 5.7.8 ${Buffer.from("p@ss word").toString("hex")}`],
    ["JSON-escaped in a reply that quotes the request", '535 5.7.8 {"pass":"p@ss word\\u0021"}'.replace("\\u0021", "")]
  ])("never quotes the password %s", (_form, response) => {
    const failure = describeSmtpFailure(smtpError({ code: "EAUTH", responseCode: 535, response }), context)
    expect(failure.reason).toContain("refused the login")
    expect(failure.reason).not.toMatch(/p@ss|7040737320776f7264/)
  })

  it.each([
    [{ code: "EAUTH", responseCode: 535, response: "535 5.7.8 bad p@ss word" }, false, 'refused the login as "bob"'],
    [
      { code: "EAUTH", responseCode: 454, response: "454 4.7.0 Temporary authentication failure" },
      true,
      "refused the login"
    ],
    [{ code: "ENOAUTH" }, false, "requires a login"],
    [{ code: "ESOCKET", originalCode: "ECONNREFUSED" }, true, "cannot connect to mail.acme.example:587: ECONNREFUSED"],
    [{ code: "ETIMEDOUT", timeoutType: "GREETING_TIMEOUT" }, true, "timed out (GREETING_TIMEOUT)"],
    [{ code: "ETIMEDOUT", timeoutType: "CONNECTION_TIMEOUT" }, true, "timed out (CONNECTION_TIMEOUT)"],
    [{ code: "EDNS", originalCode: "ENOTFOUND" }, true, "cannot look up mail.acme.example:587: ENOTFOUND"],
    // A certificate is refused the same way on every attempt.
    [{ code: "ESOCKET", originalCode: "DEPTH_ZERO_SELF_SIGNED_CERT" }, false, "--smtp-ca-file"],
    [{ code: "ESOCKET", originalCode: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" }, false, "--smtp-ca-file"],
    // A connection reset during the handshake may pass.
    [{ code: "ESOCKET", originalCode: "ECONNRESET" }, true, "cannot connect to mail.acme.example:587: ECONNRESET"],
    [{ code: "ESOCKET", originalCode: "ERR_SSL_WRONG_VERSION_NUMBER" }, true, "is the port right?"],
    [
      { code: "ETLS", responseCode: 502, response: "502 5.5.2 Error: command not recognized" },
      false,
      "did not accept STARTTLS"
    ],
    // STARTTLS accepted, then the handshake broke off: a dropped connection, worth another attempt.
    [
      { code: "ETLS", message: "Client network socket disconnected before secure TLS connection was established" },
      true,
      "the TLS handshake with mail.acme.example:587 failed: Client network socket disconnected"
    ],
    [{ code: "ECONNECTION", responseCode: 421, response: "421 Too busy" }, true, "answered with an error"],
    [{ code: "EENVELOPE", responseCode: 550, response: "550 No such mailbox" }, false, "refused the message"],
    [
      { code: "EENVELOPE", responseCode: 500, response: "500 5.5.1 Command unrecognized" },
      false,
      "refused the message"
    ],
    [
      { code: "EMESSAGE", responseCode: 552, response: "552 5.3.4 Message too big for system" },
      false,
      "refused the message as too large: lower --mail-attach-hard-cap-bytes"
    ],
    [
      { code: "EMESSAGE", responseCode: 554, response: "554 5.3.4 Message too big" },
      false,
      "refused the message as too large"
    ],
    // A full mailbox is 552 too, at RCPT or after the message, but not about the message's size.
    [
      { code: "EENVELOPE", responseCode: 552, response: "552 5.2.2 mailbox full" },
      false,
      "refused the message (server replied"
    ],
    [
      { code: "EMESSAGE", responseCode: 552, response: "552 5.2.2 Mailbox full, quota exceeded" },
      false,
      "refused the message (server replied"
    ],
    [{ code: "EMESSAGE", responseCode: 552, response: "552 Too much mail data" }, false, "as too large"],
    // An address in the text is not an enhanced status.
    [
      { code: "EMESSAGE", responseCode: 552, response: "552 Message size exceeds fixed maximum (client 10.2.5.4)" },
      false,
      "as too large"
    ],
    [
      { code: "EMESSAGE", responseCode: 552, response: "552 5.2.3 Message exceeds local size limit" },
      false,
      "as too large"
    ],
    // A 552 for a recipient without an enhanced status is no word on the message's size.
    [
      { code: "EENVELOPE", responseCode: 552, response: "552 Requested action aborted: exceeded storage allocation" },
      false,
      "refused the message (server replied"
    ],
    // A login was given: a 530 at the sender is no missing SMTP_USER.
    [
      { code: "EENVELOPE", responseCode: 530, response: "530 5.7.0 Authentication required" },
      false,
      "refused the message (server replied"
    ],
    // Refused for an address the relay does not send for: said so, with what to change.
    [
      {
        code: "EMESSAGE",
        responseCode: 554,
        response:
          "554 Message rejected: Email address is not verified. The following identities failed the check in region " +
          "US-EAST-1: audit@acme.example"
      },
      false,
      "refused the message for an address it has not verified, named in its reply: verify it in the region"
    ],
    // SES for a recipient while the account is in its sandbox: the identities named, "not verified" not said.
    [
      {
        code: "EMESSAGE",
        responseCode: 554,
        response:
          "554 Message rejected: The following identities failed the check in region EU-WEST-1: security@acme.example"
      },
      false,
      "refused the message for an address it has not verified, named in its reply: verify it in the region"
    ],
    // Exchange's code for it, as its non-delivery reports give it.
    [
      {
        code: "EMESSAGE",
        responseCode: 554,
        response: "554 5.2.252 SendAsDenied; panther@acme.example not allowed to send as audit@acme.example"
      },
      false,
      "refused the message: it does not let this login send as the MAIL_FROM address"
    ],
    [
      {
        code: "EMESSAGE",
        responseCode: 550,
        response: "550 The from address does not match a verified Sender Identity. Mail cannot be sent until fixed"
      },
      false,
      "refused the message: it does not let this login send as the MAIL_FROM address"
    ],
    [
      {
        code: "EMESSAGE",
        responseCode: 550,
        response: "550 5.7.60 SMTP; Client does not have permissions to send as this sender"
      },
      false,
      "refused the message: it does not let this login send as the MAIL_FROM address"
    ],
    [{ code: "EPROTOCOL", responseCode: 503, response: "503 5.5.1 Error: need MAIL command" }, true, "answered with"],
    [{ code: "EMESSAGE", responseCode: 400, response: "400 Try again" }, true, "refused the message"],
    [{ code: "EMESSAGE", responseCode: 452, response: "452 Mailbox full" }, true, "refused the message"],
    [{ code: "EENVELOPE", message: "No recipients defined" }, false, "was not accepted: No recipients defined"],
    [{ message: "something else" }, false, "sending through mail.acme.example:587 failed: something else"]
  ])("%o: retryable %s, says %j", (fields, retryable, says) => {
    const failure = describeSmtpFailure(smtpError(fields), context)
    expect(failure.retryable).toBe(retryable)
    expect(failure.reason).toContain(says)
    expect(failure.reason).not.toContain("p@ss")
  })

  it.each([
    ["ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", false, "the relay asked for a client certificate (mutual TLS)"],
    ["ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE", false, "the relay asked for a client certificate (mutual TLS)"],
    ["ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", false, "which this tool does not send"],
    ["CERT_HAS_EXPIRED", false, "its certificate has expired: check this machine's clock"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", false, "set SMTP_URL to the host name the certificate is for"],
    ["ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", false, "the relay ended the handshake with an alert, most likely"],
    // A relay that speaks only TLS 1.0 or 1.1, by its alert or by the old version it answers with: nothing to do
    // with a client certificate, nor with the port.
    ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", false, "the relay and this tool have no TLS version in common"],
    ["ERR_SSL_UNSUPPORTED_PROTOCOL", false, "the relay and this tool have no TLS version in common"]
  ] as const)(
    "%s: reads the certificates as the API does (retryable %s), never pointing at --smtp-ca-file",
    (code, retryable, says) => {
      const failure = describeSmtpFailure(smtpError({ code: "ESOCKET", originalCode: code }), context)
      expect(failure.retryable).toBe(retryable)
      expect(failure.reason).toContain(`the TLS handshake with mail.acme.example:587 failed`)
      expect(failure.reason).toContain(says)
      expect(failure.reason).toContain(code)
      expect(failure.reason).not.toContain("--smtp-ca-file")
      if (code.includes("PROTOCOL")) expect(failure.reason).not.toMatch(/client certificate|is the port right/)
    }
  )

  it("tells an old relay's TLS version, which Node names only in the message of an EPROTO, from a wrong port", () => {
    const old = describeSmtpFailure(
      smtpError({
        code: "ESOCKET",
        originalCode: "EPROTO",
        message: "write EPROTO 80:error:0A000102:SSL routines:ssl_choose_client_version:unsupported protocol"
      }),
      context
    )
    expect(old.retryable).toBe(false)
    expect(old.reason).toContain("the relay and this tool have no TLS version in common")
    expect(old.reason).not.toContain("is the port right")
    const plain = describeSmtpFailure(
      smtpError({ code: "ESOCKET", originalCode: "EPROTO", message: "write EPROTO wrong version number" }),
      context
    )
    expect(plain.reason).toContain("is the port right?")
  })

  it("reads a recipient refused 552 5.5.3, too many recipients, as for now, and one refused 552 5.2.2 as for good", () => {
    const refused = (response: string) =>
      answeredAt("EENVELOPE", "RCPT TO", response, { rejected: ["ciso@acme.example"] })
    const tooMany = refused("552 5.5.3 Too many recipients")
    expect(tooMany.retryable).toBe(true)
    expect(tooMany.reason).toContain("a temporary refusal, not a wrong address")
    expect(tooMany.reason).not.toContain("check that address")
    const full = refused("552 5.2.2 Mailbox full")
    expect(full.retryable).toBe(false)
    expect(full.reason).toContain("check that address")
  })

  it("says the session never began when a server refuses EHLO and then HELO, for good or for now", () => {
    // As nodemailer reports the second refusal (smtp-connection's _actionHELO).
    const refused = (response: string) =>
      answeredAt("EPROTOCOL", "HELO", response, { message: `Invalid HELO. response=${response}` })
    const forGood = refused("502 5.5.1 Command not implemented")
    expect(forGood.retryable).toBe(false)
    expect(forGood.reason).toContain("refused EHLO and HELO, with which every SMTP session begins")
    expect(forGood.reason).toContain("check SMTP_URL")
    expect(forGood.reason).toContain("502 5.5.1 Command not implemented")
    expect(refused("421 4.3.2 Service not available").retryable).toBe(true)
  })

  it("names a TLS-only port for a greeting that never came over smtp://, and for nothing else", () => {
    const greeting = smtpError({ code: "ETIMEDOUT", timeoutType: "GREETING_TIMEOUT" })
    const plain = describeSmtpFailure(greeting, { ...context, connected: true, implicitTls: false })
    expect(plain.retryable).toBe(true)
    expect(plain.reason).toContain("timed out (GREETING_TIMEOUT); a relay that speaks TLS from the first byte")
    expect(plain.reason).toContain("for such a port use smtps://")
    // Nor does a port that is no mail server's: a web server sends nothing until asked.
    expect(plain.reason).toMatch(
      /; otherwise check that the port is the mail relay's \(587 or 25\), not another service's$/
    )
    // smtps:// already speaks TLS first; a connection that never opened is no word on the port's protocol.
    const tls = describeSmtpFailure(greeting, { ...context, connected: true, implicitTls: true })
    expect(tls.reason).not.toContain("smtps://")
    const unopened = smtpError({ code: "ETIMEDOUT", timeoutType: "CONNECTION_TIMEOUT" })
    expect(describeSmtpFailure(unopened, { ...context, implicitTls: false }).reason).not.toContain("smtps://")
  })

  it("points at MAIL_FROM only for a refusal that names the sender's address, not for any other", () => {
    for (const response of ["550 5.1.1 No such mailbox", "554 5.7.1 Message rejected as spam", "550 Relay denied"]) {
      const failure = describeSmtpFailure(smtpError({ code: "EMESSAGE", responseCode: 550, response }), context)
      expect(failure.reason).toBe(`mail.acme.example:587 refused the message (server replied: ${response})`)
    }
  })

  it("says a refusal at MAIL FROM is of the sender, for MAIL_FROM to fix, and one for now is no wrong address", () => {
    const atSender = (responseCode: number, response: string, loggedIn = true) =>
      describeSmtpFailure(smtpError({ code: "EENVELOPE", command: "MAIL FROM", responseCode, response }), {
        ...context,
        user: loggedIn ? context.user : undefined
      })
    const refused = atSender(550, "550 5.7.1 Sender address rejected: not owned by user bob")
    expect(refused).toEqual({
      retryable: false,
      reason:
        "mail.acme.example:587 refused the sender, the MAIL_FROM address: set MAIL_FROM (--mail-from) to an address " +
        'the relay lets "bob" send as (server replied: 550 5.7.1 Sender address rejected: not owned by user bob)'
    })
    expect(atSender(553, "553 Relaying denied", false).reason).toContain(
      "to an address the relay accepts from this machine (server replied: 553 Relaying denied)"
    )
    expect(atSender(451, "451 4.7.1 Try again later")).toEqual({
      retryable: true,
      reason:
        "mail.acme.example:587 refused the sender, the MAIL_FROM address, for now: a temporary refusal, not a wrong " +
        "address (server replied: 451 4.7.1 Try again later)"
    })
    // A reply that names why keeps its own advice.
    expect(atSender(550, "550 The from address does not match a verified Sender Identity").reason).toContain(
      "it does not let this login send as the MAIL_FROM address"
    )
  })

  it("after the message went out, reads a refusal the server gave as one, and only silence as unconfirmed", () => {
    const sent = { ...context, messageSent: true }
    const refused = describeSmtpFailure(
      smtpError({ code: "EMESSAGE", responseCode: 451, response: "451 4.3.0 Try again later" }),
      sent
    )
    expect(refused.retryable).toBe(true)
    expect(refused.unconfirmed).toBeUndefined()
    const silent = describeSmtpFailure(smtpError({ code: "ETIMEDOUT", timeoutType: "SOCKET_TIMEOUT" }), sent)
    expect(silent).toMatchObject({ retryable: false, unconfirmed: true })
    expect(silent.reason).toContain("no answer came (SOCKET_TIMEOUT)")
  })

  it.each([
    ["a dropped session after the message", { code: "ECONNECTION" }, true],
    ["a dropped connection", { code: "ECONNECTION" }, false],
    ["a failed STARTTLS handshake", { code: "ETLS" }, false],
    ["a message nodemailer refused", { code: "EENVELOPE" }, false],
    ["any other failure", {}, false]
  ])("never quotes the password in the library's message of %s", (_what, fields, messageSent) => {
    const failure = describeSmtpFailure(
      smtpError({ ...fields, message: "Connection closed after AUTH PLAIN p@ss word" }),
      { ...context, messageSent }
    )
    expect(failure.reason).toContain("Connection closed after AUTH PLAIN")
    expect(failure.reason).not.toContain("p@ss")
  })

  it("says every recipient refused for now is no wrong address, and is retried, where one refused for good is", () => {
    const everyone = (responseCode: number, response: string) =>
      describeSmtpFailure(
        smtpError({ code: "EENVELOPE", command: "RCPT TO", responseCode, response, rejected: ["a@acme.example"] }),
        context
      )
    expect(everyone(451, "451 4.7.1 Greylisted")).toEqual({
      retryable: true,
      reason:
        "mail.acme.example:587 refused the recipient for now, a@acme.example (server replied: 451 4.7.1 Greylisted): " +
        "a temporary refusal, not a wrong address"
    })
    expect(everyone(550, "550 No such mailbox")).toEqual({
      retryable: false,
      reason:
        "mail.acme.example:587 refused the recipient, a@acme.example (server replied: 550 No such mailbox): check " +
        "that address in MAIL_TO / MAIL_CC, and that the relay delivers to it"
    })
  })

  it("quotes a server reply on one bounded line", () => {
    const failure = describeSmtpFailure(
      smtpError({ code: "EENVELOPE", responseCode: 550, response: `550 first\r\nsecond ${"x".repeat(500)}` }),
      context
    )
    expect(failure.reason).not.toMatch(/[\r\n]/u)
    expect(failure.reason.length).toBeLessThan(400)
    expect(failure.reason).toContain("550 first second x")
  })

  it("cuts a long reply short before a character that takes two UTF-16 units, never in the middle of it", () => {
    // The emoji's two units fall on the 299th and 300th: cut after the 299th, half of it went into logs and emails.
    const quoted = quoteReply(`550 ${"x".repeat(294)}\u{1F600} and more`, context.secrets)
    expect(quoted).toBe(`550 ${"x".repeat(294)}…`)
  })

  it("copes with anything thrown", () => {
    expect(describeSmtpFailure("a string", context)).toEqual({
      retryable: false,
      reason: "sending through mail.acme.example:587 failed: a string"
    })
    expect(describeSmtpFailure(null, context).retryable).toBe(false)
  })
})
