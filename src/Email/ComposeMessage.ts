/**
 * The message as nodemailer takes it, for SMTP and for the .eml file alike, so both carry the same bytes.
 * Pure: the message id and date are given, not made here.
 */
import { domainToASCII } from "node:url"
import type { SendMailOptions } from "nodemailer"
import { type AuditEmailInput, auditEmailDocument } from "./AuditEmailContent.js"
import type { MessageSettings } from "./EmailSettings.js"
import type { MailAddress } from "./MailAddress.js"
import { renderHtml } from "./RenderHtml.js"
import { renderText } from "./RenderText.js"
import { emailSubject } from "./Subject.js"

export interface MessageStamp {
  /** With angle brackets: `<uuid@acme.example>`. */
  readonly messageId: string
  readonly date: Date
}

const mailbox = (address: MailAddress) => ({ name: address.name, address: address.address })

/**
 * `<id@domain-of-the-sender>`, the usual shape, so receiving servers do not score it as odd. An internationalised
 * domain in its ASCII form, as the From header has it: a header must stay 7-bit.
 */
export const makeMessageId = (id: string, from: MailAddress): string => {
  const domain = from.address.slice(from.address.lastIndexOf("@") + 1)
  return `<${id}@${domainToASCII(domain) || domain}>`
}

export const composeAuditMessage = (
  settings: MessageSettings,
  input: AuditEmailInput,
  stamp: MessageStamp
): SendMailOptions => {
  const document = auditEmailDocument(input)
  const { attachment } = input
  return {
    from: mailbox(settings.from),
    to: settings.to.map(mailbox),
    ...(settings.cc.length === 0 ? {} : { cc: settings.cc.map(mailbox) }),
    subject: emailSubject(settings.subjectPrefix, input.outcome.run),
    messageId: stamp.messageId,
    date: stamp.date,
    headers: {
      // RFC 3834: out-of-office and other auto-responders must not answer a machine-sent report.
      "Auto-Submitted": "auto-generated",
      "X-Panther-Audit-Run": input.outcome.run.runId
    },
    text: renderText(document),
    html: renderHtml(document),
    attachments:
      attachment._tag === "LeftOut"
        ? []
        : [
            {
              filename: attachment.filename,
              content: attachment.content,
              contentType: attachment._tag === "Plain" ? "text/csv; charset=utf-8" : "application/gzip"
            }
          ],
    // Everything is in memory already; nodemailer must never read a path or URL on the message's behalf.
    disableFileAccess: true,
    disableUrlAccess: true
  }
}
