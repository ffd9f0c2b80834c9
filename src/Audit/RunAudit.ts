/**
 * The audit: stream every user once, judge each, spool the findings, and write the reports. A failure anywhere
 * (the API after its retries, the disk) fails the whole run and leaves no report under a final name: a partial
 * list of users must never pass for a complete one.
 */
import { randomUUID } from "node:crypto"
import { stat } from "node:fs/promises"
import { basename, join } from "node:path"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { counted } from "../Cli/Counted.js"
import { NoUsersListed, type PaginationLoop, type PantherApiError } from "../PantherApi/ClientErrors.js"
import { secretsQuotedWarning } from "../PantherApi/ClientStats.js"
import { repeatsOutnumberUsers } from "../PantherApi/Pagination.js"
import { PantherClient, repeatsLoop } from "../PantherApi/PantherClient.js"
import { makeRepeatedIds, namingRepeatedIds } from "../PantherApi/RepeatedIds.js"
import { Routes } from "../PantherApi/Routes.js"
import type { RoleWithPermissions, User } from "../PantherApi/Schemas.js"
import type { UserRecord } from "../PantherApi/UserRecord.js"
import type { ReportError } from "../Reports/ReportError.js"
import { carriedMark, pendingMark } from "../Reports/UndeliveredMark.js"
import { type FindingReportPaths, writeFindingReports } from "../Reports/WriteFindingReports.js"
import { VERSION } from "../Version.js"
import type { AuditParameters } from "./AuditParameters.js"
import { type AuditRun, reportStamp, type SuppressionSummary } from "./AuditRun.js"
import type { Finding, FindingCode } from "./Finding.js"
import { type AnnotatedFinding, type FindingChange, findingId } from "./FindingAnnotations.js"
import { makeFindingLedger } from "./FindingLedger.js"
import { rejectedFirstSeenWarning } from "./FirstSeen.js"
import { forEachChunk } from "./ForEachChunk.js"
import { makeHeapGrowthHold } from "./HeapGrowth.js"
import { type Judgement, judgeUser } from "./JudgeUser.js"
import { emailRecordOf, newsNotMailed, notMailedWarning } from "./NewsNotMailed.js"
import { instanceLabel } from "./PantherInstance.js"
import { parameterChangeWarning, privilegeSourceWarning } from "./ParameterChanges.js"
import { policyOverrideWarning } from "./Policy.js"
import { type PreviousReportLookup, readPreviousReport } from "./PreviousReport.js"
import { datedAfterAsOfWarning, passedOverWarning } from "./PreviousReportChoice.js"
import { makePrivilegePolicy, type UnreadableRole } from "./Privilege.js"
import { invalidRecordFinding } from "./Rules/InvalidRecord.js"
import { isLoginDataMissing, loginDataMissingFinding } from "./Rules/LoginDataMissing.js"
import {
  asOfAheadWarning,
  emptyPrivilegeListWarnings,
  permissionWarnings,
  privilegeWarnings,
  rolesUnreadLogReason,
  rolesUnreadWarning,
  suppressionWarnings,
  unreadableRolesWarning
} from "./RunWarnings.js"
import { makeSeenIds } from "./SeenIds.js"
import { isAtLeast, type Severity } from "./Severity.js"
import type { SuppressionEntry } from "./Suppressions.js"
import type { FailedValidation } from "./UserFacts.js"

export interface AuditOutcome {
  readonly run: AuditRun
  readonly reports: FindingReportPaths
  /**
   * The critical and high findings not suppressed (accepted exceptions do not alert), in report order, at most
   * `URGENT_LIMIT` of them (for summaries and email).
   */
  readonly urgent: ReadonlyArray<AnnotatedFinding>
  /**
   * Codes the run left out of its reports: NEVER_LOGGED_IN when LOGIN_DATA_MISSING replaced it. What else shows
   * the users' findings (a review, an inventory) leaves them out too, or it would contradict the reports.
   */
  readonly excludedCodes: ReadonlySet<FindingCode>
  /**
   * The roles GET /roles named, by id and name (those whose permissions could not be read too); none when it could
   * not be read. A review matches a decision written with a role's id to the role's name by them.
   */
  readonly roles: ReadonlyArray<{ readonly id: string; readonly name: string }>
  /** Whether `roles` are all Panther's: only with all is a name none of them has no role's. */
  readonly rolesRead: RolesReadWhole
  /**
   * New and escalated unsuppressed findings of severity low or above, most severe first, at most `URGENT_LIMIT` of
   * each: the news an email lists (each under its own heading, by `change`).
   */
  readonly fresh: ReadonlyArray<AnnotatedFinding>
  /** How many such findings of each change there are, listed in `fresh` or not: what a list leaves out is said. */
  readonly freshCounts: { readonly new: number; readonly escalated: number }
  /**
   * The earliest report whose changes no email may have carried (the previous one, or an earlier one): after an email
   * that may not have been delivered, or, for a run that mails, after runs that sent none (NewsNotMailed.ts).
   */
  readonly previousEmailUndelivered?: string
}

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

/** Enough for any summary a person reads; the reports hold every finding. */
export const URGENT_LIMIT = 500

/** A finding the summaries list as needing action (`urgent`): unsuppressed, high or above. */
export const needsAction = (finding: { readonly suppressed: boolean; readonly severity: Severity }): boolean =>
  !finding.suppressed && isAtLeast(finding.severity, "high")

/**
 * A finding the summaries list as news (`fresh`): new this run or escalated since the previous one, unsuppressed,
 * low or above. One that fell in severity is counted, not listed: nothing about it needs acting on sooner.
 */
export const isNews = (finding: {
  readonly change: FindingChange
  readonly suppressed: boolean
  readonly severity: Severity
}): boolean =>
  (finding.change === "new" || finding.change === "escalated") &&
  !finding.suppressed &&
  isAtLeast(finding.severity, "low")

export interface AuditProgress {
  readonly pages: number
  readonly users: number
}

export interface RunAuditOptions {
  readonly parameters: AuditParameters
  readonly reportDirectory: string
  readonly apiBaseUrl: string
  /** The run's id, in the JSON report and on every log line of the run; a fresh UUID when not given. */
  readonly runId?: string
  /** Called after every page, for a progress line on a terminal. */
  readonly onProgress?: (progress: AuditProgress) => void
  /**
   * Sees every user once, with its findings, as the stream passes: how inventories and review workbooks are
   * built without a second pass over the API. Invalid records come with `judgement` undefined. `findings` are the
   * user's findings as the reports have them: with their ids, and whether a suppression covers them and why.
   */
  readonly onUser?: (
    record: UserRecord,
    judgement: Judgement | undefined,
    findings: ReadonlyArray<AnnotatedFinding>
  ) => Effect.Effect<void, ReportError>
  /**
   * Why this run is not compared with the newest report in its directory (an export writes its reports into a
   * folder of its own): no earlier report is read, every finding is new, and the changes give this reason.
   */
  readonly notComparedBecause?: string
  /** An email is to follow: the reports go in place with a pending `.undelivered` mark (UndeliveredMark.ts). */
  readonly emailToFollow?: boolean
}

const PROGRESS_EVERY = 1000

const reportProgress = (client: PantherClient, users: number, onProgress: (progress: AuditProgress) => void) =>
  Effect.map(client.stats, (stats) => onProgress({ pages: stats.pagesFetched, users }))

const summarizeEntry = (entry: SuppressionEntry): SuppressionSummary => ({
  entry: entry.entry,
  user: entry.user,
  finding: entry.finding,
  owner: entry.owner,
  expires: entry.expires,
  reason: entry.reason
})

const NEVER_LOGGED_IN: ReadonlySet<FindingCode> = new Set(["NEVER_LOGGED_IN"])

interface RolesRead {
  readonly roles: ReadonlyArray<RoleWithPermissions> | undefined
  readonly unreadable: ReadonlyArray<UnreadableRole>
  readonly warning?: string
}

/**
 * Roles decide privilege by permission; when they cannot be read the audit goes on by names and says so. A role whose
 * entry alone cannot be read costs only itself. A token refused outright (401) fails the run here: the list of users
 * would be refused the same way, and a warning that the audit goes on by names only came before that failure.
 */
const readRoles = (client: PantherClient) =>
  client.listRoles().pipe(
    Stream.runCollect,
    Effect.map((collected): RolesRead => {
      const records = Chunk.toReadonlyArray(collected)
      const warning = unreadableRolesWarning(records)
      return {
        roles: records.flatMap((record) => (record._tag === "ValidRole" ? [record.role] : [])),
        unreadable: records.flatMap((record) =>
          record._tag === "UnreadableRole"
            ? [{ id: Option.getOrUndefined(record.id), name: Option.getOrUndefined(record.name) }]
            : []
        ),
        ...(warning === undefined ? {} : { warning })
      }
    }),
    Effect.catchAll((error) =>
      error._tag === "Unauthorized"
        ? Effect.fail(error)
        : Effect.logWarning("roles could not be read; privilege is decided by role names and ids only").pipe(
            // An annotation, not a second message part, which a JSON log line would write as an array. What failed
            // only: the usual advice is for the run's warning to give, once the users read show whether it holds.
            Effect.annotateLogs({ reason: rolesUnreadLogReason(error) }),
            Effect.as<RolesRead>({
              roles: undefined,
              unreadable: [],
              warning: rolesUnreadWarning(error)
            })
          )
    )
  )

/**
 * How many of Panther's roles a run could name: "all" when GET /roles was read and each role it listed gave its id
 * and name, "some" when one did not, "none" when it could not be read.
 */
export type RolesReadWhole = "all" | "some" | "none"

/** Whether the roles read, by id and name, are all GET /roles listed. */
const rolesReadWhole = (read: RolesRead): RolesReadWhole =>
  read.roles === undefined
    ? "none"
    : read.unreadable.every(({ id, name }) => id !== undefined && name !== undefined)
      ? "all"
      : "some"

/** The roles read, by id and name, whose entries gave both. */
const namedRoles = (read: RolesRead): ReadonlyArray<{ readonly id: string; readonly name: string }> => [
  ...(read.roles ?? []).map(({ id, name }) => ({ id, name })),
  ...read.unreadable.flatMap(({ id, name }) => (id === undefined || name === undefined ? [] : [{ id, name }]))
]

const aheadOfClockWarning = (names: ReadonlyArray<string>, startedAt: number): string => {
  const listed = names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`
  return (
    `${names.length === 1 ? "A report is" : `${names.length} reports are`} stamped after this run started ` +
    `(${new Date(startedAt).toISOString()}): ${listed}. A clock was ahead when ${names.length === 1 ? "it was" : "they were"} ` +
    "made, or this machine's is behind now. Changes were worked out against a report from before this run. If " +
    "those stamps are wrong, move those reports out of the report directory: retention takes them for the newest."
  )
}

export const runAudit = (
  options: RunAuditOptions
): Effect.Effect<AuditOutcome, PantherApiError | ReportError, PantherClient> =>
  Effect.scoped(
    Effect.gen(function* () {
      const client = yield* PantherClient
      const { parameters } = options
      const startedAt = yield* Clock.currentTimeMillis
      const runId = options.runId ?? randomUUID()
      const warnings: Array<string> = []

      // The roles request goes out first, and the previous report is read while it is answered.
      const rolesRead = yield* Effect.fork(readRoles(client))
      const previous: PreviousReportLookup =
        options.notComparedBecause === undefined
          ? yield* readPreviousReport(options.reportDirectory, options.apiBaseUrl, startedAt, parameters.asOf)
          : { _tag: "NotFound", reason: options.notComparedBecause }
      const roles = yield* Fiber.join(rolesRead)
      if (roles.warning !== undefined) warnings.push(roles.warning)
      if (previous.aheadOfClock !== undefined) warnings.push(aheadOfClockWarning(previous.aheadOfClock, startedAt))
      if (previous.datedAfterAsOf !== undefined) {
        warnings.push(datedAfterAsOfWarning(parameters.asOf, previous.datedAfterAsOf, previous.chosen, startedAt))
      }
      if (previous.passedOver !== undefined && previous.chosen !== undefined) {
        warnings.push(passedOverWarning(previous.passedOver, previous.chosen))
      }
      const changedParameters =
        previous._tag === "Found" && previous.report.parameters !== undefined
          ? parameterChangeWarning(basename(previous.report.path), previous.report.parameters, parameters)
          : undefined
      if (changedParameters !== undefined) warnings.push(changedParameters)
      if (previous._tag === "Found" && previous.report.rejectedFirstSeen !== undefined) {
        warnings.push(rejectedFirstSeenWarning(basename(previous.report.path), previous.report.rejectedFirstSeen))
      }
      // What of the previous report's news (and of the reports before it) no email has carried: said by a run that
      // mails, which then sends with `on-change` even when it finds nothing new; passed on by one that does not.
      const runMails = options.emailToFollow === true
      const owed =
        previous._tag === "Found" ? newsNotMailed(previous, basename(previous.report.path), runMails) : undefined
      // A run --as-of a past day compares with an older report than the latest: what that one owed is for the next
      // regular run to name, which compares with the latest, and a later run's email may have carried it already.
      const comparesWithLatest = (previous.datedAfterAsOf?.length ?? 0) === 0
      const notMailed = owed !== undefined && (owed.because === "undelivered" || comparesWithLatest) ? owed : undefined
      // What a failed email's mark and retention name: of a run with email off, only an undelivered email's news, so
      // that a directory whose runs stopped mailing is still pruned.
      const previousEmailUndelivered = runMails || notMailed?.because === "undelivered" ? notMailed?.since : undefined
      // An email that may not have gone is news to any run; news that a run with email off left is a mailing run's.
      if (previous._tag === "Found" && notMailed !== undefined && (runMails || notMailed.because === "undelivered")) {
        const previousName = basename(previous.report.path)
        // Retention does not wait for an email that runs with email off owe: the earliest of their reports may be gone.
        const sinceGone =
          notMailed.since !== previousName &&
          (yield* Effect.promise(() =>
            stat(join(options.reportDirectory, notMailed.since)).then(
              () => false,
              () => true
            )
          ))
        warnings.push(notMailedWarning(notMailed, previousName, sinceGone))
      }
      const privilegePolicy = makePrivilegePolicy(parameters, roles.roles, roles.unreadable)
      const privilegeSource = privilegePolicy.usesPermissions ? "role-permissions" : "role-names-only"
      const changedPrivilegeSource =
        previous._tag === "Found"
          ? privilegeSourceWarning(basename(previous.report.path), previous.report.privilegeSource, privilegeSource)
          : undefined
      if (changedPrivilegeSource !== undefined) warnings.push(changedPrivilegeSource)
      const asOfAhead = asOfAheadWarning(parameters.asOf, startedAt)
      if (asOfAhead !== undefined) warnings.push(asOfAhead)
      const policyOverridden = policyOverrideWarning(parameters.policy, parameters.staleDays)
      if (policyOverridden !== undefined) warnings.push(policyOverridden)
      warnings.push(...emptyPrivilegeListWarnings(parameters))
      warnings.push(...permissionWarnings(parameters.privilegedPermissions, roles.roles))

      const startedIso = new Date(startedAt).toISOString()
      const ledger = yield* makeFindingLedger({
        directory: options.reportDirectory,
        runStartedAt: startedIso,
        asOf: parameters.asOf,
        previous,
        suppressions: parameters.suppressions
      })
      const seenIds = makeSeenIds()
      const holdHeapGrowth = makeHeapGrowthHold()
      const totals = { seen: 0, enabled: 0, deactivated: 0, privileged: 0, invalid: 0 }
      let enabledWithLogin = 0
      // Previous STALE_LOGIN findings of enabled users sent without a login, while no enabled user has one: if none
      // does (LOGIN_DATA_MISSING), these were not judged, and are not resolved either.
      const loginless = new Set<string>()
      let enabledWithoutRole = 0
      let duplicates = 0
      const repeatedIds = makeRepeatedIds()

      const { onProgress, onUser } = options
      yield* forEachChunk(
        client.listUsers({ includeDeactivated: parameters.includeDeactivated }),
        // A page at a time: judging is plain synchronous code, so a page costs a few effects, not several per user.
        (chunk) =>
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
              // A record that failed validation is judged as far as it can be read: a compromised account missing
              // its given name is still a critical finding, besides its INVALID_RECORD.
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
                // A placeholder before 2000 (Go's zero time) is no login data either: a service in Go sends it for
                // every user whose login it does not return, as another sends null.
                if (judgement.facts.loginRecorded) {
                  if (enabledWithLogin++ === 0) loginless.clear()
                } else withoutLogin = enabledWithLogin === 0
                if (!user.role.id && !user.role.name) enabledWithoutRole++
              } else totals.deactivated++
              if (withoutLogin) {
                // The id its STALE_LOGIN has, of the user as the reports name it (a record without id nor email
                // by its names: see `findingId`; of records alike in those too, the first one's).
                const id = findingId("STALE_LOGIN", judgement.facts.subject)
                if (ledger.hadBefore(id)) loginless.add(id)
              }
              // A record that failed validation or holds an unparseable timestamp is invalid; a deactivated user is
              // not judged, so has no INVALID_RECORD finding, and is not counted as invalid or privileged either.
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
      )

      // Not an empty instance but a wrong address or token: reporting it clean would call every open finding resolved.
      if (totals.seen === 0) {
        const { pagesFetched } = yield* client.stats
        return yield* new NoUsersListed({
          method: Routes.listUsers.method,
          path: Routes.listUsers.path,
          host: instanceLabel(options.apiBaseUrl),
          pagesFetched,
          consequence: "no-report"
        })
      }

      const loginDataMissing = isLoginDataMissing(totals.enabled, enabledWithLogin)
      if (loginDataMissing) {
        yield* ledger.record(loginDataMissingFinding(totals.enabled))
        warnings.push(
          "No enabled user has a lastLoggedInAt; NEVER_LOGGED_IN findings were replaced by LOGIN_DATA_MISSING." +
            (loginless.size === 0
              ? ""
              : ` The previous report's STALE_LOGIN findings of ${loginless.size} ` +
                `${loginless.size === 1 ? "user" : "users"} still listed could not be judged without login data, ` +
                "and are not counted as resolved.")
        )
      }
      const exclude = loginDataMissing ? NEVER_LOGGED_IN : new Set<FindingCode>()
      const stats = yield* client.stats
      warnings.push(...privilegeWarnings(privilegePolicy, enabledWithoutRole, parameters.privilegedRolesGiven))
      // Repeats the client left out at page boundaries count too: every record Panther sent is accounted for.
      const repeated = duplicates + stats.repeatsDropped
      if (repeated > 0) {
        const ids = namingRepeatedIds([...stats.repeatsDroppedIds, ...repeatedIds.named()])
        warnings.push(
          `${counted(repeated, "record")} repeated a user id already seen ${ids}; each user was taken once, as first sent.`
        )
      }
      const secretsQuoted = secretsQuotedWarning(stats)
      if (secretsQuoted !== undefined) warnings.push(secretsQuoted)
      const finishedAt = yield* Clock.currentTimeMillis
      const summary = ledger.summarize(exclude, loginDataMissing ? loginless : undefined)
      warnings.push(...suppressionWarnings(summary.suppressions, loginDataMissing))
      const run: AuditRun = {
        runId,
        tool: { name: "panther-user-audit", version: VERSION },
        asOf: new Date(parameters.asOf).toISOString(),
        startedAt: startedIso,
        finishedAt: new Date(finishedAt).toISOString(),
        apiBaseUrl: options.apiBaseUrl,
        parameters: {
          staleDays: parameters.staleDays,
          pendingDays: parameters.pendingDays,
          privilegedRoles: parameters.privilegedRoles,
          privilegedPermissions: parameters.privilegedPermissions,
          includeDeactivated: parameters.includeDeactivated,
          failOn: parameters.failOn,
          policy: parameters.policy,
          suppressionsFile: parameters.suppressionsFile
        },
        users: totals,
        pagesFetched: stats.pagesFetched,
        requests: stats.requests,
        retries: stats.retries,
        privilegeSource,
        findings: summary.counts,
        changes: summary.changes,
        suppressions: {
          active: summary.suppressions.active,
          applied: summary.counts.suppressed,
          expired: summary.suppressions.expired.map(summarizeEntry),
          unused: summary.suppressions.unused.map(summarizeEntry)
        },
        warnings,
        ...emailRecordOf(runMails, previous._tag === "Found" ? previous : undefined, notMailed)
      }

      const urgent: Array<AnnotatedFinding> = []
      const fresh: Array<AnnotatedFinding> = []
      const freshCounts = { new: 0, escalated: 0 }
      const reports = yield* writeFindingReports({
        directory: options.reportDirectory,
        stem: `user-audit-${reportStamp(startedAt)}`,
        run,
        spool: ledger.spool,
        exclude,
        // A run that sends no email (a review, an export) passes an undelivered email's news on: its reports are now
        // the newest, and without the mark the next run would not know the news was never mailed.
        // News that a run with email off left needs no mark: the report's `email` says it.
        ...(runMails
          ? { undeliveredMark: pendingMark(previousEmailUndelivered) }
          : notMailed?.because === "undelivered"
            ? { undeliveredMark: carriedMark(notMailed.since) }
            : {}),
        onBatch: (batch) => {
          for (const spooled of batch) {
            const isUrgent = urgent.length < URGENT_LIMIT && needsAction(spooled)
            // Each kind up to its own limit: a night of many new findings still lists the escalated ones.
            const isFresh =
              isNews(spooled) && freshCounts[spooled.change === "new" ? "new" : "escalated"]++ < URGENT_LIMIT
            // Read back only the findings a summary shows: at most twice URGENT_LIMIT of them.
            if (!isUrgent && !isFresh) continue
            const annotated = spooled.finding()
            if (isUrgent) urgent.push(annotated)
            if (isFresh) fresh.push(annotated)
          }
        }
      })
      return {
        run,
        reports,
        excludedCodes: exclude,
        roles: namedRoles(roles),
        rolesRead: rolesReadWhole(roles),
        urgent,
        fresh,
        freshCounts,
        ...(previousEmailUndelivered === undefined ? {} : { previousEmailUndelivered })
      }
    })
  )
