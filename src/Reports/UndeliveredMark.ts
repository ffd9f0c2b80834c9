/**
 * A run whose email could not be delivered (or was sent but never confirmed) leaves a mark beside its reports,
 * `user-audit-<stamp>.undelivered`, saying why. The next run compares with that report as usual, so it finds what
 * changed there unchanged; seeing the mark, it names the report in its warnings, and `--email on-change` sends even
 * with nothing new, so the news is not lost. The mark shares its run's stem: report retention removes it with the
 * run's other files.
 */
import { writeFile } from "node:fs/promises"
import { Effect } from "effect"

/** The mark's path (or name) for a run's JSON report's path (or name). */
export const undeliveredMarkPath = (jsonReport: string): string => `${jsonReport.replace(/\.json$/, "")}.undelivered`

/**
 * Marks the run's reports as not mailed. A mark that cannot be written is logged, not raised: the delivery failure
 * it records is what the run fails with.
 */
export const markUndelivered = (jsonReportPath: string, reason: string): Effect.Effect<void> =>
  Effect.tryPromise(() =>
    writeFile(
      undeliveredMarkPath(jsonReportPath),
      `The audit email of this run may not have been delivered. Why: ${reason}\n` +
        "The next run names this report in its warnings, and with --email on-change sends its email even if it " +
        "finds nothing new.\n",
      { mode: 0o640 }
    )
  ).pipe(
    Effect.catchAll((error) =>
      Effect.logWarning(`could not mark ${jsonReportPath} as not mailed: ${String(error.cause ?? error)}`)
    )
  )
