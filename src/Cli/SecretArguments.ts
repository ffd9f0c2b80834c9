/**
 * @effect/cli quotes arguments back in its usage errors ("Received unknown argument: '...'"), and a command that
 * takes no `--api-token` (verify) reads the token after it as a stray argument, which it would then print. The
 * values of the secret flags are collected from the command line before parsing and cut out of everything the
 * commands and @effect/cli write to stderr through the Console.
 */
import { Console, Effect } from "effect"
import { redact } from "./Redact.js"

/** Flags whose value is a secret, or may hold one (`--smtp-url smtps://user:password@host`). */
const SECRET_FLAGS: ReadonlyArray<string> = ["--api-token", "--smtp-password", "--smtp-url", "--token", "--admin-token"]

/** The values given to secret flags, as `--flag value` or `--flag=value`; longest first. */
export const secretArguments = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const secrets = new Set<string>()
  argv.forEach((arg, index) => {
    for (const flag of SECRET_FLAGS) {
      const value = arg === flag ? argv[index + 1] : arg.startsWith(`${flag}=`) ? arg.slice(flag.length + 1) : undefined
      if (value !== undefined && value.trim() !== "") secrets.add(value)
    }
  })
  return [...secrets].sort((a, b) => b.length - a.length)
}

/** `text` with every one of `secrets` replaced by `[redacted]`. */
export const hideSecretArguments = (secrets: ReadonlyArray<string>, text: string): string => redact(text, secrets)

const scrub = (secrets: ReadonlyArray<string>) => (value: unknown) =>
  typeof value === "string" ? hideSecretArguments(secrets, value) : value

/** Runs `effect` with a Console whose `error` never prints one of `secrets`. */
export const withSecretArgumentsHidden =
  (secrets: ReadonlyArray<string>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    secrets.length === 0
      ? effect
      : Console.consoleWith((console) =>
          Effect.withConsole(effect, {
            ...console,
            error: (...args: ReadonlyArray<unknown>) => console.error(...args.map(scrub(secrets)))
          })
        )
