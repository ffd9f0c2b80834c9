/**
 * The flags (and their environment variables) every command that talks to Panther takes, and what turns them
 * into settings (`connectionSettings`) or a ready `PantherClient` layer (`pantherClientLayer`, through
 * `pantherClientFor`). A command adds `connection: connectionOptions` to its options and provides
 * `pantherClientLayer(connection)` to its handler; a bad value fails with a `ConfigurationError` (exit code 2)
 * before anything is sent.
 */
import { readFile, stat } from "node:fs/promises"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { ExtraCaFile } from "../PantherApi/CertificateFailure.js"
import {
  type ConnectionSettings,
  defaultRequestTimeout,
  defaultRetryPolicy,
  MAX_REQUEST_TIMEOUT,
  normaliseBaseUrl
} from "../PantherApi/Connection.js"
import { keyAsSent, keyProblem } from "../PantherApi/HeaderText.js"
import { type PantherClient, pantherClientFor } from "../PantherApi/PantherClient.js"
import { PROXY_VARIABLES, type ProxyEnvironment, proxyNotices, proxyRouteFor } from "../PantherApi/Proxy.js"
import { looksUtf16 } from "../PantherApi/Utf16Body.js"
import { describeFsError } from "../Reports/ReportError.js"
import { ConfigurationError } from "./ConfigurationError.js"
import { envBoolean, envInteger, envNumber, envRedacted, envText, variableIfReadable } from "./Environment.js"
import { requireOptionValue } from "./FlagValues.js"
import { isPipe, readInputText } from "./InputFile.js"
import { missingSecretFile } from "./MissingSecretFile.js"
import { decimalOption, wholeNumberOption } from "./NumberValues.js"
import { secretsInUrl } from "./QuotableUrl.js"
import { revealsSecret } from "./Redact.js"
import { MAX_SECRET_FILE_BYTES, UTF16_SECRET_FILE } from "./SecretFiles.js"
import { wrappedTokenProblem } from "./TokenWrapping.js"

export interface ConnectionOptions {
  readonly apiUrl: Option.Option<string>
  readonly apiToken: Option.Option<Redacted.Redacted<string>>
  readonly apiTokenFile: Option.Option<string>
  readonly allowInsecureHttp: boolean
  readonly timeoutSeconds: number
  readonly maxRetries: number
  readonly retryBudgetSeconds: number
}

export const connectionOptions: Options.Options<ConnectionOptions> = Options.all({
  apiUrl: Options.text("api-url").pipe(
    Options.withDescription("Panther API base URL, https://api.<instance-domain> (env PANTHER_API_URL)."),
    Options.withFallbackConfig(envText("PANTHER_API_URL")),
    Options.optional
  ),
  apiToken: Options.redacted("api-token").pipe(
    // Given empty (`--api-token "$TOKEN"` with TOKEN unset), it was taken for no token at all, and the message asked
    // to set PANTHER_API_TOKEN even when it was set. Only the blank case is checked: the value is never quoted.
    Options.mapEffect((token) =>
      Redacted.value(token).trim() === ""
        ? Effect.fail(ValidationError.invalidValue(HelpDoc.p("--api-token is empty: give a value, or leave it out.")))
        : Effect.succeed(token)
    ),
    Options.withDescription(
      "Panther API token; prefer --api-token-file or the env var, which stay out of the process list " +
        "(env PANTHER_API_TOKEN)."
    ),
    Options.withFallbackConfig(envRedacted("PANTHER_API_TOKEN")),
    Options.optional
  ),
  apiTokenFile: Options.text("api-token-file").pipe(
    Options.mapEffect(requireOptionValue("--api-token-file")),
    Options.withDescription("A file holding the API token, e.g. a mounted secret (env PANTHER_API_TOKEN_FILE)."),
    Options.withFallbackConfig(envText("PANTHER_API_TOKEN_FILE")),
    Options.optional
  ),
  allowInsecureHttp: Options.boolean("allow-insecure-http").pipe(
    Options.withDescription(
      "Allow plain http:// to a host other than this machine; the token then travels unencrypted " +
        "(env PANTHER_ALLOW_INSECURE_HTTP)."
    ),
    Options.withFallbackConfig(envBoolean("PANTHER_ALLOW_INSECURE_HTTP"))
  ),
  timeoutSeconds: decimalOption("timeout-seconds").pipe(
    Options.withDescription(
      `Seconds to wait for one response, body included. Default: ${Duration.toSeconds(defaultRequestTimeout)} ` +
        "(env PANTHER_TIMEOUT_SECONDS)."
    ),
    Options.withFallbackConfig(envNumber("PANTHER_TIMEOUT_SECONDS")),
    Options.withDefault(Duration.toSeconds(defaultRequestTimeout))
  ),
  maxRetries: wholeNumberOption("max-retries").pipe(
    Options.withDescription(
      "Retries of one request after a 408, 429, 500, 502, 503, 504, connection error or timeout; 0 never retries. " +
        `Default: ${defaultRetryPolicy.maxAttempts - 1} (env PANTHER_MAX_RETRIES).`
    ),
    Options.withFallbackConfig(envInteger("PANTHER_MAX_RETRIES")),
    Options.withDefault(defaultRetryPolicy.maxAttempts - 1)
  ),
  retryBudgetSeconds: decimalOption("retry-budget-seconds").pipe(
    Options.withDescription(
      "Most seconds one request may spend on retries: no retry starts whose wait would end past it, and the " +
        "attempt after a wait may take up to --timeout-seconds. " +
        `Default: ${Duration.toSeconds(defaultRetryPolicy.maxElapsed)} (env PANTHER_RETRY_BUDGET_SECONDS).`
    ),
    Options.withFallbackConfig(envNumber("PANTHER_RETRY_BUDGET_SECONDS")),
    Options.withDefault(Duration.toSeconds(defaultRetryPolicy.maxElapsed))
  )
})

const fail = (message: string) => Effect.fail(new ConfigurationError({ message }))

const positiveSeconds = (value: number, what: string): Effect.Effect<Duration.Duration, ConfigurationError> =>
  Number.isFinite(value) && value > 0
    ? Effect.succeed(Duration.seconds(value))
    : fail(`${what} must be a finite number of seconds above 0; got ${value}.`)

/**
 * A timeout: shorter than a millisecond, the finest a timer waits, no answer could ever come in time, and messages
 * quoted it in nanoseconds ("no answer within 100000ns").
 */
const timeoutSeconds = (value: number, what: string): Effect.Effect<Duration.Duration, ConfigurationError> =>
  Number.isFinite(value) && value > 0 && value < 0.001
    ? fail(`${what} must be at least 0.001 (a millisecond, the finest a timer waits); got ${value}.`)
    : positiveSeconds(value, what)

/**
 * The token from a file: surrounding whitespace (a trailing newline above all) is not part of it, nor a leading byte
 * order mark (`readInputText` leaves it out).
 */
const readTokenFile = (path: string, startUp: boolean) =>
  Effect.gen(function* () {
    const where = `--api-token-file / PANTHER_API_TOKEN_FILE "${path}"`
    const text = yield* Effect.tryPromise((signal) =>
      readInputText(path, MAX_SECRET_FILE_BYTES, "a token file", signal)
    ).pipe(
      Effect.catchAll(({ error }) =>
        Effect.flatMap(
          missingSecretFile(
            "--api-token-file / PANTHER_API_TOKEN_FILE",
            path,
            {
              name: "token",
              directVariable: "PANTHER_API_TOKEN"
            },
            !startUp
          ),
          (missing) => fail(`${missing ?? `${where} cannot be read: ${describeFsError(error)}`}.`)
        )
      )
    )
    if (looksUtf16(text)) return yield* fail(`${where} ${UTF16_SECRET_FILE}.`)
    const token = keyAsSent(text)
    if (token === "") return yield* fail(`${where} is empty: it should hold the API token.`)
    return Redacted.make(token)
  })

const sendableToken = (token: Redacted.Redacted<string>) => {
  const wrapped = wrappedTokenProblem(Redacted.value(token))
  if (wrapped !== undefined) return fail(wrapped)
  const problem = keyProblem(Redacted.value(token), "The API token", "API token")
  if (problem === undefined) return Effect.succeed(token)
  const oneLine = problem.reason === "unsendable" ? ", on one line" : ""
  return fail(`${problem.text}: check that the variable or file holds the token alone${oneLine}.`)
}

/** Where a token may be given: a flag or variable, or a file. */
type TokenSources = Pick<ConnectionOptions, "apiToken" | "apiTokenFile">

/** `startUp` false: a later run of a schedule, whose start-up read the token file already. */
const tokenGiven = (options: TokenSources, startUp: boolean) => {
  const given = Option.filter(options.apiToken, (token) => Redacted.value(token).trim() !== "")
  // An empty variable counts as unset, as an empty PANTHER_API_TOKEN does.
  const file = Option.filter(options.apiTokenFile, (path) => path.trim() !== "")
  if (Option.isSome(given) && Option.isSome(file)) {
    return fail(
      "Both an API token (--api-token / PANTHER_API_TOKEN) and a token file (--api-token-file / " +
        "PANTHER_API_TOKEN_FILE) are set: give one."
    )
  }
  if (Option.isSome(file)) return readTokenFile(file.value, startUp)
  if (Option.isSome(given)) return Effect.succeed(Redacted.make(keyAsSent(Redacted.value(given.value))))
  return fail(
    "No Panther API token: set PANTHER_API_TOKEN or PANTHER_API_TOKEN_FILE, or pass --api-token-file. " +
      "Create a token in Panther under Settings > API Tokens, with Read User Info (and Manage Users to change users)."
  )
}

const resolveToken = (options: TokenSources, startUp = true) =>
  Effect.flatMap(tokenGiven(options, startUp), sendableToken)

/**
 * The API token as given or read from its file, read once (a pipe gives it only once) and early: before the input
 * files, whose errors must not quote it (see InputFileSecrets.ts). Its own failure is kept for `connectionSettings`
 * to report where it always has.
 */
export interface TokenRead {
  readonly token: Either.Either<Redacted.Redacted<string>, ConfigurationError>
  /** The token's values known: the one read, and the one given, whether or not it could be used. */
  readonly known: ReadonlyArray<string>
  /** A token file was named and not read: what it holds is not known. */
  readonly unread: boolean
}

export const readApiToken = (options: TokenSources, startUp = true): Effect.Effect<TokenRead> =>
  Effect.map(Effect.either(resolveToken(options, startUp)), (token) => ({
    token,
    known: [
      ...(Either.isRight(token) ? [Redacted.value(token.right)] : []),
      ...Option.toArray(options.apiToken).map((given) => Redacted.value(given).trim())
    ],
    unread: Either.isLeft(token) && Option.exists(options.apiTokenFile, (path) => path.trim() !== "")
  }))

/**
 * HTTPS_PROXY and the rest, as curl reads them: environment variables only, with no flags of their own, and no file:
 * a value wrapped in quotes is never meant so, as no URL or host name starts with one.
 */
const proxyEnvironment: Effect.Effect<ProxyEnvironment, ConfigurationError> = Effect.map(
  Effect.forEach(PROXY_VARIABLES, (name) =>
    Config.option(
      envText(
        name,
        name.toLowerCase() === "no_proxy"
          ? "it lists host names, none of which starts with a quote"
          : "it is a proxy's URL, which never starts with a quote"
      )
    ).pipe(
      Effect.map((value) => [name, Option.getOrUndefined(value)] as const),
      Effect.mapError((error) => new ConfigurationError({ message: `Proxy settings: ${name} ${error.message}.` }))
    )
  ),
  (entries): ProxyEnvironment => Object.fromEntries(entries.filter(([, value]) => value !== undefined))
)

/**
 * What the proxy variables hold of a password (each URL with a `user:password@`, and the password as typed and
 * decoded), for the input files' errors to be kept clear of, as the token and the SMTP password are. ALL_PROXY too:
 * it is not used, but it is as secret. Nothing fails here: a variable that cannot be read holds nothing to withhold.
 */
export const proxySecretsOfEnvironment: Effect.Effect<ReadonlyArray<string>> = proxyEnvironment.pipe(
  Effect.map((environment) =>
    Object.entries(environment).flatMap(([name, value]) =>
      name.toLowerCase() === "no_proxy" || value === undefined ? [] : secretsInUrl(value)
    )
  ),
  Effect.orElseSucceed(() => [])
)

/** Past this size NODE_EXTRA_CA_CERTS is not read here to be checked: as for `SMTP_CA_FILE`, no CA bundle is. */
const MAX_CA_FILE_BYTES = 16 * 1024 * 1024

/**
 * The file NODE_EXTRA_CA_CERTS names, and what is wrong with it, for the message of a refused certificate: Node skips
 * a file it cannot read, or one without a PEM certificate, without a word (a DER `.cer`, as a Windows CA hands out).
 * Only a regular file is read (a pipe is Node's to read, once); none is read, and nothing said, past the limit.
 */
const extraCaFile: Effect.Effect<ExtraCaFile | undefined> = Config.option(envText("NODE_EXTRA_CA_CERTS")).pipe(
  Effect.orElseSucceed(() => Option.none<string>()),
  Effect.flatMap(
    Option.match({
      onNone: () => Effect.succeed(undefined),
      onSome: (path) =>
        Effect.promise(async (): Promise<ExtraCaFile | undefined> => {
          try {
            const info = await stat(path)
            if (!info.isDirectory() && (!info.isFile() || info.size > MAX_CA_FILE_BYTES)) return undefined
            const text = await readFile(path, "latin1")
            return text.includes("-----BEGIN CERTIFICATE-----")
              ? { path, unusable: undefined }
              : {
                  path,
                  unusable:
                    "holds no PEM certificate (-----BEGIN CERTIFICATE-----); a DER one, as a .cer or .der file may " +
                    `hold, converts with: openssl x509 -inform der -in ${path} -out ca.pem`
                }
          } catch (error) {
            return { path, unusable: `cannot be read (${describeFsError(error)})` }
          }
        })
    })
  )
)

/**
 * Checks every connection flag and reads the token; nothing is sent to Panther. What the proxy variables leave
 * unused (ALL_PROXY, a NO_PROXY entry that names no host) is logged as a warning, unless `startUp` is false: a
 * schedule reads the settings again for each run, and says it once, at its start.
 */
export const connectionSettings = (
  options: ConnectionOptions,
  startUp = true,
  /** The token read already (`readApiToken`); read here otherwise. */
  tokenAlreadyRead?: TokenRead
): Effect.Effect<ConnectionSettings, ConfigurationError> =>
  Effect.gen(function* () {
    const rawUrl = yield* Option.match(options.apiUrl, {
      onNone: () =>
        fail("No Panther API URL: set PANTHER_API_URL or pass --api-url, e.g. https://api.acme.runpanther.net."),
      onSome: Effect.succeed
    })
    // Read before the URL is checked, whose messages quote it: a token put in the URL's place (the two variables
    // swapped) must not be quoted back. Its own failure still comes after the URL's.
    const tokenRead = tokenAlreadyRead?.token ?? (yield* Effect.either(resolveToken(options, startUp)))
    if (Either.isRight(tokenRead) && /^\s*https?:\/\//i.test(Redacted.value(tokenRead.right))) {
      return yield* fail(
        "The API token (PANTHER_API_TOKEN, --api-token or the token file) is a URL: check that the URL and the " +
          "token were not swapped. Neither is shown."
      )
    }
    if (Either.isRight(tokenRead) && revealsSecret(rawUrl, Redacted.value(tokenRead.right), true)) {
      return yield* fail(
        "--api-url / PANTHER_API_URL holds the API token (not shown): check that the URL and the token were not " +
          "swapped. The URL is https://api.<instance-domain>."
      )
    }
    const baseUrl = yield* Either.match(normaliseBaseUrl(rawUrl, { allowInsecureHttp: options.allowInsecureHttp }), {
      onLeft: Effect.fail,
      onRight: Effect.succeed
    })
    const requestTimeout = Duration.min(
      yield* timeoutSeconds(options.timeoutSeconds, "--timeout-seconds / PANTHER_TIMEOUT_SECONDS"),
      MAX_REQUEST_TIMEOUT
    )
    const maxElapsed = yield* positiveSeconds(
      options.retryBudgetSeconds,
      "--retry-budget-seconds / PANTHER_RETRY_BUDGET_SECONDS"
    )
    if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0) {
      return yield* fail(
        `--max-retries / PANTHER_MAX_RETRIES must be a whole number, 0 or more; got ${options.maxRetries}.`
      )
    }
    const token = yield* tokenRead
    const environment = yield* proxyEnvironment
    const proxy = yield* Either.match(proxyRouteFor(baseUrl, environment), {
      onLeft: Effect.fail,
      onRight: Effect.succeed
    })
    if (startUp) yield* Effect.forEach(proxyNotices(baseUrl, environment), (notice) => Effect.logWarning(notice))
    const extraCa = yield* extraCaFile
    return {
      baseUrl,
      token,
      requestTimeout,
      retry: { ...defaultRetryPolicy, maxAttempts: options.maxRetries + 1, maxElapsed },
      ...(proxy === undefined ? {} : { proxy }),
      ...(extraCa === undefined ? {} : { extraCa })
    }
  })

/** Where a job's connection comes from: its token read first (`readToken`), then the settings checked with it. */
export interface ConnectionSource {
  readonly readToken: Effect.Effect<TokenRead>
  readonly settings: (token: TokenRead) => Effect.Effect<ConnectionSettings, ConfigurationError>
}

/** The connection of a command's options; `startUp` as for `connectionSettings`. */
export const connectionSource = (options: ConnectionOptions, startUp = true): ConnectionSource => ({
  readToken: readApiToken(options, startUp),
  settings: (token) => connectionSettings(options, startUp, token)
})

/**
 * The token PANTHER_API_TOKEN or PANTHER_API_TOKEN_FILE holds, for a command that does not use it (the demo) to keep
 * its input files' errors clear of it all the same: a shell set up for `run` has it. Nothing fails here. A pipe is
 * left unread (`isPipe`); what it holds is then unknown, as for a file that cannot be read.
 */
const tokenOfEnvironment: Effect.Effect<Omit<TokenRead, "token">> = Effect.gen(function* () {
  const apiToken = yield* variableIfReadable(envRedacted("PANTHER_API_TOKEN"))
  const apiTokenFile = yield* variableIfReadable(envText("PANTHER_API_TOKEN_FILE"))
  if (Option.isSome(apiTokenFile) && (yield* Effect.promise(() => isPipe(apiTokenFile.value)))) {
    return { known: [], unread: true }
  }
  return yield* readApiToken({ apiToken, apiTokenFile })
})

/** Settings given whole, as the demo's built-in simulator gives them; the environment's token is known besides. */
export const givenConnection = (settings: ConnectionSettings): ConnectionSource => ({
  readToken: Effect.map(tokenOfEnvironment, (environment) => ({
    token: Either.right(settings.token),
    known: [Redacted.value(settings.token), ...environment.known],
    unread: environment.unread
  })),
  settings: () => Effect.succeed(settings)
})

/** The client, ready to use, for a command's parsed connection options. */
export const pantherClientLayer = (options: ConnectionOptions): Layer.Layer<PantherClient, ConfigurationError> =>
  Layer.unwrapEffect(Effect.map(connectionSettings(options), pantherClientFor))
