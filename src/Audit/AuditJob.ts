/**
 * One audit as the commands run it: everything checked up front (flags, env vars, the report directory, the
 * token), then, per run, the audit itself. `run` runs a job once; `schedule` runs the same job at every tick, so
 * `--as-of` defaults to the time of each run, not of start-up.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { errorAnnotations, newRunId, withAuditRunLog } from "../Cli/AuditRunLog.js"
import type { ConfigurationError } from "../Cli/ConfigurationError.js"
import { type ConnectionSource, proxySecretsOfEnvironment, type TokenRead } from "../Cli/ConnectionOptions.js"
import type { InputFileSecrets } from "../Cli/InputFileSecrets.js"
import { looksGenerated, secretsOf } from "../Cli/Redact.js"
import { deliverAuditEmail } from "../Email/DeliverAuditEmail.js"
import type { DeliveryError } from "../Email/DeliveryError.js"
import type { DeliveryResult } from "../Email/DeliveryResult.js"
import {
  type EmailOptionValues,
  type PasswordRead,
  readSmtpPassword,
  refuseSecretsInHeaders,
  smtpSecretsOfEnvironment,
  toEmailSettings,
  toEmailSettingsForRun
} from "../Email/EmailOptions.js"
import type { EmailSettings } from "../Email/EmailSettings.js"
import type { PantherApiError } from "../PantherApi/ClientErrors.js"
import type { ConnectionSettings } from "../PantherApi/Connection.js"
import { pantherClientFor } from "../PantherApi/PantherClient.js"
import { type HolderNote, withReportDirectoryLock } from "../Reports/DirectoryLock.js"
import { checkReportDirectory } from "../Reports/ReportDirectory.js"
import type { ReportError } from "../Reports/ReportError.js"
import { clearEarlierMarks, clearUndelivered, markUndelivered } from "../Reports/UndeliveredMark.js"
import { type AuditOptionValues, toAuditParameters } from "./AuditOptions.js"
import { FindingsAtThreshold } from "./FindingsAtThreshold.js"
import { type AuditOutcome, type RunAuditOptions, runAudit } from "./RunAudit.js"
import { isAtLeast, SEVERITIES } from "./Severity.js"

export interface AuditJob {
  /**
   * The run's id (`run.runId` in its report), made with the job, one job per run: the lines logged before its audit
   * starts (waiting for the report directory, removing what a killed run left) carry it too.
   */
  readonly runId: string
  readonly audit: AuditOptionValues
  /** Absolute, checked to be a writable directory. */
  readonly reportDirectory: string
  readonly connection: ConnectionSettings
  readonly email: EmailSettings
  /** What the input files' errors (the suppressions file's at each run) must not quote. */
  readonly secrets: InputFileSecrets
}

/**
 * The token and the SMTP password, whatever their source, and what SMTP_URL and the proxy variables hold of one. The
 * token is random through and through, so half of it is enough to withhold a quote (Redact.ts); a password only if
 * it looks so.
 */
const jobSecrets = (
  token: TokenRead,
  password: PasswordRead,
  proxyPasswords: ReadonlyArray<string>
): InputFileSecrets => {
  const passwords = [...password.known, ...proxyPasswords]
  return {
    secrets: secretsOf([...token.known, ...passwords], [], [...token.known, ...passwords.filter(looksGenerated)]),
    unread: token.unread || password.unread
  }
}

/** Checks every setting without calling the API: a misconfigured job fails here, with exit code 2. */
export const prepareAuditJob = (options: {
  readonly audit: AuditOptionValues
  readonly reportDir: string
  /** Usually `connectionSource(options.connection)`, which reads a token file. */
  readonly connection: ConnectionSource
  /** The email flags of the commands that send the audit email (run, schedule, demo); others send none. */
  readonly email?: EmailOptionValues
  /**
   * What a file the email needs, unreadable, costs: the job ("job", at start-up, exit 2 before anything is called)
   * or only the email of a run of a schedule whose start-up read it ("email": see `toEmailSettingsForRun`).
   */
  readonly emailFileProblem?: "job" | "email"
}): Effect.Effect<AuditJob, ConfigurationError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    // The secrets first, each file read once, so that the suppressions file's errors can be kept clear of them: it may
    // be a secret's own file, named by mistake. A secret that cannot be read fails below, where it always did: the
    // admin fixing a suppressions file is not sent to the token first; the file's errors then quote none of it
    // (InputFileSecrets.ts), since they could not be checked against that secret.
    const token = yield* options.connection.readToken
    const password =
      options.email === undefined
        ? yield* smtpSecretsOfEnvironment
        : yield* readSmtpPassword(options.email, options.emailFileProblem !== "email")
    const secrets = jobSecrets(token, password, yield* proxySecretsOfEnvironment)
    if (options.email !== undefined) yield* refuseSecretsInHeaders(options.email, secrets.secrets)
    // Validated now so a bad --as-of or --stale-days fails at start-up, not at the first scheduled run.
    yield* toAuditParameters(options.audit, 0, secrets)
    const reportDirectory = yield* checkReportDirectory(options.reportDir)
    const email: EmailSettings =
      options.email === undefined
        ? { _tag: "EmailOff", reason: "this command sends no email" }
        : options.emailFileProblem === "email"
          ? yield* toEmailSettingsForRun(options.email, password)
          : yield* toEmailSettings(options.email, password)
    const connection = yield* options.connection.settings(token)
    return { runId: newRunId(), audit: options.audit, reportDirectory, connection, email, secrets }
  })

/**
 * Runs `self` holding the job's report directory (see DirectoryLock.ts), the lines about the directory logged with
 * the job's run id.
 */
export const holdingReportDirectory =
  (job: AuditJob, command: string, note?: HolderNote) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | ReportError, R> =>
    self.pipe(
      withReportDirectoryLock(job.reportDirectory, command, undefined, note),
      Effect.annotateLogs({ runId: job.runId })
    )

/** Optional observers of a run, and whether it is compared with the previous report; see `RunAuditOptions`. */
export type AuditHooks = Pick<RunAuditOptions, "onProgress" | "onUser" | "notComparedBecause">

export const runAuditJob = (
  job: AuditJob,
  hooks: AuditHooks = {}
): Effect.Effect<AuditOutcome, ConfigurationError | PantherApiError | ReportError> =>
  withAuditRunLog(job.runId, (log) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const parameters = yield* toAuditParameters(job.audit, now, job.secrets)
      return yield* runAudit({
        parameters,
        reportDirectory: job.reportDirectory,
        apiBaseUrl: job.connection.baseUrl,
        runId: log.runId,
        onProgress: log.onProgress,
        emailToFollow: job.email._tag !== "EmailOff",
        ...hooks
      }).pipe(Effect.provide(pantherClientFor(job.connection)))
    })
  )

/**
 * The audit, then its email. Delivery comes after the reports are on disk and before `--fail-on` is judged, so a
 * run that ends with exit 1 has still sent its alert. `beforeDelivery` sees the outcome first, so a summary naming
 * the reports is printed even when delivery then fails.
 */
export const runAndDeliver = (
  job: AuditJob,
  hooks: AuditHooks = {},
  beforeDelivery: (outcome: AuditOutcome) => Effect.Effect<void> = () => Effect.void
): Effect.Effect<
  { readonly outcome: AuditOutcome; readonly delivery: DeliveryResult },
  ConfigurationError | PantherApiError | ReportError | DeliveryError
> =>
  Effect.gen(function* () {
    const outcome = yield* runAuditJob(job, hooks)
    yield* beforeDelivery(outcome)
    const delivery = yield* deliverAuditEmail(job.email, outcome).pipe(
      // Before the marks are cleared below: a failure to clear them (another audit holds the directory now) is no
      // failed delivery, to be written into a mark.
      Effect.tapError((error) => recordDeliveryFailure(outcome, error)),
      // Sent, written or not needed: the mark put in place with the reports goes, and so do the marks of earlier
      // runs whose news this email carried. Failed: it says why. Stopped: it stays as it was. A run with email off
      // sends nothing: the mark it carries from an earlier run whose email was not delivered (RunAudit) stays for the
      // next run to see.
      Effect.tap(() =>
        job.email._tag === "EmailOff"
          ? Effect.void
          : Effect.zipRight(
              clearUndelivered(outcome.reports.undelivered),
              clearEarlierMarks(outcome.reports.json, Date.parse(outcome.run.asOf))
            )
      ),
      Effect.onInterrupt(() =>
        Effect.logWarning(
          "audit email interrupted; the reports are complete, and their pending mark tells the next run"
        )
      ),
      Effect.annotateLogs({ runId: outcome.run.runId, phase: "email" })
    )
    return { outcome, delivery }
  })

/**
 * A run whose email failed: its mark says why, then the log does. In that order, so that whoever acts on the line (a
 * log alert, an operator, a test) finds the reason in the mark; the other way round, the mark could still be read
 * saying only that the email was pending. The failure is logged also when the mark is not written because another
 * audit holds the report directory now, with which the run then stops.
 */
export const recordDeliveryFailure = (
  outcome: Pick<AuditOutcome, "reports" | "previousEmailUndelivered">,
  error: DeliveryError
): Effect.Effect<void, ReportError> =>
  markUndelivered(outcome.reports.json, error.message, outcome.previousEmailUndelivered).pipe(
    Effect.ensuring(
      Effect.logError("audit email failed; the reports are complete").pipe(Effect.annotateLogs(errorAnnotations(error)))
    )
  )

/** `--fail-on`: exit 1 once the reports are complete, when unsuppressed findings reach the threshold. */
export const checkFailOn = (outcome: AuditOutcome): Effect.Effect<void, FindingsAtThreshold> => {
  const threshold = outcome.run.parameters.failOn
  if (threshold === "none") return Effect.void
  const count = SEVERITIES.filter((severity) => isAtLeast(severity, threshold)).reduce(
    (sum, severity) => sum + outcome.run.findings.unsuppressedBySeverity[severity],
    0
  )
  return count > 0 ? Effect.fail(new FindingsAtThreshold({ threshold, count })) : Effect.void
}
