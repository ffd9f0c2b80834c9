/**
 * Recipients a relay refused for now (a 4xx reply to RCPT TO, or a 552 for too many of them) while it took the
 * message for the others. A relay that takes only so many recipients in one message answers the rest `452 4.5.3`,
 * and RFC 5321 (4.5.3.1.10) has the sender send them the message in a transaction of their own; one greylisting them
 * takes them on a later attempt. So they are sent the same message (the same Message-ID) again at once, in as many
 * transactions as it takes, each retried on the mailer's schedule, as a message refused for every recipient is. They
 * never got the news before: the run failed for an email the relay would have taken.
 */
import * as Effect from "effect/Effect"
import type { SendMailOptions } from "nodemailer"
import type { RefusedRecipient, SendFailed, SentMessage } from "./Mailer.js"

/**
 * A refusal the server may take back later: one in the 4xx range, or one for too many recipients in one message.
 * RFC 821 gave that 552, which old relays still answer, and RFC 5321 (4.5.3.1.10) has clients read it as 452; its
 * enhanced status, when given, tells it from a 552 for a full mailbox (5.2.2).
 */
export const isTemporaryReply = (reply: string): boolean => {
  if (/^4\d\d\b/u.test(reply)) return true
  const enhanced = /^552[ -]([245]\.\d{1,3}\.\d{1,3})\b/u.exec(reply)
  return /^552\b/u.test(reply) && (enhanced === null || enhanced[1] === "5.5.3")
}

export const isTemporary = ({ reply }: RefusedRecipient): boolean => isTemporaryReply(reply)

export interface Delivery {
  readonly messageId: string
  readonly accepted: ReadonlyArray<string>
  readonly refusedForGood: ReadonlyArray<RefusedRecipient>
  /** Refused for now still, after they were sent the message again. */
  readonly refusedForNow: ReadonlyArray<RefusedRecipient>
  /** Why sending again to those refused for now failed, when it did. */
  readonly sendingAgainFailed?: SendFailed
  /** The attempts of every send, sending again included. */
  readonly attempts: number
}

/**
 * Sends `message` again to the recipients `first` was refused for now, from `sender`, until each has taken it or been
 * refused for good, or a send fails. Each send that does not fail reached one recipient at least (nodemailer fails
 * one that reached none), so this ends.
 */
export const sendAgainToRefusedForNow = <R>(
  trySend: (message: SendMailOptions) => Effect.Effect<SentMessage, SendFailed, R>,
  message: SendMailOptions,
  sender: string,
  first: SentMessage
): Effect.Effect<Delivery, never, R> =>
  Effect.gen(function* () {
    const accepted = [...first.accepted]
    const refusedForGood = first.rejected.filter((refused) => !isTemporary(refused))
    let refusedForNow = first.rejected.filter(isTemporary)
    let attempts = first.attempts
    let sendingAgainFailed: SendFailed | undefined
    while (refusedForNow.length > 0) {
      const to = refusedForNow.map(({ address }) => address)
      yield* Effect.logInfo("sending the audit email again to recipients the server refused for now").pipe(
        Effect.annotateLogs({ recipients: to })
      )
      const again = yield* Effect.either(trySend({ ...message, envelope: { from: sender, to } }))
      if (again._tag === "Left") {
        attempts += again.left.attempts
        sendingAgainFailed = again.left
        break
      }
      accepted.push(...again.right.accepted)
      refusedForGood.push(...again.right.rejected.filter((refused) => !isTemporary(refused)))
      refusedForNow = again.right.rejected.filter(isTemporary)
      attempts += again.right.attempts
    }
    return {
      messageId: first.messageId,
      accepted,
      refusedForGood,
      refusedForNow,
      attempts,
      ...(sendingAgainFailed === undefined ? {} : { sendingAgainFailed })
    }
  })
