/**
 * Where Panther is and how to talk to it: the settings the client is built from, and the rules that turn what a
 * person typed into a base URL. Reading flags, env vars and token files happens at the edge
 * (`src/Cli/ConnectionOptions.ts`); this module only checks and holds the result.
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { connectableHost, HOST_NAME_RULE } from "../Cli/HostName.js"
import {
  parseUrl,
  portPastRangeNotShown,
  quotable,
  quotableIfAddress,
  readsAsAddress,
  URL_SCHEME
} from "../Cli/QuotableUrl.js"
import type { ExtraCaFile } from "./CertificateFailure.js"
import type { ProxyRoute } from "./Proxy.js"

/** How hard to try before giving up on one request. Applies to transient failures only. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = never retry). */
  readonly maxAttempts: number
  /** Time budget of one request across its attempts: no wait starts that would end past it. */
  readonly maxElapsed: Duration.Duration
  /** First backoff; each retry doubles it, with jitter, up to `maxDelay`. */
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  /** Cap on a server's `Retry-After`, so a misbehaving proxy cannot park a nightly job for an hour. */
  readonly maxRetryAfter: Duration.Duration
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  maxElapsed: Duration.seconds(120),
  baseDelay: Duration.millis(500),
  maxDelay: Duration.seconds(20),
  maxRetryAfter: Duration.seconds(60)
}

export const defaultRequestTimeout = Duration.seconds(30)

/**
 * The longest one request is waited for. Node's timers take at most 2^31 - 1 ms (about 24.8 days) and fire at once
 * for anything longer, so a longer timeout is this long: as good as none for one request. Held to it where the
 * setting is read, so that messages quoting the timeout say what is waited for, and an absurd one (1e300 seconds,
 * whose nanoseconds overflow) cannot end the command with an internal error when it is formatted.
 */
export const MAX_REQUEST_TIMEOUT = Duration.millis(2 ** 31 - 1)

/** The longest a Node timer, and so an Effect sleep, waits: the same 2^31 - 1 ms, for waits other than a request's. */
export const LONGEST_TIMER_MS = Duration.toMillis(MAX_REQUEST_TIMEOUT)

export interface ConnectionSettings {
  /** Normalised: no trailing `/`, no `/public/graphql`; a path prefix kept. Never holds credentials. */
  readonly baseUrl: string
  readonly token: Redacted.Redacted<string>
  /** Per attempt, covering the whole body, so a response that stalls halfway is also cut off. */
  readonly requestTimeout: Duration.Duration
  readonly retry: RetryPolicy
  /** The HTTP proxy requests go through (`Proxy.ts`); none to go straight to Panther. */
  readonly proxy?: ProxyRoute | undefined
  /** The file NODE_EXTRA_CA_CERTS names, when it is set, for what a refused certificate's message says of it. */
  readonly extraCa?: ExtraCaFile | undefined
}

export class PantherConnection extends Context.Tag("PantherApi/PantherConnection")<
  PantherConnection,
  ConnectionSettings
>() {
  static readonly layer = (settings: ConnectionSettings): Layer.Layer<PantherConnection> =>
    Layer.succeed(PantherConnection, settings)
}

const GRAPHQL_SUFFIX = /\/public\/graphql$/i

/**
 * The end of a path that is an endpoint's (`/users`, `/roles`), or one user's or role's (`/users/<id>`, pasted from a
 * curl line or a log), not a proxy's mount: a mount is the part before it.
 */
const ENDPOINT_SUFFIX = /\/(users|roles)(\/[^/]+)?$/i

/**
 * 127.0.0.0/8, ::1 (bracketed or not) and localhost: clear text there never leaves the machine. Not the names under
 * `.localhost` (`app.localhost`): browsers keep them to loopback, but Node asks DNS for them like any other name, and
 * a search domain or a wildcard record can take one to another host.
 */
export const isLoopbackHost = (host: string): boolean => {
  const bare = host.replace(/^\[(.*)\]$/u, "$1").toLowerCase()
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/u.test(bare)
}

/** Whether a URL holds an `@` after its scheme: a user name and password, whether or not it parses as one. */
const holdsCredentials = (text: string): boolean => text.replace(URL_SCHEME, "").includes("@")

const invalid = (why: string) => Either.left(new ConfigurationError({ message: `--api-url / PANTHER_API_URL ${why}` }))

/**
 * Checks and normalises the base URL. Requests go to `<base>/users`, so a trailing `/` and the legacy GraphQL
 * endpoint suffix (older configurations carry it) are dropped, and a path prefix (a proxy mount) is kept.
 * Plain http would send the token in clear text, so only loopback hosts get it without `--allow-insecure-http`.
 */
export const normaliseBaseUrl = (
  raw: string,
  options: { readonly allowInsecureHttp: boolean }
): Either.Either<string, ConfigurationError> => {
  const text = raw.trim()
  if (text === "") return invalid("is empty: give the API URL, https://api.<instance-domain>.")
  if (!URL_SCHEME.test(text)) {
    // Quoted only when it reads as a host name: anything else may be the token, the two variables swapped.
    if (!readsAsAddress(text)) {
      return invalid(
        "has no scheme, and does not read as an address: it is not shown, in case it is the API token put there " +
          "by mistake. Give the API URL, https://api.<instance-domain>."
      )
    }
    const shown = quotable(text)
    return invalid(`${shown} has no scheme: did you mean https://${shown.replace(/^"\/*|"[^"]*$/g, "")} ?`)
  }
  // The URL ends up in logs and error messages; a password in it would leak there. Checked on the text, before it
  // is parsed: an unencoded `?` or `#` in a password makes the parser read the user name as the host.
  if (holdsCredentials(text)) {
    return invalid(
      "must not contain a user name or password (it holds an @): pass the token with --api-token or --api-token-file."
    )
  }
  const parsed = parseUrl(text)
  if (parsed === undefined) {
    // Quoted only when it reads as an address: `user:password` with the host left out fails here too.
    return invalid(
      `${quotableIfAddress(text)} is not a valid URL: ${portPastRangeNotShown(text)}expected ` +
        "https://api.<instance-domain>."
    )
  }
  const { url, portPastRange } = parsed
  // First, as the messages below quote the URL as parsed, which is without that port.
  if (portPastRange !== undefined && (url.protocol === "https:" || url.protocol === "http:")) {
    return invalid(
      `${quotable(text)} names port ${portPastRange}, which no server listens on: ports go from 1 to 65535. Give the ` +
        `port the API listens on, or leave the port out (${url.protocol === "https:" ? "443" : "80"} for ${url.protocol}//).`
    )
  }
  if (url.search !== "" || url.hash !== "") {
    return invalid(`"${url.origin}${url.pathname}..." must not have a query string or fragment.`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return invalid(`must be https:// (got ${url.protocol}//).`)
  }
  // The URL parser takes port 0, and the request would fail only when sent, as if the network had.
  if (url.port === "0") {
    return invalid(
      `${quotable(text)} names port 0, which no server listens on: give the port the API listens on, or leave the ` +
        `port out (${url.protocol === "https:" ? "443" : "80"} for ${url.protocol}//).`
    )
  }
  // Found out otherwise only when first connected to: for a schedule, at its first tick, hours after it started.
  if (connectableHost(url.hostname) === undefined) {
    return invalid(`"${url.origin}": "${url.hostname}" is not a host name or IP address: ${HOST_NAME_RULE}.`)
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !options.allowInsecureHttp) {
    return invalid(
      `"${url.origin}" is plain http, which would send the API token unencrypted. Use https://, or pass ` +
        "--allow-insecure-http (PANTHER_ALLOW_INSECURE_HTTP=true) if this is a trusted test network."
    )
  }
  const path = url.pathname.replace(/\/+$/, "").replace(GRAPHQL_SUFFIX, "").replace(/\/+$/, "")
  // The address of an endpoint copied from the API's documentation or a curl line: every request would go to
  // `.../users/users`, and its 404 be reported as one for `GET /users`, which looks right; a schedule would meet it
  // only at its first tick.
  const endpoint = ENDPOINT_SUFFIX.exec(path)
  if (endpoint !== null) {
    const base = `${url.protocol}//${url.host}${path.slice(0, endpoint.index)}`
    const [suffix, collection = "", oneId] = endpoint
    if (oneId !== undefined) {
      // One user's address: `users list` asked for `/users/<id>/users`, and `users get` blamed the id, which was
      // right, for the 404 it met.
      return invalid(
        `"${base}${suffix}" ends in ${suffix}, the address of one ${collection.toLowerCase().slice(0, -1)}: this ` +
          `tool adds the paths itself (the requests would go to ${suffix}/users): give the base URL, ${base}.`
      )
    }
    return invalid(
      `"${base}${suffix}" ends in ${suffix}, a path this tool adds itself (the requests would go to ` +
        `${suffix}${suffix}): give the base URL, ${base}.`
    )
  }
  return Either.right(`${url.protocol}//${url.host}${path}`)
}
