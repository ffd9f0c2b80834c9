/**
 * The email reporter's one entry point, called after the reports are written. It decides by policy, reads the
 * findings CSV for the attachment, composes the message and sends it (or writes it as an .eml file). It only
 * reads the reports: whatever happens here, they stay as written.
 */
import { randomUUID } from "node:crypto"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { AuditOutcome } from "../Audit/RunAudit.js"
import { composeAuditMessage, makeMessageId } from "./ComposeMessage.js"
import { scanFindingsCsv } from "./CsvAttachment.js"
import { DeliveryError } from "./DeliveryError.js"
import { DeliveryResult } from "./DeliveryResult.js"
import { decideEmail } from "./EmailPolicy.js"
import type { EmailSettings } from "./EmailSettings.js"
import { Mailer, type RefusedRecipient } from "./Mailer.js"
import { sendAgainToRefusedForNow } from "./RefusedForNow.js"
import { writeEml } from "./WriteEml.js"

const listRefused = (refused: ReadonlyArray<RefusedRecipient>): string =>
  refused.map(({ address, reply }) => (reply === "" ? address : `${address} (server replied: ${reply})`)).join(", ")

export const deliverAuditEmail = (
  settings: EmailSettings,
  outcome: AuditOutcome
): Effect.Effect<DeliveryResult, DeliveryError> =>
  Effect.gen(function* () {
    if (settings._tag === "EmailOff") return DeliveryResult.Skipped({ reason: settings.reason })
    const decision = decideEmail(settings.policy, outcome.run, outcome.previousEmailUndelivered)
    if (decision._tag === "Skip") return DeliveryResult.Skipped({ reason: decision.reason })
    if (settings._tag === "EmailUnavailable") {
      return yield* new DeliveryError({
        message:
          `the audit email was not sent: ${settings.problem.replace(/\.+$/u, "")}. The next run names this report ` +
          "in its warnings."
      })
    }

    const scanned = yield* scanFindingsCsv(outcome.reports.csv, settings.message.attachment)
    const now = yield* Clock.currentTimeMillis
    const message = composeAuditMessage(
      settings.message,
      { outcome, ...scanned },
      { messageId: makeMessageId(randomUUID(), settings.message.from), date: new Date(now) }
    )

    if (settings.transport._tag === "EmlFile") {
      const path = yield* writeEml(message, outcome.reports.csv)
      yield* Effect.logInfo("audit email written to a file").pipe(Effect.annotateLogs({ path }))
      return DeliveryResult.WrittenToFile({ path, reason: decision.reason })
    }
    const sent = yield* Effect.gen(function* () {
      const mailer = yield* Mailer
      const first = yield* mailer.send(message)
      return yield* sendAgainToRefusedForNow(mailer.trySend, message, settings.message.from.address, first)
    }).pipe(Effect.provide(Mailer.Default(settings.transport.server)))
    // A recipient the server refused never gets the news (the security mailbox, say): the run fails as for an
    // undelivered email, so its mark stays and the next run names this report in its warnings. The server's reply is
    // quoted with each: a right address is refused too, by a relay that does not deliver there.
    const { refusedForGood: forGood, refusedForNow: forNow } = sent
    if (forGood.length > 0 || forNow.length > 0) {
      const refusals: Array<string> = []
      if (forGood.length > 0) {
        const one = forGood.length === 1
        refusals.push(
          `${listRefused(forGood)}: check ${one ? "that address" : "those addresses"} in MAIL_TO / MAIL_CC, and that ` +
            `the relay delivers to ${one ? "it" : "them"}`
        )
      }
      // A 4xx refusal (a relay greylisting a sender it has not seen, or taking only so many recipients at a time) says
      // nothing wrong of the address: told to check it, an admin would look for a typo that is not there. Left
      // refused for now only when sending to them again failed, which says why.
      if (forNow.length > 0) {
        const again = sent.sendingAgainFailed
        const [them, their] = forNow.length === 1 ? ["it", "its"] : ["them", "their"]
        refusals.push(
          `${forGood.length > 0 ? "and " : ""}for now ${listRefused(forNow)}: a temporary refusal (a relay ` +
            "greylisting a sender it has not seen, or taking only so many recipients at a time), not a wrong address" +
            (again === undefined
              ? ""
              : `; sent to ${them} again on ${their} own, the message was ` +
                `${again.unconfirmed ? "not confirmed" : "not sent"}: ${again.reason}` +
                `${again.attempts > 1 ? ` (${again.attempts} attempts)` : ""}`)
        )
      }
      return yield* new DeliveryError({
        message:
          `the audit email reached ${sent.accepted.join(", ")} (message id ${sent.messageId}), but the server refused ` +
          `${refusals.join("; ")}. The next run names this report in its warnings.`
      })
    }
    yield* Effect.logInfo("audit email sent").pipe(
      Effect.annotateLogs({ messageId: sent.messageId, accepted: sent.accepted, attempts: sent.attempts })
    )
    return DeliveryResult.Sent({
      messageId: sent.messageId,
      accepted: sent.accepted,
      attempts: sent.attempts,
      reason: decision.reason
    })
  }).pipe(Effect.withSpan("deliverAuditEmail"))
