import { readFile } from "node:fs/promises"
import { Effect, Redacted } from "effect"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { missingSecretFile, type SecretKind } from "../Cli/MissingSecretFile.js"
import { describeFsError } from "../Reports/ReportError.js"

/**
 * Reads a secret from a file (a Docker or Kubernetes secret). One trailing line break is dropped, since editors
 * and `echo` add one, and so is a leading byte order mark, which Windows editors write and no password starts with
 * (the API token file drops both too); anything else is kept as written. The content never appears in a message.
 */
export const readSecretFile = (
  path: string,
  label: string,
  secret: SecretKind
): Effect.Effect<Redacted.Redacted<string>, ConfigurationError> =>
  Effect.tryPromise({ try: () => readFile(path, "utf8"), catch: (error) => error }).pipe(
    Effect.catchAll((error) =>
      Effect.flatMap(missingSecretFile(label, path, secret), (missing) =>
        Effect.fail(
          new ConfigurationError({
            message: `${missing ?? `${label} ${path} cannot be read: ${describeFsError(error)}`}.`
          })
        )
      )
    ),
    Effect.flatMap((text) => {
      const content = text.replace(/^\uFEFF/u, "").replace(/\r?\n$/u, "")
      return content === ""
        ? Effect.fail(
            new ConfigurationError({ message: `${label} ${path} is empty: it should hold the ${secret.name}.` })
          )
        : Effect.succeed(Redacted.make(content))
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
