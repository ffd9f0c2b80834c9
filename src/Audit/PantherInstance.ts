/**
 * Which Panther a run audited, as reports name it and as runs tell instances apart: the API host and its path
 * prefix. Behind a gateway (`https://gateway.example.com/panther`, `.../panther-eu`) the prefix is what tells one
 * Panther from another, so it is never dropped. Credentials, a query or a fragment never appear: the base URL has
 * none (Connection.ts refuses them), and a report read back is not trusted to be so careful.
 */

/** The path prefix without trailing slashes: `/panther`, or "" for none. */
const pathPrefix = (url: URL): string => url.pathname.replace(/\/+$/, "")

/**
 * The base URL, parsed, when it is an http(s) URL, the only kind with a host. A hand-edited report's
 * `audit:pw@api.acme.example` or `api.acme.example:443` parses too, as a URL of the scheme `audit:` or
 * `api.acme.example:` whose path is all the rest: its password shown, or every such report's Panther one ("443").
 */
const httpUrl = (apiBaseUrl: string): URL | undefined => {
  try {
    const url = new URL(apiBaseUrl)
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined
  } catch {
    return undefined
  }
}

/**
 * The host (and port, when not the default) alone, as the `apiHost` field of exports has always held it; the same
 * exports carry the whole base URL in `apiBaseUrl`.
 */
export const apiHost = (apiBaseUrl: string): string => httpUrl(apiBaseUrl)?.host ?? instanceLabel(apiBaseUrl)

/** `api.acme.example`, `gateway.example.com/panther`, `127.0.0.1:4010/a`: the host (and port) and path prefix. */
export const instanceLabel = (apiBaseUrl: string): string => {
  const url = httpUrl(apiBaseUrl)
  return url === undefined
    ? // Not a URL (a hand-edited report): shown up to where a query or fragment would start, without any `user@`.
      apiBaseUrl.replace(/[?#].*$/s, "").replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, "$1")
    : `${url.host}${pathPrefix(url)}`
}

/**
 * What identifies the Panther an API base URL names: its host name (in any case, and with or without the trailing dot
 * of a fully qualified name, as Kubernetes' `ndots` has some write it) and path prefix, not its port (a local
 * simulator's changes every start).
 */
const instanceKey = (apiBaseUrl: string): string => {
  const url = httpUrl(apiBaseUrl)
  return url === undefined ? apiBaseUrl : `${url.hostname.toLowerCase().replace(/\.$/, "")}${pathPrefix(url)}`
}

export const isSameInstance = (apiBaseUrl: string, other: string): boolean =>
  instanceKey(apiBaseUrl) === instanceKey(other)
