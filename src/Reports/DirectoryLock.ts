/**
 * One audit at a time per report directory. Runs that share a directory read what the others write: the previous
 * report, the marks of undelivered emails, the sets retention deletes. Overlapping, a review could take a report
 * as "previous" before the run that wrote it had found its email undelivered (and the next run never mailed the
 * news), a run could take another's pending mark for a failed delivery, and retention could delete the reports of
 * a run still sending its email. So `run`, `schedule`, `review` and `demo` hold the directory from before they read
 * the previous report until their email and retention are done, and another waits for it.
 *
 * A lock file rather than `flock`: Node has none, and the directory may be a volume that containers share, where a
 * process id says nothing. The holder touches the file every few seconds; one a waiter sees left untouched for a
 * minute belongs to a process that died (SIGKILL, a lost container), and the waiter takes it over with a warning.
 * Holding the directory, a run also removes the temporary files a killed run left in it (`LeftoverFiles.ts`).
 *
 * The lock file can go while its holder runs, with the directory (a clean-up's `rm -rf reports && mkdir reports`),
 * or be taken over by a waiter while the holder was paused for a minute (a suspended machine). A second audit could
 * then run there beside the first. So the heartbeat, and each placing of files or marks (HeldDirectory.ts), look at
 * whose the lock is: gone, it is taken again; another audit's, the run stops, writing nothing more there.
 */
import { randomBytes } from "node:crypto"
import { closeSync, lstatSync, readSync, unlinkSync } from "node:fs"
import { lstat, open, unlink } from "node:fs/promises"
import { hostname } from "node:os"
import { join } from "node:path"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { printable } from "../PantherApi/Responses.js"
import { HeldReportDirectory } from "./HeldDirectory.js"
import { removeLeftoverFiles, touch } from "./LeftoverFiles.js"
import { NotRegularFile, openRegularFile, openRegularFileSync } from "./RegularFile.js"
import { describeFsError, hasErrorCode, ReportError } from "./ReportError.js"

export const LOCK_FILE = ".panther-audit.lock"
const HEARTBEAT = Duration.seconds(10)
const STALE_AFTER = Duration.minutes(1)
const POLL = Duration.millis(200)

interface Holder {
  readonly pid: number
  readonly host: string
  readonly command: string
  readonly startedAt: string
  /** Tells this holder's file from a later one at the same path. */
  readonly token: string
  /** For a schedule's run at start-up for a tick that went without an audit: that tick, as ISO 8601. */
  readonly catchUpOf?: string
}

/** What a holder may say of itself beyond who it is. */
export type HolderNote = Pick<Holder, "catchUpOf">

/** The lock file's text as the object a holder writes, or undefined; another process wrote it: never trusted. */
const holderFields = (text: string | undefined): object | undefined => {
  let holder: unknown
  try {
    holder = JSON.parse(text ?? "")
  } catch {
    return undefined
  }
  return typeof holder === "object" && holder !== null ? holder : undefined
}

/**
 * Who holds the lock, as far as its file says; another process wrote it, maybe elsewhere. A file this user may not
 * read (another user's, such as root's run started by hand: lock files are 0640) is named by its owner.
 */
const describeHolder = (found: { readonly text: string | undefined; readonly owner: number }): string => {
  if (found.text === undefined) return `an audit of uid ${found.owner} (whose ${LOCK_FILE} this user cannot read)`
  const holder = holderFields(found.text)
  if (holder === undefined) return "an audit"
  const field = (name: string): string | undefined => {
    const value: unknown = Reflect.get(holder, name)
    return typeof value === "string" || typeof value === "number" ? String(value) : undefined
  }
  const pid = field("pid")
  const host = field("host")
  const startedAt = field("startedAt")
  const process = [pid === undefined ? undefined : `pid ${pid}`, host === undefined ? undefined : `on ${host}`]
    .filter((part) => part !== undefined)
    .join(" ")
  const where = [process === "" ? undefined : process, startedAt === undefined ? undefined : `started ${startedAt}`]
    .filter((part) => part !== undefined)
    .join(", ")
  return printable(`${field("command") ?? "an audit"}${where === "" ? "" : ` (${where})`}`)
}

/**
 * The holder's process id when the file names this machine and no process of that id runs here: a run killed
 * outright. Undefined when that cannot be told (another machine, another user's process, a file that names none).
 * Only said, never acted on: containers that share a host name do not share their process ids.
 */
const deadHolderHere = (text: string | undefined): number | undefined => {
  const holder = holderFields(text)
  if (holder === undefined) return undefined
  const pid: unknown = Reflect.get(holder, "pid")
  if (Reflect.get(holder, "host") !== hostname() || typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) {
    return undefined
  }
  try {
    process.kill(pid, 0)
    return undefined
  } catch (error) {
    // EPERM: it runs, as another user.
    return hasErrorCode(error, "ESRCH") ? pid : undefined
  }
}

/**
 * The tick a lock left in `directory` was taken to catch up on: the catch-up was itself killed, and is not tried
 * again for that tick (a run that kills its container would otherwise run again at every restart). Undefined when
 * there is no such lock, or it cannot be read: then nothing holds a catch-up back.
 */
export const leftCatchUpOf = (directory: string): string | undefined => {
  let text: string
  try {
    text = readLockTextSync(join(directory, LOCK_FILE))
  } catch {
    return undefined
  }
  const catchUpOf: unknown = Reflect.get(holderFields(text) ?? {}, "catchUpOf")
  return typeof catchUpOf === "string" ? catchUpOf : undefined
}

const lockError = (directory: string, error: unknown) =>
  new ReportError({
    message: `cannot take the report directory ${directory} for this run (${LOCK_FILE}): ${describeFsError(error)}`
  })

/** Creates the lock file if there is none; false when another holds it. Not writable by others, whatever the umask. */
const tryCreate = (path: string, holder: Holder): Promise<boolean> =>
  open(path, "wx", 0o640).then(
    async (handle) => {
      try {
        await handle.writeFile(`${JSON.stringify(holder)}\n`)
      } catch (error) {
        // Not left behind empty (a full disk): the next run would wait a minute for a holder that never was.
        await handle.close().catch(() => undefined)
        await unlink(path).catch(() => undefined)
        throw error
      }
      await handle.close()
      return true
    },
    (error: unknown) => {
      if (hasErrorCode(error, "EEXIST")) return false
      throw error
    }
  )

/**
 * At most this much of a lock file is read. This tool writes a line; a larger file is something else left there,
 * its holder described from its start. A file of gigabytes was read whole and failed the run in V8's words ("Invalid
 * string length") instead of being taken over once left untouched.
 */
const MAX_LOCK_READ_BYTES = 64 * 1024

// Opened as what it is, not by a name looked at before: another user can give the name to a pipe in between.
const readLockText = async (path: string): Promise<string> => {
  const handle = await openRegularFile(path, { followLink: false })
  try {
    const buffer = Buffer.alloc(MAX_LOCK_READ_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return buffer.toString("utf8", 0, bytesRead)
  } finally {
    await handle.close()
  }
}

const readLockTextSync = (path: string): string => {
  const fd = openRegularFileSync(path, { followLink: false })
  try {
    const buffer = Buffer.alloc(MAX_LOCK_READ_BYTES)
    return buffer.toString("utf8", 0, readSync(fd, buffer, 0, buffer.length, 0))
  } finally {
    closeSync(fd)
  }
}

/**
 * The lock file as found: its text, and what tells one touch from the next; undefined once it is gone. Anything but
 * a plain file there (a link, a pipe, a folder) is refused: reading a pipe would wait for ever, and a dangling link
 * can never be created over.
 */
const NOT_PLAIN = `${LOCK_FILE} is not a plain file (a link, a folder or a pipe): remove it`

const readLock = async (path: string) => {
  try {
    const info = await lstat(path)
    if (!info.isFile()) {
      throw new Error(NOT_PLAIN)
    }
    // Unreadable, it is still a lock: waited for, and taken over once untouched, as any other. Refused, every run
    // failed saying only "permission denied", night after night once its holder had been killed.
    const text = await readLockText(path).catch((error: unknown) => {
      if (hasErrorCode(error, "EACCES", "EPERM")) return undefined
      throw error
    })
    return { touchedAt: info.mtimeMs, inode: info.ino, owner: info.uid, text }
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return undefined
    if (error instanceof NotRegularFile || hasErrorCode(error, "ELOOP")) throw new Error(NOT_PLAIN)
    throw error
  }
}

export interface LockTiming {
  /** A lock whose file does not change for this long, while a waiter watches it, was left by a process that died. */
  readonly staleAfter: Duration.Duration
  readonly heartbeat: Duration.Duration
  readonly poll: Duration.Duration
  /** A waiter warns after waiting this long, and again each time as long again has passed. */
  readonly longWait?: Duration.Duration
}

/**
 * An audit takes minutes. A holder that keeps its lock fresh for an hour is alive but stuck, and every night's run
 * of a crontab waits behind it, each having said only once, as information, whom it waits for.
 */
const LONG_WAIT = Duration.hours(1)

const DEFAULT_TIMING: LockTiming = { staleAfter: STALE_AFTER, heartbeat: HEARTBEAT, poll: POLL, longWait: LONG_WAIT }

const acquire = (directory: string, path: string, holder: Holder, timing: LockTiming) =>
  Effect.suspend(() => {
    let waitingFor: string | undefined
    return acquireAs(directory, path, holder, timing, (holderNow) => {
      waitingFor = holderNow
    }).pipe(
      // Stopped while waiting, the run's last line would otherwise be "Waiting for ...": a stopped run read as a
      // waiting one.
      Effect.onInterrupt(() =>
        waitingFor === undefined
          ? Effect.void
          : Effect.logWarning(
              `${holder.command} stopped while waiting for ${waitingFor} to finish with the report directory ` +
                `${directory}; it wrote nothing there`
            )
      )
    )
  })

const acquireAs = (
  directory: string,
  path: string,
  holder: Holder,
  timing: LockTiming,
  /** Told whom this run waits for, before it says so. */
  onWait: (holderNow: string) => void
) =>
  Effect.gen(function* () {
    const fail = (error: unknown) => lockError(directory, error)
    let waitingFor: string | undefined
    // The file's time is the holder's clock, which may not be this one (another machine on a shared volume): a
    // lock is stale when its file has not changed for `staleAfter` as this process's own clock measures it.
    let watched: { readonly inode: number; readonly touchedAt: number; readonly since: number } | undefined
    const longWait = Duration.toMillis(timing.longWait ?? LONG_WAIT)
    let waitedSince: number | undefined
    let warnedAfter = 0
    let seenEmpty: number | undefined
    for (;;) {
      if (yield* Effect.tryPromise({ try: () => tryCreate(path, holder), catch: fail })) return
      const found = yield* Effect.tryPromise({ try: () => readLock(path), catch: fail })
      if (found === undefined) {
        // Gone between the two looks: another waiter's turn may have just ended.
        yield* Effect.sleep(timing.poll)
        continue
      }
      const now = performance.now()
      if (watched === undefined || watched.inode !== found.inode || watched.touchedAt !== found.touchedAt) {
        watched = { inode: found.inode, touchedAt: found.touchedAt, since: now }
      }
      // A lock file is made, then written: found empty at first sight, it is most likely being written this moment.
      // Looked at again before its holder is described, not named "an audit" and then named again. Once only: an
      // empty file left by a run killed in between is still waited for and taken over as any other.
      if (found.text === "" && seenEmpty !== found.inode) {
        seenEmpty = found.inode
        yield* Effect.sleep(timing.poll)
        continue
      }
      const holderNow = describeHolder(found)
      if (now - watched.since > Duration.toMillis(timing.staleAfter)) {
        // Not "it left no report": a run killed while sending its email had written its reports, marked undelivered.
        yield* Effect.logWarning(
          `${LOCK_FILE} in ${directory} was left by ${holderNow}, untouched for over ` +
            `${Duration.format(timing.staleAfter)}: taking it over. That run was killed: it left nothing ` +
            "half-written under a final name, but the reports it had finished, if any, stay, with a .undelivered " +
            "mark beside them if their email had not gone out."
        )
        // Only the file found stale: another waiter may have taken it over since.
        yield* Effect.tryPromise({
          try: async () => {
            const again = await lstat(path).catch(() => undefined)
            if (again?.ino === found.inode && again.mtimeMs === found.touchedAt) {
              await unlink(path).catch((error: unknown) => {
                if (!hasErrorCode(error, "ENOENT")) throw error
              })
            }
          },
          catch: (error) =>
            new ReportError({
              message:
                `the lock file ${path}, left by ${holderNow}, cannot be removed (${describeFsError(error)}): ` +
                "remove it by hand, as its owner, once no audit is running"
            })
        })
        watched = undefined
        continue
      }
      if (waitingFor !== holderNow) {
        waitingFor = holderNow
        onWait(holderNow)
        const dead = deadHolderHere(found.text)
        yield* Effect.logInfo(
          `Waiting for ${holderNow} to finish with the report directory ${directory} (${LOCK_FILE}; taken over ` +
            `if left untouched for ${Duration.format(timing.staleAfter)})` +
            (dead === undefined
              ? ""
              : `. No process ${dead} runs on this machine: that run was killed, and this one goes on once its ` +
                "lock is taken over; nothing needs doing")
        )
      }
      waitedSince ??= now
      const waited = now - waitedSince
      if (waited >= (warnedAfter + 1) * longWait) {
        warnedAfter = Math.floor(waited / longWait)
        yield* Effect.logWarning(
          `Still waiting, after ${Duration.format(Duration.millis(warnedAfter * longWait))}, for ${holderNow} to ` +
            `finish with the report directory ${directory}: it keeps ${LOCK_FILE} touched, so it is running, but ` +
            "an audit takes minutes. If it is stuck, stop it: this run then goes on."
        )
      }
      yield* Effect.sleep(timing.poll)
    }
  })

/** Whether the lock file's text is this holder's: the token it wrote, not merely text that holds it. */
const isHolders = (text: string | undefined, holder: Holder): boolean =>
  Reflect.get(holderFields(text) ?? {}, "token") === holder.token

/**
 * Removes the lock file if it is still this holder's. One that cannot be removed (the directory made read-only during
 * the run) is said: the next run waits for it and takes it over as a killed run's, and the run that left it had said
 * nothing of it.
 */
const release = (directory: string, path: string, holder: Holder, timing: LockTiming) =>
  Effect.flatMap(
    Effect.promise(async () => {
      // Also run when taking the lock failed, maybe on a pipe at its path, which reading would wait on for ever.
      const info = await lstat(path).catch(() => undefined)
      if (info?.isFile() !== true) return undefined
      const text = await readLockText(path).catch(() => "")
      if (!isHolders(text, holder)) return undefined
      return unlink(path).then(
        () => undefined,
        (error: unknown) => (hasErrorCode(error, "ENOENT") ? undefined : error)
      )
    }),
    (error) =>
      error === undefined
        ? Effect.void
        : Effect.logWarning(
            `This ${holder.command} could not remove its ${LOCK_FILE} from ${directory} ` +
              `(${describeFsError(error)}): the next run there waits until it has been untouched for ` +
              `${Duration.format(timing.staleAfter)}, then takes it over as a killed run's. To spare that wait, ` +
              `remove ${path} by hand once this user may write in ${directory}.`
          )
  )

/**
 * Removes the lock file at once if it is still this holder's, for a process that ends without winding down (a second
 * stop signal, or a first whose winding down outlived its grace: StopSignals.ts), where `release` never runs. Only
 * what can be done before the process is gone: synchronous calls, and no error thrown.
 */
const releaseAtExit = (path: string, holder: Holder) => () => {
  try {
    if (lstatSync(path).isFile() && isHolders(readLockTextSync(path), holder)) unlinkSync(path)
  } catch {
    // Gone already, or it cannot be read: left to the next run, which takes over a lock left untouched.
  }
}

/**
 * Whose the lock is now: this holder's; this holder's again, its file found gone and made anew; another audit's,
 * described; or it cannot be told (the directory gone too, or the path not a file), left to the step that writes
 * there next to fail in its own words.
 */
type Standing = "held" | "retaken" | "unknown" | { readonly heldBy: string }

const standingOf = async (path: string, holder: Holder): Promise<Standing> => {
  let found = await readLock(path).catch(() => null)
  if (found === undefined) {
    const created = await tryCreate(path, holder).catch(() => undefined)
    if (created === undefined) return "unknown"
    if (created) return "retaken"
    found = await readLock(path).catch(() => null)
  }
  if (found === null || found === undefined) return "unknown"
  return isHolders(found.text, holder) ? "held" : { heldBy: describeHolder(found) }
}

const retakenWarning = (directory: string, holder: Holder) =>
  Effect.logWarning(
    `The lock file ${LOCK_FILE} of the report directory ${directory} was removed while this ${holder.command} held ` +
      `it (was the directory emptied or made anew?). No other audit had taken it: this ${holder.command} took it ` +
      "again and goes on."
  ).pipe(Effect.annotateLogs(PHASE))

const lostError = (directory: string, holder: Holder, heldBy: string, timing: LockTiming) =>
  new ReportError({
    message:
      `this ${holder.command} no longer holds the report directory ${directory}: ${heldBy} holds it now. This ` +
      `${holder.command}'s lock file was removed or taken over while it ran (the directory emptied or made anew, ` +
      `or this process paused for over ${Duration.format(timing.staleAfter)}), and two audits in one directory ` +
      `take each other's reports and marks: this ${holder.command} stopped, writing nothing more there. Run it ` +
      "again once the other is done."
  })

/**
 * Fails when another audit holds the directory now; takes the lock again, saying so, if it is gone. Whole: a run
 * stopped (its heartbeat at the end of the run) between taking the lock again and the warning would have taken it
 * without a word.
 */
const confirmHeld = (directory: string, path: string, holder: Holder, timing: LockTiming) =>
  Effect.uninterruptible(
    Effect.flatMap(
      Effect.promise(() => standingOf(path, holder)),
      (standing): Effect.Effect<void, ReportError> =>
        standing === "retaken"
          ? retakenWarning(directory, holder)
          : typeof standing === "object"
            ? Effect.fail(lostError(directory, holder, standing.heldBy, timing))
            : Effect.void
    )
  )

/**
 * Touches this holder's lock file now and every `heartbeat` until the scope closes, so that no waiter takes it for
 * a killed run's; another audit's is never touched. Fails `lost` once another audit holds the directory.
 */
const keepHeld = (
  path: string,
  confirm: Effect.Effect<void, ReportError>,
  timing: LockTiming,
  lost: Deferred.Deferred<never, ReportError>
): Effect.Effect<void, never, Scope.Scope> => {
  const beat = Effect.matchEffect(confirm, {
    onFailure: (error) => Effect.as(Deferred.fail(lost, error), false),
    // A touch that fails (the file gone meanwhile) is let be: the next beat sees to it.
    onSuccess: () =>
      Effect.as(
        Effect.promise(() => touch(path).catch(() => undefined)),
        true
      )
  })
  return Effect.asVoid(
    Effect.forkScoped(Effect.repeat(beat, { schedule: Schedule.spaced(timing.heartbeat), while: (held) => held }))
  )
}

/** What the lines about waiting for the directory, and about what a killed run left in it, are logged under. */
const PHASE = { phase: "report-directory" }

/**
 * Runs `self` holding the report directory: waits while another audit holds it. Annotating the result's logs with a
 * run id (`holdingReportDirectory` in AuditJob.ts) puts it on these lines too.
 */
export const withReportDirectoryLock =
  (directory: string, command: string, timing: LockTiming = DEFAULT_TIMING, note: HolderNote = {}) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | ReportError, R> =>
    Effect.scoped(
      Effect.gen(function* () {
        const path = join(directory, LOCK_FILE)
        const holder: Holder = {
          pid: process.pid,
          host: hostname(),
          command,
          startedAt: new Date().toISOString(),
          token: randomBytes(8).toString("hex"),
          ...note
        }
        // Before the lock is taken, so that it is given up only after the lock's own release has run.
        yield* Effect.acquireRelease(
          Effect.sync(() => {
            const onExit = releaseAtExit(path, holder)
            process.on("exit", onExit)
            return onExit
          }),
          (onExit) => Effect.sync(() => process.off("exit", onExit))
        )
        // Waiting can take long and must yield to a signal; released at the end whatever happened (only a lock file
        // holding this run's token is removed).
        yield* Effect.acquireReleaseInterruptible(
          acquire(directory, path, holder, timing).pipe(Effect.annotateLogs(PHASE)),
          () => release(directory, path, holder, timing).pipe(Effect.annotateLogs(PHASE))
        )
        // While the lock file is fresh from its making; the heartbeat below keeps it so from then on.
        yield* removeLeftoverFiles(directory).pipe(Effect.annotateLogs(PHASE))
        // One look at a time: a look finding the lock file just made again by another, still empty, took it for
        // another audit's and stopped the run.
        const oneAtATime = yield* Effect.makeSemaphore(1)
        const confirm = oneAtATime.withPermits(1)(confirmHeld(directory, path, holder, timing))
        const lost = yield* Deferred.make<never, ReportError>()
        yield* keepHeld(path, confirm, timing, lost)
        // Stopped, not left to run on beside another audit: what it had not yet put in place goes with its scope.
        return yield* Effect.raceFirst(
          Effect.provideService(self, HeldReportDirectory, { confirm }),
          Deferred.await(lost)
        )
      })
    )
