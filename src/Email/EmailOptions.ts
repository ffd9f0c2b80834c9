/**
 * The email reporter's command-line options, shared by `run`, `demo` and `schedule`. Each has an environment
 * variable for containers. `toEmailSettings` checks them all before any API call: a typo in MAIL_TO found after
 * the audit would cost the night's report.
 */
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { envBoolean, envChoice, envInteger, envRedacted, envText, variableIfReadable } from "../Cli/Environment.js"
import { isPipe } from "../Cli/InputFile.js"
import { wholeNumberOption } from "../Cli/NumberValues.js"
import { secretsInUrl } from "../Cli/QuotableUrl.js"
import { revealsAny, type Secrets } from "../Cli/Redact.js"
import { EMAIL_POLICIES, type EmailPolicy } from "./EmailPolicy.js"
import {
  DEFAULT_EML_FROM,
  DEFAULT_HARD_CAP_BYTES,
  DEFAULT_PLAIN_MAX_BYTES,
  DEFAULT_SMTP_RETRIES,
  DEFAULT_SUBJECT_PREFIX,
  defaultSmtpRetry,
  defaultSmtpTimeout,
  type EmailSettings,
  type EmailTransport,
  type SmtpCredentials
} from "./EmailSettings.js"
import { type AddressCount, type MailAddress, parseAddressList } from "./MailAddress.js"
import { readCertificateFile, readSecretFile, withoutTrailingLineBreak } from "./SecretFile.js"
import { parseSmtpUrl } from "./SmtpUrl.js"

const optionalText = (name: string, env: string, description: string) =>
  Options.text(name).pipe(
    Options.withDescription(`${description} Env: ${env}.`),
    Options.withFallbackConfig(envText(env)),
    Options.optional
  )

// Text, not Options.file: its check of the path died on a link loop (exit 70) and refused a pipe
// (`--smtp-password-file <(pass show smtp)`) that the variable takes; the file's reader says what is wrong instead.
const optionalFile = (name: string, env: string, description: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("file"),
    Options.withDescription(`${description} Env: ${env}.`),
    Options.withFallbackConfig(envText(env)),
    Options.optional
  )

const bytes = (name: string, env: string, fallback: number, description: string) =>
  wholeNumberOption(name).pipe(
    Options.withDescription(`${description} Default: ${fallback} (${fallback / 1024 / 1024} MiB). Env: ${env}.`),
    Options.withFallbackConfig(envInteger(env)),
    Options.withDefault(fallback)
  )

// The URL is read as Redacted because it may carry `user:password@`.
const smtpUrlSaying = (withoutIt: string) =>
  Options.redacted("smtp-url").pipe(
    Options.withDescription(
      "SMTP server: smtps://host:465 (TLS) or smtp://host:587 (STARTTLS, required unless the host is loopback or " +
        `--smtp-insecure is given). ${withoutIt} A user:password@ in it given as a flag shows in the process list: ` +
        "prefer SMTP_URL. Env: SMTP_URL."
    ),
    Options.withFallbackConfig(envRedacted("SMTP_URL")),
    Options.optional
  )

const smtpPassword = Options.redacted("smtp-password").pipe(
  Options.withDescription(
    "SMTP password. Prefer SMTP_PASSWORD or --smtp-password-file: a flag shows in the process list. Env: SMTP_PASSWORD."
  ),
  Options.withFallbackConfig(envRedacted("SMTP_PASSWORD")),
  Options.optional
)

const smtpInsecure = Options.boolean("smtp-insecure").pipe(
  Options.withDescription(
    "Allow SMTP without TLS to a host that is not loopback (STARTTLS is still used when offered, its certificate " +
      "unchecked). Only for a " +
      "trusted network: the password and the report would cross it in clear text. Env: SMTP_INSECURE."
  ),
  Options.withFallbackConfig(envBoolean("SMTP_INSECURE"))
)

const smtpRetries = wholeNumberOption("smtp-retries").pipe(
  Options.withDescription(
    "Retries after a failed connection, TLS handshake or temporary (4xx) refusal, with growing waits; a refused " +
      `login or a permanent (5xx) refusal is not retried. Default: ${DEFAULT_SMTP_RETRIES}. Env: SMTP_RETRIES.`
  ),
  Options.withFallbackConfig(envInteger("SMTP_RETRIES")),
  Options.withDefault(DEFAULT_SMTP_RETRIES)
)

/**
 * MAIL_POLICY, or its other name AUDIT_EMAIL. Set both to different policies (a base environment file's and a
 * deployment's own), one of them would be dropped without a word: a job set to `on-change` mailing every night, or
 * one set to `always` falling silent. So they must agree.
 */
const emailPolicyVariable: Config.Config<EmailPolicy> = Config.all([
  Config.option(envChoice("MAIL_POLICY", EMAIL_POLICIES)),
  Config.option(envChoice("AUDIT_EMAIL", EMAIL_POLICIES))
]).pipe(
  Config.mapOrFail(([mailPolicy, auditEmail]) => {
    if (Option.isSome(mailPolicy) && Option.isSome(auditEmail) && mailPolicy.value !== auditEmail.value) {
      return Either.left(
        ConfigError.InvalidData(
          ["AUDIT_EMAIL"],
          `is "${auditEmail.value}" but MAIL_POLICY is "${mailPolicy.value}": both name when to send the email, ` +
            "so set one of them (or both alike)"
        )
      )
    }
    if (Option.isSome(mailPolicy)) return Either.right(mailPolicy.value)
    if (Option.isSome(auditEmail)) return Either.right(auditEmail.value)
    return Either.left(ConfigError.MissingData(["MAIL_POLICY"], "MAIL_POLICY and AUDIT_EMAIL are unset"))
  })
)

const emailSaying = (byDefault: string) =>
  Options.choice("email", EMAIL_POLICIES).pipe(
    Options.withDescription(
      "When to send the email: always, on-findings (an unsuppressed finding of severity low or above), on-change " +
        "(an unsuppressed finding new, resolved or changed in severity since the previous report) or never. " +
        `Default: ${byDefault}. Env: MAIL_POLICY or AUDIT_EMAIL.`
    ),
    Options.withFallbackConfig(emailPolicyVariable),
    Options.optional
  )

/** What the three options that decide whether and where the email goes say of it: the demo does otherwise. */
export interface EmailHelp {
  readonly byDefault: string
  readonly withoutSmtpUrl: string
  readonly mailTo: string
}

export const emailOptionsSaying = (help: EmailHelp) =>
  Options.all({
    email: emailSaying(help.byDefault),
    smtpUrl: smtpUrlSaying(help.withoutSmtpUrl),
    smtpUser: optionalText("smtp-user", "SMTP_USER", "SMTP user name."),
    smtpPassword,
    smtpPasswordFile: optionalFile(
      "smtp-password-file",
      "SMTP_PASSWORD_FILE",
      "File holding the SMTP password (a leading byte order mark and one trailing line break are ignored)."
    ),
    smtpInsecure,
    smtpCaFile: optionalFile(
      "smtp-ca-file",
      "SMTP_CA_FILE",
      "PEM file of certificates to trust for the SMTP server besides Node's and NODE_EXTRA_CA_CERTS' (a company CA, " +
        "a self-signed relay)."
    ),
    smtpRetries,
    mailFrom: optionalText(
      "mail-from",
      "MAIL_FROM",
      `Sender address, such as "Panther audit <audit@acme.example>". Required with --smtp-url. ` +
        `Default for an .eml file: ${DEFAULT_EML_FROM.address}.`
    ),
    mailTo: optionalText("mail-to", "MAIL_TO", help.mailTo),
    mailCc: optionalText("mail-cc", "MAIL_CC", "Copy recipients, comma-separated."),
    mailSubjectPrefix: Options.text("mail-subject-prefix").pipe(
      Options.withDescription(
        `Start of the subject line. Default: ${DEFAULT_SUBJECT_PREFIX}. Env: MAIL_SUBJECT_PREFIX.`
      ),
      Options.withFallbackConfig(envText("MAIL_SUBJECT_PREFIX")),
      Options.withDefault(DEFAULT_SUBJECT_PREFIX)
    ),
    mailAttachMaxBytes: bytes(
      "mail-attach-max-bytes",
      "MAIL_ATTACH_MAX_BYTES",
      DEFAULT_PLAIN_MAX_BYTES,
      "The findings CSV is attached as it is up to this size, and gzip-compressed (.csv.gz) above it."
    ),
    mailAttachHardCapBytes: bytes(
      "mail-attach-hard-cap-bytes",
      "MAIL_ATTACH_HARD_CAP_BYTES",
      DEFAULT_HARD_CAP_BYTES,
      "Largest attachment sent at all, compressed and base64-encoded as it travels; above it the CSV is left out and " +
        "the email says where it is."
    )
  })

export const emailOptions = emailOptionsSaying({
  byDefault: "on-findings when MAIL_TO is set, otherwise never",
  withoutSmtpUrl: "Without it, the email is written as an .eml file beside the reports.",
  mailTo: "Recipients, comma-separated. Setting it turns the email on."
})

export type EmailOptionValues = typeof emailOptions extends Options.Options<infer A> ? A : never

const fail = (message: string) => Effect.fail(new ConfigurationError({ message }))

// Each named by flag and variable alike: one given as a flag is not looked for in the environment.
const USER = "--smtp-user / SMTP_USER"
const PASSWORD = "--smtp-password / SMTP_PASSWORD"
const PASSWORD_FILE = "--smtp-password-file / SMTP_PASSWORD_FILE"
const CREDENTIALS = `${USER} or a password (${PASSWORD}, ${PASSWORD_FILE}) is`

const addresses = (label: string, value: Option.Option<string>, takes: AddressCount = "list") =>
  Option.match(value, {
    onNone: () => Effect.succeed<ReadonlyArray<MailAddress>>([]),
    onSome: (text) =>
      Either.match(parseAddressList(text, takes), {
        onLeft: (why) => fail(`${label}: ${why}`),
        onRight: (list) => Effect.succeed(list)
      })
  })

const MAX_RETRIES = 10

/**
 * The SMTP password as given or read from its file, read once and early, as the API token is (see `TokenRead` in
 * ConnectionOptions.ts): before the input files, whose errors must not quote it.
 */
export interface PasswordRead {
  readonly password: Either.Either<Option.Option<Redacted.Redacted<string>>, ConfigurationError>
  /** The secrets known: the password read or given, and what SMTP_URL holds of one. */
  readonly known: ReadonlyArray<string>
  /** A password file was named and not read: what it holds is not known. */
  readonly unread: boolean
}

export const readSmtpPassword = (values: EmailOptionValues, startUp = true): Effect.Effect<PasswordRead> =>
  Effect.map(Effect.either(passwordOf(values, startUp)), (password) => ({
    password,
    known: [
      ...(Either.isRight(password) ? Option.toArray(password.right).map(Redacted.value) : []),
      ...Option.toArray(values.smtpPassword).map(Redacted.value),
      ...Option.toArray(values.smtpUrl).flatMap((url) => secretsInUrl(Redacted.value(url)))
    ],
    unread: Either.isLeft(password) && Option.isSome(values.smtpPasswordFile)
  }))

/**
 * For a command that sends no email (review, export): the SMTP secrets its environment holds all the same, as a
 * container set up for `schedule` does, so that its input files' errors are kept clear of them too. The password
 * file is read for that alone; one that cannot be read fails nothing, and marks the password unread, as a pipe does,
 * which is left unread (`isPipe`).
 */
export const smtpSecretsOfEnvironment: Effect.Effect<PasswordRead> = Effect.gen(function* () {
  const password = yield* variableIfReadable(envRedacted("SMTP_PASSWORD"))
  const url = yield* variableIfReadable(envRedacted("SMTP_URL"))
  const file = yield* variableIfReadable(envText("SMTP_PASSWORD_FILE"))
  const pipe = Option.isSome(file) && (yield* Effect.promise(() => isPipe(file.value)))
  const fromFile =
    Option.isSome(file) && !pipe
      ? yield* Effect.either(
          readSecretFile(file.value, "SMTP_PASSWORD_FILE", { name: "password", directVariable: "SMTP_PASSWORD" })
        )
      : undefined
  return {
    password: Either.right(Option.none()),
    known: [
      ...Option.toArray(password).flatMap((given) => [
        Redacted.value(given),
        withoutTrailingLineBreak(Redacted.value(given))
      ]),
      ...(fromFile !== undefined && Either.isRight(fromFile) ? [Redacted.value(fromFile.right)] : []),
      ...Option.toArray(url).flatMap((given) => secretsInUrl(Redacted.value(given)))
    ],
    unread: pipe || (fromFile !== undefined && Either.isLeft(fromFile))
  }
})

/**
 * Checks the option values and turns them into the reporter's settings. Every problem names the flag and variable.
 * `passwordRead`: the password read already (`readSmtpPassword`); read here otherwise.
 */
export const toEmailSettings = (
  values: EmailOptionValues,
  passwordRead?: PasswordRead
): Effect.Effect<EmailSettings, ConfigurationError> =>
  Effect.gen(function* () {
    const to = yield* addresses("--mail-to / MAIL_TO", values.mailTo)
    const cc = yield* addresses("--mail-cc / MAIL_CC", values.mailCc)
    const fromList = yield* addresses("--mail-from / MAIL_FROM", values.mailFrom, "one")
    if (fromList.length > 1) return yield* fail("--mail-from / MAIL_FROM: give one sender address, not a list")
    if (Option.isSome(values.mailTo) && to.length === 0) {
      return yield* fail("--mail-to / MAIL_TO is set but holds no address")
    }
    // A subject is one line: changed to fit (a line break made a space), it would not be the prefix given. Mail
    // clients break lines at U+2028 and U+2029 too, and a bidirectional control turns the counts after it around.
    if (/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(values.mailSubjectPrefix)) {
      return yield* fail(
        "--mail-subject-prefix / MAIL_SUBJECT_PREFIX holds a line break or control character (a line separator or " +
          "a bidirectional control counts), which a subject cannot carry: give it on one line, such as " +
          "[Panther user audit]"
      )
    }

    const { mailAttachMaxBytes: plainMaxBytes, mailAttachHardCapBytes: hardCapBytes } = values
    if (!Number.isSafeInteger(plainMaxBytes) || plainMaxBytes < 0) {
      return yield* fail(
        `--mail-attach-max-bytes / MAIL_ATTACH_MAX_BYTES must be a number of bytes, 0 or more; got ${plainMaxBytes}`
      )
    }
    if (!Number.isSafeInteger(hardCapBytes) || hardCapBytes < 0) {
      return yield* fail(
        `--mail-attach-hard-cap-bytes / MAIL_ATTACH_HARD_CAP_BYTES must be a number of bytes, 0 or more; got ${hardCapBytes}`
      )
    }
    if (!Number.isSafeInteger(values.smtpRetries) || values.smtpRetries < 0 || values.smtpRetries > MAX_RETRIES) {
      return yield* fail(
        `--smtp-retries / SMTP_RETRIES must be a whole number from 0 to ${MAX_RETRIES}; got ${values.smtpRetries}`
      )
    }

    const transport = yield* toTransport(values, passwordRead)
    const policy = policyOf(values.email, to.length > 0)
    if (to.length === 0) {
      if (policy !== "never") return yield* fail(`--email ${policy} needs recipients: set --mail-to / MAIL_TO`)
      if (transport._tag === "Smtp" && Option.isNone(values.email)) {
        return yield* fail(
          "--smtp-url / SMTP_URL is set but --mail-to / MAIL_TO is not, so no email would be sent: give " +
            "recipients, or --email never"
        )
      }
      // Copies go only with an email to someone: MAIL_CC alone (MAIL_TO left out, or misspelt) turned the email off
      // without a word, every night, and the copy recipients waited for mail that never came.
      if (cc.length > 0 && Option.isNone(values.email)) {
        return yield* fail(
          "--mail-cc / MAIL_CC is set but --mail-to / MAIL_TO is not, so no email would be sent (copies go only " +
            "with it): give recipients, or --email never"
        )
      }
      return { _tag: "EmailOff", reason: Option.isSome(values.email) ? "--email never" : "MAIL_TO is not set" }
    }
    if (policy === "never") return { _tag: "EmailOff", reason: "--email never" }
    const [from] = fromList
    if (from === undefined && transport._tag === "Smtp") {
      return yield* fail("--mail-from / MAIL_FROM is required to send through --smtp-url / SMTP_URL")
    }
    return {
      _tag: "EmailOn",
      policy,
      message: {
        from: from ?? DEFAULT_EML_FROM,
        to,
        cc,
        subjectPrefix: values.mailSubjectPrefix.trim(),
        attachment: { plainMaxBytes, hardCapBytes }
      },
      transport
    }
  })

/** --email as given, or on-findings when there are recipients and never when there are none. */
const policyOf = (email: Option.Option<EmailPolicy>, hasRecipients: boolean): EmailPolicy =>
  Option.getOrElse(email, () => (hasRecipients ? "on-findings" : "never"))

/**
 * The settings for one run of a schedule, whose values `toEmailSettings` accepted at start-up. Only the files they
 * name are read anew (a rotated password is taken), and one gone missing or unreadable since costs that run its
 * email, not its audit: the reports are written and marked undelivered, as when the server is down, and the
 * failure names the variable. With --email never, or no MAIL_TO, such a file costs the run nothing.
 */
export const toEmailSettingsForRun = (
  values: EmailOptionValues,
  passwordRead?: PasswordRead
): Effect.Effect<EmailSettings> =>
  toEmailSettings(values, passwordRead).pipe(
    Effect.catchAll((problem) => {
      // The values passed at start-up, so MAIL_TO, when set, holds addresses.
      const policy = policyOf(values.email, Option.isSome(values.mailTo))
      return Effect.succeed<EmailSettings>(
        policy === "never"
          ? { _tag: "EmailOff", reason: Option.isSome(values.email) ? "--email never" : "MAIL_TO is not set" }
          : { _tag: "EmailUnavailable", policy, problem: problem.message }
      )
    })
  )

const toTransport = (
  values: EmailOptionValues,
  passwordRead: PasswordRead | undefined
): Effect.Effect<EmailTransport, ConfigurationError> =>
  Effect.gen(function* () {
    const password = yield* passwordRead?.password ?? passwordOf(values)
    if (Option.isNone(values.smtpUrl)) {
      if (Option.isSome(values.smtpUser) || Option.isSome(password)) {
        return yield* fail(
          `${CREDENTIALS} set but no server: give it with --smtp-url / SMTP_URL, or leave them out for an .eml file`
        )
      }
      return { _tag: "EmlFile" }
    }
    const endpoint = yield* Either.match(parseSmtpUrl(Redacted.value(values.smtpUrl.value), values.smtpInsecure), {
      onLeft: (why) => fail(`--smtp-url / SMTP_URL ${why}`),
      onRight: Effect.succeed
    })
    if (endpoint.credentials !== undefined && (Option.isSome(values.smtpUser) || Option.isSome(password))) {
      return yield* fail(
        `--smtp-url / SMTP_URL carries a user and password, and ${CREDENTIALS} set too: give them once`
      )
    }
    const credentials = endpoint.credentials ?? (yield* separateCredentials(values.smtpUser, password))
    const extraCa = Option.isSome(values.smtpCaFile)
      ? yield* readCertificateFile(values.smtpCaFile.value, "--smtp-ca-file / SMTP_CA_FILE")
      : undefined
    return {
      _tag: "Smtp",
      server: {
        host: endpoint.host,
        port: endpoint.port,
        security: endpoint.security,
        ...(credentials === undefined ? {} : { credentials }),
        ...(extraCa === undefined ? {} : { extraCa }),
        timeout: defaultSmtpTimeout,
        retry: { ...defaultSmtpRetry, retries: values.smtpRetries }
      }
    }
  })

/** `startUp` false: a later run of a schedule, whose start-up read the password file already. */
const passwordOf = (
  values: EmailOptionValues,
  startUp = true
): Effect.Effect<Option.Option<Redacted.Redacted<string>>, ConfigurationError> => {
  if (Option.isSome(values.smtpPassword) && Option.isSome(values.smtpPasswordFile)) {
    return fail(`both ${PASSWORD} and ${PASSWORD_FILE} are set: give the password one way`)
  }
  return Option.isSome(values.smtpPasswordFile)
    ? Effect.map(
        readSecretFile(
          values.smtpPasswordFile.value,
          "--smtp-password-file / SMTP_PASSWORD_FILE",
          { name: "password", directVariable: "SMTP_PASSWORD" },
          !startUp
        ),
        Option.some
      )
    : Effect.succeed(
        Option.map(values.smtpPassword, (given) => Redacted.make(withoutTrailingLineBreak(Redacted.value(given))))
      )
}

const separateCredentials = (
  user: Option.Option<string>,
  password: Option.Option<Redacted.Redacted<string>>
): Effect.Effect<SmtpCredentials | undefined, ConfigurationError> => {
  // Blank counts as not given, from a flag as from the environment: an empty password would only fail at the
  // server, after the whole audit ran, as a refused login.
  const givenUser = Option.filter(user, (text) => text.trim() !== "")
  const givenPassword = Option.filter(password, (secret) => Redacted.value(secret) !== "")
  if (Option.isNone(givenUser) && Option.isNone(givenPassword)) return Effect.succeed(undefined)
  if (Option.isNone(givenUser)) return fail(`an SMTP password is set but no ${USER}: give both, or neither`)
  if (Option.isNone(givenPassword)) {
    return fail(`${USER} is set but no password: give ${PASSWORD_FILE} or ${PASSWORD}`)
  }
  return Effect.succeed({ user: givenUser.value.trim(), password: givenPassword.value })
}

/**
 * The addresses and the subject's prefix go into every message's headers, which each relay on the way and each
 * mailbox keeps and shows: a token or password pasted into one would travel with every email.
 */
export const refuseSecretsInHeaders = (
  values: EmailOptionValues,
  secrets: Secrets
): Effect.Effect<void, ConfigurationError> => {
  const settings: ReadonlyArray<readonly [string, string]> = [
    ["--mail-from / MAIL_FROM", Option.getOrElse(values.mailFrom, () => "")],
    ["--mail-to / MAIL_TO", Option.getOrElse(values.mailTo, () => "")],
    ["--mail-cc / MAIL_CC", Option.getOrElse(values.mailCc, () => "")],
    ["--mail-subject-prefix / MAIL_SUBJECT_PREFIX", values.mailSubjectPrefix]
  ]
  const holding = settings.find(([, value]) => revealsAny(value, secrets))
  return holding === undefined
    ? Effect.void
    : Effect.fail(
        new ConfigurationError({
          message:
            `${holding[0]} holds the API token or a password (not shown): every email would carry it in its ` +
            "headers. Check what was pasted there; nothing was sent."
        })
      )
}
