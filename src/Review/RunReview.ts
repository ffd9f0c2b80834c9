/**
 * A review run: the audit (which writes its findings reports as `run` does) watched by a review collector, then
 * the review workbook and page beside the reports, with the same stamp.
 */
import { unlink } from "node:fs/promises"
import { basename } from "node:path"
import * as Effect from "effect/Effect"
import { type AuditHooks, type AuditJob, runAuditJob } from "../Audit/AuditJob.js"
import type { AuditOutcome } from "../Audit/RunAudit.js"
import { withStepLog } from "../Cli/AuditRunLog.js"
import type { ConfigurationError } from "../Cli/ConfigurationError.js"
import type { PantherApiError } from "../PantherApi/ClientErrors.js"
import type { ReportError } from "../Reports/ReportError.js"
import { compareWithLastReview } from "./LastReview.js"
import { makeReviewCollector, type Review } from "./Review.js"
import { type ReviewFormat, writeReview } from "./WriteReview.js"

export interface ReviewOutcome {
  readonly audit: AuditOutcome
  readonly review: Review
  /** The review files, in the order of the formats asked for. */
  readonly paths: ReadonlyArray<string>
}

/**
 * `access-review-20260630T120000Z`: the stamp its findings reports were written under, so the two pair up by name.
 * Taken from their name, not from the run's start: a report of another run in the same second makes it
 * `user-audit-<stamp>-2`, and the review must be `access-review-<stamp>-2`.
 */
export const reviewStem = (findingsJson: string): string =>
  `access-review-${basename(findingsJson, ".json").replace(/^user-audit-/, "")}`

export const runReview = (
  job: AuditJob,
  options: {
    readonly formats: ReadonlyArray<ReviewFormat>
    readonly hooks?: Pick<AuditHooks, "onProgress">
    /** The workbook to compare with; by default the newest earlier one in the report directory. */
    readonly compareWith?: string | undefined
  }
): Effect.Effect<ReviewOutcome, ConfigurationError | PantherApiError | ReportError> =>
  Effect.gen(function* () {
    const collector = makeReviewCollector()
    const audit = yield* runAuditJob(job, { ...options.hooks, onUser: collector.onUser })
    const stem = reviewStem(audit.reports.json)
    return yield* Effect.gen(function* () {
      const finished = collector.finish(audit.run, audit.excludedCodes)
      const review: Review = {
        ...finished,
        sinceLastReview: yield* compareWithLastReview(
          job.reportDirectory,
          stem,
          audit.run.apiBaseUrl,
          finished.rows,
          options.compareWith,
          job.secrets,
          { named: audit.roles, read: audit.rolesRead }
        )
      }
      const paths = yield* writeReview({ directory: job.reportDirectory, stem, review, formats: options.formats })
      return { audit, review, paths }
    }).pipe(
      // A review that fails or is stopped (a full disk, a signal, while comparing with the last review too) fails the
      // command, which then leaves nothing under a final name: its findings reports go too, or the next `run` would
      // take them for yesterday's report, and so does the undelivered-email mark it carried, which names them (the
      // earlier report's own mark still says it).
      Effect.onError(() =>
        Effect.promise(() =>
          Promise.all(
            [audit.reports.csv, audit.reports.json, audit.reports.undelivered]
              .filter((path) => path !== undefined)
              .map((path) => unlink(path).catch(() => undefined))
          )
        )
      ),
      withStepLog({
        runId: audit.run.runId,
        phase: "review",
        leaves: "its findings reports were removed with it",
        done: ({ paths }) => ({ message: "review written", annotations: { paths } })
      })
    )
  })
