import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Command, HelpDoc, ValidationError } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Option, Redacted } from "effect"
import { connectionOptions, connectionSettings } from "../../src/Cli/ConnectionOptions.js"
import type { ConnectionSettings } from "../../src/PantherApi/Connection.js"
import { captureLogs } from "../support/testClient.js"

const directory = mkdtempSync(join(tmpdir(), "panther-token-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const tokenFile = (name: string, contents: string) => {
  const path = join(directory, name)
  writeFileSync(path, contents)
  return path
}

/**
 * Parses `args` and `env` the way `panther-audit` does, and resolves the settings (nothing is sent); `startUp` as
 * `connectionSettings` takes it.
 */
const settingsFrom = (args: ReadonlyArray<string>, env: Record<string, string> = {}, startUp = true) =>
  Effect.gen(function* () {
    let settings: ConnectionSettings | undefined
    const probe = Command.make("probe", { connection: connectionOptions }, ({ connection }) =>
      Effect.map(connectionSettings(connection, startUp), (resolved) => {
        settings = resolved
      })
    )
    yield* Command.run(probe, { name: "probe", version: "0" })(["node", "probe", ...args]).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )
    if (settings === undefined) throw new Error("handler did not run")
    return settings
  }).pipe(Effect.provide(NodeContext.layer))

const messageOf = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.map(Effect.flip(settingsFrom(args, env)), (error) =>
    ValidationError.isValidationError(error)
      ? HelpDoc.toAnsiText(error.error).trim()
      : error instanceof Error
        ? error.message
        : String(error)
  )

describe("connectionOptions", () => {
  it.effect("reads everything from env vars, with the documented defaults", () =>
    Effect.gen(function* () {
      const settings = yield* settingsFrom([], {
        PANTHER_API_URL: "https://api.acme.runpanther.net/public/graphql",
        PANTHER_API_TOKEN: "env-token"
      })
      expect(settings.baseUrl).toBe("https://api.acme.runpanther.net")
      expect(Redacted.value(settings.token)).toBe("env-token")
      expect(Duration.toSeconds(settings.requestTimeout)).toBe(30)
      expect(settings.retry.maxAttempts).toBe(5)
      expect(Duration.toSeconds(settings.retry.maxElapsed)).toBe(120)
    })
  )

  it.effect("flags win over env vars", () =>
    Effect.gen(function* () {
      const settings = yield* settingsFrom(
        ["--api-url", "http://localhost:4010/", "--timeout-seconds", "2.5", "--max-retries", "0"],
        { PANTHER_API_URL: "https://elsewhere.example.com", PANTHER_API_TOKEN: "t", PANTHER_TIMEOUT_SECONDS: "9" }
      )
      expect(settings.baseUrl).toBe("http://localhost:4010")
      expect(Duration.toMillis(settings.requestTimeout)).toBe(2500)
      expect(settings.retry.maxAttempts).toBe(1)
    })
  )

  it.effect("takes retry limits from env vars", () =>
    Effect.gen(function* () {
      const settings = yield* settingsFrom([], {
        PANTHER_API_URL: "https://api.acme.runpanther.net",
        PANTHER_API_TOKEN: "t",
        PANTHER_MAX_RETRIES: "7",
        PANTHER_RETRY_BUDGET_SECONDS: "15",
        PANTHER_TIMEOUT_SECONDS: "10"
      })
      expect(settings.retry.maxAttempts).toBe(8)
      expect(Duration.toSeconds(settings.retry.maxElapsed)).toBe(15)
      expect(Duration.toSeconds(settings.requestTimeout)).toBe(10)
    })
  )

  it.effect("reads a token file without its trailing newline", () =>
    Effect.gen(function* () {
      const path = tokenFile("good", "file-token\n")
      const settings = yield* settingsFrom(["--api-token-file", path], { PANTHER_API_URL: "https://api.x.com" })
      expect(Redacted.value(settings.token)).toBe("file-token")
      const fromEnv = yield* settingsFrom([], { PANTHER_API_URL: "https://api.x.com", PANTHER_API_TOKEN_FILE: path })
      expect(Redacted.value(fromEnv.token)).toBe("file-token")
      // A byte order mark, as Windows editors write one, is no part of it either.
      const marked = tokenFile("marked", "\uFEFFfile-token\r\n")
      const fromMarked = yield* settingsFrom(["--api-token-file", marked], { PANTHER_API_URL: "https://api.x.com" })
      expect(Redacted.value(fromMarked.token)).toBe("file-token")
    })
  )

  it.effect("explains a missing, empty or unreadable token, and a token given twice", () =>
    Effect.gen(function* () {
      const url = { PANTHER_API_URL: "https://api.x.com" }
      expect(yield* messageOf([], url)).toContain("No Panther API token")
      expect(yield* messageOf(["--api-token-file", tokenFile("empty", "\n")], url)).toContain("is empty")
      // A missing file's name is not quoted (it may be the token itself); its folder, which exists, is.
      const missing = yield* messageOf(["--api-token-file", join(directory, "missing")], url)
      expect(missing).toContain(`names no file in the folder "${directory}"`)
      expect(missing).not.toContain("missing")
      expect(yield* messageOf(["--api-token-file", directory], url)).toContain(
        "cannot be read: it is a folder, not a file."
      )
      expect(yield* messageOf(["--api-token-file", tokenFile("t", "a")], { ...url, PANTHER_API_TOKEN: "b" })).toContain(
        "give one"
      )
      // The token itself put in the _FILE variable: named no file, and not quoted back.
      const mistaken = yield* messageOf([], { ...url, PANTHER_API_TOKEN_FILE: "pat-Secret-Token-9f2c" })
      expect(mistaken).toContain("PANTHER_API_TOKEN_FILE names no file. Its value is not shown")
      expect(mistaken).not.toContain("pat-Secret-Token-9f2c")
    })
  )

  it.effect("refuses a token in quotes, or after any variable's name, without quoting it", () =>
    Effect.gen(function* () {
      // Sent as they are, each was refused by Panther as a bad token (401), which sent the admin to make a new one.
      const url = { PANTHER_API_URL: "https://api.x.com" }
      const exported = yield* messageOf(["--api-token-file", tokenFile("exp", "export PANTHER_AUDIT=SECRET-9f2c")], url)
      expect(exported).toContain('The API token starts with "export PANTHER_AUDIT=", a variable\'s name')
      const quoted = yield* messageOf(["--api-token-file", tokenFile("quoted", '"SECRET-9f2c"\r\n')], url)
      expect(quoted).toBe("The API token is in quotes, which would be sent as part of it: remove them.")
      // A variable's quotes are refused as every variable's are (Environment.ts); a flag's as a file's.
      const singleQuoted = yield* messageOf(["--api-token", "'SECRET-9f2c'"], url)
      expect(singleQuoted).toBe(quoted)
      for (const message of [exported, quoted]) expect(message).not.toContain("SECRET")
      // A token with an = of its own (base64's padding), or a lone quote, is read as it is.
      const padded = yield* settingsFrom(["--api-token-file", tokenFile("padded", "c2VjcmV0LXRva2Vu==\n")], url)
      expect(Redacted.value(padded.token)).toBe("c2VjcmV0LXRva2Vu==")
      const lower = yield* settingsFrom(["--api-token-file", tokenFile("lower", "abc_def=ghi\n")], url)
      expect(Redacted.value(lower.token)).toBe("abc_def=ghi")
      const oneQuote = yield* settingsFrom(["--api-token", '"abc'], url)
      expect(Redacted.value(oneQuote.token)).toBe('"abc')
    })
  )

  it.effect("refuses a token no HTTP header can carry, without quoting it", () =>
    Effect.gen(function* () {
      const url = { PANTHER_API_URL: "https://api.x.com" }
      const twoLines = yield* messageOf(["--api-token-file", tokenFile("two-lines", "SECRET-one\nSECRET-two\n")], url)
      const euro = yield* messageOf([], { ...url, PANTHER_API_TOKEN: "SECRET\u20acx" })
      for (const message of [twoLines, euro]) {
        expect(message).toContain("a character an HTTP header cannot carry")
        expect(message).not.toContain("SECRET")
      }
      // Latin-1 and tabs are sent as they are.
      const latin = yield* settingsFrom([], { ...url, PANTHER_API_TOKEN: "caf\u00e9\tx" })
      expect(Redacted.value(latin.token)).toBe("caf\u00e9\tx")
    })
  )

  it.effect(
    "refuses a token given with what surrounds it (a header's name, Bearer, a variable), without quoting it",
    () =>
      Effect.gen(function* () {
        // Copied from a curl line, an HTTP client or an env file: Panther answered 401 and the user was sent to check
        // whether a token that is right had expired.
        const url = { PANTHER_API_URL: "https://api.x.com" }
        const cases = [
          [{ PANTHER_API_TOKEN: "X-API-Key: SECRET-9f2c" }, 'starts with "X-API-Key:", a header\'s name'],
          [{ PANTHER_API_TOKEN: "x-api-key:SECRET-9f2c" }, 'starts with "x-api-key:", a header\'s name'],
          [
            { PANTHER_API_TOKEN: "Authorization: Bearer SECRET-9f2c" },
            'starts with "Authorization:", a header\'s name'
          ],
          [{ PANTHER_API_TOKEN: "Bearer SECRET-9f2c" }, 'starts with "Bearer ", an authorization scheme'],
          [
            { PANTHER_API_TOKEN_FILE: tokenFile("env-line", "PANTHER_API_TOKEN=SECRET-9f2c\n") },
            'starts with "PANTHER_API_TOKEN=", a variable\'s name'
          ],
          [
            { PANTHER_API_TOKEN_FILE: tokenFile("export-line", "export PANTHER_API_TOKEN=SECRET-9f2c\n") },
            'starts with "export PANTHER_API_TOKEN=", a variable\'s name'
          ]
        ] as const
        for (const [env, said] of cases) {
          const message = yield* messageOf([], { ...url, ...env })
          expect(message).toBe(
            `The API token ${said}, not part of the token: check that the variable or file holds the token alone.`
          )
          expect(message).not.toContain("SECRET")
        }
        // Such words inside a token, or a token of the shape of none of these, are the token's own.
        for (const token of ["abcBearer x", "Token=abc", "k3y:abc", "SECRET=="]) {
          const settings = yield* settingsFrom([], { ...url, PANTHER_API_TOKEN: token })
          expect(Redacted.value(settings.token)).toBe(token)
        }
      })
  )

  it.effect("says a token flag given empty is empty, rather than that no token is set", () =>
    Effect.gen(function* () {
      // `--api-token "$TOKEN"` with TOKEN unset in a script: the message said to set PANTHER_API_TOKEN, set already.
      const env = { PANTHER_API_URL: "https://api.x.com", PANTHER_API_TOKEN: "tok" }
      for (const flag of ["--api-token", "--api-token-file"]) {
        const message = yield* messageOf([flag, ""], env)
        expect(message).toContain(`${flag} is empty: give a value, or leave it out`)
        expect(message).not.toContain("No Panther API token")
        expect(yield* messageOf([flag, "  "], env)).toContain(`${flag} is empty`)
      }
    })
  )

  it.effect("takes an empty PANTHER_API_TOKEN_FILE as unset, as an empty PANTHER_API_TOKEN is", () =>
    Effect.gen(function* () {
      const settings = yield* settingsFrom([], {
        PANTHER_API_URL: "https://api.x.com",
        PANTHER_API_TOKEN: "tok",
        PANTHER_API_TOKEN_FILE: ""
      })
      expect(Redacted.value(settings.token)).toBe("tok")
    })
  )

  it.effect("explains a missing or unusable URL and refuses plain http to another host", () =>
    Effect.gen(function* () {
      expect(yield* messageOf([], { PANTHER_API_TOKEN: "t" })).toContain("No Panther API URL")
      expect(yield* messageOf(["--api-url", "http://panther.internal"], { PANTHER_API_TOKEN: "t" })).toContain(
        "--allow-insecure-http"
      )
      const allowed = yield* settingsFrom(["--api-url", "http://panther.internal", "--allow-insecure-http"], {
        PANTHER_API_TOKEN: "t"
      })
      expect(allowed.baseUrl).toBe("http://panther.internal")
      const allowedByEnv = yield* settingsFrom([], {
        PANTHER_API_URL: "http://simulator:4010",
        PANTHER_ALLOW_INSECURE_HTTP: "true",
        PANTHER_API_TOKEN: "t"
      })
      expect(allowedByEnv.baseUrl).toBe("http://simulator:4010")
      const env = { PANTHER_API_URL: "https://a.b", PANTHER_API_TOKEN: "t" }
      expect(yield* messageOf(["--timeout-seconds", "0"], env)).toContain("must be a finite number of seconds above 0")
      // Shorter than any timer waits: no answer could come in time.
      expect(yield* messageOf(["--timeout-seconds", "0.0001"], env)).toContain(
        "--timeout-seconds / PANTHER_TIMEOUT_SECONDS must be at least 0.001 (a millisecond, the finest a timer waits); " +
          "got 0.0001."
      )
      expect(Duration.toMillis((yield* settingsFrom(["--timeout-seconds", "0.001"], env)).requestTimeout)).toBe(1)
      expect(yield* messageOf(["--retry-budget-seconds", "-1"], env)).toContain(
        "must be a finite number of seconds above 0; got -1"
      )
      // No retries is 0; fewer than none is a slip, not a setting.
      expect(yield* messageOf(["--max-retries", "-1"], env)).toContain(
        "--max-retries / PANTHER_MAX_RETRIES must be a whole number, 0 or more; got -1."
      )
      expect((yield* settingsFrom(["--max-retries", "0"], env)).retry.maxAttempts).toBe(1)
    })
  )

  it.effect("hold a timeout longer than a timer can wait to what it waits, for messages that quote it", () =>
    Effect.gen(function* () {
      const env = { PANTHER_API_URL: "https://a.b", PANTHER_API_TOKEN: "t" }
      for (const seconds of ["1e300", "3000000"]) {
        const settings = yield* settingsFrom(["--timeout-seconds", seconds], env)
        expect(Duration.toMillis(settings.requestTimeout)).toBe(2 ** 31 - 1)
        expect(Duration.format(settings.requestTimeout)).toBe("24d 20h 31m 23s 647ms")
      }
      const usual = yield* settingsFrom(["--timeout-seconds", "2000000"], env)
      expect(Duration.toSeconds(usual.requestTimeout)).toBe(2_000_000)
    })
  )

  it.effect("refuse numbers not written in decimal digits, which Number would read", () =>
    Effect.gen(function* () {
      const env = { PANTHER_API_URL: "https://a.b", PANTHER_API_TOKEN: "t" }
      for (const bad of ["Infinity", "NaN", "0x10", "0b11", "1e400"]) {
        expect(yield* messageOf(["--retry-budget-seconds", bad], env)).toBe(
          `--retry-budget-seconds must be a number; got "${bad}"`
        )
        expect(yield* messageOf(["--timeout-seconds", bad], env)).toBe(
          `--timeout-seconds must be a number; got "${bad}"`
        )
        expect(yield* messageOf(["--max-retries", bad], env)).toBe(`--max-retries must be a whole number; got "${bad}"`)
      }
      const settings = yield* settingsFrom(["--timeout-seconds", ".5", "--max-retries", "2"], env)
      expect(Duration.toMillis(settings.requestTimeout)).toBe(500)
      const exponents = yield* settingsFrom(["--timeout-seconds", "1.5e1", "--max-retries", "+2.0"], env)
      expect(Duration.toMillis(exponents.requestTimeout)).toBe(15_000)
      expect(exponents.retry.maxAttempts).toBe(3)
      expect(settings.retry.maxAttempts).toBe(3)
    })
  )

  it.effect("warns once at start of the proxy variables it leaves unused, without their passwords", () =>
    Effect.gen(function* () {
      const env = {
        PANTHER_API_URL: "https://api.acme.runpanther.net",
        PANTHER_API_TOKEN: "t",
        ALL_PROXY: "http://me:pr0xy-pass@proxy.corp:3128"
      }
      const logs = captureLogs()
      const settings = yield* settingsFrom([], env).pipe(Effect.provide(logs.layer))
      expect(settings.proxy).toBeUndefined()
      expect(logs.lines).toHaveLength(1)
      expect(logs.lines[0]).toContain("level=WARN")
      expect(logs.lines[0]).toContain("ALL_PROXY is set")
      expect(logs.lines[0]).toContain("it reads only HTTPS_PROXY / HTTP_PROXY and NO_PROXY")
      expect(logs.lines[0]).not.toMatch(/me:|pr0xy-pass/)
      const withNoProxy = { ...env, ALL_PROXY: "", HTTPS_PROXY: "http://proxy.corp:3128", NO_PROXY: "bü cher.example" }
      const noProxyLogs = captureLogs()
      yield* settingsFrom([], withNoProxy).pipe(Effect.provide(noProxyLogs.layer))
      expect(noProxyLogs.lines.join("\n")).toContain('NO_PROXY entry \\"bü cher.example\\" is ignored')
      // A schedule reads the settings again for each run: said at its start, not at every run.
      const again = captureLogs()
      yield* settingsFrom([], env, false).pipe(Effect.provide(again.layer))
      yield* settingsFrom([], withNoProxy, false).pipe(Effect.provide(again.layer))
      expect(again.lines).toEqual([])
    })
  )

  it.effect("takes a token that is a URL, its scheme in any case, for the two swapped, and quotes neither", () =>
    Effect.gen(function* () {
      const token = "pk_swapped_0123456789abcdef"
      for (const url of [
        "https://api.acme.runpanther.net",
        "HTTPS://API.ACME.RUNPANTHER.NET",
        "Http://127.0.0.1:4010"
      ]) {
        const said = yield* messageOf([], { PANTHER_API_URL: token, PANTHER_API_TOKEN: url })
        expect(said, url).toBe(
          "The API token (PANTHER_API_TOKEN, --api-token or the token file) is a URL: check that the URL and the " +
            "token were not swapped. Neither is shown."
        )
      }
    })
  )

  it.effect("fails with exit code 2 for configuration problems", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(settingsFrom([], {}))
      expect(Option.fromNullable(Reflect.get(Object(error), "exitCode"))).toEqual(Option.some(2))
    })
  )
})
