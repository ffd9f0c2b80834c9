/**
 * What an API key must be to travel in the `X-API-Key` header, for the client's token and the simulator's keys
 * alike, so that a key one of them takes is one the other can be sent.
 */

/**
 * Panther's API tokens are some tens of characters. One longer than this is something else (a certificate, a file
 * of several secrets) and would only be refused by Panther, in a header too large to send.
 */
const MAX_KEY_CHARS = 4096

/** What Node refuses to put in a header: without this check such a token failed as if the network had. */
const UNSENDABLE_IN_HEADER = /[^\t\x20-\x7e\x80-\xff]/

/**
 * Why `key` (as sent) cannot be one, as the start of a sentence about `what` ("The API token"), or undefined when it
 * can; `kind` is what it should be ("API token"). Each caller adds what to do. Never quotes the key.
 */
export const keyProblem = (
  key: string,
  what: string,
  kind: string
): { readonly reason: "too-long" | "unsendable"; readonly text: string } | undefined => {
  if (key.length > MAX_KEY_CHARS) {
    return {
      reason: "too-long",
      text: `${what} is ${key.length} characters long, more than an ${kind} is (at most ${MAX_KEY_CHARS})`
    }
  }
  if (UNSENDABLE_IN_HEADER.test(key)) {
    return {
      reason: "unsendable",
      text: `${what} holds a character an HTTP header cannot carry (a line break, a control character, or one beyond Latin-1)`
    }
  }
  return undefined
}

/**
 * A key as it is sent: HTTP drops the space around a header's value, so space around a key (a trailing newline or
 * CR from a file or an env file above all) is not part of it.
 */
export const keyAsSent = (key: string): string => key.trim()
