/**
 * Numbers in settings, from a flag or an environment variable alike, read only as decimal notation: digits, a
 * fraction, an exponent (`1e2`, or `1.048576e+07`, as templating tools such as Helm print large numbers). `Number`,
 * and so Effect's `Options.integer` and `Options.float` (Schema's NumberFromString), also take `0x10`, `0b11`,
 * `0o7`, `Infinity` and `NaN`: `AUDIT_STALE_DAYS=0x10` ran with 16 days without a word, where the writer more
 * likely meant something else than a hex number. Such a value is refused, as `ninety` is; so every numeric flag is
 * made here instead of with `Options.integer` or `Options.float`.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Effect from "effect/Effect"
import { requireOptionValue } from "./FlagValues.js"

/** Decimal notation: a sign, digits with an optional fraction (`2.5`, `.5`, `90.0`), an optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** The whole number `text` writes in decimal notation (`90`, `90.0`, `1e2`; surrounding spaces aside), else undefined. */
export const parseWholeNumber = (text: string): number | undefined => {
  const value = parseDecimal(text)
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined
}

/** The number `text` writes in decimal notation (surrounding spaces aside), else undefined. */
export const parseDecimal = (text: string): number | undefined => {
  const trimmed = text.trim()
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN
  return Number.isFinite(value) ? value : undefined
}

export const WHOLE_NUMBER = "a whole number"
export const DECIMAL_NUMBER = "a number"

const numberOption = (
  name: string,
  pseudoName: string,
  takes: string,
  parse: (text: string) => number | undefined
): Options.Options<number> =>
  Options.text(name).pipe(
    // The usage line keeps saying what the flag takes, as Options.integer and Options.float did.
    Options.withPseudoName(pseudoName),
    Options.withDescription(`Takes ${takes} in decimal notation.`),
    Options.mapEffect(requireOptionValue(`--${name}`)),
    Options.mapEffect((text) => {
      const value = parse(text)
      return value === undefined
        ? Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be ${takes}; got "${text}"`)))
        : Effect.succeed(value)
    })
  )

/** A flag taking a whole number, e.g. `--stale-days 90`. */
export const wholeNumberOption = (name: string): Options.Options<number> =>
  numberOption(name, "integer", WHOLE_NUMBER, parseWholeNumber)

/** A flag taking a number, e.g. `--timeout-seconds 2.5`. */
export const decimalOption = (name: string): Options.Options<number> =>
  numberOption(name, "float", DECIMAL_NUMBER, parseDecimal)
