/**
 * Reading whatever came back: the status decides success, retry or a typed failure, and an error body of any shape
 * (JSON with `message` or `error`, a load balancer's HTML page, plain text, nothing) becomes one short detail line.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { headOfCharacters } from "../Cli/CutShort.js"
import { CLIENT_CERTIFICATE_ADVICE, certificateFailure, type ExtraCaFile } from "./CertificateFailure.js"
import {
  BadRequest,
  Forbidden,
  NotFound,
  type PantherApiError,
  type ProxyInPath,
  proxyLoginHint,
  ServerError,
  TransportError,
  Unauthorized
} from "./ClientErrors.js"
import type { ConnectFault } from "./ConnectionDeadline.js"
import { type ExchangeFailure, MAX_BODY_BYTES } from "./HttpTransport.js"
import { permissionFor } from "./Permissions.js"
import type { ProxyFault } from "./ProxyTunnel.js"
import { parseRetryAfter, proxyFields, TransientFailure } from "./Retry.js"
import { otherSuccess } from "./SuccessStatus.js"

const MAX_DETAIL = 200

/**
 * Text from a server, safe to print on a terminal: control characters (an escape sequence can retitle a terminal or
 * rewrite what it shows), the bidirectional embeddings, overrides and isolates (which reorder what follows them
 * on screen, so a name can show as another) and the invisible format characters (`INVISIBLE`) become U+FFFD; line
 * breaks and other white space one space (not a byte order mark, which `\s` counts as white space though it draws
 * nothing: as a space at the end of an email it would be as invisible).
 */
export const printable = (text: string): string =>
  text.replace(/[^\S\ufeff]+/g, " ").replace(CONTROL_REORDERING_OR_INVISIBLE, "\uFFFD")

/** Letters as tags, U+E0061 for `a`, in a pattern. */
const tagged = (letters: string): string =>
  [...letters].map((letter) => `\\u{${(0xe0000 + letter.charCodeAt(0)).toString(16)}}`).join("")

/**
 * The flags of England, Scotland and Wales: a black flag, then tags spelling `gbeng`, `gbsct` or `gbwls`, then a
 * cancel tag. Their tags are drawn, as the flag; any other run of tags draws as nothing, or as a black flag alone.
 */
const SUBDIVISION_FLAG = `\\u{1F3F4}${tagged("gb")}(?:${["eng", "sct", "wls"].map(tagged).join("|")})\\u{E007F}`

/**
 * Format characters that draw nothing and that no name needs: a zero-width space, a word joiner, a byte order mark,
 * the invisible operators, tags. With one, two different emails or names look the same (`ok@acme.com` and
 * `ok@acme.com` with U+200B after it), and a changed one looks unchanged. Not among them: the joiners that Persian,
 * Indic names and emoji need (U+200C, U+200D), the direction marks names in Hebrew or Arabic may need, the format
 * characters that are drawn (the soft hyphen, the signs that stand before Arabic numbers), and the tags of the flags
 * of England, Scotland and Wales (`SUBDIVISION_FLAG`: a tag there is kept when the flag's black flag, up to five tags
 * before it, begins the whole sequence). Nor the bidirectional embeddings, overrides and isolates, which
 * `CONTROL_REORDERING_OR_INVISIBLE` names beside these.
 */
export const INVISIBLE = new RegExp(
  String.raw`(?![\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u200c-\u200f\u202a-\u202e\u2066-\u2069\u{110bd}\u{110cd}])` +
    `(?<!(?=${SUBDIVISION_FLAG})\\u{1F3F4}[\\u{E0061}-\\u{E007A}]{0,5})\\p{Cf}`,
  "gu"
)

/** What `printable` replaces: the control characters, bidirectional embeddings, overrides and isolates, and `INVISIBLE`. */
export const CONTROL_REORDERING_OR_INVISIBLE = new RegExp(
  `[\\p{Cc}\\u202a-\\u202e\\u2066-\\u2069]|${INVISIBLE.source}`,
  "gu"
)

const oneLine = (text: string): string => {
  const flat = printable(text).trim()
  return flat.length > MAX_DETAIL ? `${headOfCharacters(flat, MAX_DETAIL)}...` : flat
}

const stringAt = (value: unknown, key: string): string | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const field: unknown = Reflect.get(value, key)
  return typeof field === "string" && field.trim() !== "" ? field : undefined
}

/** A byte order mark before the JSON is not part of it (RFC 8259 lets a reader ignore it). */
export const parseJson = (text: string): Option.Option<unknown> =>
  Either.getRight(Either.try((): unknown => JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)))

/** The JSON written out again to be quoted; a document nested too deeply for that is said to be so. */
const writtenOut = (value: unknown): string => {
  try {
    return JSON.stringify(value)
  } catch {
    return "a JSON document nested too deeply to quote"
  }
}

/** One line of at most MAX_DETAIL characters, scrubbed whole before it is cut, so no cut leaves half a secret. */
const quotedLine = (text: string, scrub: (text: string) => string): string => oneLine(scrub(text.replace(/\s+/g, " ")))

/** An HTML page's title, or its first heading: what a proxy's error page says in a few words. */
const htmlSummary = (html: string, scrub: (text: string) => string): string => {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(html)?.[1]
  return title === undefined || title.trim() === ""
    ? "an HTML page"
    : `an HTML page titled "${quotedLine(title, scrub)}"`
}

/**
 * One line saying what an error body says, or nothing for an empty body. What is quoted (the message, the whole
 * JSON document written out again, a page's title, the text) goes through `scrub` after its line breaks are
 * flattened and before it is cut short: a secret folded across lines or cut in half would escape a scrub on either
 * side of those steps.
 */
export const errorDetail = (body: string, scrub: (text: string) => string = (text) => text): string | undefined => {
  const text = body.trim()
  if (text === "") return undefined
  const json = parseJson(text)
  if (Option.isSome(json)) {
    const value = json.value
    const nested: unknown = typeof value === "object" && value !== null ? Reflect.get(value, "error") : undefined
    const said = stringAt(value, "message") ?? stringAt(value, "error") ?? stringAt(nested, "message")
    return quotedLine(said ?? writtenOut(value), scrub)
  }
  if (/^<(!doctype|html|head|body|\?xml)/i.test(text) || /<html[\s>]/i.test(text)) return htmlSummary(text, scrub)
  return quotedLine(text, scrub)
}

/**
 * 408 is as transient as a 502 or 504: a server, or a proxy or load balancer in between, gave up waiting. It is
 * retried within the same attempts and budget.
 */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

export interface Answer {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly retryAfter: string | undefined
  readonly body: string
  readonly location?: string | undefined
  readonly contentEncoding?: string | undefined
  /** The proxy the request was sent to, when one was (an http:// API): a 407 is then its own. */
  readonly proxy?: ProxyInPath | undefined
  /** Of a 407: the authentication schemes it offers (Proxy-Authenticate). */
  readonly proxyLogins?: ReadonlyArray<string> | undefined
}

/**
 * A Content-Encoding the client did not ask for (it asks for `identity`), fit to name in a message: through `scrub`,
 * since a server that echoes what it was sent may put the token in any header.
 */
export const unaskedEncoding = (
  contentEncoding: string | undefined,
  scrub: (text: string) => string
): string | undefined =>
  contentEncoding === undefined || contentEncoding.trim().toLowerCase() === "identity"
    ? undefined
    : oneLine(scrub(contentEncoding))

/** Where a redirect points, fit to quote: scheme, host and path, without user:password, query or fragment. */
const redirectTarget = (location: string | undefined, scrub: (text: string) => string): string | undefined => {
  if (location === undefined) return undefined
  try {
    const url = new URL(location, "http://relative.invalid")
    return url.host === "relative.invalid"
      ? oneLine(scrub(url.pathname))
      : oneLine(scrub(`${url.protocol}//${url.host}${url.pathname}`))
  } catch {
    return undefined
  }
}

/**
 * 2xx passes (but to a read, 200 alone: `SuccessStatus.ts`); 408, 429 and 500/502/503/504 may pass if tried again;
 * everything else is final. `scrub` removes the token from anything quoted back, in case a misconfigured proxy
 * echoes request headers into its error page.
 */
export const checkStatus = (
  answer: Answer,
  nowMillis: number,
  scrub: (text: string) => string
): Either.Either<void, TransientFailure | PantherApiError> => {
  const { method, path, status } = answer
  if (status >= 200 && status < 300) {
    const refused = otherSuccess(method, path, status)
    return refused === undefined ? Either.void : Either.left(refused)
  }
  const encoding = unaskedEncoding(answer.contentEncoding, scrub)
  const detail =
    encoding === undefined
      ? errorDetail(answer.body, scrub)
      : `a body compressed (${encoding}), which was not asked for`
  const withDetail = detail === undefined ? {} : { detail }
  if (TRANSIENT_STATUSES.has(status)) {
    return Either.left(
      new TransientFailure({
        method,
        path,
        status: Option.some(status),
        reason: detail === undefined ? `HTTP ${status}` : `HTTP ${status}: ${detail}`,
        retryAfter: parseRetryAfter(answer.retryAfter, nowMillis),
        detail,
        // 429 and 503 mean "not now": the request was turned away, not half done. A 408 is taken as a 504 is: a
        // proxy in between may answer it after passing the request on, when the server behind it went quiet
        // (Envoy's stream idle timeout does), so a create or delete is checked rather than sent again blindly.
        mayHaveTakenEffect: status !== 429 && status !== 503
      })
    )
  }
  // Asked in absolute form (an http:// API), the proxy answers itself: a 407 is its own, about its login.
  if (status === 407 && answer.proxy !== undefined) {
    return Either.left(
      new TransportError({
        method,
        path,
        reason: proxyLoginHint(answer.proxy, answer.proxyLogins, scrub),
        attempts: 1,
        proxy: answer.proxy,
        proxyFailed: true
      })
    )
  }
  switch (status) {
    case 401:
      return Either.left(new Unauthorized({ method, path, ...withDetail }))
    case 403:
      return Either.left(new Forbidden({ method, path, permission: permissionFor(method), ...withDetail }))
    case 404:
      return Either.left(new NotFound({ method, path, ...withDetail }))
  }
  if (status >= 500) return Either.left(new ServerError({ method, path, status, attempts: 1, ...withDetail }))
  // 3xx are not followed (a redirect would carry the token to another host) and land here with other 4xx.
  const target = redirectTarget(answer.location, scrub)
  return Either.left(
    new BadRequest({
      method,
      path,
      status,
      ...withDetail,
      ...(target === undefined ? {} : { location: target })
    })
  )
}

const TLS_CODE = /CERT|TLS|SSL|SELF_SIGNED|VERIFY|SIGNATURE/i

/** Connection failures that happen before a request can reach the server. */
const NEVER_SENT: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH"
])

/**
 * A refused connection: the host answered, and nothing listens on that port. Most often a simulator not started (or
 * stopped), or a port mistyped; a longer timeout, the usual hint, changes nothing.
 */
const NOTHING_LISTENS =
  "Nothing accepts connections at the host and port of --api-url / PANTHER_API_URL (or a firewall turns them away): " +
  "check the port (Panther's API takes https on 443) and, for the simulator, that `panther-audit simulate` is " +
  "running on that port."

const describeCode = (code: string | undefined): string => {
  switch (code) {
    case undefined:
      return "the connection failed"
    case "ECONNREFUSED":
      return "the connection was refused (ECONNREFUSED)"
    case "ECONNRESET":
    case "EPIPE":
      return `the connection was reset (${code})`
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host name did not resolve (${code})`
    case "ETIMEDOUT":
      return `the connection timed out (${code})`
    default:
      return `the connection failed (${code})`
  }
}

/** What a proxy's answer to CONNECT means, by its status. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  403: "Forbidden",
  407: "Proxy Authentication Required",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** A proxy that cannot reach Panther just now: the same as Panther unreachable, so retried. */
const PROXY_PASSING: ReadonlySet<number> = new Set([502, 503, 504])

/**
 * The proxy itself failed: nothing reached Panther, so nothing can have been changed. Unreachable, or unable to
 * reach Panther (502, 503, 504), is retried as an unreachable API is; a refusal (403, 407, others) is final.
 */
const proxyFailure = (
  method: string,
  path: string,
  proxy: ProxyInPath,
  fault: ProxyFault,
  code: string | undefined,
  timeoutReason: string,
  scrub: (text: string) => string
): TransientFailure | TransportError => {
  const name = `the proxy at ${proxy.address} (${proxy.variable})`
  const fields = { method, path, proxy, proxyFailed: true }
  const final = (reason: string) => new TransportError({ ...fields, reason, attempts: 1 })
  // Nothing reached Panther, so sending again is safe, a create included.
  const passing = (reason: string) =>
    new TransientFailure({
      ...fields,
      status: Option.none(),
      reason,
      retryAfter: Option.none(),
      detail: undefined,
      mayHaveTakenEffect: false
    })
  switch (fault.kind) {
    case "unreachable":
      return passing(
        `connecting to ${name} failed: ${describeCode(code)}; check the proxy's host and port in ${proxy.variable}, ` +
          "and that it is running"
      )
    case "silent":
      return passing(
        `${name} took the connection but did not answer the request for a tunnel to ${fault.target} (CONNECT; ` +
          `${timeoutReason}), so nothing reached Panther: check that ${proxy.variable} names an HTTP proxy's host ` +
          "and port, and that the proxy is working"
      )
    case "hung-up":
      return passing(
        `${name} closed the connection without answering the request for a tunnel to ${fault.target} (CONNECT; ` +
          `${describeCode(code)}), so nothing reached Panther: check that ${proxy.variable} names an HTTP proxy's ` +
          "host and port (an https:// proxy, or another service on that port, hangs up so), and that the proxy is working"
      )
    case "no-tls":
      return passing(
        `${name} opened a tunnel to ${fault.target}, but no TLS came back through it (${timeoutReason}), so ` +
          "nothing reached Panther: check that the proxy lets TLS through to that host (a proxy that inspects " +
          "traffic may hold it), and that the port in --api-url / PANTHER_API_URL is Panther's https port"
      )
    case "closed":
      return passing(
        `${name} opened a tunnel to ${fault.target}, but the connection through it was closed before the TLS ` +
          `handshake with Panther finished (${describeCode(code)}), so nothing reached Panther: check that the port ` +
          "in --api-url / PANTHER_API_URL is Panther's https port, and that the proxy lets TLS through to that host"
      )
    case "not-a-proxy":
      return final(
        `${name} did not answer as an HTTP proxy: check that ${proxy.variable} names the proxy's http:// host and port`
      )
    case "refused": {
      const status = `${fault.status}${STATUS_TEXT[fault.status] === undefined ? "" : ` ${STATUS_TEXT[fault.status]}`}`
      if (fault.status === 407) return final(proxyLoginHint(proxy, fault.logins, scrub))
      if (PROXY_PASSING.has(fault.status)) {
        return passing(
          `${name} could not reach ${fault.target} (${status}): check that the proxy can reach Panther's API host`
        )
      }
      return final(
        fault.status === 403
          ? `${name} refused to open a tunnel to ${fault.target} (403 Forbidden): ask for that host to be allowed ` +
              "through the proxy, or list it in NO_PROXY if Panther can be reached without the proxy"
          : `${name} refused to open a tunnel to ${fault.target} (${status}): check that ${proxy.variable} names an ` +
              "HTTP proxy, and that it lets tunnels (CONNECT) through to that host and port"
      )
    }
  }
}

/** Why a direct connection was not up at the deadline; the request waited on this machine, so none of it was sent. */
const notConnectedReason = (fault: ConnectFault, timeoutReason: string): string =>
  fault.step === "connect"
    ? `connecting to ${fault.target} timed out (${timeoutReason}), so nothing reached Panther`
    : `the TLS handshake with ${fault.target} did not finish (${timeoutReason}), so nothing reached Panther: the ` +
      "server took the connection but did not answer as a TLS server would; check that the port in --api-url / " +
      "PANTHER_API_URL is Panther's https port"

/**
 * Why a direct connection was closed or reset before it was up; the request waited on this machine, so none of it was
 * sent.
 */
const droppedReason = (fault: ConnectFault, code: string | undefined): string =>
  fault.step === "connect"
    ? `connecting to ${fault.target} failed: ${describeCode(code)}, so nothing reached Panther`
    : `${fault.target} closed the connection during the TLS handshake (${code ?? "closed"}), so nothing reached ` +
      "Panther: the server took the connection but ended it before TLS was up, as a port that is not Panther's " +
      "https port, or a firewall or load balancer turning the connection away, would"

/**
 * A request that got no usable answer. TLS certificate problems are final (retrying cannot fix a certificate), and
 * so are a request Node cannot send and an answer too large to be the API's; connection errors, timeouts and a body
 * cut off halfway may be passing, so they are retried.
 */
export const transportFailure = (
  method: string,
  path: string,
  failure: ExchangeFailure,
  /** The request timeout, as said to the user ("30s"). */
  timeout: string,
  /** Takes the secrets out of what a proxy said (the login schemes of its 407), as `checkStatus`'s does. */
  scrub: (text: string) => string,
  /** What NODE_EXTRA_CA_CERTS names, if it is set: a refused certificate's advice says what is wrong with it. */
  extraCa?: ExtraCaFile
): TransientFailure | TransportError => {
  const { stage, code } = failure
  const timeoutReason = `no answer within ${timeout}`
  if (failure.proxy !== undefined && failure.proxyFault !== undefined) {
    return proxyFailure(method, path, failure.proxy, failure.proxyFault, code, timeoutReason, scrub)
  }
  const viaProxy = proxyFields(failure)
  if (failure.connectFault !== undefined) {
    // Nothing was sent, so sending again is safe, a create included, as after a refused connection.
    return new TransientFailure({
      method,
      path,
      status: Option.none(),
      reason:
        stage === "timeout"
          ? notConnectedReason(failure.connectFault, timeoutReason)
          : droppedReason(failure.connectFault, code),
      retryAfter: Option.none(),
      detail: undefined,
      mayHaveTakenEffect: false,
      ...viaProxy
    })
  }
  // `advice` in place of the usual hint (the network path, --timeout-seconds), where that would not help.
  const final = (reason: string, advice?: string, notApiAnswer?: true) =>
    new TransportError({
      method,
      path,
      reason,
      attempts: 1,
      ...viaProxy,
      ...(advice === undefined ? {} : { advice }),
      ...(notApiAnswer === undefined ? {} : { notApiAnswer })
    })
  if (stage === "unsendable") {
    return final(
      `the request could not be sent (${code ?? "refused by Node"})`,
      "Check the base URL and the token for characters HTTP does not allow, such as a line break."
    )
  }
  if (stage === "cancelled") return final("the request was cancelled")
  if (stage === "too-large") {
    return final(
      `the answer was larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, which no Panther answer is`,
      "Check that --api-url / PANTHER_API_URL is Panther's API.",
      true
    )
  }
  // A change answered with what Node's parser refused was sent all the same; asking again would meet the same answer.
  const maybeMadeAnyway =
    method === "GET"
      ? ""
      : " The request was sent, so the change may have been made all the same: check with " +
        "`panther-audit users list` before sending it again."
  // The headers were HTTP, and what came after them was not: more bytes than the Content-Length said, or a chunk
  // malformed. Whatever answers there speaks HTTP, so --api-url is not what to check.
  if (code?.startsWith("HPE_") === true && failure.answerBegan === true) {
    return final(
      `the answer is not valid HTTP (${code}): its headers came, then its body broke HTTP's framing (more bytes ` +
        "than its Content-Length said, or a malformed chunk)",
      "A fault of the server, or of a proxy or load balancer in between. Run again; if it keeps happening, report " +
        "it to whoever runs that proxy, or to Panther support." +
        maybeMadeAnyway
    )
  }
  if (code?.startsWith("HPE_") === true) {
    // Node's HTTP parser refused the answer itself: not HTTP at all (another service on the port), headers past
    // Node's limit, or framing that contradicts itself. Asking again, or looking up whether a change was made, gets
    // the same answer, so neither is done; a change was sent, though, and may have been made (a real Panther behind
    // a balancer whose headers grew too large): said so.
    return final(
      `the answer is not valid HTTP (${code})`,
      "Check that --api-url / PANTHER_API_URL is Panther's API and not another service on that host and port." +
        maybeMadeAnyway,
      true
    )
  }
  if (failure.noSharedTlsVersion === true) {
    return final(
      `the TLS handshake failed as the server and this tool have no TLS version in common (${code}): most often a ` +
        "server that speaks only TLS 1.1 or older, where Node offers TLS 1.2 and later",
      "Panther's API takes TLS 1.2 and later: a gateway or proxy of your own in front of it that speaks only an older " +
        "version needs its TLS settings updated, or point --api-url / PANTHER_API_URL at an address that does not go " +
        "through it. A --tls-min-v1.3 or --tls-max-v1.2 in NODE_OPTIONS narrows what this tool offers."
    )
  }
  if (code === "EPROTO" && failure.serverAlert !== undefined) {
    // A TLS 1.2 server ends the handshake with an alert (handshake failure, 40) when it wants a client certificate;
    // TLS 1.3 names that alert in the code, which `certificateFailure` reads.
    return final(
      "the server ended the TLS handshake with an alert (EPROTO), most likely because it wants a client " +
        "certificate (mutual TLS), which this tool does not send",
      CLIENT_CERTIFICATE_ADVICE
    )
  }
  if (code === "EPROTO") {
    // What Node says when an https:// request meets a server speaking plain HTTP (or another protocol).
    return final(
      "the TLS handshake failed (EPROTO): the server does not speak TLS on that port",
      "Check the scheme and port of --api-url / PANTHER_API_URL: an https:// URL needs Panther's https port."
    )
  }
  const certificate = code === undefined ? undefined : certificateFailure(code, extraCa)
  if (certificate !== undefined) {
    return new TransportError({
      ...viaProxy,
      method,
      path,
      reason: certificate.reason,
      advice: certificate.advice,
      attempts: 1
    })
  }
  if (code !== undefined && TLS_CODE.test(code)) return final(`the TLS handshake failed (${code})`)
  const transient = (reason: string, mayHaveTakenEffect: boolean, advice?: string) =>
    new TransientFailure({
      method,
      path,
      status: Option.none(),
      reason,
      retryAfter: Option.none(),
      detail: undefined,
      mayHaveTakenEffect,
      ...viaProxy,
      ...(advice === undefined ? {} : { advice })
    })
  switch (stage) {
    case "timeout":
      // Headers in but the body unfinished: a slow or stalled body (a large answer on a slow link, a proxy holding
      // it back), not a server that never answered.
      return transient(
        failure.answerBegan === true ? `the answer began but did not finish within ${timeout}` : timeoutReason,
        true
      )
    case "response":
      return transient(`the answer was cut off (${code ?? "connection closed"})`, true)
    case "request":
      return transient(
        describeCode(code),
        !NEVER_SENT.has(code ?? ""),
        code === "ECONNREFUSED" && failure.proxy === undefined ? NOTHING_LISTENS : undefined
      )
  }
}
