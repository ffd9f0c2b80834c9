/** `panther-audit run`: one audit, now. The form for host cron, Kubernetes CronJobs and CI. */
import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { connectionOptions, connectionSource } from "../Cli/ConnectionOptions.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { clearProgressLine, progressHooks } from "../Cli/ProgressLine.js"
import { describeDelivery } from "../Email/DeliveryResult.js"
import { emailOptions } from "../Email/EmailOptions.js"
import { pruneAfterRun, retentionOptions, toRetention } from "../Schedule/RetentionOptions.js"
import { checkFailOn, holdingReportDirectory, prepareAuditJob, runAndDeliver } from "./AuditJob.js"
import { auditOptions, reportDirOption } from "./AuditOptions.js"
import { formatRunSummary } from "./RunSummary.js"

export const runCommand = Command.make(
  "run",
  {
    connection: connectionOptions,
    audit: auditOptions,
    reportDir: reportDirOption,
    email: emailOptions,
    retention: retentionOptions
  },
  (options) =>
    Effect.gen(function* () {
      const retention = yield* toRetention(options.retention)
      const job = yield* prepareAuditJob({
        audit: options.audit,
        reportDir: options.reportDir,
        email: options.email,
        connection: connectionSource(options.connection)
      })
      const outcome = yield* Effect.gen(function* () {
        const { outcome, delivery } = yield* runAndDeliver(job, progressHooks(), (audited) =>
          Effect.zipRight(
            Effect.sync(clearProgressLine),
            Console.log(formatRunSummary(audited.run, [audited.reports.csv, audited.reports.json]))
          )
        ).pipe(Effect.ensuring(Effect.sync(clearProgressLine)))
        yield* Console.log(describeDelivery(delivery))
        yield* pruneAfterRun(job.reportDirectory, retention, {
          reports: [outcome.reports.csv, outcome.reports.json],
          runId: outcome.run.runId,
          keepSince: outcome.previousEmailUndelivered
        })
        return outcome
      }).pipe(holdingReportDirectory(job, "run"))
      yield* checkFailOn(outcome)
    })
).pipe(
  Command.withDescription(
    withLoggingHelp(
      "Audit every Panther user once and write the CSV and JSON reports.",
      "Exit codes: 0 completed, 1 findings at or above --fail-on, 2 usage or configuration error, 3 Panther API " +
        "failure, 4 report or delivery failure."
    )
  )
)
