/**
 * A run that is to send an email puts a mark beside its reports, `user-audit-<stamp>.undelivered`, in the same step
 * that puts the reports in place, and removes it once the email is sent, written to a file, or found not needed.
 * A run whose email fails rewrites it with the reason; a run stopped in between leaves it as it was. The next run
 * compares with that report as usual, so it finds what changed there unchanged; seeing the mark, it names the
 * report in its warnings, and `--email on-change` sends even with nothing new, so the news is not lost. The mark
 * shares its run's stem: report retention removes it with the run's other files.
 *
 * Emails can fail several runs in a row. Each mark then names, on a line of its own, the earliest report whose
 * changes no email has carried, so the run that finally mails names that one (and retention keeps it and the reports
 * after it), not only the report just before, where those changes already count as unchanged.
 */
import { readdir, rename, stat, unlink, writeFile } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import * as Effect from "effect/Effect"
import { reportAsOf } from "../Audit/PreviousReportChoice.js"
import { confirmHeldReportDirectory } from "./HeldDirectory.js"
import { openRegularFile } from "./RegularFile.js"
import { describeFsError, hasErrorCode, type ReportError } from "./ReportError.js"
import { isNewer, isStampedAhead, parseReportName } from "./ReportName.js"
import { syncPlacedFiles } from "./SyncDirectory.js"
import { temporaryName } from "./TempFile.js"

export const UNDELIVERED_EXTENSION = ".undelivered"

/** The mark's path (or name) for a run's JSON report's path (or name). */
export const undeliveredMarkPath = (jsonReport: string): string =>
  `${jsonReport.replace(/\.json$/, "")}${UNDELIVERED_EXTENSION}`

/** What the mark says until the email is sent: all a run stopped before then leaves. */
const WHAT_NEXT =
  "The next run names this report in its warnings, and with --email on-change sends its email even if it finds " +
  "nothing new.\n"

const SINCE = "Not mailed since: "

/** The line naming the earliest report not mailed; none when that is the marked report itself. */
const sinceLine = (earliest: string | undefined): string => (earliest === undefined ? "" : `${SINCE}${earliest}\n`)

/**
 * The earliest report a mark says was not mailed, or undefined when it names none (then it is its own report). Only
 * a name this tool gives its JSON reports is taken (no path: the report is beside the mark).
 */
export const notMailedSince = (markText: string): string | undefined => {
  const named = /^Not mailed since: (.+)$/m.exec(markText)?.[1]
  return named !== undefined && parseReportName(named)?.ending === ".json" ? named : undefined
}

/**
 * What a run's mark says until its email is sent: all a run stopped before then leaves. `earliest` is the earliest
 * report not mailed before this run, if any.
 */
export const pendingMark = (earliest: string | undefined): string =>
  "The audit email of this run had not been sent when the run ended: it may not have been delivered.\n" +
  WHAT_NEXT +
  sinceLine(earliest)

/**
 * The mark of a run that sends no email itself, over earlier reports whose email was not delivered. `earliest` need
 * not be the report of the run whose email failed: a run with email off, or a review, before it sent none (see
 * NewsNotMailed.ts), so the mark does not call it that run's email.
 */
export const carriedMark = (earliest: string): string =>
  "The audit email of an earlier run may not have been delivered, and this run sent none: no email may have " +
  `carried what changed since ${earliest}, which is in that report and the ones after it, up to this one.\n` +
  `${WHAT_NEXT}${sinceLine(earliest)}`

/** Past this size a file named like a mark is not one this tool wrote: it is taken as a mark naming no report. */
const MAX_MARK_BYTES = 64 * 1024

/**
 * The earliest report not mailed, for a report whose mark is at `markPath`: the one the mark names, else the report
 * itself. Undefined when there is no mark.
 */
export const readNotMailedSince = async (markPath: string, report: string): Promise<string | undefined> => {
  const found = await stat(markPath).catch(() => undefined)
  if (found === undefined) return undefined
  // Opening a pipe named like a mark would wait for a writer for ever; anything else but a small file names none.
  if (!found.isFile() || found.size > MAX_MARK_BYTES) return report
  return notMailedSince(await readMarkText(markPath)) ?? report
}

/**
 * The mark's text; empty when what the name gives now is no small plain file. Checked as opened, not by the look
 * above: another user of a shared report directory can give the name to a pipe in between (RegularFile.ts).
 */
const readMarkText = async (markPath: string): Promise<string> => {
  const handle = await openRegularFile(markPath).catch(() => undefined)
  if (handle === undefined) return ""
  try {
    const buffer = Buffer.alloc(MAX_MARK_BYTES + 1)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return bytesRead > MAX_MARK_BYTES ? "" : buffer.toString("utf8", 0, bytesRead)
  } catch {
    return ""
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/**
 * Marks are written and removed only while the run holds its report directory, as reports are placed: the directory
 * may have been made anew, and taken by another audit, since the heartbeat last looked, and that audit's marks are
 * not this run's to rewrite or remove. Fails, changing nothing, once another audit holds it.
 */
const whileHeld = <A>(change: Effect.Effect<A>): Effect.Effect<A, ReportError> =>
  Effect.zipRight(confirmHeldReportDirectory, change)

/** The email went out (or was not needed): the mark goes. */
export const clearUndelivered = (markPath: string | undefined): Effect.Effect<void, ReportError> =>
  markPath === undefined
    ? Effect.void
    : Effect.tryPromise(() => unlink(markPath)).pipe(
        Effect.catchAll((error) => Effect.logWarning(`could not remove ${markPath}: ${String(error.cause ?? error)}`)),
        whileHeld
      )

/**
 * The email of the run that wrote `jsonReportPath`, as of `asOf`, went out, carrying every change since the earliest
 * report not mailed: the marks of the reports before it are settled too, and go. Left, they went on saying their email
 * may not have been delivered until retention removed them. Not those of reports as of after `asOf`, written before a
 * run `--as-of` a past day: it compared with a report before them (PreviousReportChoice.ts), so their news is in no
 * email yet, and the next run, comparing with the latest of them, still has to find their marks.
 */
export const clearEarlierMarks = (jsonReportPath: string, asOf: number): Effect.Effect<void, ReportError> =>
  Effect.promise(async () => {
    const directory = dirname(jsonReportPath)
    const own = parseReportName(basename(jsonReportPath))
    if (own === undefined) return []
    let names: ReadonlyArray<string>
    try {
      names = await readdir(directory)
    } catch (error) {
      // Gone, it holds no mark; unlisted, the marks stay, saying their email may not have gone, until retention.
      return hasErrorCode(error, "ENOENT")
        ? []
        : [`the marks of earlier runs in ${directory}, which cannot be listed (${describeFsError(error)})`]
    }
    const settled = names.filter((name) => {
      const marked = parseReportName(name)
      if (marked?.ending !== UNDELIVERED_EXTENSION || !isNewer(own, marked)) return false
      return !isStampedAhead(reportAsOf(directory, `${marked.stem}.json`, marked.stampedAt), asOf)
    })
    const failures: Array<string> = []
    for (const name of settled) {
      await unlink(join(directory, name)).catch((error: unknown) => failures.push(`${name} (${String(error)})`))
    }
    return failures
  }).pipe(
    Effect.flatMap((failures) =>
      failures.length === 0 ? Effect.void : Effect.logWarning(`could not remove ${failures.join(", ")}`)
    ),
    whileHeld
  )

/**
 * Says why the run's email failed, in its mark. Written beside it under a temporary name and renamed over it, so the
 * mark is never seen half written: rewritten in place, a run stopped (or a reader arriving) between the truncation
 * and the write found it empty, and an empty mark no longer names the earliest report not mailed. A mark that cannot
 * be written is logged, not raised: the delivery failure it records is what the run fails with.
 */
export const markUndelivered = (
  jsonReportPath: string,
  reason: string,
  /** The earliest report not mailed before this run, if any. */
  earliest: string | undefined
): Effect.Effect<void, ReportError> =>
  Effect.tryPromise(async () => {
    const markPath = undeliveredMarkPath(jsonReportPath)
    const temporary = join(dirname(markPath), temporaryName("user-audit.undelivered"))
    const text = `The audit email of this run may not have been delivered. Why: ${reason}\n${WHAT_NEXT}${sinceLine(earliest)}`
    try {
      await writeFile(temporary, text, { mode: 0o640, flag: "wx" })
      await rename(temporary, markPath)
    } catch (error) {
      await unlink(temporary).catch(() => undefined)
      throw error
    }
  }).pipe(
    Effect.matchEffect({
      onFailure: (error) =>
        Effect.logWarning(`could not mark ${jsonReportPath} as not mailed: ${String(error.cause ?? error)}`),
      onSuccess: () => syncPlacedFiles(dirname(jsonReportPath), [undeliveredMarkPath(jsonReportPath)])
    }),
    // A stop (SIGTERM) waits the few milliseconds to the rename rather than leave the temporary file behind.
    Effect.uninterruptible,
    whileHeld
  )
