/**
 * The flags only `schedule` has: when to run, and how many old reports to keep. Each has an environment
 * variable, so a container is configured without flags.
 */
import { Options } from "@effect/cli"
import { Config, Effect, Option } from "effect"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { DEFAULT_CRON, DEFAULT_TIME_ZONE } from "./CronSchedule.js"
import type { Retention } from "./PruneReports.js"

export const scheduleOptions = Options.all({
  cron: Options.text("cron").pipe(
    Options.withDescription(
      `When to run, as a cron expression: minute hour day-of-month month day-of-week, optionally with seconds ` +
        `first, or @daily, @hourly, ... Default "${DEFAULT_CRON}" (02:00 every day). Env: AUDIT_SCHEDULE.`
    ),
    Options.withFallbackConfig(Config.string("AUDIT_SCHEDULE")),
    Options.withDefault(DEFAULT_CRON)
  ),
  tz: Options.text("tz").pipe(
    Options.withDescription(
      `The IANA time zone the cron expression is read in, such as Europe/Berlin. Default ${DEFAULT_TIME_ZONE}. ` +
        "Env: AUDIT_TZ."
    ),
    Options.withFallbackConfig(Config.string("AUDIT_TZ")),
    Options.withDefault(DEFAULT_TIME_ZONE)
  ),
  runNow: Options.boolean("run-now").pipe(
    Options.withDescription("Also run once at start, then on schedule. Env: AUDIT_RUN_NOW."),
    Options.withFallbackConfig(Config.boolean("AUDIT_RUN_NOW"))
  ),
  keepReports: Options.integer("keep-reports").pipe(
    Options.withDescription(
      "After a successful run, delete the reports of all but the newest N runs. Off by default. " +
        "Env: AUDIT_KEEP_REPORTS."
    ),
    Options.withFallbackConfig(Config.integer("AUDIT_KEEP_REPORTS")),
    Options.optional
  ),
  keepReportsDays: Options.integer("keep-reports-days").pipe(
    Options.withDescription(
      "After a successful run, delete the reports of runs more than D days old. With --keep-reports too, a run's " +
        "reports are deleted only when neither keeps them. Off by default. Env: AUDIT_KEEP_REPORTS_DAYS."
    ),
    Options.withFallbackConfig(Config.integer("AUDIT_KEEP_REPORTS_DAYS")),
    Options.optional
  )
})

export type ScheduleOptionValues = typeof scheduleOptions extends Options.Options<infer A> ? A : never

const atLeast = (value: Option.Option<number>, minimum: number, flag: string) =>
  Option.match(value, {
    onNone: () => Effect.void,
    onSome: (n) =>
      Number.isSafeInteger(n) && n >= minimum
        ? Effect.void
        : Effect.fail(
            new ConfigurationError({ message: `${flag} must be a whole number, ${minimum} or more; got ${n}.` })
          )
  })

export const toRetention = (values: ScheduleOptionValues): Effect.Effect<Retention, ConfigurationError> =>
  Effect.gen(function* () {
    yield* atLeast(values.keepReports, 1, "--keep-reports / AUDIT_KEEP_REPORTS")
    yield* atLeast(values.keepReportsDays, 1, "--keep-reports-days / AUDIT_KEEP_REPORTS_DAYS")
    return { keepRuns: values.keepReports, keepDays: values.keepReportsDays }
  })
