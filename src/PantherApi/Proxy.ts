/**
 * Which HTTP proxy, if any, carries the requests to Panther, from the variables curl and most tools read: an
 * https:// API through `https_proxy` / `HTTPS_PROXY`, an http:// one through `http_proxy` / `HTTP_PROXY` (the lower
 * case name wins when both are set, as in curl), unless `no_proxy` / `NO_PROXY` names the host. Loopback is never
 * proxied, as in Go's net/http: the simulator and the tests run there, and a CI machine with HTTPS_PROXY set must
 * not send them through it. `all_proxy` / `ALL_PROXY`, which curl also reads, is not used, only said so
 * (`proxyNotices`). The variables are read at the edge (`src/Cli/ConnectionOptions.ts`); this module only decides.
 */
import { BlockList, isIP } from "node:net"
import { domainToASCII } from "node:url"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { connectableHost, HOST_NAME_RULE } from "../Cli/HostName.js"
import {
  PERCENT_ENCODINGS,
  parseUrl,
  portPastRangeNotShown,
  quotable,
  quotableIfAddress,
  URL_SCHEME,
  unencodedInCredentials
} from "../Cli/QuotableUrl.js"
import { isLoopbackHost } from "./Connection.js"

/** The variables read, the lower case name of each pair first, since it wins. */
export const PROXY_VARIABLES = [
  "https_proxy",
  "HTTPS_PROXY",
  "http_proxy",
  "HTTP_PROXY",
  "no_proxy",
  "NO_PROXY",
  "all_proxy",
  "ALL_PROXY"
] as const
export type ProxyVariable = (typeof PROXY_VARIABLES)[number]

/** The variables as set; blank ones as unset. */
export type ProxyEnvironment = Partial<Record<ProxyVariable, string>>

export interface ProxyRoute {
  /** The variable the proxy came from, as it is spelled in the environment. */
  readonly variable: ProxyVariable
  /** As `net.connect` takes it: an IPv6 literal without its brackets. */
  readonly hostname: string
  readonly port: number
  /** `host:port` (an IPv6 literal bracketed): what messages name the proxy by, never with its credentials. */
  readonly address: string
  /** When the URL holds a user name or password: what is sent, and the password, to keep out of what is quoted. */
  readonly login: ProxyLogin | undefined
}

export interface ProxyLogin {
  /** The Proxy-Authorization header's value, `Basic ...`. */
  readonly authorization: Redacted.Redacted<string>
  readonly password: Redacted.Redacted<string>
}

const invalid = (message: string) => Either.left(new ConfigurationError({ message }))

const needsEncoding = (variable: ProxyVariable, text: string, what: string): string =>
  `${variable} ${quotableIfAddress(text)} is not a proxy URL it can use: it has ${what}, which a proxy URL does ` +
  "not have. Most likely the user name or password holds a ?, #, @, : or /, which must be percent-encoded there: " +
  `${PERCENT_ENCODINGS} (e.g. http://user:pa%3Fss@proxy.example.com:3128).`

/**
 * The proxy URL as curl takes it: without a scheme it is http://, without a port 80 (the URL's own default). Only an
 * http:// proxy: an https:// API is tunnelled through it with CONNECT, so what Panther gets stays encrypted end to
 * end; a proxy spoken to over TLS, or SOCKS, is refused rather than bypassed in silence.
 */
const parseProxyUrl = (variable: ProxyVariable, raw: string): Either.Either<ProxyRoute, ConfigurationError> => {
  const text = raw.trim()
  // A proxy URL has no use for a query or fragment, nor for an `@` past the host: such a URL is almost surely a
  // password with one of these characters left unencoded, which the URL parser would split into a wrong host (and
  // a connection to it). Checked on the text, since the parser is what gets it wrong.
  const beforeParsing = unencodedInCredentials(text)
  if (beforeParsing !== undefined) return invalid(needsEncoding(variable, text, beforeParsing))
  const withScheme = URL_SCHEME.test(text) ? text : `http://${text}`
  const parsed = parseUrl(withScheme)
  if (parsed === undefined) {
    // Quoted only when it reads as an address: `user:password` with the host left out fails here too.
    return invalid(
      `${variable} ${quotableIfAddress(text)} is not a proxy URL: ${portPastRangeNotShown(withScheme)}give it as ` +
        "http://host:port, e.g. " +
        "http://proxy.example.com:3128 (a user name and password, if the proxy wants them, as " +
        `http://user:password@host:port, with a ?, #, @, : or / in them percent-encoded: ${PERCENT_ENCODINGS}).`
    )
  }
  const { url, portPastRange } = parsed
  const afterParsing = unencodedInCredentials(text, url)
  if (afterParsing !== undefined) return invalid(needsEncoding(variable, text, afterParsing))
  if (url.protocol !== "http:") {
    return invalid(
      `${variable} names the proxy ${url.protocol}//${url.host}, which this tool cannot use: it needs an HTTP ` +
        "proxy, given as http://host:port (e.g. http://proxy.example.com:3128). Requests to an https:// API are " +
        "tunnelled through it with CONNECT, so they stay encrypted to Panther; if Panther can be reached without a " +
        `proxy, unset ${variable} or list the API host in NO_PROXY.`
    )
  }
  if (url.hostname === "") return invalid(`${variable} names no proxy host: give it as http://host:port.`)
  // As for the API's URL: the request would fail only when sent, for a schedule at its first tick.
  if (connectableHost(url.hostname) === undefined) {
    return invalid(
      `${variable} names the proxy host "${url.hostname}", which is not a host name or IP address: ${HOST_NAME_RULE}.`
    )
  }
  if (portPastRange !== undefined) {
    return invalid(
      `${variable} ${quotable(text)} names port ${portPastRange}, which no proxy listens on: ports go from 1 to ` +
        "65535. Give the proxy's port, as http://host:port (e.g. http://proxy.example.com:3128), or leave it out for 80."
    )
  }
  if (url.port === "0") {
    return invalid(
      `${variable} ${quotable(text)} names port 0, which no proxy listens on: give the proxy's port, as ` +
        "http://host:port (e.g. http://proxy.example.com:3128), or leave it out for 80."
    )
  }
  let user: string
  let password: string
  try {
    user = decodeURIComponent(url.username)
    password = decodeURIComponent(url.password)
  } catch {
    return invalid(
      `${variable}: the user name or password in the proxy URL of ${url.host} has a broken percent escape (a % not ` +
        "followed by two hex digits): write a % in them as %25."
    )
  }
  const port = url.port === "" ? 80 : Number(url.port)
  return Either.right({
    variable,
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    address: `${url.hostname}:${port}`,
    login:
      url.username === "" && url.password === ""
        ? undefined
        : {
            authorization: Redacted.make(`Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`),
            password: Redacted.make(password)
          }
  })
}

/** A host name compared as written: lower case, without brackets or a trailing dot. */
const bareHost = (host: string): string =>
  host
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.+$/, "")
    .toLowerCase()

/** An entry's host and port: `host`, `host:port`, `[v6]`, `[v6]:port`, a bare IPv6 literal, or a CIDR block. */
const entryParts = (entry: string): { readonly host: string; readonly port: number | undefined } => {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
  if (bracketed !== null) {
    return { host: bracketed[1] ?? "", port: bracketed[2] === undefined ? undefined : Number(bracketed[2]) }
  }
  // Two colons or more: an IPv6 literal (or block), which has no port unless bracketed.
  if ((entry.match(/:/g) ?? []).length > 1) return { host: entry, port: undefined }
  const withPort = /^(.*):(\d+)$/.exec(entry)
  return withPort === null ? { host: entry, port: undefined } : { host: withPort[1] ?? "", port: Number(withPort[2]) }
}

const ipFamily = (address: string): "ipv4" | "ipv6" | undefined => {
  const version = isIP(address)
  return version === 4 ? "ipv4" : version === 6 ? "ipv6" : undefined
}

/** An IP literal against an address or a CIDR block; BlockList compares them as addresses, not as text. */
const ipMatches = (host: string, family: "ipv4" | "ipv6", pattern: string): boolean => {
  const [address = "", bits] = pattern.split("/")
  const patternFamily = ipFamily(address)
  if (patternFamily !== family) return false
  const list = new BlockList()
  if (bits === undefined) list.addAddress(address, family)
  else {
    const prefix = Number(bits)
    if (!/^\d+$/.test(bits) || prefix > (family === "ipv4" ? 32 : 128)) return false
    list.addSubnet(address, prefix, family)
  }
  return list.check(host, family)
}

/** NO_PROXY's entries as written, space around them left out. */
const noProxyEntries = (noProxy: string): ReadonlyArray<string> =>
  noProxy
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")

/** Whether an entry's host (`bareHost`) is an IP literal or a CIDR block, matched as addresses. */
const isAddressPattern = (pattern: string): boolean =>
  ipFamily(pattern.split("/")[0] ?? "") !== undefined || pattern.includes("/")

/** The domain an entry names for a host name, without the `*.` or `.` in front. */
const domainOf = (pattern: string): string => pattern.replace(/^\*?\.+/, "")

const NON_ASCII = /\P{ASCII}/u

/**
 * The domain in ASCII, as the URL parser writes a host name (`bücher.example` as `xn--bcher-kva.example`), so that
 * an entry written in Unicode matches the API host it names; undefined when it cannot be written so.
 */
const asciiDomain = (domain: string): string | undefined => {
  if (!NON_ASCII.test(domain)) return domain
  const ascii = domainToASCII(domain)
  return ascii === "" ? undefined : ascii
}

/**
 * Whether NO_PROXY names the API host: `*` names every host; `example.com`, `.example.com` and `*.example.com`
 * that domain and every host under it (a name in Unicode as its ASCII form, which the API host has); an IP literal
 * or CIDR block (`10.0.0.0/8`) an address in it, when the API URL is an address (no name is looked up);
 * `host:port` that host on that port only. Entries are separated by commas, case and spaces around them ignored,
 * as curl and Go read them. One that cannot be read names nothing (`unreadableNoProxyEntries` says which).
 */
export const noProxyMatches = (noProxy: string, apiHost: string, apiPort: number): boolean => {
  const host = bareHost(apiHost)
  const family = ipFamily(host)
  return noProxyEntries(noProxy)
    .map((entry) => entry.toLowerCase())
    .some((entry) => {
      if (entry === "*") return true
      const parts = entryParts(entry)
      if (parts.port !== undefined && parts.port !== apiPort) return false
      const pattern = bareHost(parts.host)
      if (family !== undefined && isAddressPattern(pattern)) return ipMatches(host, family, pattern)
      const domain = asciiDomain(domainOf(pattern))
      return domain !== undefined && domain !== "" && (host === domain || host.endsWith(`.${domain}`))
    })
}

/**
 * The NO_PROXY entries, as written, that name a host in Unicode that cannot be written in ASCII (`bü cher.example`,
 * `xn--ü.example`): no host name can match them, so they are ignored, and said to be.
 */
export const unreadableNoProxyEntries = (noProxy: string): ReadonlyArray<string> =>
  noProxyEntries(noProxy).filter((entry) => {
    const pattern = bareHost(entryParts(entry.toLowerCase()).host)
    return !isAddressPattern(pattern) && asciiDomain(domainOf(pattern)) === undefined
  })

/** The first of the two variables set (blank counts as unset), with its name. */
const firstSet = (
  environment: ProxyEnvironment,
  names: readonly [ProxyVariable, ProxyVariable]
): readonly [ProxyVariable, string] | undefined => {
  for (const name of names) {
    const value = environment[name]
    if (value !== undefined && value.trim() !== "") return [name, value]
  }
  return undefined
}

/**
 * The proxy requests to `baseUrl` (normalised, see `normaliseBaseUrl`) go through, or undefined to go straight
 * there. A proxy URL is checked only when it would be used: one set for other tools, on a host Panther is reached
 * without it, does not stop a run.
 */
export const proxyRouteFor = (
  baseUrl: string,
  environment: ProxyEnvironment
): Either.Either<ProxyRoute | undefined, ConfigurationError> => {
  const url = new URL(baseUrl)
  const secure = url.protocol === "https:"
  const proxy = firstSet(environment, secure ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"])
  if (proxy === undefined || isLoopbackHost(url.hostname)) return Either.right(undefined)
  const noProxy = firstSet(environment, ["no_proxy", "NO_PROXY"])
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port)
  if (noProxy !== undefined && noProxyMatches(noProxy[1], url.hostname, port)) return Either.right(undefined)
  return parseProxyUrl(proxy[0], proxy[1])
}

/** A proxy URL that names a SOCKS proxy, which this tool cannot use. */
const SOCKS_URL = /^\s*socks[a-z0-9]*:\/\//i

/**
 * What to tell once at start about the proxy variables for requests to `baseUrl`, none of it quoting a password:
 * ALL_PROXY set where no HTTPS_PROXY / HTTP_PROXY applies (curl would use it; this tool does not, and without a word
 * a request that the admin meant to go through a proxy went straight to Panther), and NO_PROXY entries that are
 * ignored because no host name can match them. Nothing for a loopback API, which is never proxied, nor for a host
 * NO_PROXY names, which goes direct whatever the proxy.
 */
export const proxyNotices = (baseUrl: string, environment: ProxyEnvironment): ReadonlyArray<string> => {
  const url = new URL(baseUrl)
  if (isLoopbackHost(url.hostname)) return []
  const secure = url.protocol === "https:"
  const wanted: readonly [ProxyVariable, ProxyVariable] = secure
    ? ["https_proxy", "HTTPS_PROXY"]
    : ["http_proxy", "HTTP_PROXY"]
  const proxy = firstSet(environment, wanted)
  const noProxy = firstSet(environment, ["no_proxy", "NO_PROXY"])
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port)
  const notices: Array<string> = []
  if (noProxy !== undefined && proxy !== undefined) {
    for (const entry of unreadableNoProxyEntries(noProxy[1])) {
      notices.push(
        `${noProxy[0]} entry ${JSON.stringify(entry)} is ignored: it names no host, since it cannot be written in ` +
          "ASCII as host names are (bücher.example as xn--bcher-kva.example), so it takes no host around the " +
          "proxy. Correct it, or take it out."
      )
    }
  }
  const allProxy = firstSet(environment, ["all_proxy", "ALL_PROXY"])
  if (
    allProxy !== undefined &&
    proxy === undefined &&
    !(noProxy !== undefined && noProxyMatches(noProxy[1], url.hostname, port))
  ) {
    const [name, value] = allProxy
    const variable = wanted[1]
    notices.push(
      SOCKS_URL.test(value)
        ? `${name} names the SOCKS proxy ${quotableIfAddress(value.trim())}, which this tool does not support: it ` +
            `reads only HTTPS_PROXY / HTTP_PROXY (an HTTP proxy) and NO_PROXY, so requests to Panther go to it ` +
            `directly. If it can only be reached through a proxy, give an HTTP one in ${variable}.`
        : `${name} is set to ${quotableIfAddress(value.trim())}, but this tool does not read it: it reads only ` +
            `HTTPS_PROXY / HTTP_PROXY and NO_PROXY, so requests to Panther go to it directly. To send them through ` +
            `that proxy, set ${variable} to it.`
    )
  }
  return notices
}
