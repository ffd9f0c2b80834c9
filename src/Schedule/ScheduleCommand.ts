/**
 * `panther-audit schedule`: the long-running form for a container. It takes every flag of `run`, checks them all
 * once at start-up (a bad one exits 2 before anything is called), then runs the same audit job as `run` at every
 * tick of `--cron` in `--tz`, one run at a time, until SIGTERM, SIGINT or SIGHUP. Each run checks the settings
 * again and reads the secret files anew: a mounted secret rotated during months of uptime is taken at the next run,
 * and one the email needs, gone missing since, costs that run its email but not its audit.
 */
import * as Command from "@effect/cli/Command"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import {
  type AuditJob,
  checkFailOn,
  holdingReportDirectory,
  prepareAuditJob,
  runAndDeliver
} from "../Audit/AuditJob.js"
import { reportDirOption, scheduleAuditOptions } from "../Audit/AuditOptions.js"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { connectionOptions, connectionSource } from "../Cli/ConnectionOptions.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { describeDelivery } from "../Email/DeliveryResult.js"
import { emailOptions } from "../Email/EmailOptions.js"
import { parseCronSchedule } from "./CronSchedule.js"
import { catchUpAtStart, reportMadeSince } from "./MissedAudit.js"
import type { Retention } from "./PruneReports.js"
import { pruneAfterRun, retentionOptions, toRetention } from "./RetentionOptions.js"
import { runOnSchedule, type ScheduledRun } from "./RunOnSchedule.js"
import { scheduleOptions } from "./ScheduleOptions.js"

/**
 * One scheduled run: the shared job (the audit, then its email), then `--fail-on` as a warning (there is no exit
 * code to set between runs), then pruning. A failure is left to the schedule, which logs it and goes on. A tick's
 * run, a catch-up's too, looks again once it holds the report directory, for a report of its tick written while it
 * waited: a second schedule on the same volume (two replicas, a deployment's old and new container) audits the night
 * once, and sends its email once.
 */
const scheduledAudit = (job: AuditJob, retention: Retention, run: ScheduledRun) =>
  Effect.gen(function* () {
    // "start-up" (--run-now) was asked for as such; a tick's audit is made once, by whichever run holds the
    // directory first.
    if (run.scheduledFor !== "start-up") {
      const made = reportMadeSince(
        job.reportDirectory,
        Date.parse(run.scheduledFor),
        yield* Clock.currentTimeMillis,
        job.connection.baseUrl
      )
      if (made !== undefined) {
        return yield* Effect.logInfo(
          `the audit of ${run.scheduledFor} was made by another run since that time (${made} in the report ` +
            `directory ${job.reportDirectory}): this ${run.catchUp ? "catch-up" : "run"} does not make it again`
        )
      }
    }
    const { outcome, delivery } = yield* runAndDeliver(job)
    // Sent and written emails log themselves; say why none went out, for whoever waits for one.
    if (delivery._tag === "Skipped") {
      yield* Effect.logInfo(describeDelivery(delivery)).pipe(
        Effect.annotateLogs({ runId: outcome.run.runId, phase: "email" })
      )
    }
    yield* checkFailOn(outcome).pipe(
      Effect.catchAll((atThreshold) => Effect.logWarning(atThreshold.message)),
      Effect.annotateLogs({ runId: outcome.run.runId, phase: "audit" })
    )
    yield* pruneAfterRun(job.reportDirectory, retention, {
      reports: [outcome.reports.csv, outcome.reports.json],
      runId: outcome.run.runId,
      keepSince: outcome.previousEmailUndelivered
    })
  }).pipe(holdingReportDirectory(job, "schedule", run.catchUp ? { catchUpOf: run.scheduledFor } : {}))

export const scheduleCommand = Command.make(
  "schedule",
  {
    connection: connectionOptions,
    audit: scheduleAuditOptions,
    reportDir: reportDirOption,
    email: emailOptions,
    schedule: scheduleOptions,
    retention: retentionOptions
  },
  (options) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const schedule = yield* parseCronSchedule(options.schedule.cron, options.schedule.tz, now)
      const retention = yield* toRetention(options.retention)
      if (Option.isSome(options.audit.asOf)) {
        return yield* new ConfigurationError({
          message:
            "--as-of / AUDIT_AS_OF would judge every scheduled run at that one instant: leave it out, and each run " +
            "is judged at its own time (use it with `run` to audit as of a past date)"
        })
      }
      const jobSettings = {
        audit: options.audit,
        reportDir: options.reportDir,
        email: options.email,
        connection: connectionSource(options.connection)
      }
      const firstJob = yield* prepareAuditJob(jobSettings)
      const catchUp = options.schedule.runNow
        ? undefined
        : yield* catchUpAtStart(firstJob.reportDirectory, schedule, now, firstJob.connection.baseUrl)
      // Each run checks again and reads the secret files anew; a file the email needs, gone since start-up, costs
      // that run its email but not its audit.
      const prepareRun = prepareAuditJob({
        ...jobSettings,
        // What the proxy variables leave unused was said at start-up, not again at every run.
        connection: connectionSource(options.connection, false),
        emailFileProblem: "email"
      })
      return yield* runOnSchedule((run) => Effect.flatMap(prepareRun, (job) => scheduledAudit(job, retention, run)), {
        schedule,
        runNow: options.schedule.runNow,
        catchUp,
        label: "audit"
      })
    })
).pipe(
  Command.withDescription(
    withLoggingHelp(
      "Run the audit of `run` on a cron schedule until stopped, for a container.",
      "Stops on SIGTERM, SIGINT or SIGHUP. Runs never overlap; a failed run is logged and the schedule goes on. Exit " +
        "codes: 2 usage or configuration error, 143 stopped by SIGTERM, 130 by SIGINT, 129 by SIGHUP."
    )
  )
)
