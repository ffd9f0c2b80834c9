import { type Config, ConfigError, ConfigProvider, Effect, Either, Option, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import {
  envBoolean,
  envChoice,
  envInteger,
  envNumber,
  envRedacted,
  envText,
  variableIfReadable
} from "../../src/Cli/Environment.js"

const read = <A>(config: Config.Config<A>, value: string | undefined) =>
  Effect.runSync(
    Effect.either(config).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(value === undefined ? [] : [["V", value]])))
    )
  )

/** "missing" for a variable taken as unset, the message for a refused one, else the value. */
const outcome = <A>(config: Config.Config<A>, value: string | undefined) =>
  Either.match(read(config, value), {
    onLeft: (error) => (ConfigError.isMissingDataOnly(error) ? "missing" : String(error)),
    onRight: (parsed) => parsed
  })

describe("environment variables", () => {
  it("take a blank value for an unset one, whatever they hold", () => {
    const configs: ReadonlyArray<Config.Config<unknown>> = [
      envText("V"),
      envInteger("V"),
      envNumber("V"),
      envBoolean("V"),
      envRedacted("V")
    ]
    for (const config of configs) {
      for (const blank of [undefined, "", "  ", "\t"]) expect(outcome(config, blank)).toBe("missing")
    }
  })

  it("read whole numbers and numbers, naming the variable when they cannot", () => {
    expect(outcome(envInteger("V"), " 12 ")).toBe(12)
    expect(outcome(envInteger("V"), "-3")).toBe(-3)
    // Decimal notation, an exponent included (Helm prints large numbers so); not Number's 0x10, 0b11 or 0o7.
    expect(outcome(envInteger("V"), "90.0")).toBe(90)
    expect(outcome(envInteger("V"), "+1e2")).toBe(100)
    expect(outcome(envInteger("V"), "1.048576e+07")).toBe(10_485_760)
    for (const bad of ["1.5", "1.5e0", "12 days", "9007199254740993", "0x10", "0b11", "0o7", "Infinity", "e2"]) {
      expect(outcome(envInteger("V"), bad)).toBe(`(Invalid data at V: "must be a whole number; got "${bad}"")`)
    }
    expect(outcome(envNumber("V"), "2.5")).toBe(2.5)
    expect(outcome(envNumber("V"), ".5")).toBe(0.5)
    expect(outcome(envNumber("V"), "-0.5")).toBe(-0.5)
    expect(outcome(envNumber("V"), " 30 ")).toBe(30)
    expect(outcome(envNumber("V"), "2.5e-1")).toBe(0.25)
    for (const bad of ["abc", "1e400", "Infinity", "-Infinity", "NaN", "0x10", "0b11", "1,5", "2.5.1", "--1"]) {
      expect(outcome(envNumber("V"), bad)).toBe(`(Invalid data at V: "must be a number; got "${bad}"")`)
    }
  })

  it("read yes and no and choices in any case", () => {
    for (const yes of ["true", "TRUE", "Yes", "on", "1"]) expect(outcome(envBoolean("V"), yes)).toBe(true)
    for (const no of ["false", "False", "no", "OFF", "0"]) expect(outcome(envBoolean("V"), no)).toBe(false)
    expect(outcome(envBoolean("V"), "maybe")).toContain("must be true or false (or yes or no, on or off, 1 or 0);")
    expect(outcome(envChoice("V", ["always", "on-change"]), "On-Change")).toBe("on-change")
    // Space an env file leaves around a value (`AUDIT_RUN_NOW=yes `) is no part of it, as for numbers.
    expect(outcome(envBoolean("V"), " yes ")).toBe(true)
    expect(outcome(envBoolean("V"), "off\t")).toBe(false)
    expect(outcome(envChoice("V", ["always", "on-change"]), " always ")).toBe("always")
    expect(outcome(envChoice("V", ["always", "on-change"]), "sometimes")).toContain(
      'must be one of always, on-change; got "sometimes"'
    )
  })

  it("refuse a value wrapped in quotes, which docker run --env-file keeps, without quoting it", () => {
    const configs: ReadonlyArray<Config.Config<unknown>> = [
      envText("V"),
      envInteger("V"),
      envBoolean("V"),
      envChoice("V", ["cis"]),
      envRedacted("V")
    ]
    for (const config of configs) {
      for (const quoted of ['"45"', "'cis'", '""', ' "tok-S3cret-9f8e" ', '"0 2 * * *"']) {
        const said = outcome(config, quoted)
        expect(said).toMatch(/^\(Invalid data at V: "is wrapped in quotes, which are read as part of its value/)
        expect(said).not.toContain(quoted.trim())
      }
    }
    // Quotes that do not wrap the whole value are the value's own: a display name, an apostrophe.
    expect(outcome(envText("V"), '"Security, EU" <sec-eu@acme.example>')).toBe('"Security, EU" <sec-eu@acme.example>')
    expect(outcome(envText("V"), "O'Brien's role")).toBe("O'Brien's role")
    expect(outcome(envText("V"), "\"unbalanced'")).toBe("\"unbalanced'")
  })

  it("keep a secret redacted", () => {
    const secret = read(envRedacted("V"), "s3cret")
    expect(Either.map(secret, Redacted.value)).toEqual(Either.right("s3cret"))
    expect(String(Either.getOrThrow(secret))).not.toContain("s3cret")
  })

  it("read only to know what they hold, count as unset when they cannot be read, failing nothing", () => {
    const known = (value: string) =>
      Effect.runSync(
        variableIfReadable(envRedacted("V")).pipe(
          Effect.map(Option.map(Redacted.value)),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["V", value]])))
        )
      )
    expect(known("s3cret")).toEqual(Option.some("s3cret"))
    // Wrapped in quotes, which its own command refuses with a message of its own.
    expect(known('"s3cret"')).toEqual(Option.none())
  })
})
