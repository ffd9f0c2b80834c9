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
