/**
 * `panther-audit simulate`: runs the Panther Users API simulator until SIGINT or SIGTERM. Every flag has an
 * environment variable (for docker-compose) and a default; the ready banner on stdout says where it listens and
 * which keys to use.
 */
import { constants } from "node:buffer"
import { randomUUID } from "node:crypto"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { jsonErrorOffset, lineAndColumn } from "../Audit/JsonErrorPlace.js"
import { parseTimestamp } from "../Audit/Timestamps.js"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { envInteger, envNumber, envRedacted, envText, variableIfReadable } from "../Cli/Environment.js"
import { readInputText } from "../Cli/InputFile.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { decimalOption, wholeNumberOption } from "../Cli/NumberValues.js"
import { LONGEST_TIMER_MS } from "../PantherApi/Connection.js"
import { looksUtf16 } from "../PantherApi/Utf16Body.js"
import { describeFsError } from "../Reports/ReportError.js"
import { DEFAULT_ERROR_SEED, DEFAULT_FAIL_STATUS, type FaultOptions } from "./Faults.js"
import { DEFAULT_HOST, DEFAULT_SEED, DEFAULT_USERS, type SimulatorOptions, serveSimulator } from "./Server.js"
import { formatBanner } from "./StartupBanner.js"
import { validateUsersData } from "./UsersData.js"

export const DEFAULT_PORT = 4010
const { MAX_STRING_LENGTH } = constants
const MAX_USERS = 5_000_000
/**
 * The longest a timer waits (about 24.8 days). Effect never ends a longer sleep, so a latency above it held every
 * request for ever, with a banner that promised it.
 */
const MAX_LATENCY_MS = LONGEST_TIMER_MS

const options = {
  port: wholeNumberOption("port").pipe(
    Options.withDescription(`TCP port to listen on; 0 picks a free one. Default ${DEFAULT_PORT} (env SIMULATOR_PORT).`),
    Options.withFallbackConfig(envInteger("SIMULATOR_PORT")),
    Options.withDefault(DEFAULT_PORT)
  ),
  host: Options.text("host").pipe(
    Options.withDescription(
      `Interface to listen on; 0.0.0.0 makes it reachable from other containers. Default ${DEFAULT_HOST} (env SIMULATOR_HOST).`
    ),
    Options.withFallbackConfig(envText("SIMULATOR_HOST")),
    Options.withDefault(DEFAULT_HOST)
  ),
  users: wholeNumberOption("users").pipe(
    Options.withDescription(
      `How many users to generate, 0 to ${MAX_USERS}; default ${DEFAULT_USERS} (env SIMULATOR_USERS).`
    ),
    Options.withFallbackConfig(envInteger("SIMULATOR_USERS")),
    Options.optional
  ),
  seed: wholeNumberOption("seed").pipe(
    Options.withDescription(
      `Seed for generated users: the same seed gives the same users. Default ${DEFAULT_SEED} (env SIMULATOR_SEED).`
    ),
    Options.withFallbackConfig(envInteger("SIMULATOR_SEED")),
    Options.withDefault(DEFAULT_SEED)
  ),
  now: Options.text("now").pipe(
    Options.withDescription(
      "Reference time, ISO 8601 (e.g. 2025-06-30T12:00:00Z), that generated logins and creation dates are " +
        "relative to; default: the current time (env SIMULATOR_NOW)."
    ),
    Options.withFallbackConfig(envText("SIMULATOR_NOW")),
    Options.optional
  ),
  // Text, not Options.file: its check of the path died on a link loop (exit 70) and refused a pipe
  // (`--data <(jq ... )`) that SIMULATOR_DATA takes; loadData says what is wrong with the path instead.
  data: Options.text("data").pipe(
    Options.withPseudoName("file"),
    Options.withDescription(
      'Serve the users in this JSON file (an array of users, or a GET /users page {"results": [...]}) ' +
        "instead of generating them (env SIMULATOR_DATA)."
    ),
    Options.withFallbackConfig(envText("SIMULATOR_DATA")),
    Options.optional
  ),
  token: Options.redacted("token").pipe(
    Options.withDescription("API key with Read User Info; default: the documented test key (env SIMULATOR_TOKEN)."),
    Options.withFallbackConfig(envRedacted("SIMULATOR_TOKEN")),
    Options.optional
  ),
  adminToken: Options.redacted("admin-token").pipe(
    Options.withDescription(
      "API key with Read User Info and Manage Users; default: the documented test key (env SIMULATOR_ADMIN_TOKEN)."
    ),
    Options.withFallbackConfig(envRedacted("SIMULATOR_ADMIN_TOKEN")),
    Options.optional
  ),
  latencyMs: wholeNumberOption("latency-ms").pipe(
    Options.withDescription("Milliseconds added to every response. Default 0 (env SIMULATOR_LATENCY_MS)."),
    Options.withFallbackConfig(envInteger("SIMULATOR_LATENCY_MS")),
    Options.withDefault(0)
  ),
  rateLimit: wholeNumberOption("rate-limit").pipe(
    Options.withDescription(
      "Requests allowed per second; more get 429 with Retry-After. Default 0, no limit (env SIMULATOR_RATE_LIMIT)."
    ),
    Options.withFallbackConfig(envInteger("SIMULATOR_RATE_LIMIT")),
    Options.withDefault(0)
  ),
  errorRate: decimalOption("error-rate").pipe(
    Options.withDescription(
      "Share of requests, 0 to 1, answered with a random 500, 502, 503 or 504. Default 0 (env SIMULATOR_ERROR_RATE)."
    ),
    Options.withFallbackConfig(envNumber("SIMULATOR_ERROR_RATE")),
    Options.withDefault(0)
  ),
  errorSeed: wholeNumberOption("error-seed").pipe(
    Options.withDescription(
      "Seed for which requests --error-rate fails, so a flaky run can be replayed. Default 1 (env SIMULATOR_ERROR_SEED)."
    ),
    Options.withFallbackConfig(envInteger("SIMULATOR_ERROR_SEED")),
    // Optional, not defaulted: one given without --error-rate is refused, as it would change nothing.
    Options.optional
  ),
  failRequests: Options.text("fail-requests").pipe(
    Options.withDescription(
      "Comma-separated request numbers to fail with --fail-status, counting every request from 1, " +
        'e.g. "3,7". Default: none (env SIMULATOR_FAIL_REQUESTS).'
    ),
    Options.withFallbackConfig(envText("SIMULATOR_FAIL_REQUESTS")),
    Options.withDefault("")
  ),
  failStatus: wholeNumberOption("fail-status").pipe(
    Options.withDescription(
      `HTTP status for --fail-requests. Default ${DEFAULT_FAIL_STATUS} (env SIMULATOR_FAIL_STATUS).`
    ),
    Options.withFallbackConfig(envInteger("SIMULATOR_FAIL_STATUS")),
    // Optional, not defaulted: one given without --fail-requests is refused, as it would fail nothing.
    Options.optional
  )
}

type ValueOf<O> = O extends Options.Options<infer A> ? A : never
/** The parsed flags, before validation. */
export type SimulateFlags = { readonly [K in keyof typeof options]: ValueOf<(typeof options)[K]> }

const fail = (message: string) => Effect.fail(new ConfigurationError({ message }))

const check = (ok: boolean, message: string) => (ok ? Effect.void : fail(message))

const parseFailRequests = (text: string): Effect.Effect<ReadonlyArray<number>, ConfigurationError> => {
  const parts = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
  const numbers = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN))
  return numbers.every((n) => Number.isSafeInteger(n) && n >= 1)
    ? Effect.succeed(numbers)
    : fail(`--fail-requests / SIMULATOR_FAIL_REQUESTS must be request numbers from 1 up, like "3,7"; got "${text}"`)
}

const parseNow = (text: Option.Option<string>): Effect.Effect<Date, ConfigurationError> =>
  Option.match(text, {
    onNone: () => Effect.sync(() => new Date()),
    // Read as `--as-of` is (RFC 3339, a time without a zone as UTC), not by Date, which took "March 5" for 2001
    // and a time without a zone in the machine's own zone.
    onSome: (value) => {
      const epoch = parseTimestamp(value)
      return epoch === undefined
        ? fail(`--now / SIMULATOR_NOW must be an ISO 8601 time like 2025-06-30T12:00:00Z; got "${value}"`)
        : Effect.succeed(new Date(epoch))
    }
  })

/** Reads and validates a `--data` file; every problem names the file, and the entry when one is bad. */
const loadData = (path: string) =>
  Effect.gen(function* () {
    const where = `--data / SIMULATOR_DATA "${path}"`
    // As other input files are read: a pipe read on the event loop, where a stop signal still ends the command, and
    // a device refused, where reading /dev/zero went on until memory ran out. The limit is the longest string V8
    // makes, which a larger file could not have become anyway.
    const text = yield* Effect.tryPromise({
      try: (signal) => readInputText(path, MAX_STRING_LENGTH, "a users file", signal),
      catch: (error) => new ConfigurationError({ message: `${where} cannot be read: ${describeFsError(error)}` })
    })
    // Said as such: "stops being JSON at line 1, column 1" sent the reader looking for a bad first character.
    if (text.trim() === "") {
      return yield* fail(
        `${where} is empty: it should hold a JSON array of users (or a GET /users page, {"results": [...]})`
      )
    }
    const json = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      // Where it stops being JSON, not V8's message, which quotes the text there: a secret file named by mistake
      // would have its start printed.
      catch: () => {
        // UTF-16 (as Windows PowerShell 5 writes with > and Out-File) read as UTF-8 stops being JSON at its first
        // character, which said nothing of why.
        if (looksUtf16(text)) {
          return new ConfigurationError({ message: `${where} is in UTF-16, not UTF-8: save it as UTF-8` })
        }
        const { line, column } = lineAndColumn(text, jsonErrorOffset(text))
        return new ConfigurationError({
          message: `${where} is not valid JSON: it stops being JSON at line ${line}, column ${column}`
        })
      }
    })
    return yield* Either.mapLeft(
      validateUsersData(json, randomUUID),
      (problem) => new ConfigurationError({ message: `${where}: ${problem}` })
    )
  })

/** The flags as simulator options, or a ConfigurationError (exit code 2) saying which flag to fix. */
export const simulatorOptionsFromFlags = (flags: SimulateFlags) =>
  Effect.gen(function* () {
    yield* check(
      Number.isInteger(flags.port) && flags.port >= 0 && flags.port <= 65535,
      `--port / SIMULATOR_PORT must be 0 to 65535; got ${flags.port}`
    )
    yield* check(flags.host.trim() !== "", "--host / SIMULATOR_HOST must not be empty")
    if (Option.isSome(flags.users) && Option.isSome(flags.data)) {
      return yield* fail("give --users (generate users) or --data (serve a file), not both")
    }
    const users = Option.getOrElse(flags.users, () => DEFAULT_USERS)
    yield* check(users >= 0 && users <= MAX_USERS, `--users / SIMULATOR_USERS must be 0 to ${MAX_USERS}; got ${users}`)
    yield* check(
      flags.latencyMs >= 0 && flags.latencyMs <= MAX_LATENCY_MS,
      `--latency-ms / SIMULATOR_LATENCY_MS must be 0 to ${MAX_LATENCY_MS} (about 24.8 days, the longest a timer ` +
        `waits); got ${flags.latencyMs}`
    )
    yield* check(flags.rateLimit >= 0, `--rate-limit / SIMULATOR_RATE_LIMIT must be 0 or more; got ${flags.rateLimit}`)
    yield* check(
      flags.errorRate >= 0 && flags.errorRate <= 1,
      `--error-rate / SIMULATOR_ERROR_RATE must be from 0 to 1; got ${flags.errorRate}`
    )
    const failStatus = Option.getOrElse(flags.failStatus, () => DEFAULT_FAIL_STATUS)
    yield* check(
      failStatus >= 400 && failStatus <= 599,
      `--fail-status / SIMULATOR_FAIL_STATUS must be an error status, 400 to 599; got ${failStatus}`
    )
    const failRequests = yield* parseFailRequests(flags.failRequests)
    // Each sets how a fault is made, and alone makes none: the banner's "faults: none" was all that said so.
    yield* check(
      Option.isNone(flags.failStatus) || failRequests.length > 0,
      "--fail-status / SIMULATOR_FAIL_STATUS is the status --fail-requests answers with, and no --fail-requests / " +
        "SIMULATOR_FAIL_REQUESTS is given, so no request would fail: give the request numbers too (e.g. 3,7), or " +
        "leave --fail-status out"
    )
    yield* check(
      Option.isNone(flags.errorSeed) || flags.errorRate > 0,
      "--error-seed / SIMULATOR_ERROR_SEED picks which requests --error-rate fails, and --error-rate / " +
        "SIMULATOR_ERROR_RATE is 0, so no request would fail: give a rate too (e.g. 0.1), or leave --error-seed out"
    )
    const now = yield* parseNow(flags.now)
    const data = Option.isSome(flags.data) ? yield* loadData(flags.data.value) : undefined
    const faults: FaultOptions = {
      latencyMs: flags.latencyMs,
      rateLimit: flags.rateLimit,
      errorRate: flags.errorRate,
      errorSeed: Option.getOrElse(flags.errorSeed, () => DEFAULT_ERROR_SEED),
      failRequests,
      failStatus
    }
    const simulatorOptions: SimulatorOptions = {
      port: flags.port,
      host: flags.host,
      users,
      seed: flags.seed,
      now,
      faults,
      ...(data === undefined ? {} : { data }),
      ...Option.match(flags.token, { onNone: () => ({}), onSome: (t) => ({ readToken: Redacted.value(t) }) }),
      ...Option.match(flags.adminToken, { onNone: () => ({}), onSome: (t) => ({ adminToken: Redacted.value(t) }) })
    }
    return simulatorOptions
  })

export const simulateCommand = Command.make("simulate", options, (flags) =>
  Effect.gen(function* () {
    const simulatorOptions = yield* simulatorOptionsFromFlags(flags)
    const running = yield* serveSimulator(simulatorOptions)
    // The flag wins over the variable: the key came from SIMULATOR_TOKEN only if it is what the variable holds.
    const variable = yield* variableIfReadable(envRedacted("SIMULATOR_TOKEN"))
    const readTokenFromVariable =
      Option.isSome(flags.token) &&
      Option.isSome(variable) &&
      Redacted.value(variable.value) === Redacted.value(flags.token.value)
    yield* Console.log(
      formatBanner(running, {
        customReadToken: Option.isSome(flags.token),
        readTokenFromVariable,
        customAdminToken: Option.isSome(flags.adminToken),
        source: Option.match(flags.data, {
          onNone: () => `generated (seed ${flags.seed})`,
          onSome: (path) => `from ${path}`
        }),
        faults: simulatorOptions.faults ?? {}
      })
    )
    yield* Effect.logInfo(`simulator listening on ${running.baseUrl}`)
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    Effect.onInterrupt(() => Effect.logInfo("simulator stopped"))
  )
).pipe(
  Command.withDescription(
    withLoggingHelp(
      "Run a simulator of the Panther Users API on this machine, for demos, docker-compose and tests.",
      "It serves all five user operations and GET /roles, with generated or given users and optional faults."
    )
  )
)
