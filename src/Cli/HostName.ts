/** One rule, for the API's URL and the mail relay's, for what host a URL may name. */
import { isIPv4 } from "node:net"
import { domainToASCII } from "node:url"

/**
 * One label of a host name: letters, digits, hyphens and underscores, neither first nor last a hyphen. An underscore
 * is no part of a host name by RFC 1123, but DNS carries it, and Docker's resolver answers for a compose service
 * named `mail_relay`: refused, a setup that works would stop at start.
 */
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/

/**
 * The host a URL names (its `hostname`), as it is connected to: an IP address, or a host name in the ASCII form DNS
 * knows it by (`bücher.example` as `xn--bcher-kva.example`). Undefined when it is neither, as `1.2.3.4.5`, `ho st`
 * or `a..example`, which would fail only when first connected to: after the whole audit for the mail relay, at the
 * first tick for a schedule's API. The URL parser checks little: an smtp:// URL's host not at all (it is not a web
 * scheme), an https:// one's only for characters no name may hold. A name whose last label is a number reads as a
 * mistyped IPv4 address, and is refused.
 */
export const connectableHost = (hostname: string): string | undefined => {
  // The parser has checked an IPv6 address in brackets already.
  if (hostname.startsWith("[")) return hostname.slice(1, -1)
  let typed: string
  try {
    typed = decodeURIComponent(hostname)
  } catch {
    return undefined
  }
  if (isIPv4(typed)) return typed
  const ascii = domainToASCII(typed)
  const labels = ascii.replace(/\.$/, "").split(".")
  const fits = ascii.length <= 253 && labels.every((label) => HOST_LABEL.test(label))
  return fits && !/^\d+$/.test(labels.at(-1) ?? "") ? ascii : undefined
}

/** What a host name is, for the message that refuses one. */
export const HOST_NAME_RULE =
  "a host name is letters, digits, hyphens and underscores between dots (no spaces, no hyphen at either end of a part, no " +
  "empty part), an IPv4 address four numbers of 0 to 255, an IPv6 address goes in brackets ([2001:db8::25])"
