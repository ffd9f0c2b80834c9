/**
 * Everything that can go wrong talking to Panther, as one tagged union a caller can `catchTag`.
 * Each message says what happened and what to do about it; none carries the token (errors hold the method and
 * the path only, never headers), and every one ends the process with exit code 3.
 */
import * as Schema from "effect/Schema"
import { counted } from "../Cli/Counted.js"
import { ExitCode } from "../Cli/ExitCode.js"
import { consoleName } from "./Permissions.js"

/** Which request failed: method and path, without the query string (it can be long and says nothing useful). */
const RequestFields = { method: Schema.String, path: Schema.String }

/** Past this length a path is no id anyone meant (a file pasted in its place), and a message quotes its start. */
const LONGEST_PATH_SHOWN = 200

/** The path as a message quotes it: whole, or its start and its length when it is longer than any id. */
const shownPath = (path: string): string =>
  path.length <= LONGEST_PATH_SHOWN ? path : `${path.slice(0, 120)}... (${path.length} characters)`

/** Panther's words, ended as a sentence: "API key expired." stays so, not "API key expired..". */
export const pantherSaid = (detail: string | undefined): string =>
  detail === undefined ? "" : ` Panther said: ${detail}${/[.!?]$/.test(detail) ? "" : "."}`

const afterAttempts = (attempts: number): string => (attempts === 1 ? "" : ` after ${attempts} attempts`)

const NOT_REPEATED =
  " It was not retried, because the change may already have been made: check with `panther-audit users get` " +
  "or `users list` before trying again."

/** Set when a change (POST, DELETE) failed in a way that leaves open whether Panther made it. */
const notRepeated = Schema.optional(Schema.Boolean)

const EARLIER_ANSWER_LOST =
  " The answer to an earlier attempt was lost, so the change may already have been made: check with " +
  "`panther-audit users get` or `users list` before trying again."

/**
 * Set when a change was sent again after an attempt whose answer was lost (`UncertainChanges.ts`), and the attempts
 * after it failed too: that first one may have made the change all the same.
 */
const earlierAnswerLost = Schema.optional(Schema.Boolean)

/**
 * Set when the retries stopped because the next wait would have ended past `--retry-budget-seconds`, not because
 * they were all used: without it a failure after one attempt reads as if retrying had never been tried.
 */
const BudgetStop = Schema.Struct({
  /** The wait the next retry would have had: the server's Retry-After as this tool caps it, or the backoff. */
  waitMillis: Schema.Number,
  /** What Retry-After asked for, before the cap; absent when the wait was the backoff. */
  askedMillis: Schema.optional(Schema.Number),
  /** Time this request had already spent, its attempts and waits. */
  spentMillis: Schema.Number,
  budgetMillis: Schema.Number
})
export type BudgetStop = typeof BudgetStop.Type
const budgetStop = Schema.optional(BudgetStop)

const seconds = (millis: number): string =>
  millis < 10_000 && millis % 1000 !== 0 ? `${(millis / 1000).toFixed(1)} s` : `${Math.round(millis / 1000)} s`

const budgetSpent = (stop: BudgetStop | undefined, attempts: number): string => {
  if (stop === undefined) return ""
  if (stop.spentMillis >= stop.budgetMillis) {
    // After a retry, the time spent holds the waits too, and "no retry could start" would deny the one that did.
    return attempts > 1
      ? ` The attempts and the waits between them took ${seconds(stop.spentMillis)}, the whole retry budget of ` +
          `${seconds(stop.budgetMillis)} (--retry-budget-seconds), so no further retry could start.`
      : ` The attempts alone took ${seconds(stop.spentMillis)}, the whole retry budget of ` +
          `${seconds(stop.budgetMillis)} (--retry-budget-seconds), so no retry could start.`
  }
  const wait =
    stop.askedMillis === undefined
      ? ` The next retry, ${seconds(stop.waitMillis)} later,`
      : ` Panther asked to wait ${seconds(stop.askedMillis)} before trying again (Retry-After` +
        `${stop.askedMillis > stop.waitMillis ? `; this tool waits at most ${seconds(stop.waitMillis)}` : ""}), which`
  return (
    `${wait} would have ended past the retry budget of ${seconds(stop.budgetMillis)} (--retry-budget-seconds), ` +
    `${seconds(stop.spentMillis)} of it already spent.`
  )
}

/**
 * The HTTP proxy a request went through (HTTPS_PROXY and the rest, `Proxy.ts`), as messages name it: its address
 * and the variable that set it, never its credentials, only whether there were any.
 */
export const ProxyInPath = Schema.Struct({
  /** `host:port`. */
  address: Schema.String,
  variable: Schema.String,
  credentialsGiven: Schema.Boolean
})
export type ProxyInPath = typeof ProxyInPath.Type
const proxyInPath = Schema.optional(ProxyInPath)

const proxyName = (proxy: ProxyInPath): string => `the proxy at ${proxy.address} (${proxy.variable})`

/**
 * A proxy's 407: what its login needs, said of the variable the proxy came from. `logins`: the schemes its
 * Proxy-Authenticate headers offer, when known. One that offers no Basic (a Windows domain's proxy, NTLM or
 * Negotiate) takes no user name and password this tool can send, so checking them, or giving them, would not help.
 * The schemes are named through `scrub`: they are the proxy's words, and one that echoes what it was sent may put the
 * token or its password where a scheme's name goes.
 */
export const proxyLoginHint = (
  proxy: ProxyInPath,
  logins: ReadonlyArray<string> | undefined,
  scrub: (text: string) => string
): string =>
  logins !== undefined && logins.length > 0 && !logins.some((scheme) => scheme.toLowerCase() === "basic")
    ? `${proxyName(proxy)} wants a ${scrub(logins.join(" or "))} login (407 Proxy Authentication Required), which this ` +
      "tool cannot give: it logs in to a proxy with Basic authentication only. Ask for this host to be let through " +
      "the proxy without a login, or run a local proxy that logs in for it (such as cntlm or px) and name that one " +
      `in ${proxy.variable}`
    : proxy.credentialsGiven
      ? `${proxyName(proxy)} did not accept the user name and password in ${proxy.variable} (407 Proxy ` +
        "Authentication Required): check them (they are sent as Basic authentication; an @, : or / in them must be " +
        "percent-encoded, %40, %3A, %2F)"
      : `${proxyName(proxy)} wants a login (407 Proxy Authentication Required): put the user name and password in ` +
        `the proxy URL, ${proxy.variable}=http://USER:PASSWORD@${proxy.address} (an @, : or / in them percent-encoded)`

/**
 * A token may be limited to some addresses (its "allowed CIDR blocks" in Panther), and which status a request from
 * elsewhere gets is not documented: both refusals name it, since a job moved to another network (a new NAT gateway,
 * a cluster's egress) fails this way with a token that is otherwise right.
 */
const ADDRESS_LIMIT =
  " If the token is limited to some IP addresses (its allowed CIDR blocks in Settings > API Tokens), check that " +
  "they include the address this machine reaches Panther from."

/**
 * What to do about a page after the first that is not the API's answer: the address sent the first page as the API
 * does, so checking --api-url, the usual advice, would not help.
 */
export const LATER_PAGE_NOT_API =
  "The same address sent the list's first page as the API describes, so --api-url is right: this page came from " +
  "something answering in Panther's place (a load balancer or proxy in between), or Panther failed while sending " +
  "it. Run again; if it keeps happening, report it to Panther support."

/** What to do about a connection failing at a list's page after the first, where --api-url had answered the others. */
export const LATER_PAGE_CONNECTION =
  "The same address answered the list's pages before this one, so --api-url is right: the connection failed while " +
  "the list was read (the network between, or Panther itself). Run again; if it keeps happening, check the network " +
  "path (proxy, firewall), and --timeout-seconds raises the per-request timeout."

/** Of a list's page after the first: the token had been taken for the pages before it. */
const TOKEN_TAKEN_BEFORE =
  " The token had been accepted for the list's pages before this one, so something changed while the list was read: "

/** 401: the token is wrong, expired or revoked, or used from an address it is not allowed from. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  ...RequestFields,
  /** Panther's reason, quoted: an expired token and one never valid are mended alike, but told apart by it. */
  detail: Schema.optional(Schema.String),
  earlierAnswerLost,
  /** Of a list's page after the first, at the cursor Panther gave. */
  atCursor: Schema.optional(Schema.Boolean)
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return (
      `Panther refused the API token (401) for ${this.method} ${shownPath(this.path)}.${pantherSaid(this.detail)}` +
      (this.atCursor === true
        ? `${TOKEN_TAKEN_BEFORE}most likely the token expired or was revoked meanwhile. Check it in Panther ` +
          "(Settings > API Tokens), and run again with a valid one. A token made in the last minute may not yet " +
          "be known to every Panther server (a new token takes up to a minute to work): then run again in a minute."
        : " Check the token given with --api-token, --api-token-file or PANTHER_API_TOKEN(_FILE), and that it has " +
          "not expired or been revoked; a new token takes up to a minute to work.") +
      ADDRESS_LIMIT +
      (this.earlierAnswerLost === true ? EARLIER_ANSWER_LOST : "")
    )
  }
}

/** 403: the token works but lacks a permission. Names it, as the console shows it and as the API calls it. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  ...RequestFields,
  permission: Schema.String,
  detail: Schema.optional(Schema.String),
  earlierAnswerLost,
  /** Of a list's page after the first, at the cursor Panther gave. */
  atCursor: Schema.optional(Schema.Boolean)
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return (
      `The API token is not allowed to ${this.method} ${shownPath(this.path)} (403): it needs the ` +
      `"${consoleName(this.permission)}" (${this.permission}) permission.${pantherSaid(this.detail)}` +
      (this.atCursor === true
        ? `${TOKEN_TAKEN_BEFORE}most likely the permission was taken from the token meanwhile. `
        : " ") +
      "Add the permission to the token in Panther (Settings > API Tokens), or use a token that has it." +
      ADDRESS_LIMIT +
      (this.earlierAnswerLost === true ? EARLIER_ANSWER_LOST : "")
    )
  }
}

/** A path with an id (`/users/abc`) names one user or role; `/users` is the list. */
const namesOne = (path: string): boolean => path.split("/").filter((part) => part !== "").length > 1

/** 404: no such user or role (or the base URL points somewhere that is not the Panther API). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  ...RequestFields,
  detail: Schema.optional(Schema.String),
  /** Of a list's page after the first, at the cursor Panther gave: the address answered the first page. */
  atCursor: Schema.optional(Schema.Boolean),
  /**
   * Of an update or delete whose look-up of the same user found it just before: the address and the id are right,
   * and the user was deleted in between (by someone else, or another run of a script).
   */
  foundJustBefore: Schema.optional(Schema.Boolean)
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    if (this.foundJustBefore === true) {
      return (
        `Panther found nothing at ${this.method} ${shownPath(this.path)} (404), though it had the user a moment ` +
        `before (GET ${shownPath(this.path)}).${pantherSaid(this.detail)} The user was most likely deleted ` +
        "meanwhile, by someone else or another run of a script: " +
        (this.method === "DELETE"
          ? "if so, it is gone as asked, though not by this command; --if-exists takes that for done once a list " +
            "confirms it."
          : "nothing was changed. `panther-audit users list --include-deactivated` shows who is there.")
      )
    }
    if (this.atCursor === true) {
      return (
        `Panther found nothing at ${this.method} ${shownPath(this.path)} (404) for a page after the first, at the ` +
        `cursor it had given.${pantherSaid(this.detail)} The address answered the first page, so the cursor is what failed: ` +
        "it may have expired while the list was read. Run again; if it recurs, a proxy in between may be altering " +
        "the cursor in the query."
      )
    }
    // A 404 on a list means the base URL is not the API.
    return (
      `Panther found nothing at ${this.method} ${shownPath(this.path)} (404).${pantherSaid(this.detail)} ` +
      (namesOne(this.path)
        ? "Check the id (`panther-audit users list` shows them) and that --api-url is https://api.<instance-domain>."
        : "Check that --api-url / PANTHER_API_URL is the API itself, https://api.<instance-domain>.")
    )
  }
}

/**
 * A delete Panther refused for a reason it gave. The request holds the id alone, so "change what Panther named" had
 * nothing to point at; the refusal the notes document is the last Admin who signs in with a password, which stays
 * until another user is made one.
 */
const DELETE_REFUSED =
  "Nothing was deleted. A delete sends the id alone: if the id is right, what Panther named has to change in " +
  "Panther first. Panther keeps at least one active Admin who signs in with a password: to delete the last one, " +
  "give another such user the Admin role first (`panther-audit users update ID --role Admin`)."

/** Why an address naming one user (`/users/ID`) was too long: the id in it, which a list has no part in. */
const ID_TOO_LONG = "the user id given is too long to be one; check it (`panther-audit users list` shows the ids)."

/**
 * 400 (and any other 4xx the API does not document): the request itself was refused, with the API's reason. Also
 * a 3xx, which is not followed (it would carry the token to wherever it points) and means the URL is not the API.
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  ...RequestFields,
  status: Schema.Number,
  detail: Schema.optional(Schema.String),
  /** Where a redirect pointed, without credentials or query. */
  location: Schema.optional(Schema.String),
  earlierAnswerLost,
  /** Of a list's page after the first, at the cursor Panther gave: the address answered the first page. */
  atCursor: Schema.optional(Schema.Boolean),
  /** Of a list's first page asked for with no filter (a run's, an export's, the roles'): see `atFirstPage`. */
  unfiltered: Schema.optional(Schema.Boolean),
  /**
   * Of a list a command makes by what its user gave, not by filters: by the id `users delete --if-exists` was given,
   * after a 404, to confirm the user is gone; by the email `users create --if-absent` was given, to find it.
   */
  lookup: Schema.optional(Schema.Literal("confirmGone", "ifAbsent"))
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return this.refusal() + (this.earlierAnswerLost === true ? EARLIER_ANSWER_LOST : "")
  }

  private refusal(): string {
    if (this.status >= 300 && this.status < 400) {
      return (
        `Panther's address answered ${this.method} ${shownPath(this.path)} with a redirect (${this.status}` +
        `${this.location === undefined ? "" : ` to ${this.location}`}), which is not ` +
        "followed: the API answers without redirects, and following one could carry the token to another host. " +
        this.checkAddress("Check that --api-url / PANTHER_API_URL is the API itself, https://api.<instance-domain>.")
      )
    }
    return (
      `Panther rejected ${this.method} ${shownPath(this.path)} (${this.status}).${pantherSaid(this.detail)} ` +
      this.hint()
    )
  }

  /** What to do: for a 400 about the request, for the statuses a proxy in between gives about itself. */
  private hint(): string {
    switch (this.status) {
      case 407:
        // A 407 from the proxy the request went to is the proxy's failure (`Responses.ts`); this one came from further on.
        return "A proxy between here and Panther wants a login (407): let this host through it, or go around it."
      case 413:
        // A create or update sends the user's fields, one of which is what to shorten; no other request has a body.
        if (this.method === "POST") {
          return (
            "The request's body was too large (413): a value given (a name, the email or the role) is too long; " +
            "shorten it."
          )
        }
        return this.defaultHint()
      case 414:
        return namesOne(this.path)
          ? `The address was too long for a server in between (414): ${ID_TOO_LONG}`
          : "The address was too long for a server in between (414): a very long cursor or filter can cause it."
      case 431:
        return namesOne(this.path)
          ? `The request's address or headers were too large for a server in between (431): ${ID_TOO_LONG}`
          : "The request's address or headers were too large for a server in between (431): a very long cursor (as " +
              "Panther sends it) or filter can cause it."
      default:
        return this.defaultHint()
    }
  }

  private defaultHint(): string {
    // 400, 409 and 422 are about what was asked; other statuses (a 405 with an HTML page) suggest the address is
    // not the API at all.
    // A lookup or a list changes nothing: a 409 or 422 to one (which Panther does not document) is about the id or
    // filters asked, like a 400, not about a change to make again.
    if ((this.status === 400 || this.status === 409 || this.status === 422) && this.method === "GET") {
      if (namesOne(this.path)) return "Check the id (`panther-audit users list` shows them)."
      // Its only filter is the id or email the command was given: "check the filters" named none its user had given.
      if (this.lookup === "confirmGone") {
        return (
          "The user was not found (404), and the list by its id, which confirms it is gone, was refused: nothing " +
          "was deleted. Check the id (`panther-audit users list` shows them) and that --api-url / PANTHER_API_URL " +
          "is the API, https://api.<instance-domain>."
        )
      }
      if (this.lookup === "ifAbsent") {
        return (
          "The list by the email given, which --if-absent looks the user up in, was refused: nothing was created. " +
          "Check the email and that --api-url / PANTHER_API_URL is the API, https://api.<instance-domain>."
        )
      }
      // The list is the one with filters and cursors. At a later page the same filters had been taken with the first
      // one, so the cursor is what was refused: "check the filters" sent a nightly run, which gives none, looking.
      if (this.atCursor === true) {
        return (
          "It took the same filters with the first page, so what it refused is the cursor it had given: it may " +
          "have expired, or Panther restarted, while the list was read. Run again; if it recurs, a proxy in " +
          "between may be altering the cursor in the query."
        )
      }
      // A run, an export or a list without flags gives no filter: "check the filters" sent its reader looking for
      // none. An export always asks for deactivated users too, which is no filter either.
      if (this.unfiltered !== true) return "Check the filters given."
      // The roles are asked for with nothing at all in the query (PantherClient.ts): "only the page size" was untrue.
      const sent = this.path === "/users" ? ", only the page size and whether deactivated users are included" : ""
      return (
        `The list was asked for with no filter${sent}, so nothing given can be changed: check that ` +
        "--api-url / PANTHER_API_URL is the API, https://api.<instance-domain>; if it is, run again, and if it " +
        "recurs, a proxy in between may be altering the query."
      )
    }
    if ((this.status === 400 || this.status === 409 || this.status === 422) && this.detail !== undefined) {
      return this.method === "DELETE" ? DELETE_REFUSED : "Change what Panther named and try again."
    }
    return this.checkAddress("Check that --api-url / PANTHER_API_URL is the API, https://api.<instance-domain>.")
  }

  /** `advice`, to check the address; at a page after the first, which the same address answered, what holds. */
  private checkAddress(advice: string): string {
    return this.atCursor === true ? LATER_PAGE_NOT_API : advice
  }
}

/** 429 until the retry budget ran out. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  ...RequestFields,
  attempts: Schema.Number,
  /**
   * Panther's reason, quoted: "wait a few minutes" is no advice for a quota that resets at midnight, and the
   * reason was otherwise only in the warnings of the retries, not in the error a failed run is known by.
   */
  detail: Schema.optional(Schema.String),
  budgetStop,
  earlierAnswerLost
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return (
      // "Kept" only of a request tried more than once: one whose Retry-After ran past the budget was tried once.
      `Panther ${this.attempts === 1 ? "rate limited" : "kept rate limiting"} ${this.method} ` +
      `${shownPath(this.path)} (429)${afterAttempts(this.attempts)}.${pantherSaid(this.detail)}` +
      `${budgetSpent(this.budgetStop, this.attempts)} Wait a few minutes and run again, or allow more with --max-retries and --retry-budget-seconds.` +
      (this.earlierAnswerLost === true ? EARLIER_ANSWER_LOST : "")
    )
  }
}

const RETRIED_SERVER_STATUSES: ReadonlySet<number> = new Set([408, 500, 502, 503, 504])

/**
 * 5xx: after retries for 500, 502, 503 and 504; at once for the others, which retrying does not fix. Also a 408
 * (a server or proxy in between gave up waiting) once its retries are spent.
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...RequestFields,
  status: Schema.Number,
  attempts: Schema.Number,
  detail: Schema.optional(Schema.String),
  notRepeated,
  budgetStop,
  earlierAnswerLost
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return (
      `Panther failed to answer ${this.method} ${shownPath(this.path)} (${this.status})` +
      `${afterAttempts(this.attempts)}.` +
      `${pantherSaid(this.detail)}${budgetSpent(this.budgetStop, this.attempts)} This is on Panther's side (or a proxy in between): try again later` +
      // Only 408, 500, 502, 503 and 504 are retried: more retries do nothing for a 501 or 505.
      (RETRIED_SERVER_STATUSES.has(this.status) && this.notRepeated !== true
        ? ", or allow more retries with --max-retries and --retry-budget-seconds."
        : ".") +
      (this.notRepeated === true ? NOT_REPEATED : "") +
      (this.earlierAnswerLost === true ? EARLIER_ANSWER_LOST : "")
    )
  }
}

/**
 * No usable answer at all: connection refused or reset, DNS, TLS, or no answer within the timeout; through a proxy,
 * also the proxy unreachable or refusing the tunnel (the reason then names it and what to check).
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  ...RequestFields,
  reason: Schema.String,
  attempts: Schema.Number,
  notRepeated,
  budgetStop,
  earlierAnswerLost,
  proxy: proxyInPath,
  /** The proxy itself failed (unreachable, or it refused the tunnel): the reason says so, and what to check. */
  proxyFailed: Schema.optional(Schema.Boolean),
  /** What to do, when the usual advice (the URL, the network path, the timeout) does not fit: a certificate. */
  advice: Schema.optional(Schema.String),
  /**
   * An answer came, but none the API gives (not HTTP, or larger than any): its advice is to check --api-url, which
   * an earlier answer from the same address (a list's first page, the users before the roles) shows right.
   */
  notApiAnswer: Schema.optional(Schema.Boolean),
  /** The request before, which got no answer at any try (`GET /roles`): why this one was not tried again. */
  afterUnanswered: Schema.optional(Schema.String)
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    const check =
      this.proxyFailed === true
        ? ""
        : this.advice !== undefined
          ? ` ${this.advice}`
          : this.proxy === undefined
            ? " Check --api-url and the network path to it (proxy, firewall); --timeout-seconds raises the per-request timeout."
            : ` It went through ${proxyName(this.proxy)}: check --api-url, that proxy and the network beyond it (or ` +
              "list the API host in NO_PROXY if Panther can be reached without the proxy); --timeout-seconds raises " +
              "the per-request timeout."
    return (
      `Could not get an answer from Panther for ${this.method} ${shownPath(this.path)}` +
      `${afterAttempts(this.attempts)}: ` +
      `${this.reason}.${budgetSpent(this.budgetStop, this.attempts)}${check}` +
      (this.notRepeated === true ? NOT_REPEATED : "") +
      (this.earlierAnswerLost === true ? EARLIER_ANSWER_LOST : "") +
      (this.afterUnanswered === undefined
        ? ""
        : ` It was not tried again: ${shownPath(this.afterUnanswered)} just before it got no answer at any of its ` +
          "tries, and nothing has answered since.")
    )
  }
}

/** An answer that is not JSON, or not the shape the API describes: `reason` names the field. */
export class InvalidResponse extends Schema.TaggedError<InvalidResponse>()("InvalidResponse", {
  ...RequestFields,
  reason: Schema.String,
  /** What to do, where the usual advice (check --api-url) does not fit. */
  advice: Schema.optional(Schema.String),
  earlierAnswerLost
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return (
      `Panther's answer to ${this.method} ${shownPath(this.path)} is not what the Users API describes: ` +
      `${this.reason}. ` +
      (this.advice ??
        "Check that --api-url is the API (https://api.<instance-domain>), not the web console or a proxy page.") +
      (this.earlierAnswerLost === true ? EARLIER_ANSWER_LOST : "")
    )
  }
}

/**
 * The pagination would never end: a cursor came back a second time, page after page brought nothing new, or
 * records kept repeating ones already sent.
 * Stopping is the only safe choice; a partial list must never pass for a complete one.
 */
export class PaginationLoop extends Schema.TaggedError<PaginationLoop>()("PaginationLoop", {
  ...RequestFields,
  reason: Schema.String,
  pagesFetched: Schema.Number
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return (
      `Panther's pagination of ${this.method} ${shownPath(this.path)} did not end: ${this.reason} after ` +
      `${this.pagesFetched} pages, so the list was stopped rather than repeated forever. ` +
      "Run again; if it keeps happening, report it to Panther support."
    )
  }
}

/**
 * The whole list of users came back empty. Every Panther instance has at least one user (an Admin must exist), so
 * an empty list means the address or the token reaches something other than the instance meant. An audit must not
 * pass it off as clean, nor call every finding of the previous report resolved.
 */
export class NoUsersListed extends Schema.TaggedError<NoUsersListed>()("NoUsersListed", {
  ...RequestFields,
  /** The instance, host and path prefix, as the summaries name it (never credentials). */
  host: Schema.String,
  pagesFetched: Schema.Number,
  /** What was not done for it: the audit writes no report; `users list` has printed nothing. */
  consequence: Schema.Literal("no-report", "nothing-printed")
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return (
      `Panther at ${this.host} listed no users at all (${this.method} ${shownPath(this.path)}, ` +
      `${counted(this.pagesFetched, "page")}), yet every Panther instance has at least one user, an Admin. ` +
      "Check that --api-url / PANTHER_API_URL is the API of the instance meant (https://api.<instance-domain>), " +
      "and that the API token was created in that same instance. " +
      (this.consequence === "no-report"
        ? "No report was written, so no finding of an earlier report was marked resolved."
        : "The empty list is not taken for a complete one.")
    )
  }
}

export type PantherApiError =
  | Unauthorized
  | Forbidden
  | NotFound
  | BadRequest
  | RateLimited
  | ServerError
  | TransportError
  | InvalidResponse
  | PaginationLoop
  | NoUsersListed

export const PantherApiError = Schema.Union(
  Unauthorized,
  Forbidden,
  NotFound,
  BadRequest,
  RateLimited,
  ServerError,
  TransportError,
  InvalidResponse,
  PaginationLoop,
  NoUsersListed
)
