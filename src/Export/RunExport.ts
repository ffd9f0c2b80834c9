/**
 * A compliance export: one audit of every user (deactivated ones included, whatever the flags say), whose findings
 * reports, inventory and review page are written into a temporary folder, digested into `manifest.json`, and
 * renamed into place as `export-<stamp>` only when all of that succeeded.
 */
import { basename, join } from "node:path"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { type AuditHooks, type AuditJob, runAuditJob } from "../Audit/AuditJob.js"
import { reportStamp } from "../Audit/AuditRun.js"
import type { AuditOutcome } from "../Audit/RunAudit.js"
import { withStepLog } from "../Cli/AuditRunLog.js"
import type { ConfigurationError } from "../Cli/ConfigurationError.js"
import type { PantherApiError } from "../PantherApi/ClientErrors.js"
import type { ReportError } from "../Reports/ReportError.js"
import { makeReviewCollector, type Review } from "../Review/Review.js"
import { writeReview } from "../Review/WriteReview.js"
import { makeExportFolder } from "./ExportFolder.js"
import { writeInventory } from "./WriteInventory.js"
import { type WrittenManifest, writeManifest } from "./WriteManifest.js"

export interface ExportOutcome {
  readonly audit: AuditOutcome
  readonly review: Review
  /** The export's final folder. */
  readonly folder: string
  readonly manifest: WrittenManifest
}

/** Why an export's findings are all new, in its summary and its findings report's `previousReportProblem`. */
export const EXPORT_NOT_COMPARED = "an export is not compared with earlier reports"

export const runExport = (
  job: AuditJob,
  hooks: Pick<AuditHooks, "onProgress"> = {}
): Effect.Effect<ExportOutcome, ConfigurationError | PantherApiError | ReportError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const folder = yield* makeExportFolder(job.reportDirectory)
      const collector = makeReviewCollector()
      // The findings reports are written straight into the export's folder: the job's report directory is it.
      const audit = yield* runAuditJob(
        { ...job, reportDirectory: folder.path, audit: { ...job.audit, includeDeactivated: true } },
        // Its folder is new and empty: "no previous report in the report directory" would mislead when the report
        // directory holds the nightly reports, which an export deliberately leaves alone.
        { ...hooks, onUser: collector.onUser, notComparedBecause: EXPORT_NOT_COMPARED }
      )
      const review = collector.finish(audit.run, audit.excludedCodes)
      const stamp = reportStamp(Date.parse(audit.run.startedAt))
      // The audit's own log line names its reports in the temporary folder; this one names where they end up.
      // Once the folder is being put in place, a stop waits for it and for the line that says where it went: said
      // as soon as it is in place, the stop would be logged as leaving nothing of an export that is there, whole.
      const { manifest, final } = yield* Effect.uninterruptibleMask((restore) =>
        Effect.gen(function* () {
          const manifest = yield* restore(
            Effect.gen(function* () {
              yield* writeInventory({ directory: folder.path, stem: `inventory-${stamp}`, review })
              yield* writeReview({ directory: folder.path, stem: `access-review-${stamp}`, review, formats: ["html"] })
              return yield* writeManifest(folder.path, audit.run, yield* Clock.currentTimeMillis)
            })
          )
          return { manifest, final: yield* folder.publish(`export-${stamp}`) }
        }).pipe(
          withStepLog({
            runId: audit.run.runId,
            phase: "export",
            leaves: "nothing of the export is left",
            // The digest too: it is what an auditor verifies the export against, and a schedule or container that
            // keeps its logs may discard stdout, where the summary prints it.
            done: ({ final, manifest }) => ({
              message: "export written",
              annotations: { folder: final, manifestSha256: manifest.digest.sha256 }
            })
          })
        )
      )
      const moved = (path: string) => join(final, basename(path))
      return {
        audit: { ...audit, reports: { csv: moved(audit.reports.csv), json: moved(audit.reports.json) } },
        review,
        folder: final,
        manifest
      }
    })
  ).pipe(
    // The lines about its folder too (the leftovers it removes as it starts, its own it could not remove as it ends),
    // as a run's lines about the report directory carry its id: a log shared with the nightly runs ties each to it.
    Effect.annotateLogs({ runId: job.runId })
  )
