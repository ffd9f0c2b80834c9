/**
 * Which reports hold news that no email has carried. A run that mails sends what changed since the report it compares
 * with. When that report's own run sent no email (email off, a review), what changed in it is in no email:
 * an account made admin in the afternoon, seen first by an ad-hoc run with email off, would be "unchanged" in the
 * nightly run's email, and `--email on-change` would send nothing. So each report says what became of its run's email
 * (AuditRun's `email`), and the next run reads it as it reads the `.undelivered` mark of a run whose email failed
 * (UndeliveredMark.ts), which it takes first.
 *
 * A run that sends no email owes one only after a run that did: where no run mails, none is owed, and the first run
 * with email on is not told about every report before it. What is owed holds no report from retention, unlike a mark
 * (PruneReports.ts): a directory whose runs stopped mailing would never be pruned again.
 */
import { stat } from "node:fs/promises"
import { basename, join } from "node:path"
import * as Effect from "effect/Effect"
import { parseReportName } from "../Reports/ReportName.js"
import type { RecordedEmail } from "./AuditRun.js"
import type { PreviousReportLookup } from "./PreviousReport.js"

/** What a report says of its run's email (AuditRun's `email` and `notMailedSince`). */
export interface EmailRecord {
  readonly email: RecordedEmail
  readonly notMailedSince?: string
}

/** The record in a report's run section, or undefined for a report written before reports had one. */
export const readEmailRecord = (run: Record<string, unknown>): EmailRecord | undefined => {
  const { email, notMailedSince } = run
  if (email !== "to-follow" && email !== "owed" && email !== "none") return undefined
  // Only a name this tool gives its JSON reports, as in a mark: the reports are side by side.
  return email === "owed" && typeof notMailedSince === "string" && parseReportName(notMailedSince)?.ending === ".json"
    ? { email, notMailedSince }
    : { email }
}

type FoundReport = Extract<PreviousReportLookup, { _tag: "Found" }>

export interface NewsNotMailed {
  /** The earliest report whose changes no email has carried: the previous report or one before it. */
  readonly since: string
  /**
   * `undelivered`: a mark says an email may not have gone. `review` and `sent-none`: the report's run, a review or
   * another, sent no email after a run that did.
   */
  readonly because: "undelivered" | "review" | "sent-none"
}

/**
 * What of the previous report's news, and of the reports before it, no email has carried. `runMails`: this run sends
 * one. A review's report written before reports said what became of their email counts as not mailed for a run that
 * mails, as it did then.
 */
export const newsNotMailed = (previous: FoundReport, name: string, runMails: boolean): NewsNotMailed | undefined => {
  if (previous.notMailedSince !== undefined) return { since: previous.notMailedSince, because: "undelivered" }
  const record = previous.report.email
  const because = previous.writtenByReview ? "review" : "sent-none"
  if (record?.email === "owed") return { since: record.notMailedSince ?? name, because }
  if (record === undefined && previous.writtenByReview && runMails) return { since: name, because }
  return undefined
}

/**
 * What this run's report says of its email. One that sends none owes one when the previous report's news is in no
 * email, or when the previous run mailed (its mark gone: sent, or found not needed), so that this run's news is the
 * first no email carries.
 */
export const emailRecordOf = (
  runMails: boolean,
  previous: FoundReport | undefined,
  notMailed: NewsNotMailed | undefined
): EmailRecord => {
  if (runMails) return { email: "to-follow" }
  if (notMailed !== undefined) return { email: "owed", notMailedSince: notMailed.since }
  return previous?.report.email?.email === "to-follow" ? { email: "owed" } : { email: "none" }
}

/**
 * The warning of a run that mails, naming where the news no email has carried is. `sinceGone`: the earliest report
 * it names is no longer there (retention removed it).
 */
export const notMailedWarning = (notMailed: NewsNotMailed, previousName: string, sinceGone = false): string => {
  const { since, because } = notMailed
  if (sinceGone) {
    return (
      `No email may have carried what changed since ${since}, which is no longer in the report directory: what is ` +
      `left of it is in the reports after it, up to ${previousName}.`
    )
  }
  if (because === "undelivered") {
    return since === previousName
      ? `The audit email of the previous run may not have been delivered: what changed then is in ${since}.`
      : // The earliest report may be of a run that sent no email (email off, a review) before the one that failed.
        `An audit email may not have been delivered, and no email may have carried what changed since ${since}: it ` +
          `is in that report and the ones after it, up to ${previousName}.`
  }
  if (since !== previousName) {
    return (
      `No email has carried what changed since ${since}: it is in that report and the ones after it, up to ` +
      `${previousName}.`
    )
  }
  return because === "review"
    ? `The previous report, ${since}, was written by a review, which sends no email: what changed then is in that ` +
        "report, and in no email before this one."
    : `The previous report, ${since}, was written by a run that sent no email: what changed then is in that report, ` +
        "and in no email before this one."
}

/** What a run owes of earlier reports' news, and how it says so. */
export interface OwedNews {
  /** The news no email carried that this run names or passes on. */
  readonly notMailed: NewsNotMailed | undefined
  /**
   * What a failed email's mark and retention name: of a run with email off, only an undelivered email's news, so
   * that a directory whose runs stopped mailing is still pruned.
   */
  readonly previousEmailUndelivered: string | undefined
  readonly warning: string | undefined
}

/**
 * What of the previous report's news (and of the reports before it) no email has carried: said by a run that mails,
 * which then sends with `on-change` even when it finds nothing new; passed on by one that does not.
 */
export const owedNews = (
  previous: PreviousReportLookup,
  runMails: boolean,
  reportDirectory: string
): Effect.Effect<OwedNews> =>
  Effect.gen(function* () {
    const owed =
      previous._tag === "Found" ? newsNotMailed(previous, basename(previous.report.path), runMails) : undefined
    // A run --as-of a past day compares with an older report than the latest: what that one owed is for the next
    // regular run to name, which compares with the latest, and a later run's email may have carried it already.
    const comparesWithLatest = (previous.datedAfterAsOf?.length ?? 0) === 0
    const notMailed = owed !== undefined && (owed.because === "undelivered" || comparesWithLatest) ? owed : undefined
    const previousEmailUndelivered = runMails || notMailed?.because === "undelivered" ? notMailed?.since : undefined
    // An email that may not have gone is news to any run; news that a run with email off left is a mailing run's.
    if (previous._tag !== "Found" || notMailed === undefined || !(runMails || notMailed.because === "undelivered")) {
      return { notMailed, previousEmailUndelivered, warning: undefined }
    }
    const previousName = basename(previous.report.path)
    // Retention does not wait for an email that runs with email off owe: the earliest of their reports may be gone.
    const sinceGone =
      notMailed.since !== previousName &&
      (yield* Effect.promise(() =>
        stat(join(reportDirectory, notMailed.since)).then(
          () => false,
          () => true
        )
      ))
    return { notMailed, previousEmailUndelivered, warning: notMailedWarning(notMailed, previousName, sinceGone) }
  })
