/**
 * A token given with what surrounds it where it was copied from: a curl line's `X-API-Key: ...`, an HTTP client's
 * `Authorization: Bearer ...`, an env file's `PANTHER_API_TOKEN=...` mounted as the token file, or quotes from JSON,
 * YAML or a Docker env file (which keeps them). Sent so, it was refused by Panther (401), and the user told to check
 * whether a token that is right had expired or been revoked, or to make a new one.
 */

/** Each wrapping, with what its start is, as the message names it. Only the start is quoted: never the token. */
const WRAPPINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:x-api-key|authorization)\s*:/i, "a header's name"],
  [/^bearer\s+/i, "an authorization scheme"],
  // A variable's line, `export` in front where a shell file has it: a name in capitals with an underscore, or one
  // naming a token or key. A token's own `=` (base64's padding) comes at its end, after no such name.
  [/^(?:export\s+)?(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z0-9]*(?:TOKEN|KEY)[A-Z0-9]*)\s*=/, "a variable's name"]
]

/** What `token` (as sent) starts with that is no part of a token, said as `"X-API-Key:", a header's name`. */
const tokenWrapping = (token: string): string | undefined => {
  for (const [pattern, what] of WRAPPINGS) {
    const start = pattern.exec(token)?.[0]
    if (start !== undefined) return `"${start}", ${what}`
  }
  return undefined
}

/** What is wrong with a token so wrapped, for an error that never quotes the token; undefined when it is not. */
export const wrappedTokenProblem = (token: string): string | undefined => {
  const wrapping = tokenWrapping(token)
  if (wrapping !== undefined) {
    return (
      `The API token starts with ${wrapping}, not part of the token: check that the variable or file holds the ` +
      "token alone."
    )
  }
  return token.length > 2 && /^(["']).*\1$/s.test(token)
    ? "The API token is in quotes, which would be sent as part of it: remove them."
    : undefined
}
