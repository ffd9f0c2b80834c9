/**
 * @effect/cli quotes arguments back in its usage errors ("Received unknown argument: '...'"), and a command that
 * takes no `--api-token` (verify) reads the token after it as a stray argument, which it would then print. The
 * values of the secret flags are collected from the command line before parsing and cut out of everything the
 * commands and @effect/cli write to stderr through the Console.
 */
import { formatWithOptions } from "node:util"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { escapedInJsonLine } from "./LogLineText.js"
import { readsAsAddress, secretsInUrl } from "./QuotableUrl.js"
import {
  answerScanner,
  escapeRegExp,
  isJson,
  REDACTED,
  scrubSecrets,
  secretsOf,
  WINDOWS_1252_HIGH,
  WITHHELD
} from "./Redact.js"
import { MIN_HIDDEN_SECRET } from "./SecretVariables.js"

/** Flags whose value is a secret, or may hold one (`--smtp-url smtps://user:password@host`). */
const SECRET_FLAGS: ReadonlyArray<string> = ["--api-token", "--smtp-password", "--smtp-url", "--token", "--admin-token"]

/**
 * A flag the program does not know by a name that sounds secret (`--apitoken=...`, `--smtp-pass ...`): a usage
 * error quotes it back whole, so its value is taken for a secret too. Not `...-file` flags, whose value is a path
 * the error should show.
 */
const SOUNDS_SECRET = /token|pass|secret|key|smtp-url/i

/** A guessed secret shorter than this is more likely a word of the command line (`run`) than a secret. */
const MIN_GUESSED_SECRET = 6

const isSecretFlag = (name: string): boolean =>
  SECRET_FLAGS.includes(name) || (SOUNDS_SECRET.test(name) && !name.endsWith("-file"))

/**
 * What of a URL flag's value is secret: a login's password (and the URL that holds it), as of `SMTP_URL`
 * (`urlSecretValues`). A URL without a login holds none: hidden whole, `--smtp-url smtp://relay.example:0` was
 * quoted as "[redacted] names port 0" where the same URL in `SMTP_URL` was shown. A value that reads as no address
 * (the password pasted in its place) is hidden whole.
 */
const secretsOfUrl = (value: string): ReadonlyArray<string> =>
  value.includes("@") ? secretsInUrl(value) : readsAsAddress(value) ? [] : [value]

/** The values given to secret flags, as `--flag value` or `--flag=value`; longest first. */
export const secretArguments = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const secrets = new Set<string>()
  argv.forEach((arg, index) => {
    if (!arg.startsWith("--")) return
    const equals = arg.indexOf("=")
    const name = equals === -1 ? arg : arg.slice(0, equals)
    if (!isSecretFlag(name)) return
    const known = SECRET_FLAGS.includes(name)
    const next = argv[index + 1]
    const value =
      equals !== -1 ? arg.slice(equals + 1) : known || (next !== undefined && !next.startsWith("-")) ? next : undefined
    if (value === undefined || value.trim() === "") return
    // A password read out of a URL is held to the guessed secrets' length, as one in SMTP_URL is.
    const values = /url/i.test(name) ? secretsOfUrl(value) : [value]
    for (const secret of values) {
      if ((known && secret === value) || secret.length >= MIN_GUESSED_SECRET) secrets.add(secret)
    }
  })
  return [...secrets].sort((a, b) => b.length - a.length)
}

/** `text` with every one of `secrets` replaced by `[redacted]` in any form (Redact.ts). */
export const hideSecretArguments = (secrets: ReadonlyArray<string>, text: string): string =>
  scrubSecrets(text, secretsOf(secrets))

/**
 * A message with `secrets` hidden, for the program's last line and usage errors. A secret shorter than
 * `MIN_HIDDEN_SECRET` is hidden only where the message quotes it as a value (`got "abc"`, `argument: 'abc'`), as the
 * short secrets of the environment are not looked for at all: a word that short is found by chance in the message's
 * own words, and `--api-token token` (a placeholder left in) made "Check the [redacted] given with
 * --api-[redacted], --api-[redacted]-file", hiding the very flags it told its reader to check.
 */
export const hideSecretsInMessage = (secrets: ReadonlyArray<string>, text: string): string => {
  const short = secrets.filter((secret) => secret.trim().length < MIN_HIDDEN_SECRET)
  const quotedHidden = short.reduce(
    (hidden, secret) => hidden.replace(new RegExp(`(["'])${escapeRegExp(secret)}\\1`, "g"), `$1${REDACTED}$1`),
    text
  )
  return hideSecretArguments(
    secrets.filter((secret) => !short.includes(secret)),
    quotedHidden
  )
}

const scrub = (secrets: ReadonlyArray<string>) => (value: unknown) =>
  typeof value === "string" ? hideSecretsInMessage(secrets, value) : value

/** Every string in a value parsed from JSON, with `secrets` hidden. */
const hiddenInStrings = (secrets: ReadonlyArray<string>, value: unknown): unknown => {
  if (typeof value === "string") return hideSecretsInMessage(secrets, value)
  if (Array.isArray(value)) return value.map((item) => hiddenInStrings(secrets, item))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hiddenInStrings(secrets, item)]))
  }
  return value
}

/**
 * A log line with `secrets` hidden. A JSON line that would be withheld whole (a secret escaped by JSON, a quote or
 * backslash in it, reads as one only decoded), or cut (past 64 KiB: a defect's cause quoting a page whole), has each
 * of its strings hidden instead, so that it stays a JSON line with its level and time for the collector that reads
 * it: cut, it ended inside a string, and the collector kept it as unparsed text or dropped it.
 */
export const hideSecretsInLogLine = (secrets: ReadonlyArray<string>, line: string): string => {
  const hidden = hideSecretsInMessage(secrets, line)
  if (!line.startsWith("{") || (hidden !== WITHHELD && isJson(hidden))) return hidden
  try {
    // Written again as the logger wrote it, with what JSON.stringify leaves raw escaped.
    return escapedInJsonLine(JSON.stringify(hiddenInStrings(secrets, JSON.parse(line))))
  } catch {
    return hidden
  }
}

/**
 * What of `secret` its encodings always show, for the quick test of a log line: its hex, and the base64 of its
 * bytes at each of the three places a run of base64 may cut them (the middle, whatever comes either side), in either
 * alphabet. A library quoting a relay's AUTH PLAIN blob (`\0user\0password` in base64) or a token in hex shows no
 * echo form of it, and such a line passed the quick test unread. So did a relay's echo of a password with an accent
 * in quoted-printable, decomposed (NFD), or its UTF-8 read as Latin-1 or Windows-1252, which the full reading finds.
 */
const encodedForms = (secret: string): ReadonlyArray<string> => {
  const bytes = Buffer.from(secret, "utf8")
  const cores = [0, 1, 2].map((offset) => {
    const base64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64")
    // The characters made of the secret's bits alone: not those sharing bits with the bytes before or after it.
    return base64.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6))
  })
  const escaped = (all: boolean) =>
    [...bytes]
      .map((byte) =>
        all || byte < 0x21 || byte > 0x7e || byte === 0x3d
          ? `=${byte.toString(16).padStart(2, "0")}`
          : String.fromCharCode(byte)
      )
      .join("")
  const latin1 = bytes.toString("latin1")
  const windows1252 = latin1.replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80] ?? char)
  return [
    bytes.toString("hex"),
    ...cores,
    ...cores.map((core) => core.replaceAll("+", "-").replaceAll("/", "_")),
    escaped(true),
    escaped(false),
    secret.normalize("NFD"),
    secret.normalize("NFC"),
    latin1,
    windows1252
  ]
}

/**
 * Runs `effect` with a Console whose `error` never prints one of `secrets`, nor do the loggers, which write through
 * the Console's `unsafe` side: an error's message never holds a secret, but a defect's (a library's own error,
 * logged with its cause by the schedule) or an annotation is text this program did not word, and a log line is
 * what a container's log collector keeps for months.
 */
export const withSecretArgumentsHidden =
  (secrets: ReadonlyArray<string>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    if (secrets.length === 0) return effect
    // A line reading back every encoding costs about half a millisecond; one holding none of the secrets' forms (a
    // run's progress lines, every one of them in practice) is passed on after a test of those forms alone.
    const scanner = answerScanner(secretsOf(secrets, secrets.flatMap(encodedForms)))
    const hiddenInLog = (line: string) => (scanner.mayHold(line) ? hideSecretsInLogLine(secrets, line) : line)
    return Console.consoleWith((console) =>
      Effect.withConsole(effect, {
        ...console,
        error: (...args: ReadonlyArray<unknown>) => console.error(...args.map(scrub(secrets))),
        unsafe: {
          ...console.unsafe,
          // One string, formatted as the console would: a cause or annotation logged as an object is text too.
          error: (...args: ReadonlyArray<unknown>) => console.unsafe.error(hiddenInLog(formatWithOptions({}, ...args)))
        }
      })
    )
  }
