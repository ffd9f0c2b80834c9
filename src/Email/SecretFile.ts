import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { readInputText } from "../Cli/InputFile.js"
import { missingSecretFile, type SecretKind } from "../Cli/MissingSecretFile.js"
import { describeFsError } from "../Reports/ReportError.js"

/** More than any password; a file past it is something else (see InputFile.ts). */
const MAX_SECRET_FILE_BYTES = 64 * 1024

/** A CA bundle of every public root is about 200 KiB; past this it is something else. */
const MAX_CERTIFICATE_FILE_BYTES = 16 * 1024 * 1024

/**
 * Reads a secret from a file (a Docker or Kubernetes secret, or a pipe). One trailing line break is dropped, since
 * editors and `echo` add one, and so is a leading byte order mark, which Windows editors write and no password starts
 * with (the API token file drops both too); anything else is kept as written. The content never appears in a message.
 */
export const readSecretFile = (
  path: string,
  label: string,
  secret: SecretKind,
  /** A later run of a schedule, whose start-up read the file (see `missingSecretFile`). */
  readAtStartUp = false
): Effect.Effect<Redacted.Redacted<string>, ConfigurationError> =>
  Effect.tryPromise({
    try: (signal) => readInputText(path, MAX_SECRET_FILE_BYTES, "a password file", signal),
    catch: (error) => error
  }).pipe(
    Effect.catchAll((error) =>
      Effect.flatMap(missingSecretFile(label, path, secret, readAtStartUp), (missing) =>
        Effect.fail(
          new ConfigurationError({
            message: `${missing ?? `${label} ${path} cannot be read: ${describeFsError(error)}`}.`
          })
        )
      )
    ),
    Effect.flatMap((text) => {
      const content = text.replace(/\r?\n$/u, "")
      // Spaces around a password are kept, but spaces alone are none, as a blank SMTP_PASSWORD is none.
      const problem = content === "" ? "is empty" : content.trim() === "" ? "holds only spaces or line breaks" : ""
      return problem !== ""
        ? Effect.fail(
            new ConfigurationError({ message: `${label} ${path} ${problem}: it should hold the ${secret.name}.` })
          )
        : Effect.succeed(Redacted.make(content))
    })
  )

/** PEM certificates to trust: read as they are, checked for at least one certificate block. */
export const readCertificateFile = (path: string, label: string): Effect.Effect<string, ConfigurationError> =>
  Effect.tryPromise({
    try: (signal) => readInputText(path, MAX_CERTIFICATE_FILE_BYTES, "a certificate file", signal),
    catch: (error) => new ConfigurationError({ message: `${label} ${path} cannot be read: ${describeFsError(error)}` })
  }).pipe(
    Effect.filterOrFail(
      (text) => text.includes("-----BEGIN CERTIFICATE-----"),
      () =>
        new ConfigurationError({ message: `${label} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)` })
    )
  )
