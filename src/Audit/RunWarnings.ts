/**
 * The run's warnings about its own settings and what it could not judge: they go into the summary, the JSON report
 * and the email. Names and ids from the server, and the users a suppressions file names, pass through `printable`:
 * the summary is printed on a terminal.
 */

import * as Option from "effect/Option"
import { counted } from "../Cli/Counted.js"
import { cutShort } from "../Cli/CutShort.js"
import { InvalidResponse, type PantherApiError, pantherSaid, TransportError } from "../PantherApi/ClientErrors.js"
import { consoleName } from "../PantherApi/Permissions.js"
import { printable } from "../PantherApi/Responses.js"
import type { RoleRecord } from "../PantherApi/RoleRecord.js"
import type { RoleWithPermissions } from "../PantherApi/Schemas.js"
import { OTHER_SUCCESS_ADVICE } from "../PantherApi/SuccessStatus.js"
import { isStampedAhead } from "../Reports/ReportName.js"
import { type AuditParameters, DEFAULT_PRIVILEGED_PERMISSIONS, DEFAULT_PRIVILEGED_ROLES } from "./AuditParameters.js"
import { type AuditRun, loginsUnknown } from "./AuditRun.js"
import { type PrivilegePolicy, unheldUnknownPermissions } from "./Privilege.js"
import { quotedName } from "./QuotedName.js"
import type { SuppressionOutcome } from "./Suppressions.js"

const MINUTE_MS = 60_000

/**
 * `45 minutes`, `5 hours 30 minutes`, `40 days 12 hours`: how far ahead, as a person would say it. Whole hours
 * alone said an --as-of 45 minutes ahead was "0 hours" ahead, judging logins "0 hours older" than they are, as if
 * nothing were off.
 */
const howFarAhead = (ms: number): string => {
  // To the nearest minute: the run starts a moment after the --as-of typed, so whole minutes down said 44 of 45.
  const minutes = Math.round(ms / MINUTE_MS)
  if (minutes < 60) return counted(minutes, "minute")
  if (minutes >= 48 * 60) {
    // Days with their hours: whole days alone said an --as-of 2 days 23 hours ahead was "2 days" ahead.
    const hours = Math.round(minutes / 60)
    const rest = hours % 24
    return `${counted(Math.floor(hours / 24), "day")}${rest === 0 ? "" : ` ${counted(rest, "hour")}`}`
  }
  const rest = minutes % 60
  return `${counted(Math.floor(minutes / 60), "hour")}${rest === 0 ? "" : ` ${counted(rest, "minute")}`}`
}

/**
 * An `--as-of` after the run's start (beyond the clock skew allowed): a typed year (2062 for 2026) or a planning
 * question. Either way every login is judged older than it is, and the report flags accounts that are not stale yet.
 */
export const asOfAheadWarning = (asOf: number, startedAt: number): string | undefined => {
  if (!isStampedAhead(asOf, startedAt)) return undefined
  const ahead = howFarAhead(asOf - startedAt)
  return (
    `--as-of ${new Date(asOf).toISOString()} is ${ahead} after this run started ` +
    `(${new Date(startedAt).toISOString()}): every login is judged as if it were then, ${ahead} older than it is, ` +
    "so accounts not stale yet are flagged. If that was not meant, run again without --as-of or with the instant meant."
  )
}

/**
 * A privilege list set to nothing: blank or only commas, as `--privileged-roles "$ROLES"` with ROLES unset gives.
 * Taken as given (judging by permissions alone may be meant), but said: no user is then judged privileged by that
 * list, and with both empty, or GET /roles unreadable, by nothing at all.
 */
export const emptyPrivilegeListWarnings = (
  parameters: Pick<AuditParameters, "privilegedRoles" | "privilegedRolesGiven" | "privilegedPermissions">
): Array<string> => [
  ...(parameters.privilegedRolesGiven && parameters.privilegedRoles.length === 0
    ? [
        "--privileged-roles / AUDIT_PRIVILEGED_ROLES is set but names no role: no user was judged privileged by " +
          `role name or id. Leave it out for the default, ${DEFAULT_PRIVILEGED_ROLES.join(",")}.`
      ]
    : []),
  ...(parameters.privilegedPermissions.length === 0
    ? [
        "--privileged-permissions / AUDIT_PRIVILEGED_PERMISSIONS is set but names no permission: no role was judged " +
          `privileged by what it may do. Leave it out for the default, ${DEFAULT_PRIVILEGED_PERMISSIONS.join(",")}.`
      ]
    : [])
]

/** How many of the roles whose entries could not be read a warning names, with why, and at most how much of why. */
const UNREADABLE_ROLES_NAMED = 5
const REASON_CHARS = 200

/** The roles listed whose entries could not be read: their users are judged by their names and ids only. */
export const unreadableRolesWarning = (records: ReadonlyArray<RoleRecord>): string | undefined => {
  const unreadable = records.flatMap((record) => (record._tag === "UnreadableRole" ? [record] : []))
  if (unreadable.length === 0) return undefined
  const named = unreadable.slice(0, UNREADABLE_ROLES_NAMED).map((record) => {
    const label = Option.match(record.name, {
      onNone: () => Option.match(record.id, { onNone: () => "a role with neither id nor name", onSome: quotedName }),
      onSome: (name) =>
        Option.match(record.id, {
          onNone: () => quotedName(name),
          onSome: (id) => `${quotedName(name)} (${quotedName(id)})`
        })
    })
    return `${label}: ${printable(cutShort(record.reason, REASON_CHARS))}`
  })
  const more =
    unreadable.length > UNREADABLE_ROLES_NAMED ? `; and ${unreadable.length - UNREADABLE_ROLES_NAMED} more` : ""
  const nameless = unreadable.filter((record) => Option.isNone(record.id) && Option.isNone(record.name)).length
  return (
    `GET /roles sent ${counted(unreadable.length, "role")} whose entry could not be read (${named.join("; ")}${more}): ` +
    judgedBy(unreadable.length - nameless, nameless) +
    "; every other role by its permissions."
  )
}

/**
 * How users of the unreadable roles were judged. An entry with neither id nor name matches no user's role, so "by
 * its name and id" would be false of it: those users' roles count as unlisted, which the run names on its own.
 */
const judgedBy = (named: number, nameless: number): string => {
  const unmatched = `cannot be matched to a user's role, so such users' roles count as roles GET /roles did not list`
  const byNameAndId = (holding: string): string =>
    `users holding ${holding} were judged privileged or not by ${named === 1 ? "its" : "their"} name and id only, ` +
    "not by permissions"
  if (nameless === 0) return byNameAndId(named === 1 ? "it" : "them")
  if (named === 0) return `with neither id nor name ${nameless === 1 ? "it" : "they"} ${unmatched}`
  return (
    `${byNameAndId(named === 1 ? "the one with an id or name" : "those with an id or name")}; ` +
    `${nameless === 1 ? "the one" : "those"} with neither ${unmatched}`
  )
}

/** What to do about roles answered with something not the API's, where the users were. */
const ROLES_NOT_API =
  "The same address answered GET /users as the API describes, so --api-url is right: this answer came from " +
  "something answering in Panther's place (a load balancer or proxy in between), or Panther failed while sending " +
  "it. Run again; if it keeps happening, report it to Panther support."

/** What failed at GET /roles, and what the users having been read, with the same token from the same address, shows. */
interface RolesFailure {
  readonly failed: string
  readonly advice: string
}

/**
 * A failure at GET /roles split where a refusal's usual advice (add Read User Info, check --api-url, the network
 * path to it) would start, for the failures whose advice the users, read next with the same token from the same
 * address, would disprove. `undefined` for the others (a later page's, a cursor's, a proxy's, a retry budget's),
 * whose own message says what holds.
 */
const rolesFailure = (error: PantherApiError): RolesFailure | undefined => {
  switch (error._tag) {
    case "Forbidden":
      return {
        failed: `Panther refused GET /roles to the API token (403).${pantherSaid(error.detail)}`,
        advice:
          "The same token read the users, which takes the same permission, " +
          `"${consoleName(error.permission)}" (${error.permission}), so it has it: Panther, or a proxy in between, ` +
          "refused the roles for some other reason. Report it to Panther support, with what Panther said."
      }
    case "NotFound":
      if (error.atCursor === true) return undefined
      return {
        failed: `Panther found nothing at GET /roles (404).${pantherSaid(error.detail)}`,
        advice:
          "The same address answered GET /users, so --api-url is right: this Panther does not serve GET /roles, or " +
          "a proxy in between does not pass it on. Ask Panther support whether your instance serves it."
      }
    case "InvalidResponse":
      // Advice of its own says more (a later page's, a cursor's), but not a 206's or 204's "check --api-url".
      if (error.advice !== undefined && error.advice !== OTHER_SUCCESS_ADVICE) return undefined
      return { failed: new InvalidResponse({ ...error, advice: "" }).message.trimEnd(), advice: ROLES_NOT_API }
    case "BadRequest":
      if (error.atCursor === true) return undefined
      return {
        failed:
          error.status >= 300 && error.status < 400
            ? `Panther's address answered GET /roles with a redirect (${error.status}` +
              `${error.location === undefined ? "" : ` to ${error.location}`}), which is not followed.`
            : `Panther rejected GET /roles (${error.status}).${pantherSaid(error.detail)}`,
        advice:
          "The same address answered GET /users, so --api-url is right: Panther, or a proxy in between, refused the " +
          "roles as this tool asks for them (GET /roles, with nothing in the query). Report it to Panther support, " +
          "with what Panther said."
      }
    case "TransportError": {
      // An answer the API never gives (not HTTP) came from something in between, as a page not the API's did.
      // A proxy's own failure, or advice of its own (a certificate), says more than the users having been read.
      if (error.notApiAnswer !== true && (error.proxyFailed === true || error.advice !== undefined)) return undefined
      return {
        failed: new TransportError({ ...error, advice: "" }).message.trimEnd(),
        advice:
          error.notApiAnswer === true
            ? ROLES_NOT_API
            : "The same address answered GET /users, so --api-url is right: the connection failed while the roles " +
              "were read (the network between, or Panther itself). Run again; if it keeps happening, check the " +
              "network path (proxy, firewall), and --timeout-seconds raises the per-request timeout."
      }
    }
    default:
      return undefined
  }
}

/**
 * Why the roles could not be read, as the run's warning says it. A run's warnings reach its reports only when the
 * users were read, with the same token from the same address: a refusal's usual advice (add Read User Info, check
 * --api-url, the network path to it) is then known not to help, and sent the reader to mend what was right. Said
 * here instead what the users having been read shows.
 */
export const rolesUnreadWarning = (error: PantherApiError): string => {
  const prefix = `Roles could not be read (${error._tag}), so privilege was decided by role names and ids only, not by permissions: `
  const failure = rolesFailure(error)
  return prefix + (failure === undefined ? error.message : `${failure.failed} ${failure.advice}`)
}

/**
 * Why the roles could not be read, as the run logs it when they fail, before the users are read: what failed, and
 * not the advice the users then disprove. Logged with the usual advice, a run whose users were read with that same
 * token told the log's reader to add Read User Info, or check --api-url, while its report said both were right.
 * The run's warnings say what to do, once the users are read; if they are not, the run's failure says it.
 */
export const rolesUnreadLogReason = (error: PantherApiError): string => rolesFailure(error)?.failed ?? error.message

/** Configured permissions that look mistyped: no role holds them and this tool does not know them. */
export const permissionWarnings = (
  privilegedPermissions: ReadonlyArray<string>,
  roles: ReadonlyArray<RoleWithPermissions> | undefined
): Array<string> =>
  unheldUnknownPermissions(privilegedPermissions, roles).map(
    ({ name, meant }) =>
      `--privileged-permissions / AUDIT_PRIVILEGED_PERMISSIONS names ${name}, which no role in GET /roles holds ` +
      "and this tool does not know" +
      (meant === undefined ? "" : ` (did you mean ${meant}?)`) +
      ": if it is mistyped, no role was judged privileged by it. Check its spelling against the permissions " +
      "of roles in Panther's console."
  )

/** How many roles a privilege warning names; the rest are counted. */
const ROLES_NAMED = 5

/**
 * The first roles quoted, and how many more: a list cut off without a word reads as complete. The sentences around
 * it say "a role" of one, as "roles ... (Ops)" read as if the list had lost the others.
 */
const firstRolesNamed = (roles: ReadonlyArray<string>): string =>
  roles.slice(0, ROLES_NAMED).map(quotedName).join(", ") +
  (roles.length > ROLES_NAMED ? ` and ${roles.length - ROLES_NAMED} more` : "")

/**
 * Users whose privilege was judged on less than the roles' permissions, or not at all; and the entries of a
 * --privileged-roles the user set (`privilegedRolesGiven`) that name no role. The default list (Admin) is not
 * theirs to correct: an instance without a role of that name still has its admin roles judged by permission.
 */
export const privilegeWarnings = (
  privilegePolicy: PrivilegePolicy,
  enabledWithoutRole: number,
  privilegedRolesGiven: boolean
): Array<string> => {
  const warnings: Array<string> = []
  const ambiguousRoles = privilegePolicy.ambiguousRoles()
  if (ambiguousRoles.length > 0) {
    warnings.push(
      `Users hold ${ambiguousRoles.length === 1 ? "a role name that fits" : "role names that fit"} more than one ` +
        `role in GET /roles (${firstRolesNamed(ambiguousRoles)}): ` +
        "each such user is privileged if any of those roles is."
    )
  }
  for (const role of privilegedRolesGiven ? privilegePolicy.unknownListedRoles() : []) {
    warnings.push(
      `--privileged-roles / AUDIT_PRIVILEGED_ROLES names ${printable(role)}, which is the name or id of no role in ` +
        "GET /roles nor of any user's role: if the role was renamed or the name is mistyped, no user was judged " +
        "privileged by it. Check the roles in Panther's console."
    )
  }
  const unlistedRoles = privilegePolicy.unlistedRoles()
  if (unlistedRoles.length > 0) {
    warnings.push(
      `Users hold ${unlistedRoles.length === 1 ? "a role" : "roles"} GET /roles did not list ` +
        `(${firstRolesNamed(unlistedRoles)}): their privilege was judged by role name and id only.`
    )
  }
  if (enabledWithoutRole > 0) {
    warnings.push(
      `${enabledWithoutRole} enabled user${enabledWithoutRole === 1 ? " has" : "s have"} no role (neither id nor ` +
        "name): whether they are privileged could not be judged; check them in Panther."
    )
  }
  return warnings
}

/**
 * How many expired or unused entries the summary, the warnings and the email name one by one. A file of hundreds
 * (a team's departures, a renewal left in place) would otherwise bury every other line of them, on every run; the
 * JSON report's `suppressions.expired` and `suppressions.unused` list them all.
 */
export const NAMED_SUPPRESSION_ENTRIES = 20

/** The first entries to name, and a line counting the rest (none when all are named). */
export const namedEntries = <A>(
  entries: ReadonlyArray<A>,
  kind: "expired" | "unused"
): { readonly named: ReadonlyArray<A>; readonly rest: ReadonlyArray<string> } => {
  const more = entries.length - NAMED_SUPPRESSION_ENTRIES
  return {
    named: entries.slice(0, NAMED_SUPPRESSION_ENTRIES),
    rest:
      more > 0
        ? [
            `…and ${counted(more, `more ${kind} entry`, `more ${kind} entries`)}: the JSON report's suppressions.${kind} lists all.`
          ]
        : []
  }
}

/** What a warning names of an entry, as the file held it or as the JSON report records it. */
interface EntryNamed {
  readonly entry: number
  readonly user: string
  readonly finding: string
  readonly expires: string
}

/**
 * Codes no run raises without login times, and `*`. With none sent (LOGIN_DATA_MISSING) an entry for one of them that
 * matched nothing says nothing of whether it is still needed: removed as unused, its findings would come back the
 * night the times return.
 */
const JUDGED_BY_LOGIN: ReadonlySet<string> = new Set(["STALE_LOGIN", "NEVER_LOGGED_IN", "*"])

export const NOT_JUDGED_WITHOUT_LOGINS =
  "Panther sent no login times (LOGIN_DATA_MISSING): keep it until a run with them says whether it is used"

/** Whether an unused entry matched nothing only for want of login times. */
export const unusedForWantOfLogins = (entry: { readonly finding: string }, loginsUnknown: boolean): boolean =>
  loginsUnknown && JUDGED_BY_LOGIN.has(entry.finding)

/**
 * How the summary and the warnings name an entry: `entry 4 (kim@acme.example, STALE_LOGIN)`, with `more` inside the
 * parentheses. The user passes through `printable`: it is what the file says, and the summary goes to a terminal.
 */
export const entryShown = (
  entry: Pick<EntryNamed, "entry" | "user" | "finding">,
  ...more: ReadonlyArray<string>
): string => `entry ${entry.entry} (${[printable(entry.user), entry.finding, ...more].join(", ")})`

/** What the summary and the warnings say of an unused entry. */
export const unusedEntryOutcome = (entry: { readonly finding: string }, loginsUnknown: boolean): string =>
  unusedForWantOfLogins(entry, loginsUnknown)
    ? `matched no finding, but ${NOT_JUDGED_WITHOUT_LOGINS}`
    : "matched no finding"

/** The warnings naming expired and unused entries. */
export const expiredAndUnusedWarnings = (
  expiredEntries: ReadonlyArray<EntryNamed>,
  unusedEntries: ReadonlyArray<EntryNamed>,
  loginsUnknown: boolean
): Array<string> => {
  const expired = namedEntries(expiredEntries, "expired")
  const unused = namedEntries(unusedEntries, "unused")
  return [
    ...expired.named.map(
      (entry) => `Suppression ${entryShown(entry)} expired on ${entry.expires} and no longer applies.`
    ),
    ...expired.rest,
    ...unused.named.map((entry) => `Suppression ${entryShown(entry)} ${unusedEntryOutcome(entry, loginsUnknown)}.`),
    ...unused.rest
  ]
}

/**
 * The run's warnings but those naming expired and unused entries, for a summary that lists those entries under its
 * suppressions (the printed one, the email's), so as not to say each twice. The JSON report keeps them all.
 */
export const warningsBesideSuppressions = (
  run: Pick<AuditRun, "warnings" | "suppressions" | "findings"> & {
    readonly parameters: Pick<AuditRun["parameters"], "suppressionsFile">
  }
): ReadonlyArray<string> => {
  if (run.parameters.suppressionsFile === null) return run.warnings
  const listed = new Set(
    expiredAndUnusedWarnings(run.suppressions.expired, run.suppressions.unused, loginsUnknown(run))
  )
  return run.warnings.filter((warning) => !listed.has(warning))
}

/** Entries of the suppressions file that did not do what they say: expired, unused, shadowed or too wide. */
export const suppressionWarnings = (suppressions: SuppressionOutcome, loginsUnknown: boolean): Array<string> => [
  ...expiredAndUnusedWarnings(suppressions.expired, suppressions.unused, loginsUnknown),
  ...suppressions.shadowed.map(
    ({ entry, by }) =>
      `Suppression ${entryShown(entry)} is never used while ${entryShown(by, `expires ${by.expires}`)} applies, ` +
      "which comes first: remove one of them."
  ),
  ...suppressions.spread.map(({ entry, accounts }) => {
    const shown = accounts.slice(0, 3).map(quotedName).join(", ")
    const more = accounts.length > 3 ? ` and ${accounts.length - 3} more` : ""
    return (
      `Suppression ${entryShown(entry)} suppressed findings of ${accounts.length} ` +
      `accounts (${shown}${more}): if only one is meant, name it by its user id.`
    )
  })
]
