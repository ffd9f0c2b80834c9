/**
 * What a run adds to each finding beyond the rules: a stable id, whether it is new since the last run (or its
 * severity changed), whether a suppression covers it, and the controls it is evidence for.
 */
import { createHash } from "node:crypto"
import type { Finding, FindingCode, FindingSubject } from "./Finding.js"
import { type Severity, severityRank } from "./Severity.js"

/**
 * Against the previous report: a finding it did not have, one it had at the same severity, or one whose severity
 * rose (`escalated`: a stale login whose user became privileged, an invitation left past --pending-days) or fell.
 */
export const FINDING_CHANGES = ["unchanged", "new", "escalated", "de-escalated"] as const
export type FindingChange = (typeof FINDING_CHANGES)[number]

/** The change of a finding the previous report had at `before`, now at another severity. */
export const severityChange = (before: Severity, now: Severity): FindingChange =>
  severityRank(now) > severityRank(before) ? "escalated" : "de-escalated"

export interface FindingAnnotations {
  /**
   * `<code>:<user id>` (`<code>:id:<user id>` for one beginning `email:`, `record:` or `id:`), or
   * `<code>:email:<email>` when the id is unknown, `<code>:record:<digest>` when the email is too (see `findingId`),
   * or `<code>` for run-level findings.
   */
  readonly id: string
  /** When this finding was first reported, ISO 8601 UTC, carried forward from earlier reports. */
  readonly firstSeen: string
  readonly change: FindingChange
  readonly suppressed: boolean
  readonly suppressionReason: string | null
  readonly controls: ReadonlyArray<string>
}

export type AnnotatedFinding = Finding & FindingAnnotations

/** What of a finding's user its id is made of. */
export type FindingIdentity = Pick<FindingSubject, "userId" | "email" | "givenName" | "familyName" | "createdAt">

/** Findings about the run as a whole, of no user: their id is their code alone. */
const RUN_LEVEL: ReadonlySet<FindingCode> = new Set(["LOGIN_DATA_MISSING"])

export const isRunLevel = (code: FindingCode): boolean => RUN_LEVEL.has(code)

/** Whether the record holds neither an id nor an email (one that failed validation, or is not an object at all). */
const isUnidentified = (code: FindingCode, user: FindingIdentity): boolean =>
  (user.userId === null || user.userId === "") && (user.email === null || user.email === "") && !RUN_LEVEL.has(code)

/**
 * How the ids of users without one begin (and `id:`, which marks an id that begins so): a user id `email:a@b.example`
 * from a broken or hostile API would otherwise share its finding ids with those of the user without one at that
 * address, and the comparison with the last report, which goes by id, could not tell them apart. Panther's own ids
 * (UUIDs) never begin so, and every other id is kept as it was, so reports already written still match.
 */
const TAKEN_PREFIX = /^(?:email|record|id):/u

/** Asked of every finding's id: a UUID, which holds no colon, is passed without the regular expression's cost. */
const takesPrefix = (userId: string): boolean => userId.includes(":") && TAKEN_PREFIX.test(userId)

/**
 * Stable across runs: the same user with the same problem gets the same id, whatever the detail says. By the user's
 * id, else its email in any case (Panther compares addresses without case), else, for a record with neither, by
 * what else names the account and does not change as it is used: its names and when it was created (`record:` and
 * a digest of them; see `makeFindingIds` for records alike in those too). Such a record's findings are still told
 * from another's and matched with the previous report's while the record stays the same; taking them for new every
 * run instead would also call the previous ones resolved every run, and send `--email on-change` every night.
 */
export const findingId = (code: FindingCode, user: FindingIdentity): string =>
  user.userId !== null && user.userId !== ""
    ? `${code}:${takesPrefix(user.userId) ? "id:" : ""}${user.userId}`
    : user.email !== null && user.email !== ""
      ? `${code}:email:${user.email.toLowerCase()}`
      : RUN_LEVEL.has(code)
        ? code
        : `${code}:record:${recordDigest(user)}`

const recordDigest = (user: FindingIdentity): string =>
  createHash("sha256")
    .update(JSON.stringify([user.givenName, user.familyName, user.createdAt]))
    .digest("hex")
    .slice(0, 16)

/**
 * Ids for one run's findings: `findingId`, made distinct for records with neither id nor email that are alike in
 * all the id is made of (two records that are not objects, say): the second such finding of a code gets `:2`, the
 * third `:3`, in the order the API sent them, which keeps them apart in the report and, the list unchanged, from
 * run to run.
 */
export const makeFindingIds = (): ((code: FindingCode, user: FindingIdentity) => string) => {
  const alike = new Map<string, number>()
  return (code, user) => {
    const id = findingId(code, user)
    if (!isUnidentified(code, user)) return id
    const count = (alike.get(id) ?? 0) + 1
    alike.set(id, count)
    return count === 1 ? id : `${id}:${count}`
  }
}
