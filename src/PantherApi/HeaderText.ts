/**
 * What an API key must be to travel in the `X-API-Key` header, for the client's token and the simulator's keys
 * alike, so that a key one of them takes is one the other can be sent.
 */

/**
 * Panther's API tokens are some tens of characters. One longer than this is something else (a certificate, a file
 * of several secrets) and would only be refused by Panther, in a header too large to send.
 */
export const MAX_KEY_CHARS = 4096

/** What Node refuses to put in a header: without this check such a token failed as if the network had. */
export const UNSENDABLE_IN_HEADER = /[^\t\x20-\x7e\x80-\xff]/

/**
 * A key as it is sent: HTTP drops the space around a header's value, so space around a key (a trailing newline or
 * CR from a file or an env file above all) is not part of it.
 */
export const keyAsSent = (key: string): string => key.trim()
