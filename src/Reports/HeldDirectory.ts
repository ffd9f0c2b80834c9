/**
 * The report directory a run holds (DirectoryLock.ts), as the steps that put files in it see it. Its lock file can
 * go while the run holds it, with the directory itself (a clean-up's `rm -rf reports && mkdir reports`), and
 * another audit then take it: the heartbeat notices within seconds, but a run placing its reports in those seconds
 * would place them beside the other audit's, rewrite or remove its marks of undelivered email, or delete its reports
 * by retention. So placing files, changing marks, and pruning first confirm that the run still holds the directory.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ReportError } from "./ReportError.js"

export class HeldReportDirectory extends Context.Tag("HeldReportDirectory")<
  HeldReportDirectory,
  {
    /** Succeeds while this run holds the directory, taking its lock again if it is gone and no one else's. */
    readonly confirm: Effect.Effect<void, ReportError>
  }
>() {}

/** Confirms the run holds its report directory; nothing to confirm for a command that holds none (`export`). */
export const confirmHeldReportDirectory: Effect.Effect<void, ReportError> = Effect.flatMap(
  Effect.serviceOption(HeldReportDirectory),
  Option.match({ onNone: () => Effect.void, onSome: (held) => held.confirm })
)
