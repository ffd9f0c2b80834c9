/**
 * The audit's work on each page of users as it arrives: every record taken once by id, judged, counted, and its
 * findings handed to the ledger in one step. What the run says at the end (the totals, the repeats, whether any
 * enabled user has a login) is tallied here as the pages pass, so no user is held after its page.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { PaginationLoop } from "../PantherApi/ClientErrors.js"
import { repeatsOutnumberUsers } from "../PantherApi/Pagination.js"
import { type PantherClient, repeatsLoop } from "../PantherApi/PantherClient.js"
import { makeRepeatedIds, type RepeatedIds } from "../PantherApi/RepeatedIds.js"
import type { User } from "../PantherApi/Schemas.js"
import type { UserRecord } from "../PantherApi/UserRecord.js"
import type { ReportError } from "../Reports/ReportError.js"
import type { AuditParameters } from "./AuditParameters.js"
import type { Finding } from "./Finding.js"
import { type AnnotatedFinding, findingId } from "./FindingAnnotations.js"
import type { FindingLedger } from "./FindingLedger.js"
import { makeHeapGrowthHold } from "./HeapGrowth.js"
import { type Judgement, judgeUser } from "./JudgeUser.js"
import type { PrivilegePolicy } from "./Privilege.js"
import { invalidRecordFinding } from "./Rules/InvalidRecord.js"
import { makeSeenIds } from "./SeenIds.js"
import type { FailedValidation } from "./UserFacts.js"

export interface AuditProgress {
  readonly pages: number
  readonly users: number
}

/** Sees each user once with its findings as the reports have them (RunAuditOptions.onUser). */
export type OnUser = (
  record: UserRecord,
  judgement: Judgement | undefined,
  findings: ReadonlyArray<AnnotatedFinding>
) => Effect.Effect<void, ReportError>

/** What the pages held, once all are judged. */
export interface PagesTally {
  readonly totals: {
    readonly seen: number
    readonly enabled: number
    readonly deactivated: number
    readonly privileged: number
    readonly invalid: number
  }
  /** Enabled users with a login recorded: none means the API sent no login data (LOGIN_DATA_MISSING). */
  readonly enabledWithLogin: number
  /**
   * Ids of the previous report's STALE_LOGIN findings of enabled users sent without a login, while no enabled user
   * had one: if none does, these were not judged, and are not resolved either.
   */
  readonly loginless: ReadonlySet<string>
  readonly enabledWithoutRole: number
  /** Records left out as repeating an id already taken, and which ids (RepeatedIds.ts). */
  readonly duplicates: number
  readonly repeatedIds: RepeatedIds
}

const PROGRESS_EVERY = 1000

const reportProgress = (client: PantherClient, users: number, onProgress: (progress: AuditProgress) => void) =>
  Effect.map(client.stats, (stats) => onProgress({ pages: stats.pagesFetched, users }))

/** A record that failed validation, as its readable part is judged (see `InvalidUser.readable`). */
const failedValidation = (record: {
  readonly userId: Option.Option<string>
  readonly email: Option.Option<string>
  readonly reason: string
}): FailedValidation => ({
  reason: record.reason,
  userId: Option.getOrNull(record.userId),
  email: Option.getOrNull(record.email)
})

export const makePageJudge = (options: {
  readonly client: PantherClient
  readonly parameters: AuditParameters
  readonly privilegePolicy: PrivilegePolicy
  readonly ledger: FindingLedger
  readonly onProgress: ((progress: AuditProgress) => void) | undefined
  readonly onUser: OnUser | undefined
}) => {
  const { client, parameters, privilegePolicy, ledger, onProgress, onUser } = options
  const seenIds = makeSeenIds()
  const holdHeapGrowth = makeHeapGrowthHold()
  const totals = { seen: 0, enabled: 0, deactivated: 0, privileged: 0, invalid: 0 }
  let enabledWithLogin = 0
  const loginless = new Set<string>()
  let enabledWithoutRole = 0
  let duplicates = 0
  const repeatedIds = makeRepeatedIds()

  // A page at a time: judging is plain synchronous code, so a page costs a few effects, not several per user.
  const judgePage = (chunk: Chunk.Chunk<UserRecord>) =>
    Effect.suspend((): Effect.Effect<void, ReportError | PaginationLoop> => {
      const findings: Array<Finding> = []
      // Each user watched, with where its findings start and end in `findings`.
      const observed: Array<readonly [UserRecord, Judgement | undefined, number, number]> = []
      const progressAt: Array<number> = []
      for (const record of Chunk.toReadonlyArray(chunk)) {
        const id = record._tag === "ValidUser" ? record.user.id : Option.getOrUndefined(record.userId)
        // An empty id names no user: such records are all taken, like records without an id.
        if (id !== undefined && id !== "") {
          if (!seenIds.take(id)) {
            duplicates++
            repeatedIds.add(id)
            continue
          }
        }
        totals.seen++
        if (totals.seen % PROGRESS_EVERY === 0) progressAt.push(totals.seen)
        // A record that failed validation is judged as far as it can be read: a compromised account missing its
        // given name is still a critical finding, besides its INVALID_RECORD.
        let user: User
        let failed: FailedValidation | undefined
        if (record._tag === "ValidUser") {
          user = record.user
          failed = undefined
        } else if (record.readable === undefined) {
          totals.invalid++
          findings.push(invalidRecordFinding(record))
          if (onUser !== undefined) observed.push([record, undefined, findings.length - 1, findings.length])
          continue
        } else {
          user = record.readable
          failed = failedValidation(record)
        }
        const judgement = judgeUser(user, parameters, privilegePolicy, failed)
        let withoutLogin = false
        if (user.enabled) {
          totals.enabled++
          // A placeholder before 2000 (Go's zero time) is no login data either: a service in Go sends it for every
          // user whose login it does not return, as another sends null.
          if (judgement.facts.loginRecorded) {
            if (enabledWithLogin++ === 0) loginless.clear()
          } else withoutLogin = enabledWithLogin === 0
          if (!user.role.id && !user.role.name) enabledWithoutRole++
        } else totals.deactivated++
        if (withoutLogin) {
          // The id its STALE_LOGIN has, of the user as the reports name it (a record without id nor email by its
          // names: see `findingId`; of records alike in those too, the first one's).
          const id = findingId("STALE_LOGIN", judgement.facts.subject)
          if (ledger.hadBefore(id)) loginless.add(id)
        }
        // A record that failed validation or holds an unparseable timestamp is invalid; a deactivated user is not
        // judged, so has no INVALID_RECORD finding, and is not counted as invalid or privileged either.
        if (user.enabled && judgement.facts.problems.length > 0) totals.invalid++
        if (user.enabled && judgement.facts.privilege.privileged) totals.privileged++
        const first = findings.length
        for (const finding of judgement.findings) findings.push(finding)
        if (onUser !== undefined) observed.push([record, judgement, first, findings.length])
      }
      if (repeatsOutnumberUsers(duplicates, totals.seen)) {
        return Effect.flatMap(client.stats, (stats) =>
          Effect.fail(repeatsLoop(stats.pagesFetched, duplicates, totals.seen))
        )
      }
      holdHeapGrowth(totals.seen)
      const progress =
        onProgress === undefined
          ? Effect.void
          : Effect.forEach(progressAt, (users) => reportProgress(client, users, onProgress), { discard: true })
      const recorded = ledger.recordAll(findings)
      const recordAndObserve =
        onUser === undefined
          ? Effect.asVoid(recorded)
          : Effect.flatMap(recorded, (annotated) =>
              Effect.forEach(
                observed,
                ([user, judgement, first, end]) => onUser(user, judgement, annotated.slice(first, end)),
                { discard: true }
              )
            )
      return Effect.zipRight(progress, recordAndObserve)
    })

  const tally = (): PagesTally => ({
    totals: { ...totals },
    enabledWithLogin,
    loginless,
    enabledWithoutRole,
    duplicates,
    repeatedIds
  })

  return { judgePage, tally }
}
