import * as Data from "effect/Data"

/** What became of the audit email. Every case is a success: a failure is a `DeliveryError`. */
export type DeliveryResult = Data.TaggedEnum<{
  /** Taken by the SMTP server for every recipient (one refused is a `DeliveryError`). */
  Sent: {
    readonly messageId: string
    readonly accepted: ReadonlyArray<string>
    readonly attempts: number
    /** Why the policy sent it, such as `3 findings of severity low or above`. */
    readonly reason: string
  }
  /** No SMTP_URL: written beside the reports. */
  WrittenToFile: { readonly path: string; readonly reason: string }
  /** Not sent, by policy or because email is off. */
  Skipped: { readonly reason: string }
}>

export const DeliveryResult = Data.taggedEnum<DeliveryResult>()

/** One line for a person, printed by the run command. */
export const describeDelivery = (result: DeliveryResult): string =>
  DeliveryResult.$match(result, {
    Sent: ({ messageId, accepted }) => `Email sent to ${accepted.join(", ")} (message id ${messageId}).`,
    WrittenToFile: ({ path }) => `Email written to ${path} (no SMTP_URL is set; open it in a mail client).`,
    Skipped: ({ reason }) => `Email not sent: ${reason}.`
  })
