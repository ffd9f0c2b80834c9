/**
 * `panther-audit schedule`: the long-running form for a container. It takes every flag of `run`, checks them all
 * once at start-up (a bad one exits 2 before anything is called), then runs the same audit job as `run` at every
 * tick of `--cron` in `--tz`, one run at a time, until SIGTERM or SIGINT.
 */
import { Command } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Clock, Effect } from "effect"
import { type AuditJob, checkFailOn, prepareAuditJob, runAuditJob } from "../Audit/AuditJob.js"
import { auditOptions, reportDirOption } from "../Audit/AuditOptions.js"
import { connectionOptions, connectionSettings } from "../Cli/ConnectionOptions.js"
import { parseCronSchedule } from "./CronSchedule.js"
import { pruneReports, type Retention, retentionIsOff } from "./PruneReports.js"
import { runOnSchedule } from "./RunOnSchedule.js"
import { scheduleOptions, toRetention } from "./ScheduleOptions.js"

const pruneAfterRun = (directory: string, retention: Retention, keep: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const result = yield* pruneReports(directory, retention, now, keep)
    if (result.deletedRuns > 0) {
      yield* Effect.logInfo(`deleted the reports of ${result.deletedRuns} old run(s)`).pipe(
        Effect.annotateLogs({
          deletedRuns: result.deletedRuns,
          keptRuns: result.keptRuns,
          deleted: result.deletedFiles
        })
      )
    }
  }).pipe(
    // The night's reports are written; failing to tidy up old ones is worth a warning, not a failed run.
    Effect.catchAll((error) => Effect.logWarning(error.message)),
    Effect.annotateLogs({ phase: "prune" })
  )

/** One scheduled run: the shared audit job, then `--fail-on` as a warning (there is no exit code to set), then pruning. */
const scheduledAudit = (job: AuditJob, retention: Retention) =>
  Effect.gen(function* () {
    const outcome = yield* runAuditJob(job)
    yield* checkFailOn(outcome).pipe(Effect.catchAll((atThreshold) => Effect.logWarning(atThreshold.message)))
    if (!retentionIsOff(retention)) {
      yield* pruneAfterRun(job.reportDirectory, retention, [outcome.reports.csv, outcome.reports.json])
    }
  }).pipe(
    // A failed run was logged as "audit failed", with its run id, by the run log; the schedule goes on.
    Effect.catchAll(() => Effect.void)
  )

export const scheduleCommand = Command.make(
  "schedule",
  { connection: connectionOptions, audit: auditOptions, reportDir: reportDirOption, schedule: scheduleOptions },
  (options) =>
    Effect.gen(function* () {
      const fileSystem = yield* FileSystem.FileSystem
      const now = yield* Clock.currentTimeMillis
      const schedule = yield* parseCronSchedule(options.schedule.cron, options.schedule.tz, now)
      const retention = yield* toRetention(options.schedule)
      const job = yield* prepareAuditJob({
        audit: options.audit,
        reportDir: options.reportDir,
        connection: connectionSettings(options.connection).pipe(
          Effect.provideService(FileSystem.FileSystem, fileSystem)
        )
      })
      return yield* runOnSchedule(scheduledAudit(job, retention), {
        schedule,
        runNow: options.schedule.runNow,
        label: "audit"
      })
    })
).pipe(
  Command.withDescription(
    "Run the audit of `run` on a cron schedule until stopped (SIGTERM or SIGINT), for a container. Runs never " +
      "overlap; a failed run is logged and the schedule goes on. Exit codes: 2 usage or configuration error, " +
      "143 stopped by SIGTERM, 130 by SIGINT."
  )
)
