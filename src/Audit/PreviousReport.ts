/**
 * The previous run's findings, read from its JSON report in the report directory, so this run can say what is
 * new, what is unchanged (carrying `firstSeen` forward) and what was resolved. Reports are read a line at a time
 * (this tool writes one finding per line), so a report of 100,000 findings is never held as one string: a
 * megabyte at a time, split by hand, which took a fifth of the time `readline`'s line events took. (A report laid
 * out otherwise, by `jq -c` say, is parsed whole, up to 64 MiB.)
 * A missing or unreadable previous report is not an error: everything is then new, and the run says so once.
 */
import { closeSync, readSync } from "node:fs"
import { readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { printable } from "../PantherApi/Responses.js"
import { openRegularFile, openRegularFileSync } from "../Reports/RegularFile.js"
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"
import { isStampedAhead, parseReportName } from "../Reports/ReportName.js"
import { readNotMailedSince, undeliveredMarkPath } from "../Reports/UndeliveredMark.js"
import { FINDING_CODES, type FindingCode } from "./Finding.js"
import { findingId } from "./FindingAnnotations.js"
import {
  type FirstSeenBounds,
  firstSeenBounds,
  makeRejectedFirstSeen,
  type RejectedFirstSeen,
  readFirstSeen
} from "./FirstSeen.js"
import { jsonErrorOffset, lineAndColumn } from "./JsonErrorPlace.js"
import { type EmailRecord, readEmailRecord } from "./NewsNotMailed.js"
import { instanceLabel, isSameInstance } from "./PantherInstance.js"
import {
  type PrivilegeSource,
  type RecordedParameters,
  readPrivilegeSource,
  readRecordedParameters
} from "./ParameterChanges.js"
import { choosePreviousReport, type DatedReport } from "./PreviousReportChoice.js"
import { SEVERITIES, type Severity } from "./Severity.js"

export interface PreviousFinding {
  readonly id: string
  readonly finding: FindingCode
  /**
   * As the report had it: found again at another, the finding is escalated or de-escalated. Every finding of a
   * report this tool wrote has one; a report with a finding without one is not read at all (`readFinding`), so no
   * change of severity is ever guessed.
   */
  readonly severity: Severity
  readonly userId: string | null
  readonly email: string | null
  /**
   * Null when the report's is not one this tool can have written (`readFirstSeen`): found again, it is first seen
   * now; resolved, when it was first seen is not known.
   */
  readonly firstSeen: string | null
  readonly suppressed: boolean
}

export interface PreviousReport {
  readonly path: string
  /** The API its run audited, when it says (every report of this tool does). */
  readonly apiBaseUrl?: string
  /** The settings its run judged by, so a run can say when they differ from its own. */
  readonly parameters?: RecordedParameters
  /** How that run decided privilege, when the report says. */
  readonly privilegeSource?: PrivilegeSource
  /** What became of that run's email, when the report says (NewsNotMailed.ts). */
  readonly email?: EmailRecord
  readonly runStartedAt: string
  readonly findings: ReadonlyMap<string, PreviousFinding>
  /**
   * Ids that more than one of its findings holds (users without an id share one by email): `findings` keeps one of
   * them, so which severity a finding of such an id had is not known, and no change of severity is read into it.
   */
  readonly sharedIds: ReadonlySet<string>
  /** Findings whose firstSeen was not taken, for the run's warning; absent when there were none. */
  readonly rejectedFirstSeen?: RejectedFirstSeen
}

export type PreviousReportLookup = (
  | {
      readonly _tag: "Found"
      readonly report: PreviousReport
      /**
       * The run that wrote it could not deliver its audit email (see UndeliveredMark.ts): the earliest report whose
       * changes no email has carried, this one or an earlier one. Undefined when its email went out.
       */
      readonly notMailedSince: string | undefined
      /**
       * A review wrote it (its workbook or page, under the same stamp, is beside it). A review sends no email, and
       * leaves no mark when it has none to carry: what changed in it is in no email (NewsNotMailed.ts).
       */
      readonly writtenByReview: boolean
    }
  | { readonly _tag: "NotFound"; readonly reason: string }
) & {
  /**
   * Reports stamped after the run started (`reportsAheadOf`): a clock ran ahead when they were made, or runs behind
   * now. Not compared with, and worth a warning: the run's own report is stamped before them.
   */
  readonly aheadOfClock?: ReadonlyArray<string>
  /** The report chosen to compare with (PreviousReportChoice.ts), with its as-of, even when it could not be read. */
  readonly chosen?: DatedReport
  /** Reports as of after the run's as-of: not compared with, and worth a warning. */
  readonly datedAfterAsOf?: ReadonlyArray<DatedReport>
  /** Reports written after the chosen one but as of an earlier instant (a backdated run): worth a warning. */
  readonly passedOver?: ReadonlyArray<DatedReport>
}

/** Findings reports (`.json`) stamped after a run started at `notAfter`: not taken for the previous. */
export const reportsAheadOf = (names: ReadonlyArray<string>, notAfter: number): ReadonlyArray<string> =>
  names.filter((name) => {
    const parsed = parseReportName(name)
    return parsed !== undefined && parsed.ending === ".json" && isStampedAhead(parsed.stampedAt, notAfter)
  })

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

// Set lookups rather than `Schema.is`, which took about 1 µs a check: two checks for each of yesterday's findings.
const findingCodes: ReadonlySet<unknown> = new Set(FINDING_CODES)
const severities: ReadonlySet<unknown> = new Set(SEVERITIES)
const isFindingCode = (value: unknown): value is FindingCode => findingCodes.has(value)
const isSeverity = (value: unknown): value is Severity => severities.has(value)

const textOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null)

/** The finding's fields a comparison needs; undefined when its code or severity is not one this tool writes. */
const readFinding = (
  value: unknown,
  bounds: FirstSeenBounds,
  rejected: ReturnType<typeof makeRejectedFirstSeen>
): PreviousFinding | undefined => {
  // An edited report's unknown severity would otherwise reach the email's tables, which have no colour for it.
  if (!isRecord(value) || !isFindingCode(value.finding) || !isSeverity(value.severity)) return undefined
  const finding = value.finding
  const userId = textOrNull(value.userId)
  const email = textOrNull(value.email)
  // A report written before ids were recorded: the id this finding has now.
  const id =
    typeof value.id === "string"
      ? value.id
      : findingId(finding, {
          userId,
          email,
          givenName: textOrNull(value.givenName),
          familyName: textOrNull(value.familyName),
          createdAt: textOrNull(value.createdAt)
        })
  // Reports written before first-seen tracking have none: the finding was seen at least as early as that run.
  const firstSeen = readFirstSeen(value.firstSeen, bounds)
  if ("problem" in firstSeen) rejected.add(id, firstSeen.problem)
  return {
    id,
    finding,
    severity: value.severity,
    userId,
    email,
    firstSeen: "iso" in firstSeen ? firstSeen.iso : null,
    suppressed: value.suppressed === true
  }
}

/** Adds a finding of the report, noting an id that another finding of it already holds. */
const addFinding = (findings: Map<string, PreviousFinding>, sharedIds: Set<string>, finding: PreviousFinding) => {
  if (findings.has(finding.id)) sharedIds.add(finding.id)
  findings.set(finding.id, finding)
}

/**
 * The findings a report's run left unjudged (`changes.notJudged`: login data missing), taken as previous findings
 * of that report where it has no finding of the same id. An entry that is not a finding is passed over: the list is
 * a courtesy to the next run, not the report's findings.
 */
const addNotJudged = (
  run: Record<string, unknown>,
  findings: Map<string, PreviousFinding>,
  bounds: FirstSeenBounds,
  rejected: ReturnType<typeof makeRejectedFirstSeen>
) => {
  const list = isRecord(run.changes) ? run.changes.notJudged : undefined
  if (!Array.isArray(list)) return
  for (const item of list) {
    const finding = readFinding(item, bounds, rejected)
    if (finding !== undefined && !findings.has(finding.id)) findings.set(finding.id, finding)
  }
}

const READ_BYTES = 1024 * 1024

/** Lets I/O callbacks and timers run: a large report is read while the roles request is on its way. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Calls `onLine` with each line of the file, without its line break; a `\r` before the `\n` is kept.
 *
 * Lines are found in the bytes and each is decoded on its own (a newline byte is never part of another character
 * in UTF-8). Slicing them out of a decoded megabyte instead made every line a view of one two-byte string as soon as
 * the megabyte held a single character past U+00FF, and such lines parse slower than a line of its own.
 */
const forEachLine = async (path: string, onLine: (line: string) => void): Promise<void> => {
  // Checked to be a plain file before, but the name may have been given to a pipe since (RegularFile.ts).
  const fd = openRegularFileSync(path)
  try {
    let buffer = Buffer.allocUnsafe(READ_BYTES)
    /** The bytes of a line not yet ended, at the start of `buffer`. */
    let kept = 0
    let first = true
    const emit = (line: string) => {
      // A byte order mark (an editor's save) is not part of the JSON.
      onLine(first ? line.replace(/^\uFEFF/, "") : line)
      first = false
    }
    for (;;) {
      if (kept === buffer.length) {
        // No line this tool writes comes near it: the file is laid out otherwise (one line), or is no report at
        // all (a disk image named like one). Growing on, it read the whole file into memory, gigabytes of it, and
        // failed in V8's words ("Cannot create a string longer than ...").
        if (kept >= MAX_WHOLE_BYTES) throw new OtherLayout("a line is longer than any this tool writes")
        // A line longer than the buffer: room for more of it.
        const larger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(larger, 0, 0, kept)
        buffer = larger
      }
      const read = readSync(fd, buffer, kept, buffer.length - kept, null)
      if (read === 0) break
      const filled = buffer.subarray(0, kept + read)
      let start = 0
      for (let newline = filled.indexOf(10, kept); newline !== -1; newline = filled.indexOf(10, start)) {
        emit(filled.toString("utf8", start, newline))
        start = newline + 1
      }
      kept = filled.length - start
      buffer.copy(buffer, 0, start, filled.length)
      await yieldToEventLoop()
    }
    if (kept > 0) emit(buffer.toString("utf8", 0, kept))
  } finally {
    closeSync(fd)
  }
}

/**
 * A report laid out otherwise than this tool writes it (re-indented, or one line by `jq -c`), parsed whole: slower
 * and held in memory at once, but still the same findings to compare with.
 */
const parseWholeReport = async (path: string, thisRunStartedAt: number): Promise<PreviousReport> => {
  const handle = await openRegularFile(path)
  const text = (await handle.readFile("utf8").finally(() => handle.close())).replace(/^\uFEFF/, "")
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // V8 gives the offset of some faults; of an unexpected character it quotes the text instead, which is not
    // printed: the offset is found by scanning.
    const position = /^(.*?) in JSON at position (\d+)/.exec(message)
    const offset = position === null ? jsonErrorOffset(text) : Number(position[2])
    // The parser stops at the end of a text cut short: "Unexpected end", or a fault at the very end.
    if (/Unexpected end of JSON input/.test(message) || offset >= text.trimEnd().length) {
      throw new Error("it ends before it is complete")
    }
    const { line, column } = lineAndColumn(text, offset)
    const fault = position === null ? "an unexpected character" : (position[1] ?? "").toLowerCase()
    throw new Error(`it is not valid JSON: ${fault} at line ${line}, column ${column}`)
  }
  const run = isRecord(document) && isRecord(document.run) ? document.run : undefined
  if (run === undefined || typeof run.startedAt !== "string") throw new Error("it has no run.startedAt")
  const runStartedAt = run.startedAt
  const list = isRecord(document) && Array.isArray(document.findings) ? document.findings : undefined
  if (list === undefined) throw new Error("it has no list of findings")
  const findings = new Map<string, PreviousFinding>()
  const sharedIds = new Set<string>()
  const bounds = firstSeenBounds(run, thisRunStartedAt)
  const rejected = makeRejectedFirstSeen()
  for (const item of list) {
    const finding = readFinding(item, bounds, rejected)
    if (finding === undefined) throw new Error("a finding lacks a known code or severity")
    addFinding(findings, sharedIds, finding)
  }
  addNotJudged(run, findings, bounds, rejected)
  const parameters = readRecordedParameters(run.parameters)
  const privilegeSource = readPrivilegeSource(run.privilegeSource)
  const email = readEmailRecord(run)
  const rejectedFirstSeen = rejected.result()
  return {
    path,
    runStartedAt,
    findings,
    sharedIds,
    ...(rejectedFirstSeen === undefined ? {} : { rejectedFirstSeen }),
    ...(typeof run.apiBaseUrl === "string" ? { apiBaseUrl: run.apiBaseUrl } : {}),
    ...(parameters === undefined ? {} : { parameters }),
    ...(privilegeSource === undefined ? {} : { privilegeSource }),
    ...(email === undefined ? {} : { email })
  }
}

/** A report of this tool's layout that breaks off (a disk that filled up): incomplete whichever way it is read. */
class CutShort extends Error {}

/** A report not laid out as this tool writes it: it is parsed whole, and its faults are that parse's to say. */
class OtherLayout extends Error {}

/** Past this size a report in another layout is not parsed whole: that takes several times its size in memory. */
const MAX_WHOLE_BYTES = 64 * 1024 * 1024

/**
 * The report as this tool lays it out, read a line at a time. One laid out otherwise (re-indented by `jq .`, on one
 * line by `jq -c`) is parsed whole, up to MAX_WHOLE_BYTES, and that parse says what is wrong with it; one in this
 * layout that breaks off, or holds a bad finding, is not parsed again.
 */
const parseReport = async (path: string, thisRunStartedAt: number): Promise<PreviousReport> => {
  try {
    return await parseReportLines(path, thisRunStartedAt)
  } catch (error) {
    if (!(error instanceof OtherLayout)) throw error
    if ((await stat(path)).size > MAX_WHOLE_BYTES) {
      throw new Error("it is not laid out as this tool writes reports, and too large (over 64 MiB) to read whole")
    }
    return parseWholeReport(path, thisRunStartedAt)
  }
}

const parseReportLines = async (path: string, thisRunStartedAt: number): Promise<PreviousReport> => {
  const runLines: Array<string> = []
  const findings = new Map<string, PreviousFinding>()
  const sharedIds = new Set<string>()
  type Section = "run" | "findings" | "end"
  // Typed wide on purpose: it changes inside the callback, where the compiler cannot see.
  let section = "run" as Section
  let runStartedAt = ""
  let apiBaseUrl: string | undefined
  let parameters: RecordedParameters | undefined
  let privilegeSource: PrivilegeSource | undefined
  let email: EmailRecord | undefined
  let bounds: FirstSeenBounds | undefined
  let runSection: Record<string, unknown> | undefined
  const rejected = makeRejectedFirstSeen()
  // A finding line that does not parse: the end of a report cut off mid-line if nothing follows, another layout
  // (a finding over several lines) if something does.
  let unparsed: string | undefined
  await forEachLine(path, (line) => {
    if (section === "run") {
      if (line.trim() === '"findings": [') {
        let run: unknown
        try {
          run = JSON.parse(`${runLines.join("\n").replace(/,\s*$/, "")}\n}`)
        } catch {
          throw new OtherLayout("its run section is not laid out as this tool writes it")
        }
        const startedAt = isRecord(run) && isRecord(run.run) ? run.run.startedAt : undefined
        if (typeof startedAt !== "string") throw new Error("it has no run.startedAt")
        runStartedAt = startedAt
        if (isRecord(run) && isRecord(run.run)) {
          runSection = run.run
          bounds = firstSeenBounds(run.run, thisRunStartedAt)
          email = readEmailRecord(run.run)
        }
        const audited = isRecord(run) && isRecord(run.run) ? run.run.apiBaseUrl : undefined
        if (typeof audited === "string") apiBaseUrl = audited
        parameters = readRecordedParameters(isRecord(run) && isRecord(run.run) ? run.run.parameters : undefined)
        privilegeSource = readPrivilegeSource(isRecord(run) && isRecord(run.run) ? run.run.privilegeSource : undefined)
        section = "findings"
      } else runLines.push(line)
    } else if (section === "findings") {
      const text = line.trim().replace(/,$/, "")
      if (text === "") return
      if (unparsed !== undefined) throw new OtherLayout("a finding spans several lines")
      if (text === "]") {
        section = "end"
        return
      }
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        unparsed = text
        return
      }
      const finding = bounds === undefined ? undefined : readFinding(value, bounds, rejected)
      if (finding === undefined) throw new Error(`a finding lacks a known code or severity: ${text.slice(0, 80)}`)
      addFinding(findings, sharedIds, finding)
    }
  })
  if (section === "run") throw new OtherLayout("it has no line opening its list of findings")
  if (section !== "end") throw new CutShort("it ends before its list of findings is complete")
  if (runSection !== undefined && bounds !== undefined) addNotJudged(runSection, findings, bounds, rejected)
  const rejectedFirstSeen = rejected.result()
  return {
    path,
    runStartedAt,
    findings,
    sharedIds,
    ...(rejectedFirstSeen === undefined ? {} : { rejectedFirstSeen }),
    ...(apiBaseUrl === undefined ? {} : { apiBaseUrl }),
    ...(parameters === undefined ? {} : { parameters }),
    ...(privilegeSource === undefined ? {} : { privilegeSource }),
    ...(email === undefined ? {} : { email })
  }
}

/**
 * The report in `directory` as of the latest instant not after `asOf` (PreviousReportChoice.ts), not stamped after
 * `runStartedAt`, and whether its run's email was left undelivered. A report of another Panther (another host or
 * path prefix than `apiBaseUrl`'s) is not compared with: its findings would all pass for resolved, and this one's for
 * new. Nor is one stamped after this run started: taken as the newest, it would stay the previous report of every
 * run after this one, each stamped before it.
 */
export const readPreviousReport = (
  directory: string,
  apiBaseUrl?: string,
  runStartedAt: number = Number.POSITIVE_INFINITY,
  asOf: number = Number.POSITIVE_INFINITY
): Effect.Effect<PreviousReportLookup> =>
  Effect.promise(async (): Promise<PreviousReportLookup> => {
    let names: ReadonlyArray<string>
    try {
      names = await readdir(directory)
    } catch (error) {
      // Checked at start-up, so this is a folder taken away or changed since: gone, it holds no report; unlisted,
      // it may hold one, and the run says so rather than pass for the first.
      return hasErrorCode(error, "ENOENT")
        ? { _tag: "NotFound", reason: "no previous report in the report directory (it no longer exists)" }
        : { _tag: "NotFound", reason: `the report directory could not be listed (${describeFsError(error)})` }
    }
    const ahead = reportsAheadOf(names, runStartedAt)
    const { chosen, datedAfterAsOf, passedOver } = choosePreviousReport(directory, names, runStartedAt, asOf)
    const lookup: PreviousReportLookup =
      chosen !== undefined
        ? await readChosen(directory, names, apiBaseUrl, runStartedAt, chosen.name)
        : datedAfterAsOf.length > 0
          ? { _tag: "NotFound", reason: "no report in the report directory is as of this run's as-of or before it" }
          : { _tag: "NotFound", reason: "no previous report in the report directory" }
    return {
      ...lookup,
      ...(ahead.length === 0 ? {} : { aheadOfClock: ahead }),
      ...(chosen === undefined ? {} : { chosen }),
      ...(datedAfterAsOf.length === 0 ? {} : { datedAfterAsOf }),
      ...(passedOver.length === 0 ? {} : { passedOver })
    }
  })

/** Whether a review wrote the report `name`: its workbook or page shares the report's stamp (RunReview.ts). */
const isReviewsReport = (names: ReadonlyArray<string>, name: string): boolean => {
  const review = name.replace(/^user-audit-/, "access-review-").replace(/\.json$/, "")
  return names.includes(`${review}.csv`) || names.includes(`${review}.html`)
}

const readChosen = async (
  directory: string,
  names: ReadonlyArray<string>,
  apiBaseUrl: string | undefined,
  runStartedAt: number,
  name: string
): Promise<PreviousReportLookup> => {
  const path = join(directory, name)
  try {
    // Opening a pipe named like a report would wait for a writer for ever, signals unheard; a link is followed.
    if (!(await stat(path)).isFile()) throw new Error("it is not a regular file")
    const report = await parseReport(path, runStartedAt)
    if (apiBaseUrl !== undefined && report.apiBaseUrl !== undefined && !isSameInstance(report.apiBaseUrl, apiBaseUrl)) {
      return {
        _tag: "NotFound",
        reason:
          // Read back from a file that may have been edited: named as instances are, no credentials or query,
          // and nothing a terminal would run.
          `the report to compare with, ${name}, is of another Panther (${printable(instanceLabel(report.apiBaseUrl))}), so ` +
          "nothing was compared with " +
          "it; keep each instance's reports in a folder of their own"
      }
    }
    return {
      _tag: "Found",
      report,
      notMailedSince: names.includes(undeliveredMarkPath(name))
        ? await readNotMailedSince(join(directory, undeliveredMarkPath(name)), name)
        : undefined,
      writtenByReview: isReviewsReport(names, name)
    }
  } catch (error) {
    return {
      _tag: "NotFound",
      // The reason may quote the file (a finding that is not one): nothing in it may drive the terminal.
      reason: `the previous report ${name} could not be read (${printable(error instanceof Error ? error.message : String(error))})`
    }
  }
}
