/**
 * A token given with what surrounds it where it was copied from: a curl line's `X-API-Key: ...`, an HTTP client's
 * `Authorization: Bearer ...`, an env file's `PANTHER_API_TOKEN=...` mounted as the token file. Sent so, it was refused
 * by Panther (401), and the user told to check whether a token that is right had expired or been revoked.
 */

/** Each wrapping, with what its start is, as the message names it. Only the start is quoted: never the token. */
const WRAPPINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:x-api-key|authorization)\s*:/i, "a header's name"],
  [/^bearer\s+/i, "an authorization scheme"],
  // A variable's line: named in capitals, as a token's or key's is, and `export` in front where a shell file has it.
  [/^(?:export\s+)?[A-Z][A-Z0-9_]*(?:TOKEN|KEY)[A-Z0-9_]*=/, "a variable's name"]
]

/** What `token` (as sent) starts with that is no part of a token, said as `"X-API-Key:", a header's name`. */
export const tokenWrapping = (token: string): string | undefined => {
  for (const [pattern, what] of WRAPPINGS) {
    const start = pattern.exec(token)?.[0]
    if (start !== undefined) return `"${start}", ${what}`
  }
  return undefined
}
