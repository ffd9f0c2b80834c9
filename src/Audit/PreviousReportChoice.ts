/**
 * Which report in the report directory a run compares with: the one as of the latest instant not after the run's own
 * as-of. Report names carry when their run started, not the instant it judged: a run `--as-of` a past day (a
 * backfill), or one on a clock that was behind, writes a report newest by its name that judges an earlier instant.
 * Taken for the previous report, it would make everything that changed since that instant new or resolved once more;
 * and a report as of after a run's as-of is no "last time" to it. Ties go to the report written last (by its name).
 *
 * Each report's as-of is read from the head of its run section, a few kilobytes: a directory of a year of nightly
 * reports is read in milliseconds. A report whose as-of cannot be read there (written before it was recorded, laid
 * out otherwise, not a report at all) is taken as of its stamp, as every run without `--as-of` nearly is.
 */
import { closeSync, readSync } from "node:fs"
import { join } from "node:path"
import { counted } from "../Cli/Counted.js"
import { openRegularFileSync } from "../Reports/RegularFile.js"
import { isNewer, isStampedAhead, parseReportName, type ReportName } from "../Reports/ReportName.js"
import { parseTimestamp } from "./Timestamps.js"

export interface DatedReport {
  readonly name: string
  /** Its run's as-of, epoch ms; its stamp when that cannot be read. */
  readonly asOf: number
}

export interface PreviousReportChoice {
  /** The report to compare with; undefined when none is as of this run's as-of or before it. */
  readonly chosen: DatedReport | undefined
  /** Reports as of after this run's as-of, earliest first: not compared with. */
  readonly datedAfterAsOf: ReadonlyArray<DatedReport>
  /** Reports written after the chosen one (by their names) but as of an earlier instant: passed over for it. */
  readonly passedOver: ReadonlyArray<DatedReport>
}

/** The run section's first keys (runId, tool, asOf, ..., apiBaseUrl) fit many times over. */
const HEAD_BYTES = 8192

/**
 * The head of a report's run section: its first kilobytes, up to its findings, whose text quotes the API and could
 * hold anything. Undefined when the file cannot be read.
 */
export const readRunHead = (path: string): string | undefined => {
  try {
    // Opening a pipe named like a report would wait for a writer for ever: only a regular file is read.
    const fd = openRegularFileSync(path)
    try {
      const head = Buffer.alloc(HEAD_BYTES)
      const text = head.toString("utf8", 0, readSync(fd, head, 0, HEAD_BYTES, 0))
      const findingsAt = text.indexOf('"findings"')
      return findingsAt === -1 ? text : text.slice(0, findingsAt)
    } finally {
      closeSync(fd)
    }
  } catch {
    return undefined
  }
}

/** A string the run section's head records under `key`, of at most `maxLength` characters and no escapes. */
export const runHeadField = (head: string | undefined, key: "asOf" | "apiBaseUrl", maxLength: number) =>
  head === undefined ? undefined : new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]{1,${maxLength}})"`).exec(head)?.[1]

/** The as-of a run section's head records, or undefined when it records none that can be read there. */
export const asOfInHead = (head: string | undefined): number | undefined => {
  const asOf = runHeadField(head, "asOf", 64)
  return asOf === undefined ? undefined : parseTimestamp(asOf)
}

/** A findings report's as-of as the choice below dates it: its run's, else the stamp in its name, `stampedAt`. */
export const reportAsOf = (directory: string, name: string, stampedAt: number): number =>
  asOfInHead(readRunHead(join(directory, name))) ?? stampedAt

/**
 * Chooses among the findings reports in `names` not stamped after `runStartedAt` (`reportsAheadOf` names those). A
 * report may be as of a little after `asOf`, as it may be stamped a little after the run started: the clocks of
 * machines sharing a report directory differ a little.
 */
export const choosePreviousReport = (
  directory: string,
  names: ReadonlyArray<string>,
  runStartedAt: number,
  asOf: number
): PreviousReportChoice => {
  const candidates: Array<DatedReport & { readonly parsed: ReportName }> = []
  for (const name of names) {
    const parsed = parseReportName(name)
    if (parsed === undefined || parsed.ending !== ".json" || isStampedAhead(parsed.stampedAt, runStartedAt)) continue
    candidates.push({ name, parsed, asOf: reportAsOf(directory, name, parsed.stampedAt) })
  }
  const eligible = candidates.filter((report) => !isStampedAhead(report.asOf, asOf))
  let chosen: (typeof candidates)[number] | undefined
  for (const report of eligible) {
    if (
      chosen === undefined ||
      report.asOf > chosen.asOf ||
      (report.asOf === chosen.asOf && isNewer(report.parsed, chosen.parsed))
    ) {
      chosen = report
    }
  }
  const picked = chosen
  const dated = ({ name, asOf }: DatedReport): DatedReport => ({ name, asOf })
  const byAsOf = (a: DatedReport, b: DatedReport) => a.asOf - b.asOf || (a.name < b.name ? -1 : 1)
  return {
    chosen: picked === undefined ? undefined : dated(picked),
    datedAfterAsOf: candidates
      .filter((report) => isStampedAhead(report.asOf, asOf))
      .map(dated)
      .sort(byAsOf),
    passedOver:
      picked === undefined
        ? []
        : eligible
            .filter((report) => isNewer(report.parsed, picked.parsed))
            .map(dated)
            .sort(byAsOf)
  }
}

const iso = (epoch: number) => new Date(epoch).toISOString()

/** Up to three reports with their as-of, then how many more. (Only names of this tool's shape are ever taken.) */
const listed = (reports: ReadonlyArray<DatedReport>): string => {
  const shown = reports.slice(0, 3).map((report) => `${report.name} (as of ${iso(report.asOf)})`)
  return reports.length > 3 ? `${shown.join(", ")} and ${reports.length - 3} more` : shown.join(", ")
}

const comparedInstead = (chosen: DatedReport | undefined): string =>
  chosen === undefined
    ? ", and no report is as of before this run, so every finding is new."
    : `: the newest report as of before this run is ${chosen.name} (as of ${iso(chosen.asOf)}).`

/**
 * Those of `reports` as of after this run started: written by a run `--as-of` ahead (a year mistyped), each is passed
 * over by every run until that instant comes, and the warning said so each night without saying what ends it.
 */
const aheadOfNow = (reports: ReadonlyArray<DatedReport>, startedAt: number): string => {
  const ahead = reports.filter((report) => isStampedAhead(report.asOf, startedAt)).length
  if (ahead === 0) return ""
  const [subject, those] =
    ahead < reports.length
      ? [`${ahead} of them ${ahead === 1 ? "is" : "are"}`, ahead === 1 ? "that one" : "those"]
      : ahead === 1
        ? ["It is", "it"]
        : ["They are", "them"]
  return (
    ` ${subject} as of after this run started, as a run with --as-of ahead writes: every run passes ${those} over ` +
    `until then. If that --as-of was not meant, move ${those} out of the report directory.`
  )
}

/** Reports as of after this run's as-of (a run `--as-of` a past day): not compared with. */
export const datedAfterAsOfWarning = (
  asOf: number,
  reports: ReadonlyArray<DatedReport>,
  chosen: DatedReport | undefined,
  startedAt: number
): string =>
  `This run is as of ${iso(asOf)}, before ${counted(reports.length, "report")} in the report ` +
  `directory: ${listed(reports)}. ${reports.length === 1 ? "It was" : "They were"} not compared with` +
  comparedInstead(chosen) +
  aheadOfNow(reports, startedAt)

/** Reports written after the one compared with but as of an earlier instant: passed over for it. */
export const passedOverWarning = (reports: ReadonlyArray<DatedReport>, chosen: DatedReport): string => {
  const one = reports.length === 1
  return (
    `${listed(reports)} ${one ? "was" : "were"} written after ${chosen.name} but ${one ? "is" : "are"} ` +
    "as of an earlier instant: a run with --as-of in the past, or on a clock that was behind. " +
    `${one ? "It was" : "They were"} not compared with${comparedInstead(chosen)}`
  )
}
