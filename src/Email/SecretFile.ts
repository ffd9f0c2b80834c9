import { X509Certificate } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { readInputText } from "../Cli/InputFile.js"
import { missingSecretFile, type SecretKind } from "../Cli/MissingSecretFile.js"
import { MAX_SECRET_FILE_BYTES, UTF16_SECRET_FILE } from "../Cli/SecretFiles.js"
import { looksUtf16 } from "../PantherApi/Utf16Body.js"
import { describeFsError } from "../Reports/ReportError.js"

/** A CA bundle of every public root is about 200 KiB; past this it is something else. */
const MAX_CERTIFICATE_FILE_BYTES = 16 * 1024 * 1024

/**
 * A password without the one line break at its end that editors, `echo` and a Kubernetes secret made with it add;
 * the same for a password from a file and from SMTP_PASSWORD, so that neither source sends it to be refused.
 */
export const withoutTrailingLineBreak = (text: string): string => text.replace(/\r?\n$/u, "")

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
      if (looksUtf16(text)) {
        return Effect.fail(new ConfigurationError({ message: `${label} ${path} ${UTF16_SECRET_FILE}.` }))
      }
      const content = withoutTrailingLineBreak(text)
      // Spaces around a password are kept, but spaces alone are none, as a blank SMTP_PASSWORD is none.
      const problem = content === "" ? "is empty" : content.trim() === "" ? "holds only spaces or line breaks" : ""
      return problem !== ""
        ? Effect.fail(
            new ConfigurationError({ message: `${label} ${path} ${problem}: it should hold the ${secret.name}.` })
          )
        : Effect.succeed(Redacted.make(content))
    })
  )

const BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----"
const END_CERTIFICATE = "-----END CERTIFICATE-----"

/**
 * What is wrong with the certificates of a PEM file, if anything: a block cut short or whose base64 is broken. TLS
 * skips such a block without a word, so a CA file edited by hand or copied in part would only be found out at
 * send time, after the whole audit, as a certificate the relay's is not signed by.
 */
const certificateProblem = (text: string): string | undefined => {
  const blocks = text.split(BEGIN_CERTIFICATE).slice(1)
  for (const [index, block] of blocks.entries()) {
    const which = `certificate ${index + 1} of ${blocks.length}`
    const end = block.indexOf(END_CERTIFICATE)
    if (end === -1) return `${which} has no ${END_CERTIFICATE}: the file is cut short or was edited`
    try {
      new X509Certificate(`${BEGIN_CERTIFICATE}${block.slice(0, end)}${END_CERTIFICATE}\n`)
    } catch {
      return `${which} cannot be read (its base64 is broken): the file was edited or copied in part`
    }
  }
  return undefined
}

/** PEM certificates to trust: read as they are, checked to hold certificates, each of which can be read. */
export const readCertificateFile = (path: string, label: string): Effect.Effect<string, ConfigurationError> =>
  Effect.tryPromise({
    try: (signal) => readInputText(path, MAX_CERTIFICATE_FILE_BYTES, "a certificate file", signal),
    catch: (error) => new ConfigurationError({ message: `${label} ${path} cannot be read: ${describeFsError(error)}` })
  }).pipe(
    Effect.filterOrFail(
      (text) => text.includes(BEGIN_CERTIFICATE),
      () => new ConfigurationError({ message: `${label} ${path} holds no PEM certificate (${BEGIN_CERTIFICATE})` })
    ),
    Effect.flatMap((text) => {
      const problem = certificateProblem(text)
      return problem === undefined
        ? Effect.succeed(text)
        : Effect.fail(
            new ConfigurationError({
              message: `${label} ${path}: ${problem}; export the CA certificate again, in PEM form`
            })
          )
    })
  )
