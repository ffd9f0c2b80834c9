/**
 * `--keep-reports N` and `--keep-reports-days D` (env AUDIT_KEEP_REPORTS, AUDIT_KEEP_REPORTS_DAYS), shared by
 * `schedule` and `run` (a Kubernetes CronJob writing to a volume fills it just the same). Off by default. After a
 * successful run the oldest runs' reports are deleted; see PruneReports.ts for what counts as a report.
 */
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { counted } from "../Cli/Counted.js"
import { envInteger } from "../Cli/Environment.js"
import { wholeNumberOption } from "../Cli/NumberValues.js"
import { confirmHeldReportDirectory } from "../Reports/HeldDirectory.js"
import type { ReportError } from "../Reports/ReportError.js"
import { type PruneResult, pruneReports, type Retention, retentionIsOff } from "./PruneReports.js"

export const retentionOptions = Options.all({
  keepReports: wholeNumberOption("keep-reports").pipe(
    Options.withDescription(
      "After a successful run, delete the reports of all but the newest N runs. Off by default. " +
        "Env: AUDIT_KEEP_REPORTS."
    ),
    Options.withFallbackConfig(envInteger("AUDIT_KEEP_REPORTS")),
    Options.optional
  ),
  keepReportsDays: wholeNumberOption("keep-reports-days").pipe(
    Options.withDescription(
      "After a successful run, delete the reports of runs more than D days old. With --keep-reports too, a run's " +
        "reports are deleted only when neither keeps them. Off by default. Env: AUDIT_KEEP_REPORTS_DAYS."
    ),
    Options.withFallbackConfig(envInteger("AUDIT_KEEP_REPORTS_DAYS")),
    Options.optional
  )
})

export type RetentionOptionValues = typeof retentionOptions extends Options.Options<infer A> ? A : never

const atLeastOne = (value: Option.Option<number>, flag: string) =>
  Option.match(value, {
    onNone: () => Effect.void,
    onSome: (n) =>
      Number.isSafeInteger(n) && n >= 1
        ? Effect.void
        : Effect.fail(new ConfigurationError({ message: `${flag} must be a whole number, 1 or more; got ${n}.` }))
  })

/** Checked at start-up with every other setting: a bad value exits 2 before anything is called. */
export const toRetention = (values: RetentionOptionValues): Effect.Effect<Retention, ConfigurationError> =>
  Effect.gen(function* () {
    yield* atLeastOne(values.keepReports, "--keep-reports / AUDIT_KEEP_REPORTS")
    yield* atLeastOne(values.keepReportsDays, "--keep-reports-days / AUDIT_KEEP_REPORTS_DAYS")
    return { keepRuns: values.keepReports, keepDays: values.keepReportsDays }
  })

/** What a prune deleted; `stopped` when it was interrupted before the end, leaving older runs. */
const sayDeleted = (result: PruneResult, stopped: boolean): Effect.Effect<void> => {
  if (result.deletedFiles.length === 0) return Effect.void
  const what =
    result.deletedRuns > 0
      ? `the reports of ${counted(result.deletedRuns, "old run")}`
      : `${counted(result.deletedFiles.length, "file")} of old runs`
  return Effect.logInfo(`deleted ${what}${stopped ? " before the stop; the rest are left for the next run" : ""}`).pipe(
    Effect.annotateLogs({ deletedRuns: result.deletedRuns, keptRuns: result.keptRuns, deleted: result.deletedFiles })
  )
}

/** The files a prune could not delete: the first few say what to fix; years of backlog would not fit one line. */
const sayNotDeleted = (result: PruneResult): Effect.Effect<void> => {
  if (result.failed.length === 0) return Effect.void
  const shown = result.failed.slice(0, 10).map((failure) => `${failure.path} (${failure.reason})`)
  const more = result.failed.length > 10 ? ` and ${result.failed.length - 10} more` : ""
  return Effect.logWarning(
    `could not delete ${counted(result.failed.length, "old report file")}: ${shown.join(", ")}${more}`
  )
}

/**
 * Prunes after a successful run, keeping the run's own reports whatever their stamps say. Failing to
 * tidy up is a warning: the run's reports are written, and the run did its job.
 */
export const pruneAfterRun = (
  directory: string,
  retention: Retention,
  /**
   * The run's own reports, and its id for the log lines, as every line of a run has it; the earliest report whose
   * changes its email was the first to name, kept with those after it.
   */
  run: { readonly reports: ReadonlyArray<string>; readonly runId: string; readonly keepSince?: string | undefined }
): Effect.Effect<void, ReportError> =>
  retentionIsOff(retention)
    ? Effect.void
    : Effect.zipRight(
        // Not another audit's reports: the directory may have been made anew, and taken, since this run took it.
        confirmHeldReportDirectory,
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const result = yield* pruneReports(directory, retention, now, run.reports, run.keepSince, (done) =>
            Effect.zipRight(sayDeleted(done, true), sayNotDeleted(done))
          )
          yield* sayDeleted(result, false)
          if (result.othersFiles.length > 0) {
            const shown = result.othersFiles.slice(0, 10).join(", ")
            const more = result.othersFiles.length > 10 ? ` and ${result.othersFiles.length - 10} more` : ""
            // Said of one file or of several in the words each takes.
            const one = result.othersFiles.length === 1
            yield* Effect.logInfo(
              `left ${counted(result.othersFiles.length, "file named as a report", "files named as reports")} ` +
                `alone, as another user owns ${one ? "it" : "them"} (not counted among the runs kept, never ` +
                `deleted): ${shown}${more}. If ${one ? "it is a report" : "they are reports"} of this tool written ` +
                `under another user id, give ${one ? "it" : "them"} to this user (chown) or remove ` +
                `${one ? "it" : "them"} by hand`
            )
          }
          yield* sayNotDeleted(result)
        }).pipe(
          Effect.catchAll((error) => Effect.logWarning(error.message)),
          Effect.annotateLogs({ phase: "prune", runId: run.runId })
        )
      )
