/**
 * A run whose email could not be delivered (or was sent but never confirmed) leaves a mark beside its reports,
 * `user-audit-<stamp>.undelivered`, saying why. The next run compares with that report as usual, so it finds what
 * changed there unchanged; seeing the mark, it names the report in its warnings, and `--email on-change` sends even
 * with nothing new, so the news is not lost. The mark shares its run's stem: report retention removes it with the
 * run's other files.
 */
import { writeFile } from "node:fs/promises"
import { Effect } from "effect"

export const UNDELIVERED_EXTENSION = ".undelivered"

/** The mark's path for a run's JSON report. */
export const undeliveredMarkPath = (jsonReportPath: string): string =>
  `${jsonReportPath.replace(/\.json$/, "")}${UNDELIVERED_EXTENSION}`

/** The report stems (`user-audit-<stamp>`, no extension) that carry a mark, among a directory's file names. */
export const undeliveredStems = (names: ReadonlyArray<string>): ReadonlySet<string> =>
  new Set(
    names
      .filter((name) => name.endsWith(UNDELIVERED_EXTENSION))
      .map((name) => name.slice(0, -UNDELIVERED_EXTENSION.length))
  )

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
