/**
 * One audit at a time per report directory. Runs that share a directory read what the others write: the previous
 * report, the marks of undelivered emails, the sets retention deletes. Overlapping, a review could take a report
 * as "previous" before the run that wrote it had found its email undelivered (and the next run never mailed the
 * news), a run could take another's pending mark for a failed delivery, and retention could delete the reports of
 * a run still sending its email. So `run`, `schedule`, `review` and `demo` hold the directory from before they read
 * the previous report until their email and retention are done, and another waits for it.
 *
 * A lock file rather than `flock`: Node has none, and the directory may be a volume that containers share, where a
 * process id says nothing. The holder touches the file every few seconds; one left untouched for a minute belongs to
 * a process that died (SIGKILL, a lost container), and the next run takes it over with a warning.
 */
import { randomBytes } from "node:crypto"
import { open, readFile, stat, unlink, utimes } from "node:fs/promises"
import { hostname } from "node:os"
import { join } from "node:path"
import { Duration, Effect, Schedule } from "effect"
import { printable } from "../PantherApi/Responses.js"
import { describeFsError, hasErrorCode, ReportError } from "./ReportError.js"

export const LOCK_FILE = ".panther-audit.lock"
const HEARTBEAT = Duration.seconds(10)
const STALE_AFTER_MILLIS = 60_000
const POLL = Duration.millis(200)

interface Holder {
  readonly pid: number
  readonly host: string
  readonly command: string
  readonly startedAt: string
  /** Tells this holder's file from a later one at the same path. */
  readonly token: string
}

const describeHolder = (text: string): string => {
  try {
    const holder = JSON.parse(text) as Partial<Holder>
    // Another process wrote it, maybe on another machine: shown, never trusted to be tidy.
    return printable(
      `${holder.command ?? "an audit"} (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt})`
    )
  } catch {
    return "an audit"
  }
}

const lockError = (directory: string, error: unknown) =>
  new ReportError({
    message: `cannot take the report directory ${directory} for this run (${LOCK_FILE}): ${describeFsError(error)}`
  })

/** Creates the lock file if there is none; false when another holds it. */
const tryCreate = (path: string, holder: Holder): Promise<boolean> =>
  open(path, "wx").then(
    async (handle) => {
      try {
        await handle.writeFile(`${JSON.stringify(holder)}\n`)
      } finally {
        await handle.close()
      }
      return true
    },
    (error: unknown) => {
      if (hasErrorCode(error, "EEXIST")) return false
      throw error
    }
  )

/** The lock file as found: its text and when it was last touched; undefined once it is gone. */
const readLock = async (path: string) => {
  try {
    const [info, text] = await Promise.all([stat(path), readFile(path, "utf8")])
    return { touchedAt: info.mtimeMs, inode: info.ino, text }
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return undefined
    throw error
  }
}

const acquire = (directory: string, path: string, holder: Holder) =>
  Effect.gen(function* () {
    let waitingFor: string | undefined
    for (;;) {
      if (yield* Effect.tryPromise({ try: () => tryCreate(path, holder), catch: (e) => lockError(directory, e) })) {
        return
      }
      const found = yield* Effect.tryPromise({ try: () => readLock(path), catch: (e) => lockError(directory, e) })
      if (found === undefined) continue
      // File times are wall-clock times, so they are compared with the wall clock.
      if (Date.now() - found.touchedAt > STALE_AFTER_MILLIS) {
        yield* Effect.logWarning(
          `${LOCK_FILE} in ${directory} was left by ${describeHolder(found.text)}, untouched for over a minute: ` +
            "taking it over. A run that ended that way left no report."
        )
        // Only the file found stale: another waiter may have taken it over since.
        yield* Effect.promise(async () => {
          const again = await stat(path).catch(() => undefined)
          if (again?.ino === found.inode && again.mtimeMs === found.touchedAt) await unlink(path).catch(() => undefined)
        })
        continue
      }
      const holderNow = describeHolder(found.text)
      if (waitingFor !== holderNow) {
        waitingFor = holderNow
        yield* Effect.logInfo(`Waiting for ${holderNow} to finish with the report directory ${directory}`)
      }
      yield* Effect.sleep(POLL)
    }
  })

/** Removes the lock file if it is still this holder's. */
const release = (path: string, holder: Holder) =>
  Effect.promise(async () => {
    const text = await readFile(path, "utf8").catch(() => "")
    if (text.includes(holder.token)) await unlink(path).catch(() => undefined)
  })

/** Runs `self` holding the report directory: waits while another audit holds it. */
export const withReportDirectoryLock =
  (directory: string, command: string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | ReportError, R> =>
    Effect.scoped(
      Effect.gen(function* () {
        const path = join(directory, LOCK_FILE)
        const holder: Holder = {
          pid: process.pid,
          host: hostname(),
          command,
          startedAt: new Date().toISOString(),
          token: randomBytes(8).toString("hex")
        }
        // Waiting can take long and must yield to a signal; released at the end whatever happened (only a lock file
        // holding this run's token is removed).
        yield* Effect.acquireReleaseInterruptible(acquire(directory, path, holder), () => release(path, holder))
        yield* Effect.forkScoped(
          Effect.promise(() => {
            const now = new Date()
            return utimes(path, now, now).catch(() => undefined)
          }).pipe(Effect.repeat(Schedule.spaced(HEARTBEAT)))
        )
        return yield* self
      })
    )
