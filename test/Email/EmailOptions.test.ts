import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either, Option, Redacted } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { ExitCode } from "../../src/Cli/ExitCode.js"
import {
  type EmailOptionValues,
  emailOptions,
  toEmailSettings,
  toEmailSettingsForRun
} from "../../src/Email/EmailOptions.js"
import {
  DEFAULT_EML_FROM,
  DEFAULT_HARD_CAP_BYTES,
  DEFAULT_PLAIN_MAX_BYTES,
  DEFAULT_SUBJECT_PREFIX,
  type EmailSettings
} from "../../src/Email/EmailSettings.js"
import { parseAddressList } from "../../src/Email/MailAddress.js"
import { parseSmtpUrl } from "../../src/Email/SmtpUrl.js"
import { parseOptions } from "../support/parseOptions.js"
import { makePrivateCa } from "../support/privateCa.js"

const values = (overrides: Partial<EmailOptionValues> = {}): EmailOptionValues => ({
  email: Option.none(),
  smtpUrl: Option.none(),
  smtpUser: Option.none(),
  smtpPassword: Option.none(),
  smtpPasswordFile: Option.none(),
  smtpInsecure: false,
  smtpCaFile: Option.none(),
  smtpRetries: 3,
  mailFrom: Option.none(),
  mailTo: Option.none(),
  mailCc: Option.none(),
  mailSubjectPrefix: DEFAULT_SUBJECT_PREFIX,
  mailAttachMaxBytes: DEFAULT_PLAIN_MAX_BYTES,
  mailAttachHardCapBytes: DEFAULT_HARD_CAP_BYTES,
  ...overrides
})

const some = Option.some
const secret = (text: string) => some(Redacted.make(text))

const settle = (
  input: EmailOptionValues
): Promise<Either.Either<EmailSettings, { message: string; exitCode: number }>> =>
  Effect.runPromise(Effect.either(toEmailSettings(input)))

const settingsOf = async (input: EmailOptionValues): Promise<EmailSettings> => {
  const result = await settle(input)
  if (Either.isLeft(result)) throw new Error(`expected settings, got: ${result.left.message}`)
  return result.right
}

const errorOf = async (input: EmailOptionValues): Promise<string> => {
  const result = await settle(input)
  if (Either.isRight(result)) throw new Error("expected a configuration error")
  expect(result.left.exitCode).toBe(ExitCode.Usage)
  return result.left.message
}

const SMTP = {
  smtpUrl: secret("smtp://mail.acme.example"),
  mailFrom: some("Panther audit <audit@acme.example>"),
  mailTo: some("security@acme.example")
}

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "email-options-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

describe("addresses", () => {
  it("reads plain addresses, display names, quoted commas, and ignores a trailing comma", () => {
    expect(parseAddressList(' a@acme.example, "Security, EU" <sec-eu@acme.example>, Bob <bob@acme.example>,')).toEqual(
      Either.right([
        { name: "", address: "a@acme.example" },
        { name: "Security, EU", address: "sec-eu@acme.example" },
        { name: "Bob", address: "bob@acme.example" }
      ])
    )
  })

  it("reads an escaped quote in a quoted display name as part of the name, a comma after it too", () => {
    expect(parseAddressList('"Ops \\"24/7, EU\\"" <ops@acme.example>, b@acme.example')).toEqual(
      Either.right([
        { name: 'Ops "24/7, EU"', address: "ops@acme.example" },
        { name: "", address: "b@acme.example" }
      ])
    )
  })

  it.each([
    ["bob", "bob"],
    ["alice@acme.example, bob", "bob"],
    ["alice smith@acme.example", "alice smith@acme.example"],
    ["@acme.example", "@acme.example"],
    ["alice@", "alice@"],
    ["alice@acme", "alice@acme"],
    ["alice@acme..example", "alice@acme..example"],
    ["a@acme.example; b@acme.example", "a@acme.example; b@acme.example"],
    ["Bob <bob>", "Bob <bob>"],
    [".alice@acme.example", ".alice@acme.example"],
    ["alice.@acme.example", "alice.@acme.example"],
    ["alice..smith@acme.example", "alice..smith@acme.example"]
  ])("refuses %j, naming %j", async (input, named) => {
    const message = await errorOf(values({ mailTo: some(input) }))
    expect(message).toContain("--mail-to / MAIL_TO")
    expect(message).toContain(JSON.stringify(named))
  })

  it("says to separate with commas when an entry is addresses separated by semicolons or spaces", async () => {
    for (const [input, separated] of [
      ["a@acme.example; b@acme.example", "a@acme.example, b@acme.example"],
      ["a@acme.example b@acme.example;c@acme.example", "a@acme.example, b@acme.example, c@acme.example"]
    ] as const) {
      expect(await errorOf(values({ mailTo: some(input) }))).toContain(
        `is not an email address: separate addresses with commas, as in ${separated}`
      )
    }
    // A single bad address gets no such advice.
    expect(await errorOf(values({ mailTo: some("alice smith@acme.example") }))).not.toContain("separate")
  })

  it("tells a sender given as several addresses to give one, not to separate them with commas", async () => {
    // Separated with commas as told, MAIL_FROM was then refused as a list: the sender is one address.
    for (const input of ["audit@acme.example; ops@acme.example", "audit@acme.example ops@acme.example"]) {
      const message = await errorOf(values({ mailTo: some("a@acme.example"), mailFrom: some(input) }))
      expect(message).toContain(
        `--mail-from / MAIL_FROM: ${JSON.stringify(input)} is not an email address: give one address, not a list`
      )
      expect(message).not.toContain("separate addresses with commas")
    }
  })

  it("takes a local address at localhost, the one domain without a dot", () => {
    expect(parseAddressList("audit@localhost, ops@LocalHost")).toEqual(
      Either.right([
        { name: "", address: "audit@localhost" },
        { name: "", address: "ops@LocalHost" }
      ])
    )
  })

  it("refuses a MAIL_TO that is set but holds only commas and spaces", async () => {
    expect(await errorOf(values({ mailTo: some(" , ,") }))).toContain("--mail-to / MAIL_TO is set but holds no address")
  })

  it("refuses a line break that would inject a header", async () => {
    const message = await errorOf(values({ mailTo: some("a@acme.example\r\nBcc: spy@evil.example") }))
    expect(message).toContain("line break")
  })

  it("refuses a subject prefix with a line break or control character, rather than change it unsaid", async () => {
    for (const prefix of ["[audit]\r\nBcc: spy@evil.example", "[audit]\u0007"]) {
      const message = await errorOf(values({ mailTo: some("a@acme.example"), mailSubjectPrefix: prefix }))
      expect(message).toContain("--mail-subject-prefix / MAIL_SUBJECT_PREFIX holds a line break or control character")
      expect(message).not.toContain("spy@evil.example")
    }
  })

  it("refuses a subject prefix with a line separator or a bidi control, which would break or turn the subject", async () => {
    for (const prefix of [
      "[audit]\u2028Bcc: spy@evil.example",
      "[audit]\u2029",
      "[\u202eaudit]",
      "[\u2067audit\u2069]"
    ]) {
      const message = await errorOf(values({ mailTo: some("a@acme.example"), mailSubjectPrefix: prefix }))
      expect(message).toContain("--mail-subject-prefix / MAIL_SUBJECT_PREFIX holds a line break or control character")
      expect(message).not.toContain("spy@evil.example")
    }
  })

  it("takes the subject prefix without the spaces around it, as the subject is written with one after it", async () => {
    const settings = await settingsOf(values({ mailTo: some("a@acme.example"), mailSubjectPrefix: "  [Acme audit]  " }))
    expect(settings).toMatchObject({ _tag: "EmailOn", message: { subjectPrefix: "[Acme audit]" } })
  })

  it("checks MAIL_CC and MAIL_FROM the same way, and MAIL_FROM is one address", async () => {
    expect(await errorOf(values({ ...SMTP, mailCc: some("ops@acme.example, nope") }))).toContain("--mail-cc / MAIL_CC")
    expect(await errorOf(values({ ...SMTP, mailFrom: some("audit") }))).toContain("--mail-from / MAIL_FROM")
    expect(await errorOf(values({ ...SMTP, mailFrom: some("a@acme.example, b@acme.example") }))).toContain("one sender")
  })
})

describe("the policy", () => {
  it("is off, saying why, when MAIL_TO is not set", async () => {
    expect(await settingsOf(values())).toEqual({ _tag: "EmailOff", reason: "MAIL_TO is not set" })
  })

  it("refuses MAIL_CC without MAIL_TO, which would send nothing, unless the email is turned off", async () => {
    // Without SMTP_URL, where nothing else said that the email was meant to go out.
    expect(await errorOf(values({ mailCc: some("ops@acme.example") }))).toBe(
      "--mail-cc / MAIL_CC is set but --mail-to / MAIL_TO is not, so no email would be sent (copies go only with " +
        "it): give recipients, or --email never"
    )
    expect(await settingsOf(values({ mailCc: some("ops@acme.example"), email: some("never") }))).toEqual({
      _tag: "EmailOff",
      reason: "--email never"
    })
  })

  it("refuses a mail server without recipients, which would send nothing, unless the email is turned off", async () => {
    expect(await errorOf(values({ smtpUrl: SMTP.smtpUrl }))).toBe(
      "--smtp-url / SMTP_URL is set but --mail-to / MAIL_TO is not, so no email would be sent: give recipients, " +
        "or --email never"
    )
    expect(await settingsOf(values({ smtpUrl: SMTP.smtpUrl, email: some("never") }))).toEqual({
      _tag: "EmailOff",
      reason: "--email never"
    })
  })

  it("defaults to on-findings when MAIL_TO is set, writing an .eml file when there is no SMTP_URL", async () => {
    const settings = await settingsOf(values({ mailTo: some("security@acme.example") }))
    expect(settings).toMatchObject({
      _tag: "EmailOn",
      policy: "on-findings",
      transport: { _tag: "EmlFile" },
      message: {
        from: DEFAULT_EML_FROM,
        to: [{ name: "", address: "security@acme.example" }],
        cc: [],
        subjectPrefix: "[Panther user audit]",
        attachment: { plainMaxBytes: 5 * 1024 * 1024, hardCapBytes: 8 * 1024 * 1024 }
      }
    })
  })

  it("follows --email, and never is off even with recipients", async () => {
    expect(await settingsOf(values({ ...SMTP, email: some("always") }))).toMatchObject({ policy: "always" })
    expect(await settingsOf(values({ ...SMTP, email: some("never") }))).toEqual({
      _tag: "EmailOff",
      reason: "--email never"
    })
  })

  it("refuses always or on-findings without recipients, and an SMTP server nobody would be mailed through", async () => {
    expect(await errorOf(values({ email: some("always") }))).toContain("--email always needs recipients")
    expect(await errorOf(values({ smtpUrl: SMTP.smtpUrl }))).toContain("MAIL_TO is not")
    expect(await settingsOf(values({ smtpUrl: SMTP.smtpUrl, email: some("never") }))).toMatchObject({
      _tag: "EmailOff"
    })
  })
})

describe("SMTP_URL", () => {
  const endpoint = (url: string, insecure = false) => parseSmtpUrl(url, insecure)

  it("requires STARTTLS for smtp:// and uses TLS from the start for smtps://, with the usual ports", () => {
    expect(endpoint("smtp://mail.acme.example")).toEqual(
      Either.right({ host: "mail.acme.example", port: 587, security: "starttls-required" })
    )
    expect(endpoint("smtps://mail.acme.example")).toEqual(
      Either.right({ host: "mail.acme.example", port: 465, security: "implicit-tls" })
    )
    expect(endpoint("smtp://mail.acme.example:25/")).toMatchObject(
      Either.right({ port: 25, security: "starttls-required" })
    )
  })

  it("allows a session without TLS only to loopback hosts, or with --smtp-insecure", () => {
    for (const url of ["smtp://127.0.0.1:1025", "smtp://localhost:1025", "smtp://[::1]:1025"]) {
      expect(endpoint(url)).toMatchObject(Either.right({ security: "starttls-if-offered" }))
    }
    expect(endpoint("smtp://[::1]:1025")).toMatchObject(Either.right({ host: "::1" }))
    expect(endpoint("smtp://mailpit:1025")).toMatchObject(Either.right({ security: "starttls-required" }))
    expect(endpoint("smtp://mailpit:1025", true)).toMatchObject(Either.right({ security: "starttls-if-offered" }))
    expect(endpoint("smtps://mailpit:465", true)).toMatchObject(Either.right({ security: "implicit-tls" }))
  })

  it.each([
    ["", "is empty"],
    ["mail.acme.example", "not a valid URL"],
    ["https://mail.acme.example", "must start with smtps:// or smtp://"],
    ["smtp://mail.acme.example/relay", "must not have a path"],
    ["smtp://mail.acme.example?pool=true", "must not have a path, query string"],
    ["smtp://", "smtp:// has no host name"],
    ["smtp://@mail.acme.example", "has an @ that does not end a user:password@ part"],
    ["smtp://bob@mail.acme.example", "a user name and a password in the URL go together"]
  ])("refuses %j", async (url, why) => {
    const message = await errorOf(values({ ...SMTP, smtpUrl: secret(url) }))
    expect(message).toContain("--smtp-url / SMTP_URL")
    expect(message).toContain(why)
  })

  it("refuses port 0, which no mail server listens on, without quoting the URL's password", async () => {
    for (const [url, port] of [
      ["smtps://bob:hunter2@mail.acme.example:0", "465"],
      ["smtp://mail.acme.example:00", "587"]
    ] as const) {
      const message = await errorOf(values({ ...SMTP, smtpUrl: secret(url) }))
      expect(message, url).toContain("--smtp-url / SMTP_URL")
      expect(message, url).toContain("names port 0, which no mail server listens on")
      expect(message, url).toContain(`leave it out for ${port}`)
      expect(message, url).not.toMatch(/bob|hunter2/)
    }
  })

  it("moves credentials out of the URL into a Redacted password, and never repeats them in an error", async () => {
    const settings = await settingsOf(values({ ...SMTP, smtpUrl: secret("smtps://bob:s3cr%40t@mail.acme.example") }))
    if (settings._tag !== "EmailOn" || settings.transport._tag !== "Smtp") throw new Error("expected SMTP settings")
    const { credentials } = settings.transport.server
    expect(credentials?.user).toBe("bob")
    expect(credentials === undefined ? "" : Redacted.value(credentials.password)).toBe("s3cr@t")
    expect(JSON.stringify(settings)).not.toContain("s3cr")
    expect(String(settings.transport.server.credentials?.password)).not.toContain("s3cr")

    for (const url of [
      "smtps://bob:hunter2@mail.acme.example/x",
      "smtps://bob:hunter2@",
      "ftp://bob:hunter2@mail.acme.example",
      // The # ends the host part for the parser, which reads "bob:1234" as host and port.
      "smtps://bob:1234#hunter2@mail.acme.example",
      "smtps://bob:1234?hunter2@mail.acme.example"
    ]) {
      const message = await errorOf(values({ ...SMTP, smtpUrl: secret(url) }))
      expect(message).not.toContain("hunter2")
      expect(message).not.toContain("1234")
    }
    expect(
      await errorOf(
        values({ ...SMTP, smtpUrl: secret("smtps://bob:hunter2@mail.acme.example"), smtpUser: some("eve") })
      )
    ).toContain("give them once")
  })
})

describe("SMTP_URL holding something else", () => {
  it("quotes no part of a password put in SMTP_URL, whose text before a colon the parser takes for a scheme", async () => {
    // `new URL` reads "Tr0ub4dor:3-horse" as the scheme `tr0ub4dor:` and a path: the message named that scheme.
    for (const url of ["Tr0ub4dor:3-horse", "Tr0ub4dor.x+y:horse/battery"]) {
      const message = await errorOf(values({ ...SMTP, smtpUrl: secret(url) }))
      expect(message).toContain("--smtp-url / SMTP_URL")
      expect(message.toLowerCase()).not.toContain("tr0ub4dor")
      expect(message).not.toContain("horse")
    }
    // A URL's own scheme is still named.
    expect(await errorOf(values({ ...SMTP, smtpUrl: secret("https://mail.acme.example") }))).toContain("got https://")
  })
})

describe("credentials and files", () => {
  it("takes the password from SMTP_PASSWORD or from a file, without its trailing line break", async () => {
    const file = join(directory, "password")
    writeFileSync(file, "from file \n")
    for (const input of [
      values({ ...SMTP, smtpUser: some("bob"), smtpPassword: secret("from file ") }),
      values({ ...SMTP, smtpUser: some("bob"), smtpPasswordFile: some(file) })
    ]) {
      const settings = await settingsOf(input)
      if (settings._tag !== "EmailOn" || settings.transport._tag !== "Smtp") throw new Error("expected SMTP settings")
      const password = settings.transport.server.credentials?.password
      expect(password === undefined ? undefined : Redacted.value(password)).toBe("from file ")
    }
  })

  it("drops a Windows line break at the end of a password file, and no more than one line break", async () => {
    const passwordFrom = async (content: string) => {
      const file = join(directory, "password")
      writeFileSync(file, content)
      const settings = await settingsOf(values({ ...SMTP, smtpUser: some("bob"), smtpPasswordFile: some(file) }))
      if (settings._tag !== "EmailOn" || settings.transport._tag !== "Smtp") throw new Error("expected SMTP settings")
      const password = settings.transport.server.credentials?.password
      return password === undefined ? undefined : Redacted.value(password)
    }
    expect(await passwordFrom("pw\r\n")).toBe("pw")
    expect(await passwordFrom("pw\n\n")).toBe("pw\n")
  })

  it("says a password file in UTF-16 (Windows PowerShell's > and Out-File) is, rather than send it so", async () => {
    for (const [encoding, bom] of [
      ["utf16le", "\ufeff"],
      ["utf16le", ""]
    ] as const) {
      const file = join(directory, "password")
      writeFileSync(file, Buffer.from(`${bom}S3cret-pw\r\n`, encoding))
      const message = await errorOf(values({ ...SMTP, smtpUser: some("bob"), smtpPasswordFile: some(file) }))
      expect(message).toBe(
        `--smtp-password-file / SMTP_PASSWORD_FILE ${file} is in UTF-16 ("Unicode", as Windows PowerShell writes ` +
          "with > and Out-File), not UTF-8: write it again as UTF-8 or ASCII (in PowerShell, Set-Content -NoNewline " +
          "-Encoding ascii)."
      )
    }
  })

  it("names an unreadable or empty password file, never its content", async () => {
    const missing = join(directory, "missing")
    const message = await errorOf(values({ ...SMTP, smtpUser: some("bob"), smtpPasswordFile: some(missing) }))
    expect(message).toContain(`--smtp-password-file / SMTP_PASSWORD_FILE names no file in the folder "${directory}"`)
    expect(message).not.toContain(missing)
    const mistaken = await errorOf(values({ ...SMTP, smtpUser: some("bob"), smtpPasswordFile: some("hunter2-pw") }))
    expect(mistaken).toContain("SMTP_PASSWORD_FILE names no file. Its value is not shown")
    expect(mistaken).not.toContain("hunter2-pw")
    // Each a whole sentence, ending with a full stop as the token file's do.
    for (const said of [message, mistaken]) expect(said).toMatch(/or set SMTP_PASSWORD to give the password itself\.$/)
    const empty = join(directory, "empty")
    writeFileSync(empty, "\n")
    expect(await errorOf(values({ ...SMTP, smtpUser: some("bob"), smtpPasswordFile: some(empty) }))).toContain(
      "is empty: it should hold the password."
    )
    // Blank lines or spaces alone are no password either, as a blank SMTP_PASSWORD is none: refused at start, not
    // sent to the relay after the audit, to fail the email.
    for (const blank of ["\n\n", "  \t\r\n"]) {
      writeFileSync(empty, blank)
      expect(await errorOf(values({ ...SMTP, smtpUser: some("bob"), smtpPasswordFile: some(empty) }))).toContain(
        "holds only spaces or line breaks: it should hold the password."
      )
    }
  })

  it("at a scheduled run, a file gone missing costs only an email that was to be sent", async () => {
    const missing = join(directory, "gone")
    const withFile = { ...SMTP, smtpUser: some("bob"), smtpPasswordFile: some(missing) }
    const forRun = (input: EmailOptionValues) => Effect.runPromise(toEmailSettingsForRun(input))
    expect(await forRun(values(withFile))).toEqual({
      _tag: "EmailUnavailable",
      policy: "on-findings",
      problem: await errorOf(values(withFile))
    })
    expect(await forRun(values({ ...withFile, email: some("on-change") }))).toMatchObject({ policy: "on-change" })
    expect(await forRun(values({ ...withFile, email: some("never") }))).toEqual({
      _tag: "EmailOff",
      reason: "--email never"
    })
    // Readable, it is read as at start-up.
    writeFileSync(missing, "pw\n")
    expect(await forRun(values(withFile))).toEqual(await settingsOf(values(withFile)))
  })

  it("wants a user and a password together, one password source, and a server to use them on", async () => {
    // Each named by its flag and its variable: one given as a flag is not to be looked for in the environment.
    expect(await errorOf(values({ ...SMTP, smtpUser: some("bob") }))).toBe(
      "--smtp-user / SMTP_USER is set but no password: give --smtp-password-file / SMTP_PASSWORD_FILE or " +
        "--smtp-password / SMTP_PASSWORD"
    )
    expect(await errorOf(values({ ...SMTP, smtpPassword: secret("pw") }))).toBe(
      "an SMTP password is set but no --smtp-user / SMTP_USER: give both, or neither"
    )
    const file = join(directory, "password")
    writeFileSync(file, "pw")
    expect(
      await errorOf(
        values({ ...SMTP, smtpUser: some("bob"), smtpPassword: secret("pw"), smtpPasswordFile: some(file) })
      )
    ).toBe(
      "both --smtp-password / SMTP_PASSWORD and --smtp-password-file / SMTP_PASSWORD_FILE are set: give the " +
        "password one way"
    )
    expect(await errorOf(values({ mailTo: SMTP.mailTo, smtpUser: some("bob"), smtpPassword: secret("pw") }))).toBe(
      "--smtp-user / SMTP_USER or a password (--smtp-password / SMTP_PASSWORD, --smtp-password-file / " +
        "SMTP_PASSWORD_FILE) is set but no server: give it with --smtp-url / SMTP_URL, or leave them out for an " +
        ".eml file"
    )
    expect(
      await errorOf(
        values({ ...SMTP, smtpUrl: secret("smtps://bob:hunter2@mail.acme.example"), smtpUser: some("eve") })
      )
    ).toBe(
      "--smtp-url / SMTP_URL carries a user and password, and --smtp-user / SMTP_USER or a password " +
        "(--smtp-password / SMTP_PASSWORD, --smtp-password-file / SMTP_PASSWORD_FILE) is set too: give them once"
    )
  })

  it("requires MAIL_FROM to send through SMTP, and reads an extra CA only if it holds a certificate", async () => {
    expect(await errorOf(values({ ...SMTP, mailFrom: Option.none() }))).toBe(
      "--mail-from / MAIL_FROM is required to send through --smtp-url / SMTP_URL"
    )
    const notPem = join(directory, "ca.txt")
    writeFileSync(notPem, "hello")
    expect(await errorOf(values({ ...SMTP, smtpCaFile: some(notPem) }))).toContain("holds no PEM certificate")
  })

  it("refuses an extra CA with a certificate that cannot be read, which TLS would skip without a word", async () => {
    const ca = makePrivateCa("mail.acme.example")
    try {
      const good = readFileSync(ca.caPath, "utf8")
      const file = join(directory, "ca.pem")
      writeFileSync(file, good)
      expect(
        Either.isRight(
          await Effect.runPromise(Effect.either(toEmailSettings(values({ ...SMTP, smtpCaFile: some(file) }))))
        )
      ).toBe(true)
      // A bundle edited by hand: the second certificate's base64 broken, then one cut short.
      const broken = good.replace(/\n([A-Za-z0-9+/]{20})/, "\n!!$1")
      for (const [content, says] of [
        [`${good}${broken}`, "certificate 2 of 2 cannot be read"],
        [`${good}${good.slice(0, good.length / 2)}`, "certificate 2 of 2 has no -----END CERTIFICATE-----"]
      ] as const) {
        writeFileSync(file, content)
        const message = await errorOf(values({ ...SMTP, smtpCaFile: some(file) }))
        expect(message).toContain(`--smtp-ca-file / SMTP_CA_FILE ${file}: ${says}`)
      }
    } finally {
      ca.remove()
    }
  })

  it("bounds the retry count and the attachment sizes", async () => {
    expect(await errorOf(values({ ...SMTP, smtpRetries: -1 }))).toContain("--smtp-retries")
    expect(await errorOf(values({ ...SMTP, smtpRetries: 11 }))).toContain("from 0 to 10")
    const ten = await settingsOf(values({ ...SMTP, smtpRetries: 10 }))
    expect(ten._tag === "EmailOn" && ten.transport._tag === "Smtp" && ten.transport.server.retry.retries).toBe(10)
    expect(await errorOf(values({ ...SMTP, mailAttachMaxBytes: -5 }))).toContain("MAIL_ATTACH_MAX_BYTES")
    expect(await errorOf(values({ ...SMTP, mailAttachHardCapBytes: 1.5 }))).toContain("MAIL_ATTACH_HARD_CAP_BYTES")
    // 0: every CSV compressed; 0 retries: one attempt. Both are settings, not mistakes.
    const least = await settingsOf(
      values({ ...SMTP, smtpRetries: 0, mailAttachMaxBytes: 0, mailAttachHardCapBytes: 0 })
    )
    expect(least._tag === "EmailOn" && least.transport._tag === "Smtp" && least.transport.server.retry.retries).toBe(0)
    expect(least._tag === "EmailOn" && least.message.attachment).toEqual({ plainMaxBytes: 0, hardCapBytes: 0 })
  })
})

describe("flags and environment variables", () => {
  const parse = (args: ReadonlyArray<string>, env: Record<string, string>) => parseOptions(emailOptions, args, env)

  it("reads every setting from its environment variable, secrets as Redacted", async () => {
    const parsed = await parse([], {
      SMTP_URL: "smtps://mail.acme.example",
      SMTP_USER: "bob",
      SMTP_PASSWORD: "hunter2",
      SMTP_INSECURE: "true",
      SMTP_RETRIES: "1",
      MAIL_FROM: "audit@acme.example",
      MAIL_TO: "a@acme.example,b@acme.example",
      MAIL_CC: "c@acme.example",
      MAIL_SUBJECT_PREFIX: "[Audit]",
      MAIL_ATTACH_MAX_BYTES: "100",
      MAIL_ATTACH_HARD_CAP_BYTES: "200",
      MAIL_POLICY: "always"
    })
    expect(parsed).toMatchObject({
      email: some("always"),
      smtpUser: some("bob"),
      smtpInsecure: true,
      smtpRetries: 1,
      mailTo: some("a@acme.example,b@acme.example"),
      mailSubjectPrefix: "[Audit]",
      mailAttachMaxBytes: 100,
      mailAttachHardCapBytes: 200
    })
    expect(Option.map(parsed?.smtpPassword ?? Option.none(), Redacted.value)).toEqual(some("hunter2"))
    expect(String(parsed?.smtpPassword)).not.toContain("hunter2")
  })

  it("without flags or variables, retries SMTP 3 times and attaches up to 5 MiB as is, 8 MiB at most", async () => {
    expect(await parse([], {})).toMatchObject({
      smtpInsecure: false,
      smtpRetries: 3,
      mailSubjectPrefix: "[Panther user audit]",
      mailAttachMaxBytes: 5 * 1024 * 1024,
      mailAttachHardCapBytes: 8 * 1024 * 1024
    })
  })

  it("takes a blank SMTP user or password for none, so a missing password is found before the audit", async () => {
    const noPassword = await errorOf(values({ ...SMTP, smtpUser: some("bob"), smtpPassword: secret("") }))
    expect(noPassword).toContain("SMTP_USER is set but no password")
    const blankUser = await settingsOf(values({ ...SMTP, smtpUser: some(" ") }))
    if (blankUser._tag !== "EmailOn" || blankUser.transport._tag !== "Smtp") throw new Error("expected SMTP settings")
    expect(blankUser.transport.server.credentials).toBeUndefined()
    const padded = await settingsOf(values({ ...SMTP, smtpUser: some(" bob "), smtpPassword: secret("pw") }))
    expect(
      padded._tag === "EmailOn" && padded.transport._tag === "Smtp" && padded.transport.server.credentials?.user
    ).toBe("bob")
    expect((await parse([], { SMTP_USER: "bob", SMTP_PASSWORD: "" }))?.smtpPassword).toEqual(Option.none())
  })

  it("takes AUDIT_EMAIL when MAIL_POLICY is not set, and a flag over both", async () => {
    expect((await parse([], { AUDIT_EMAIL: "never" }))?.email).toEqual(some("never"))
    expect((await parse(["--email", "on-findings"], { MAIL_POLICY: "always" }))?.email).toEqual(some("on-findings"))
    expect((await parse([], {}))?.email).toEqual(Option.none())
  })
})
