/**
 * Half of a UTF-16 surrogate pair with no other half, as a JSON escape can carry (`"\ud800"`). It is no character:
 * the live API keeps its users in Cognito, whose text travels as UTF-8, which cannot hold one, so it never answers
 * with one. Served, it came back in every list, as an escape that strict JSON readers refuse.
 */
const LONE_SURROGATE = /\p{Cs}/u

/** The lone surrogate in `text`, as the `\uXXXX` escape that carried it, or undefined when the text has none. */
const loneSurrogateIn = (text: string): string | undefined => {
  const at = text.search(LONE_SURROGATE)
  return at === -1 ? undefined : `\\u${text.charCodeAt(at).toString(16)}`
}

/** What is wrong with `field` when its text holds a lone surrogate, naming it; undefined when it holds none. */
export const loneSurrogateProblem = (field: string, text: string): string | undefined => {
  const half = loneSurrogateIn(text)
  return half === undefined ? undefined : `${field} holds half of a UTF-16 surrogate pair (${half}) with no other half`
}
