/**
 * The log lines of one audit run, for whoever reads a container's or a CronJob's logs: "audit started", progress
 * every thousand users, then "audit finished" with what was counted, or "audit interrupted". Every line of the
 * run, the client's retry warnings included, carries the run id (the JSON report's `run.runId`) and the phase
 * "audit"; the log span "audit" gives the time since the run started. A failed run ends with "audit failed", its
 * error's tag and message under the same run id, so a log collector ties the failure to its run (whoever handles
 * the failure says the rest: `main.ts` prints the message for a person, the schedule that it goes on). No line
 * carries a secret: tokens live in `Redacted` values and error messages never hold them.
 */
import { randomUUID } from "node:crypto"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import type { AuditProgress } from "../Audit/JudgePages.js"
import type { AuditOutcome } from "../Audit/RunAudit.js"

export interface RunLogContext {
  readonly runId: string
  /** Logs "audit progress"; a terminal's progress line (see ProgressLine.ts) takes its place when there is one. */
  readonly onProgress: (progress: AuditProgress) => void
}

const finishedAnnotations = (outcome: AuditOutcome) => {
  const { run } = outcome
  return {
    usersSeen: run.users.seen,
    usersEnabled: run.users.enabled,
    usersDeactivated: run.users.deactivated,
    usersPrivileged: run.users.privileged,
    invalidRecords: run.users.invalid,
    pages: run.pagesFetched,
    requests: run.requests,
    retries: run.retries,
    findings: run.findings.total,
    bySeverity: run.findings.bySeverity,
    durationMs: Date.parse(run.finishedAt) - Date.parse(run.startedAt),
    warnings: run.warnings.length,
    reportCsv: outcome.reports.csv,
    reportJson: outcome.reports.json
  }
}

/** An expected error as log annotations: its tag and its message (which never holds a secret). */
export const errorAnnotations = (error: unknown): { readonly error: string; readonly reason: string } => ({
  error: typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : "Error",
  reason: error instanceof Error ? error.message : String(error)
})

/** A failure's annotations; a defect (a bug) with its whole cause. */
const failureAnnotations = (cause: Cause.Cause<unknown>): { readonly error: string; readonly reason: string } =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => ({ error: "Defect", reason: Cause.pretty(cause) }),
    onSome: errorAnnotations
  })

/** A new run's id: the JSON report's `run.runId`, and the `runId` of every log line about that run. */
export const newRunId = (): string => randomUUID()

export const withAuditRunLog = <E, R>(
  runId: string,
  run: (context: RunLogContext) => Effect.Effect<AuditOutcome, E, R>
): Effect.Effect<AuditOutcome, E, R> =>
  Effect.gen(function* () {
    // Captured inside the run's annotations, so progress lines logged from the audit's callback carry them.
    const runtime = yield* Effect.runtime<never>()
    const onProgress = (progress: AuditProgress) =>
      Runtime.runSync(runtime)(
        Effect.logInfo("audit progress").pipe(Effect.annotateLogs({ pages: progress.pages, users: progress.users }))
      )
    yield* Effect.logInfo("audit started")
    const outcome = yield* run({ runId, onProgress }).pipe(
      Effect.onInterrupt(() => Effect.logWarning("audit interrupted; a report is only ever written complete")),
      Effect.tapErrorCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.void
          : Effect.logError("audit failed; no report was written").pipe(Effect.annotateLogs(failureAnnotations(cause)))
      )
    )
    yield* Effect.logInfo("audit finished").pipe(Effect.annotateLogs(finishedAnnotations(outcome)))
    return outcome
  }).pipe(Effect.withLogSpan("audit"), Effect.annotateLogs({ runId, phase: "audit" }))

/**
 * A step after the audit (the email, the review, the export's files), logged under the run's id: its failure or
 * interruption, which would otherwise leave "audit finished" as the last line of a run that ended otherwise, and
 * what `done` says of its success.
 */
export const withStepLog =
  <A>(options: {
    readonly runId: string
    readonly phase: string
    /** Said when the step fails or is stopped: what it leaves behind. */
    readonly leaves: string
    readonly done?: (result: A) => { readonly message: string; readonly annotations: Record<string, unknown> }
  }) =>
  <E, R>(step: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    step.pipe(
      Effect.onInterrupt(() => Effect.logWarning(`${options.phase} interrupted; ${options.leaves}`)),
      Effect.tapErrorCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.void
          : Effect.logError(`${options.phase} failed; ${options.leaves}`).pipe(
              Effect.annotateLogs(failureAnnotations(cause))
            )
      ),
      Effect.tap((result) => {
        if (options.done === undefined) return Effect.void
        const { message, annotations } = options.done(result)
        return Effect.logInfo(message).pipe(Effect.annotateLogs(annotations))
      }),
      Effect.annotateLogs({ runId: options.runId, phase: options.phase })
    )
