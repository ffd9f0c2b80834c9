/**
 * Without an SMTP server the message is written beside the reports as `<stem>.eml` (the CSV's stem), which any
 * mail client opens: a first run shows the email without a mail server. Written like the reports: to a
 * temporary file first, then linked under its final name, so a half-written .eml never exists.
 */
import { basename, dirname } from "node:path"
import * as Effect from "effect/Effect"
import type { SendMailOptions } from "nodemailer"
import { commitFiles } from "../Reports/CommitFiles.js"
import { openTempFile } from "../Reports/TempFile.js"
import { DeliveryError } from "./DeliveryError.js"

/**
 * The RFC 5322 message, as it would go over SMTP: every line ending CRLF, as SMTP's data stream makes them (the
 * composer alone leaves the text parts' own LF line breaks bare).
 */
export const buildMessage = (message: SendMailOptions): Effect.Effect<Buffer, DeliveryError> =>
  Effect.tryPromise({
    // Loaded on use, like the SMTP transport (Mailer.ts): a run without email never needs it.
    try: async () => {
      const { default: MailComposer } = await import("nodemailer/lib/mail-composer")
      return new MailComposer({ ...message, newline: "windows" }).compile().build()
    },
    catch: (error) =>
      new DeliveryError({
        message: `the audit email could not be composed: ${error instanceof Error ? error.message : String(error)}`
      })
  })

/** Returns the path written; the name follows the CSV's (`user-audit-<stamp>.eml` for `user-audit-<stamp>.csv`). */
export const writeEml = (message: SendMailOptions, csvPath: string): Effect.Effect<string, DeliveryError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const bytes = yield* buildMessage(message)
      const directory = dirname(csvPath)
      const temp = yield* openTempFile(directory, "user-audit.eml")
      // nodemailer writes 7-bit MIME (base64 and quoted-printable), so the text round-trips byte for byte.
      yield* temp.append(bytes.toString("utf8"))
      yield* temp.finish
      const [path = ""] = yield* commitFiles(directory, basename(csvPath, ".csv"), [
        { tempPath: temp.path, extension: ".eml" }
      ])
      return path
    })
  ).pipe(
    Effect.catchTag("ReportError", (error) =>
      Effect.fail(new DeliveryError({ message: `the audit email could not be written: ${error.message}` }))
    )
  )
