/**
 * `--keep-reports N` and `--keep-reports-days D`: after a successful run, the oldest runs' reports are deleted so
 * the report directory does not grow without bound.
 *
 * A run's files share a stem, `user-audit-<YYYYMMDDTHHMMSSZ>` (`-2`, `-3`, ... for more runs in the same second),
 * and end in one of the endings this tool writes: `.csv`, `.json`, `.eml`, `.undelivered`. Only regular files whose
 * whole name has that shape, and that this user owns, are ever counted and deleted. Anything else (a copy such as
 * `.csv.bak`, a signed `.pdf` beside a report, other files, folders, links, the hidden temporary files of a run in
 * progress, files of another user) is left alone. Another user who may write in a shared report directory could
 * otherwise put empty files there, named as the newest runs, and have `--keep-reports N` delete every real report.
 * The newest run is always kept, whatever the settings; so is the report the next run will compare with, the one as
 * of the latest instant (PreviousReportChoice.ts), which is not the newest by name after a run `--as-of` a past day,
 * and with it the earliest report its `.undelivered` mark names (UndeliveredMark.ts) and the ones after. What a run
 * with email off owes (NewsNotMailed.ts) holds nothing: a directory whose runs stopped mailing would never be pruned
 * again.
 */
import { lstat, readdir, unlink } from "node:fs/promises"
import { basename, join } from "node:path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { choosePreviousReport } from "../Audit/PreviousReportChoice.js"
import { DAY_MS } from "../Audit/Timestamps.js"
import { ownedByThisUser } from "../Reports/FileOwner.js"
import { describeFsError, hasErrorCode, ReportError } from "../Reports/ReportError.js"
import { isNewer, parseReportName, type ReportName } from "../Reports/ReportName.js"
import { readNotMailedSince, undeliveredMarkPath } from "../Reports/UndeliveredMark.js"

export interface Retention {
  /** Keep the newest this many runs' reports. */
  readonly keepRuns: Option.Option<number>
  /** Keep the reports of runs at most this many days old. */
  readonly keepDays: Option.Option<number>
}

export const retentionIsOff = (retention: Retention): boolean =>
  Option.isNone(retention.keepRuns) && Option.isNone(retention.keepDays)

export interface PruneResult {
  /** Report sets (one per run) kept and deleted. */
  readonly keptRuns: number
  readonly deletedRuns: number
  readonly deletedFiles: ReadonlyArray<string>
  /** Files that could not be deleted, and why: the others are deleted all the same. */
  readonly failed: ReadonlyArray<{ readonly path: string; readonly reason: string }>
  /**
   * Files named as reports that another user owns, neither counted nor deleted: planted in a shared folder, or
   * reports this tool wrote under another user id (an image run with another AUDIT_UID), which are then never pruned
   * unless someone is told.
   */
  readonly othersFiles: ReadonlyArray<string>
}

interface ReportSet {
  readonly stem: string
  readonly stampedAt: number
  /** 1 for the first run of a second, then 2, 3, ... */
  readonly sequence: number
  readonly files: Array<string>
}

/** Newest first: by stamp, then by the same-second sequence. */
const newestFirst = (a: ReportSet, b: ReportSet): number => (isNewer(a, b) ? -1 : isNewer(b, a) ? 1 : 0)

/**
 * Which report sets to delete. With both settings a set goes only when neither keeps it: `--keep-reports 30
 * --keep-reports-days 90` keeps the last 30 runs and every run of the last 90 days.
 */
const toDelete = (sets: ReadonlyArray<ReportSet>, retention: Retention, now: number): ReadonlyArray<ReportSet> =>
  [...sets].sort(newestFirst).filter((set, index) => {
    if (index === 0) return false
    const keptByCount = Option.match(retention.keepRuns, { onNone: () => false, onSome: (n) => index < n })
    const keptByAge = Option.match(retention.keepDays, {
      onNone: () => false,
      onSome: (days) => now - set.stampedAt <= days * DAY_MS
    })
    return !keptByCount && !keptByAge
  })

const NOTHING_DONE: PruneResult = { keptRuns: 0, deletedRuns: 0, deletedFiles: [], failed: [], othersFiles: [] }

/** The prune: once `stop` is aborted it deletes no further file, and gives what it did until then. */
const prune = async (
  directory: string,
  retention: Retention,
  now: number,
  keep: ReadonlyArray<string>,
  keepSince: string | undefined,
  stop: AbortSignal
): Promise<PruneResult> => {
  if (retentionIsOff(retention)) return NOTHING_DONE
  const sets = new Map<string, ReportSet>()
  const names: Array<string> = []
  const othersFiles: Array<string> = []
  // Whom the file system shows as the owner of the reports this run has just written (FileOwner.ts).
  const [ownReport] = keep
  const madeHere = ownReport === undefined ? undefined : (await lstat(ownReport).catch(() => undefined))?.uid
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    // Years of runs on a network volume take seconds to look at: stopped meanwhile, nothing is deleted.
    if (stop.aborted) return NOTHING_DONE
    if (!entry.isFile()) continue
    const parsed = parseReportName(entry.name)
    if (parsed === undefined) continue
    // Gone since the listing, it is no run's to count.
    const info = await lstat(join(directory, entry.name)).catch(() => undefined)
    if (info === undefined || !info.isFile()) continue
    if (!ownedByThisUser(info, madeHere)) {
      othersFiles.push(join(directory, entry.name))
      continue
    }
    const set = sets.get(parsed.stem) ?? { ...parsed, files: [] }
    set.files.push(entry.name)
    sets.set(parsed.stem, set)
    names.push(entry.name)
  }
  // Deleting it would leave the next run comparing with an older report, or with a backfill's.
  const comparedWithNext = choosePreviousReport(directory, names, now, now).chosen
  const kept = new Set(keep.map((path) => basename(path)))
  // What the next run's email will name, when not this run's own: after a run `--as-of` a past day, the next run
  // compares with a report other than this run's, whose mark may name an earlier one.
  const nextSince =
    comparedWithNext === undefined || kept.has(comparedWithNext.name)
      ? undefined
      : await readNotMailedSince(join(directory, undeliveredMarkPath(comparedWithNext.name)), comparedWithNext.name)
  if (comparedWithNext !== undefined) kept.add(comparedWithNext.name)
  const since = [keepSince, nextSince]
    .map((name) => (name === undefined ? undefined : parseReportName(basename(name))))
    .reduce<ReportName | undefined>(
      (earliest, name) => (name === undefined || (earliest !== undefined && isNewer(name, earliest)) ? earliest : name),
      undefined
    )
  const doomed = toDelete([...sets.values()], retention, now).filter(
    (set) => !set.files.some((name) => kept.has(name)) && (since === undefined || isNewer(since, set))
  )
  const deletedFiles: Array<string> = []
  const failed: Array<{ path: string; reason: string }> = []
  let deletedRuns = 0
  // One file that cannot go (made immutable, say; another user's are never in a set) does not keep every older
  // run: the rest go on.
  deleting: for (const set of doomed) {
    let whole = true
    for (const name of set.files.sort()) {
      // Stopped (SIGTERM): not one file more, so that what went can be said before the process ends.
      if (stop.aborted) break deleting
      const path = join(directory, name)
      try {
        await unlink(path)
        deletedFiles.push(path)
      } catch (error) {
        // Already gone (another process pruned it) is what we wanted.
        if (hasErrorCode(error, "ENOENT")) continue
        failed.push({ path, reason: describeFsError(error) })
        whole = false
      }
    }
    if (whole) deletedRuns++
  }
  return { keptRuns: sets.size - deletedRuns, deletedRuns, deletedFiles, failed, othersFiles }
}

export const pruneReports = (
  directory: string,
  retention: Retention,
  now: number,
  /** Paths of reports never to delete, such as the run's own (its stamp may not be the newest if a clock jumped). */
  keep: ReadonlyArray<string> = [],
  /**
   * A report whose changes only this run's email names (see UndeliveredMark.ts): it and the reports after it are
   * kept, or the email would point at files this very run deleted.
   */
  keepSince?: string,
  /**
   * Told what was done when the prune is interrupted (SIGTERM) midway: it stops at the next file and is waited for,
   * since the files it deleted would otherwise go unsaid (tens of thousands, when retention is first set on years of
   * runs), and it went on deleting until the process ended.
   */
  whenStopped: (done: PruneResult) => Effect.Effect<void> = () => Effect.void
): Effect.Effect<PruneResult, ReportError> =>
  Effect.suspend(() => {
    const stop = new AbortController()
    const pruning = prune(directory, retention, now, keep, keepSince, stop.signal)
    return Effect.tryPromise({
      try: () => pruning,
      catch: (error) =>
        new ReportError({ message: `cannot prune old reports in ${directory}: ${describeFsError(error)}` })
    }).pipe(
      Effect.onInterrupt(() =>
        Effect.promise(() => {
          stop.abort()
          return pruning.catch(() => undefined)
        }).pipe(Effect.flatMap((done) => (done === undefined ? Effect.void : whenStopped(done))))
      )
    )
  })
