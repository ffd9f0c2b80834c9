/**
 * A run that is to send an email puts a mark beside its reports, `user-audit-<stamp>.undelivered`, in the same step
 * that puts the reports in place, and removes it once the email is sent, written to a file, or found not needed.
 * A run whose email fails rewrites it with the reason; a run stopped in between leaves it as it was. The next run
 * compares with that report as usual, so it finds what changed there unchanged; seeing the mark, it names the
 * report in its warnings, and `--email on-change` sends even with nothing new, so the news is not lost. The mark
 * shares its run's stem: report retention removes it with the run's other files.
 */
import { unlink, writeFile } from "node:fs/promises"
import { Effect } from "effect"

export const UNDELIVERED_EXTENSION = ".undelivered"

/** The mark's path (or name) for a run's JSON report's path (or name). */
export const undeliveredMarkPath = (jsonReport: string): string =>
  `${jsonReport.replace(/\.json$/, "")}${UNDELIVERED_EXTENSION}`

/** What the mark says until the email is sent: all a run stopped before then leaves. */
const WHAT_NEXT =
  "The next run names this report in its warnings, and with --email on-change sends its email even if it finds " +
  "nothing new.\n"

export const PENDING_MARK =
  "The audit email of this run had not been sent when the run ended: it may not have been delivered.\n" + WHAT_NEXT

/** The mark of a run that sends no email itself, over a previous report whose email was not delivered. */
export const carriedMark = (previousReport: string): string =>
  `The audit email of an earlier run may not have been delivered (see ${previousReport}), and this run sent ` +
  `none: what changed since that email is in this report.\n${WHAT_NEXT}`

/** The email went out (or was not needed): the mark goes. */
export const clearUndelivered = (markPath: string | undefined): Effect.Effect<void> =>
  markPath === undefined
    ? Effect.void
    : Effect.tryPromise(() => unlink(markPath)).pipe(
        Effect.catchAll((error) => Effect.logWarning(`could not remove ${markPath}: ${String(error.cause ?? error)}`))
      )

/**
 * Says why the run's email failed, in its mark. A mark that cannot be written is logged, not raised: the delivery
 * failure it records is what the run fails with.
 */
export const markUndelivered = (jsonReportPath: string, reason: string): Effect.Effect<void> =>
  Effect.tryPromise(() =>
    writeFile(
      undeliveredMarkPath(jsonReportPath),
      `The audit email of this run may not have been delivered. Why: ${reason}\n${WHAT_NEXT}`,
      { mode: 0o640 }
    )
  ).pipe(
    Effect.catchAll((error) =>
      Effect.logWarning(`could not mark ${jsonReportPath} as not mailed: ${String(error.cause ?? error)}`)
    )
  )
