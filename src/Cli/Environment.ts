/**
 * Environment variables as the fallbacks of flags (`Options.withFallbackConfig`), read the same way everywhere.
 *
 * A blank variable (empty, or spaces: `AUDIT_STALE_DAYS=` left in a compose file) counts as unset, so the flag's
 * default holds. Effect's own `Config.integer` reads it as 0 and `Config.string` as an empty list, which changed a
 * report without a word (stale after 0 days, no privileged permissions). A value that does not parse is refused
 * naming the variable, what it takes and what it got, where Effect's words were its own ("Expected a number value
 * but received"); yes/no values and choices are read in any case, as `--fail-on` and LOG_LEVEL are.
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { DECIMAL_NUMBER, parseDecimal, parseWholeNumber, WHOLE_NUMBER } from "./NumberValues.js"

const refused = (name: string, takes: string, got: string) =>
  ConfigError.InvalidData([name], `must be ${takes}; got "${got}"`)

/**
 * A value wrapped in quotes, `"0 2 * * *"`: `docker run --env-file` and a compose file's list of variables
 * (`- AUDIT_TZ="Europe/Berlin"`) keep them as part of the value, where a shell and compose's `env_file` drop them.
 * Taken as written, a token so wrapped was refused by Panther (401) and the user told to check a token that is right,
 * a URL said to have no scheme, a cron expression to expect a positive integer at `"0`.
 */
export const WRAPPED_IN_QUOTES = /^\s*(["']).*\1\s*$/su

/** What a variable wrapped in quotes is told, after its name; `quotedValue` where a value truly so quoted goes. */
export const wrappedInQuotes = (quotedValue: string): string =>
  "is wrapped in quotes, which are read as part of its value (docker run --env-file and a compose file's list of " +
  `variables keep them): remove them (${quotedValue})`

/** What a variable with a flag is told of a value that truly has quotes at both ends. */
export const QUOTED_BY_FLAG = "a value that has quotes at both ends goes by its flag or file instead"

/**
 * The variable's text, as set; blank counts as unset, and one wrapped in quotes is refused (never quoted back).
 * `quotedValue` says where a value that truly has quotes at both ends goes: a variable without a flag (HTTPS_PROXY)
 * says what it is told instead.
 */
export const envText = (name: string, quotedValue: string = QUOTED_BY_FLAG): Config.Config<string> =>
  Config.string(name).pipe(
    Config.mapOrFail((text) =>
      text.trim() === ""
        ? Either.left(ConfigError.MissingData([name], `${name} is blank`))
        : WRAPPED_IN_QUOTES.test(text)
          ? Either.left(
              // The path is the variable's own, which Config.string(name) puts in front of it.
              ConfigError.InvalidData([], wrappedInQuotes(quotedValue))
            )
          : Either.right(text)
    )
  )

/**
 * A variable read only to know what it holds (a secret a command does not use, to keep its errors clear of it): one
 * that cannot be read counts as unset, failing nothing.
 */
export const variableIfReadable = <A>(config: Config.Config<A>): Effect.Effect<Option.Option<A>> =>
  Effect.orElseSucceed(Config.option(config), () => Option.none<A>())

/** A secret; blank counts as unset. Never quoted in an error. */
export const envRedacted = (name: string): Config.Config<Redacted.Redacted<string>> =>
  Config.map(envText(name), Redacted.make)

// In decimal notation, as the flags read them (NumberValues.ts): not 0x10, 0b11 or Infinity, as Number would.
export const envInteger = (name: string): Config.Config<number> =>
  Config.mapOrFail(envText(name), (text) => {
    const value = parseWholeNumber(text)
    return value === undefined ? Either.left(refused(name, WHOLE_NUMBER, text.trim())) : Either.right(value)
  })

export const envNumber = (name: string): Config.Config<number> =>
  Config.mapOrFail(envText(name), (text) => {
    const value = parseDecimal(text)
    return value === undefined ? Either.left(refused(name, DECIMAL_NUMBER, text.trim())) : Either.right(value)
  })

const YES: ReadonlySet<string> = new Set(["true", "yes", "on", "1"])
const NO: ReadonlySet<string> = new Set(["false", "no", "off", "0"])

export const envBoolean = (name: string): Config.Config<boolean> =>
  Config.mapOrFail(envText(name), (text) => {
    const word = text.trim().toLowerCase()
    return YES.has(word)
      ? Either.right(true)
      : NO.has(word)
        ? Either.right(false)
        : Either.left(refused(name, "true or false (or yes or no, on or off, 1 or 0)", text.trim()))
  })

/** One of `choices`, in any case. */
export const envChoice = <A extends string>(name: string, choices: ReadonlyArray<A>): Config.Config<A> =>
  Config.mapOrFail(envText(name), (text) => {
    const chosen = choices.find((choice) => choice.toLowerCase() === text.trim().toLowerCase())
    return chosen === undefined
      ? Either.left(refused(name, `one of ${choices.join(", ")}`, text.trim()))
      : Either.right(chosen)
  })
