/**
 * The log lines of one audit run, for whoever reads a container's or a CronJob's logs: "audit started", progress
 * every thousand users, then "audit finished" with what was counted, "audit failed" with why, or "audit
 * interrupted". Every line of the run, the client's retry warnings and the email's delivery lines included,
 * carries the run id (the JSON report's `run.runId`) and the phase "audit"; the log span "audit" gives the time
 * since the run started. No line carries a secret: tokens live in `Redacted` values and error messages never
 * hold them.
 */
import { randomUUID } from "node:crypto"
import { Cause, Effect, Option, Runtime } from "effect"
import type { AuditOutcome, AuditProgress } from "../Audit/RunAudit.js"

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

/** A typed failure is said by its message (the stack trace of an expected error helps nobody); a defect in full. */
const logFailure = (cause: Cause.Cause<unknown>) =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => Effect.logError("audit failed", cause),
    onSome: (error) => {
      const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : "Error"
      const message = error instanceof Error ? error.message : String(error)
      return Effect.logError(`audit failed: ${message}`).pipe(Effect.annotateLogs({ error: tag }))
    }
  })

export const withAuditRunLog = <E, R>(
  run: (context: RunLogContext) => Effect.Effect<AuditOutcome, E, R>
): Effect.Effect<AuditOutcome, E, R> =>
  Effect.suspend(() => {
    const runId = randomUUID()
    return Effect.gen(function* () {
      // Captured inside the run's annotations, so progress lines logged from the audit's callback carry them.
      const runtime = yield* Effect.runtime<never>()
      const onProgress = (progress: AuditProgress) =>
        Runtime.runSync(runtime)(
          Effect.logInfo("audit progress").pipe(Effect.annotateLogs({ pages: progress.pages, users: progress.users }))
        )
      yield* Effect.logInfo("audit started")
      const outcome = yield* run({ runId, onProgress }).pipe(
        Effect.onExit((exit) =>
          exit._tag === "Success"
            ? Effect.void
            : Cause.isInterruptedOnly(exit.cause)
              ? Effect.logWarning("audit interrupted; a report is only ever written complete")
              : logFailure(exit.cause)
        )
      )
      yield* Effect.logInfo("audit finished").pipe(Effect.annotateLogs(finishedAnnotations(outcome)))
      return outcome
    }).pipe(Effect.withLogSpan("audit"), Effect.annotateLogs({ runId, phase: "audit" }))
  })
