/**
 * A review run: the audit (which writes its findings reports as `run` does) watched by a review collector, then
 * the review workbook and page beside the reports, with the same stamp.
 */
import { unlink } from "node:fs/promises"
import { Effect } from "effect"
import { type AuditHooks, type AuditJob, runAuditJob } from "../Audit/AuditJob.js"
import { reportStamp } from "../Audit/AuditRun.js"
import type { AuditOutcome } from "../Audit/RunAudit.js"
import { withStepLog } from "../Cli/AuditRunLog.js"
import type { ConfigurationError } from "../Cli/ConfigurationError.js"
import type { PantherApiError } from "../PantherApi/ClientErrors.js"
import type { ReportError } from "../Reports/ReportError.js"
import { makeReviewCollector, type Review } from "./Review.js"
import { type ReviewFormat, writeReview } from "./WriteReview.js"

export interface ReviewOutcome {
  readonly audit: AuditOutcome
  readonly review: Review
  /** The review files, in the order of the formats asked for. */
  readonly paths: ReadonlyArray<string>
}

/** `access-review-20260630T120000Z`: the run's stamp, so a review and its findings reports pair up by name. */
export const reviewStem = (review: Review): string => `access-review-${reportStamp(Date.parse(review.run.startedAt))}`

export const runReview = (
  job: AuditJob,
  options: { readonly formats: ReadonlyArray<ReviewFormat>; readonly hooks?: Pick<AuditHooks, "onProgress"> }
): Effect.Effect<ReviewOutcome, ConfigurationError | PantherApiError | ReportError> =>
  Effect.gen(function* () {
    const collector = makeReviewCollector()
    const audit = yield* runAuditJob(job, { ...options.hooks, onUser: collector.onUser })
    const review = collector.finish(audit.run, audit.excludedCodes)
    const paths = yield* writeReview({
      directory: job.reportDirectory,
      stem: reviewStem(review),
      review,
      formats: options.formats
    }).pipe(
      // A review that fails (a full disk, a signal) fails the command, which then leaves nothing under a final
      // name: its findings reports go too, or the next `run` would take them for yesterday's report.
      Effect.onError(() =>
        Effect.promise(() =>
          Promise.all([audit.reports.csv, audit.reports.json].map((path) => unlink(path).catch(() => undefined)))
        )
      ),
      withStepLog({
        runId: audit.run.runId,
        phase: "review",
        leaves: "its findings reports were removed with it",
        done: (written) => ({ message: "review written", annotations: { paths: written } })
      })
    )
    return { audit, review, paths }
  })
