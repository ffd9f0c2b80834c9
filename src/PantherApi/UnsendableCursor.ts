/**
 * A cursor that cannot go back to Panther as it came. A URL carries text as UTF-8, and a lone UTF-16 surrogate
 * (`"next":"c1\ud800"`, which JSON allows) has no UTF-8 form: it would go as U+FFFD (`ApiExchange.ts`), so the next
 * page would be asked for with another cursor than Panther's, and whatever that brought (another page, an error
 * blaming the cursor) would be taken as Panther's answer. The list stops there instead, saying why. So it does at a
 * cursor that held the API token.
 */
import { REDACTED } from "../Cli/Redact.js"
import { InvalidResponse } from "./ClientErrors.js"

/** In a `u` regular expression, a surrogate matches only when it is not half of a pair. */
const LONE_SURROGATE = /\p{Cs}/u

/** Why the cursor cannot be sent; undefined for a cursor that can, as every cursor Panther makes can. */
export const unsendableCursor = (method: string, path: string, cursor: string): InvalidResponse | undefined => {
  // An answer holding the token is read with it replaced (PantherClient.ts), cursor included; no cursor of Panther's
  // holds the marker's brackets. Sent so, it would be another cursor; sent as it came, the token would travel in the
  // request's address, which servers and proxies write to their logs.
  if (cursor.includes(REDACTED)) {
    return new InvalidResponse({
      method,
      path,
      reason:
        "the cursor it gave for the next page held the API token: the token was taken out of it, and the cursor " +
        "without it is another one, so the next page was not asked for",
      advice:
        "The list stopped there, incomplete. Check that --api-url is the API (https://api.<instance-domain>) and " +
        "that no proxy in between echoes the request's headers into its answers; if both are so, report it to " +
        "Panther support, and rotate the token."
    })
  }
  const at = cursor.search(LONE_SURROGATE)
  if (at === -1) return undefined
  const code = cursor.charCodeAt(at).toString(16).toUpperCase()
  return new InvalidResponse({
    method,
    path,
    reason:
      `the cursor it gave for the next page holds a lone UTF-16 surrogate (\\u${code}, character ${at + 1}), which ` +
      "no URL can carry: sent, it would be another cursor, so the next page was not asked for",
    advice:
      "The list stopped there, incomplete. Check that --api-url is the API (https://api.<instance-domain>) and that " +
      "no proxy in between rewrites its answers; if both are so, report the cursor to Panther support."
  })
}
