/**
 * How a secret is cut out of text, wherever that is done (API answers, SMTP replies, the command line): every form
 * it may take is replaced by `[redacted]`, the longest first, so a form that contains another is removed whole.
 */
export const redact = (text: string, forms: ReadonlyArray<string>): string =>
  forms
    .filter((form) => form !== "")
    .sort((a, b) => b.length - a.length)
    .reduce((redacted, form) => redacted.split(form).join("[redacted]"), text)
