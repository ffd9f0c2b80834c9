/**
 * The names a run gives its files: `user-audit-<YYYYMMDDTHHMMSSZ>` (`-2`, `-3`, ... for more runs in the same
 * second) and one of the endings this tool writes. Retention deletes only such names, and the previous report is
 * the newest `.json` of them, so both read names the same way.
 */
import { reportStamp } from "../Audit/AuditRun.js"

/** The first run of a second has no suffix; the next ones `-2`, `-3`, ... */
const REPORT_NAME = /^(user-audit-(\d{8}T\d{6}Z)(?:-([2-9]|[1-9]\d{1,5}))?)(\.csv|\.json|\.eml|\.undelivered)$/

export interface ReportName {
  /** The run's part of the name, shared by its files: `user-audit-20260630T020000Z-2`. */
  readonly stem: string
  readonly stampedAt: number
  /** 1 for the first run of a second, then 2, 3, ... */
  readonly sequence: number
  readonly ending: ".csv" | ".json" | ".eml" | ".undelivered"
}

/**
 * How far after a run's start the stamp of a file it finds may be, for runs on machines whose clocks differ a little
 * (a shared volume). Beyond it, a clock was ahead when the file was made, or this one is behind now, and the file
 * is not taken for an earlier run's: every later run, stamped before it, would take it again.
 */
const CLOCK_SKEW_MS = 5 * 60_000

/** Whether a file stamped `stampedAt` is stamped after a run started at `runStartedAt`, beyond the skew allowed. */
export const isStampedAhead = (stampedAt: number, runStartedAt: number): boolean =>
  stampedAt > runStartedAt + CLOCK_SKEW_MS

/** A name's stamp (`20260630T020000Z`) as epoch ms; undefined for one that is no real instant. */
export const parseStamp = (stamp: string): number | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp)
  if (match === null) return undefined
  const [, year, month, day, hour, minute, second] = match
  const epoch = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second))
  // Date.UTC rolls month 13 or second 61 over; such a stamp was not written by this tool.
  return reportStamp(epoch) === stamp ? epoch : undefined
}

/** The run a report file belongs to, or undefined for a name this tool did not give. */
export const parseReportName = (name: string): ReportName | undefined => {
  const match = REPORT_NAME.exec(name)
  if (match === null) return undefined
  const [, stem = "", stamp = "", sequence, ending] = match
  const stampedAt = parseStamp(stamp)
  if (stampedAt === undefined) return undefined
  return {
    stem,
    stampedAt,
    sequence: sequence === undefined ? 1 : Number(sequence),
    ending: ending as ReportName["ending"]
  }
}

/** Whether `a` was written after `b`: by stamp, then by same-second sequence. */
export const isNewer = (
  a: Pick<ReportName, "stampedAt" | "sequence">,
  b: Pick<ReportName, "stampedAt" | "sequence">
): boolean => a.stampedAt > b.stampedAt || (a.stampedAt === b.stampedAt && a.sequence > b.sequence)
