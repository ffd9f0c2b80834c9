/**
 * The audit: stream every user once, judge each, spool the findings, and write the reports. A failure anywhere
 * (the API after its retries, the disk) fails the whole run and leaves no report under a final name: a partial
 * list of users must never pass for a complete one.
 */
import { randomUUID } from "node:crypto"
import { basename } from "node:path"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { counted } from "../Cli/Counted.js"
import { NoUsersListed, type PantherApiError } from "../PantherApi/ClientErrors.js"
import { secretsQuotedWarning } from "../PantherApi/ClientStats.js"
import { PantherClient } from "../PantherApi/PantherClient.js"
import { namingRepeatedIds } from "../PantherApi/RepeatedIds.js"
import { Routes } from "../PantherApi/Routes.js"
import type { ReportError } from "../Reports/ReportError.js"
import { carriedMark, pendingMark } from "../Reports/UndeliveredMark.js"
import { type FindingReportPaths, writeFindingReports } from "../Reports/WriteFindingReports.js"
import { VERSION } from "../Version.js"
import type { AuditParameters } from "./AuditParameters.js"
import { type AuditRun, reportStamp, type SuppressionSummary } from "./AuditRun.js"
import type { FindingCode } from "./Finding.js"
import type { AnnotatedFinding, FindingChange } from "./FindingAnnotations.js"
import { makeFindingLedger } from "./FindingLedger.js"
import { forEachChunk } from "./ForEachChunk.js"
import { type AuditProgress, makePageJudge, type OnUser } from "./JudgePages.js"
import { emailRecordOf, owedNews } from "./NewsNotMailed.js"
import { instanceLabel } from "./PantherInstance.js"
import { privilegeSourceWarning } from "./ParameterChanges.js"
import { policyOverrideWarning } from "./Policy.js"
import { type PreviousReportLookup, readPreviousReport } from "./PreviousReport.js"
import { previousReportWarnings } from "./PreviousReportWarnings.js"
import { makePrivilegePolicy } from "./Privilege.js"
import { isLoginDataMissing, loginDataMissingFinding } from "./Rules/LoginDataMissing.js"
import { namedRoles, type RolesReadWhole, readRoles, rolesReadWhole } from "./RunRoles.js"
import {
  asOfAheadWarning,
  emptyPrivilegeListWarnings,
  permissionWarnings,
  privilegeWarnings,
  suppressionWarnings
} from "./RunWarnings.js"
import { isAtLeast, type Severity } from "./Severity.js"
import type { SuppressionEntry } from "./Suppressions.js"

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
  readonly onUser?: OnUser
  /**
   * Why this run is not compared with the newest report in its directory (an export writes its reports into a
   * folder of its own): no earlier report is read, every finding is new, and the changes give this reason.
   */
  readonly notComparedBecause?: string
  /** An email is to follow: the reports go in place with a pending `.undelivered` mark (UndeliveredMark.ts). */
  readonly emailToFollow?: boolean
}

const summarizeEntry = (entry: SuppressionEntry): SuppressionSummary => ({
  entry: entry.entry,
  user: entry.user,
  finding: entry.finding,
  owner: entry.owner,
  expires: entry.expires,
  reason: entry.reason
})

const NEVER_LOGGED_IN: ReadonlySet<FindingCode> = new Set(["NEVER_LOGGED_IN"])

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
      warnings.push(...previousReportWarnings(previous, parameters, startedAt))
      const runMails = options.emailToFollow === true
      const { notMailed, previousEmailUndelivered, ...owed } = yield* owedNews(
        previous,
        runMails,
        options.reportDirectory
      )
      if (owed.warning !== undefined) warnings.push(owed.warning)
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
      const pages = makePageJudge({
        client,
        parameters,
        privilegePolicy,
        ledger,
        onProgress: options.onProgress,
        onUser: options.onUser
      })
      yield* forEachChunk(client.listUsers({ includeDeactivated: parameters.includeDeactivated }), pages.judgePage)
      const { totals, enabledWithLogin, loginless, enabledWithoutRole, duplicates, repeatedIds } = pages.tally()

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
