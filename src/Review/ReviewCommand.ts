/** `panther-audit review`: the quarterly access review, a workbook to fill in and a page to read or print. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { checkFailOn, holdingReportDirectory, prepareAuditJob } from "../Audit/AuditJob.js"
import { auditOptions, reportDirOption } from "../Audit/AuditOptions.js"
import { formatRunSummary } from "../Audit/RunSummary.js"
import { connectionOptions, connectionSource } from "../Cli/ConnectionOptions.js"
import { counted } from "../Cli/Counted.js"
import { requireOptionValue } from "../Cli/FlagValues.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { clearProgressLine, progressHooks } from "../Cli/ProgressLine.js"
import { checkWorkbookToCompare } from "./LastReview.js"
import { decisionsText } from "./ReviewCsv.js"
import { runReview } from "./RunReview.js"
import { describeSinceLastReview } from "./SinceLastReviewText.js"

const compareWith = Options.text("compare-with").pipe(
  Options.mapEffect(requireOptionValue("--compare-with")),
  Options.withDescription(
    "The earlier review workbook (access-review-<stamp>.csv) to list the accounts added and removed since. " +
      "Default: the newest earlier one in the report directory; give last quarter's when a review is run again."
  ),
  Options.optional
)

export const reviewCommand = Command.make(
  "review",
  { connection: connectionOptions, audit: auditOptions, reportDir: reportDirOption, compareWith },
  (options) =>
    Effect.gen(function* () {
      const job = yield* prepareAuditJob({
        audit: options.audit,
        reportDir: options.reportDir,
        connection: connectionSource(options.connection)
      })
      const chosenWorkbook = Option.getOrUndefined(options.compareWith)
      if (chosenWorkbook !== undefined)
        yield* checkWorkbookToCompare(chosenWorkbook, job.connection.baseUrl, job.secrets)
      const outcome = yield* runReview(job, {
        formats: ["csv", "html"],
        hooks: progressHooks(),
        compareWith: chosenWorkbook
      }).pipe(Effect.ensuring(Effect.sync(clearProgressLine)), holdingReportDirectory(job, "review"))
      const { reports } = outcome.audit
      yield* Console.log(formatRunSummary(outcome.audit.run, [reports.csv, reports.json, ...outcome.paths]))
      yield* Console.log(
        `Access review: ${counted(outcome.review.rows.length, "user")}. Fill in decision (${decisionsText()}), ` +
          "reviewer, reviewed_at and notes in the workbook."
      )
      yield* Console.log(describeSinceLastReview(outcome.review))
      yield* checkFailOn(outcome.audit)
    })
).pipe(
  Command.withDescription(
    withLoggingHelp(
      "Quarterly access review: a sheet to record each user's decision in, and a page that prints to PDF.",
      "Audits every user as `run` does, then writes access-review-<stamp>.csv (one row per user, privileged first, " +
        "with empty decision, reviewer, reviewed_at and notes columns) and a self-contained " +
        "access-review-<stamp>.html that prints to PDF. Takes the connection and audit options and the exit codes of " +
        "`run`; sends no email."
    )
  )
)
