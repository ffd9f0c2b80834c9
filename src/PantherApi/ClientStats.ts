/** What the client counts while it works, and what a command says of it. */

/** What a run cost, for reports: HTTP requests sent (retries included), list pages fetched, and retries. */
export interface ClientStats {
  readonly requests: number
  readonly pagesFetched: number
  readonly retries: number
  /** User records the list left out because the same id had just come (on the page, or the page before). */
  readonly repeatsDropped: number
  /** The first few ids of those (`RepeatedIds.ts`). */
  readonly repeatsDroppedIds: ReadonlyArray<string>
  /**
   * Answers whose content held the API token, read with it replaced by `[redacted]`: a user's field set to it, say,
   * which the reports and the email would otherwise quote.
   */
  readonly answersQuotingSecrets: number
}

/**
 * What a command says when answers held the token (`answersQuotingSecrets`): where it may be, that nothing printed
 * quotes it, and what to do, since anyone who can read that user in Panther can read the token.
 */
export const secretsQuotedWarning = (stats: ClientStats): string | undefined => {
  const count = stats.answersQuotingSecrets
  if (count === 0) return undefined
  return (
    `${count === 1 ? "1 answer" : `${count} answers`} from Panther held the API token in ` +
    `${count === 1 ? "its" : "their"} content, most likely in a user's name, email or role: it is shown as ` +
    "[redacted] in what this command wrote. Find the field in Panther's console and clear it, and rotate the token."
  )
}
