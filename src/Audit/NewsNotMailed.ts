/**
 * Which reports hold news that no email has carried. A run that mails sends what changed since the report it compares
 * with. When that report's own run sent no email (email off, a review, an export), what changed in it is in no email:
 * an account made admin in the afternoon, seen first by an ad-hoc run with email off, would be "unchanged" in the
 * nightly run's email, and `--email on-change` would send nothing. So each report says what became of its run's email
 * (AuditRun's `email`), and the next run reads it as it reads the `.undelivered` mark of a run whose email failed
 * (UndeliveredMark.ts), which it takes first.
 *
 * A run that sends no email owes one only after a run that did: where no run mails, none is owed, and the first run
 * with email on is not told about every report before it.
 */
import { open, stat } from "node:fs/promises"
import { join } from "node:path"
import { parseReportName } from "../Reports/ReportName.js"
import { readNotMailedSince, undeliveredMarkPath } from "../Reports/UndeliveredMark.js"
import type { RecordedEmail } from "./AuditRun.js"
import type { PreviousReportLookup } from "./PreviousReport.js"

/** What a report says of its run's email (AuditRun's `email` and `notMailedSince`). */
export interface EmailRecord {
  readonly email: RecordedEmail
  readonly notMailedSince?: string
}

/** The record in a report's run section, or undefined for a report written before reports had one. */
export const readEmailRecord = (run: Record<string, unknown>): EmailRecord | undefined => {
  const { email, notMailedSince } = run
  if (email !== "to-follow" && email !== "owed" && email !== "none") return undefined
  // Only a name this tool gives its JSON reports, as in a mark: the reports are side by side.
  return email === "owed" && typeof notMailedSince === "string" && parseReportName(notMailedSince)?.ending === ".json"
    ? { email, notMailedSince }
    : { email }
}

type FoundReport = Extract<PreviousReportLookup, { _tag: "Found" }>

export interface NewsNotMailed {
  /** The earliest report whose changes no email has carried: the previous report or one before it. */
  readonly since: string
  /**
   * `undelivered`: a mark says an email may not have gone. `review` and `sent-none`: the report's run, a review or
   * another, sent no email after a run that did.
   */
  readonly because: "undelivered" | "review" | "sent-none"
}

/**
 * What of the previous report's news, and of the reports before it, no email has carried. `runMails`: this run sends
 * one. A review's report written before reports said what became of their email counts as not mailed for a run that
 * mails, as it did then.
 */
export const newsNotMailed = (previous: FoundReport, name: string, runMails: boolean): NewsNotMailed | undefined => {
  if (previous.notMailedSince !== undefined) return { since: previous.notMailedSince, because: "undelivered" }
  const record = previous.report.email
  const because = previous.writtenByReview ? "review" : "sent-none"
  if (record?.email === "owed") return { since: record.notMailedSince ?? name, because }
  if (record === undefined && previous.writtenByReview && runMails) return { since: name, because }
  return undefined
}

/**
 * What this run's report says of its email. One that sends none owes one when the previous report's news is in no
 * email, or when the previous run mailed (its mark gone: sent, or found not needed), so that this run's news is the
 * first no email carries.
 */
export const emailRecordOf = (
  runMails: boolean,
  previous: FoundReport | undefined,
  notMailed: NewsNotMailed | undefined
): EmailRecord => {
  if (runMails) return { email: "to-follow" }
  if (notMailed !== undefined) return { email: "owed", notMailedSince: notMailed.since }
  return previous?.report.email?.email === "to-follow" ? { email: "owed" } : { email: "none" }
}

/** The warning of a run that mails, naming where the news no email has carried is. */
export const notMailedWarning = (notMailed: NewsNotMailed, previousName: string): string => {
  const { since, because } = notMailed
  if (because === "undelivered") {
    return since === previousName
      ? `The audit email of the previous run may not have been delivered: what changed then is in ${since}.`
      : // The earliest report may be of a run that sent no email (email off, a review) before the one that failed.
        `An audit email may not have been delivered, and no email may have carried what changed since ${since}: it ` +
          `is in that report and the ones after it, up to ${previousName}.`
  }
  if (since !== previousName) {
    return (
      `No email has carried what changed since ${since}: it is in that report and the ones after it, up to ` +
      `${previousName}.`
    )
  }
  return because === "review"
    ? `The previous report, ${since}, was written by a review, which sends no email: what changed then is in that ` +
        "report, and in no email before this one."
    : `The previous report, ${since}, was written by a run that sent no email: what changed then is in that report, ` +
        "and in no email before this one."
}

/** A run section this tool writes is a few kilobytes; past this, the file is not read further for it. */
const MAX_RUN_SECTION_BYTES = 4 * 1024 * 1024

/**
 * The run section of a report laid out as this tool writes it (up to its `"findings": [` line), or undefined when it
 * cannot be read so: another layout, not a regular file, or none at all.
 */
const readRunSection = async (path: string): Promise<Record<string, unknown> | undefined> => {
  try {
    // Opening a pipe named like a report would wait for a writer for ever: only a regular file is read.
    if (!(await stat(path)).isFile()) return undefined
    const file = await open(path, "r")
    try {
      // A run section is a few kilobytes: read a little at first, more only for a long one.
      let buffer = Buffer.allocUnsafe(64 * 1024)
      let filled = 0
      for (;;) {
        if (filled === buffer.length) {
          if (buffer.length >= MAX_RUN_SECTION_BYTES) return undefined
          const larger = Buffer.allocUnsafe(buffer.length * 4)
          buffer.copy(larger, 0, 0, filled)
          buffer = larger
        }
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, filled)
        if (bytesRead === 0) return undefined
        filled += bytesRead
        const text = buffer.toString("utf8", 0, filled)
        const end = text.search(/^[ \t]*"findings": \[[ \t\r]*$/m)
        if (end === -1) continue
        const parsed: unknown = JSON.parse(
          `${text
            .slice(0, end)
            .replace(/^\uFEFF/, "")
            .replace(/,\s*$/, "")}\n}`
        )
        const run = typeof parsed === "object" && parsed !== null ? (parsed as { run?: unknown }).run : undefined
        return typeof run === "object" && run !== null ? (run as Record<string, unknown>) : undefined
      }
    } finally {
      await file.close()
    }
  } catch {
    return undefined
  }
}

/**
 * The earliest report a run comparing with `name` will say no email has carried, as `newsNotMailed` finds it for a
 * run that sends none: what its mark names, else what its report says it owes. Retention keeps it and the reports
 * after it even when the run pruning is not the one that compares with `name` (a run `--as-of` a past day).
 */
export const owedSinceOf = async (directory: string, name: string): Promise<string | undefined> => {
  const marked = await readNotMailedSince(join(directory, undeliveredMarkPath(name)), name)
  if (marked !== undefined) return marked
  const run = await readRunSection(join(directory, name))
  const record = run === undefined ? undefined : readEmailRecord(run)
  return record?.email === "owed" ? (record.notMailedSince ?? name) : undefined
}

/**
 * Whether one of `names`, reports as of after the report a run `--as-of` a past day compares with, is of a run whose
 * email went out (its report says `to-follow`, and no mark says it failed): that email carried what the report
 * compared with owed, as it removed the marks of the reports before it (UndeliveredMark.ts' `clearEarlierMarks`).
 */
export const mailedSince = async (directory: string, names: ReadonlyArray<string>): Promise<boolean> => {
  for (const name of names) {
    if ((await readNotMailedSince(join(directory, undeliveredMarkPath(name)), name)) !== undefined) continue
    const run = await readRunSection(join(directory, name))
    if (run !== undefined && readEmailRecord(run)?.email === "to-follow") return true
  }
  return false
}
