import { readFile } from "node:fs/promises"
import { Effect, Redacted } from "effect"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { missingSecretFile } from "../Cli/Redact.js"
import { describeFsError } from "../Reports/ReportError.js"

/**
 * Reads a secret from a file (a Docker or Kubernetes secret). One trailing line break is dropped, since editors
 * and `echo` add one; anything else is kept as written. The content never appears in a message.
 */
export const readSecretFile = (
  path: string,
  label: string
): Effect.Effect<Redacted.Redacted<string>, ConfigurationError> =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (error) =>
      new ConfigurationError({
        message:
          (typeof error === "object" && error !== null && Reflect.get(error, "code") === "ENOENT"
            ? missingSecretFile(label, path, "password")
            : undefined) ?? `${label} ${path} cannot be read: ${describeFsError(error)}`
      })
  }).pipe(
    Effect.flatMap((text) => {
      const secret = text.replace(/\r?\n$/u, "")
      return secret === ""
        ? Effect.fail(new ConfigurationError({ message: `${label} ${path} is empty` }))
        : Effect.succeed(Redacted.make(secret))
    })
  )

/** PEM certificates to trust: read as they are, checked for at least one certificate block. */
export const readCertificateFile = (path: string, label: string): Effect.Effect<string, ConfigurationError> =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (error) => new ConfigurationError({ message: `${label} ${path} cannot be read: ${describeFsError(error)}` })
  }).pipe(
    Effect.filterOrFail(
      (text) => text.includes("-----BEGIN CERTIFICATE-----"),
      () =>
        new ConfigurationError({ message: `${label} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)` })
    )
  )
