/**
 * A message refused for the addresses it uses, which relays that send only for addresses they know say in their own
 * words. The fix is then MAIL_FROM or the relay's own list of addresses, not the message: a refusal these words do
 * not match is named as it was, with the server's reply after it.
 */

/**
 * Amazon SES: "554 Message rejected: Email address is not verified. The following identities failed the check in
 * region ...". The identities it lists may be the sender, or, while the account is in SES's sandbox, a recipient
 * (the sandbox sends only to verified addresses), and an identity verified in another region fails too.
 */
const SES_NOT_VERIFIED = /address is not verified|identities failed the check/i

/**
 * SendGrid: "550 The from address does not match a verified Sender Identity". Exchange Online: "550 5.7.60 SMTP;
 * Client does not have permissions to send as this sender" (SendAsDenied).
 */
const SENDER_NOT_ALLOWED = /verified sender identity|SendAsDenied|permissions? to send as this sender/i

/** What to say of a message the server refused for the addresses it uses, or undefined if its reply does not say. */
const refusedForAnAddress = (server: string, reply: string): string | undefined => {
  if (SES_NOT_VERIFIED.test(reply)) {
    return (
      `${server} refused the message for an address it has not verified, named in its reply: verify it in the ` +
      "region the reply names (the MAIL_FROM address, or, while the account is in SES's sandbox, a recipient), or " +
      "set MAIL_FROM (--mail-from) to a verified one"
    )
  }
  if (SENDER_NOT_ALLOWED.test(reply)) {
    return (
      `${server} refused the message: it does not let this login send as the MAIL_FROM address. Set MAIL_FROM ` +
      "(--mail-from) to an address the relay has verified or lets SMTP_USER send as"
    )
  }
  return undefined
}

/** What to say of a message the server refused, by its reply. */
export const messageRefused = (server: string, response: string | undefined): string =>
  refusedForAnAddress(server, response ?? "") ?? `${server} refused the message`

/**
 * What to say of a sender the server refused at MAIL FROM, before any recipient or the message: the fix is MAIL_FROM
 * or what the relay lets this login send as, and "refused the message" sent its reader to the message's content.
 * A refusal for now (4xx: greylisting, a rate limit) is no wrong address, and is retried.
 */
export const senderRefused = (
  server: string,
  user: string | undefined,
  response: string | undefined,
  temporary: boolean
): string =>
  temporary
    ? `${server} refused the sender, the MAIL_FROM address, for now: a temporary refusal, not a wrong address`
    : (refusedForAnAddress(server, response ?? "") ??
      `${server} refused the sender, the MAIL_FROM address: set MAIL_FROM (--mail-from) to an address the relay ` +
        (user === undefined ? "accepts from this machine" : `lets "${user}" send as`))
