/**
 * The flags only `schedule` has: when to run. Each has an environment variable, so a container is configured
 * without flags.
 */
import * as Options from "@effect/cli/Options"
import { envBoolean, envText } from "../Cli/Environment.js"
import { DEFAULT_CRON, DEFAULT_TIME_ZONE } from "./CronSchedule.js"

export const scheduleOptions = Options.all({
  cron: Options.text("cron").pipe(
    Options.withDescription(
      `When to run, as a cron expression: minute hour day-of-month month day-of-week, optionally with seconds ` +
        `first, or @daily, @hourly, ... Default "${DEFAULT_CRON}" (02:00 every day). Env: AUDIT_SCHEDULE.`
    ),
    Options.withFallbackConfig(envText("AUDIT_SCHEDULE")),
    Options.withDefault(DEFAULT_CRON)
  ),
  tz: Options.text("tz").pipe(
    Options.withDescription(
      `The IANA time zone the cron expression is read in, such as Europe/Berlin. Default ${DEFAULT_TIME_ZONE}. ` +
        "Env: AUDIT_TZ."
    ),
    Options.withFallbackConfig(envText("AUDIT_TZ")),
    Options.withDefault(DEFAULT_TIME_ZONE)
  ),
  runNow: Options.boolean("run-now").pipe(
    Options.withDescription(
      "Also run once at start, then on schedule. Without it, a start finding no report from since the last tick " +
        "(a night missed while the job was down) runs that audit at once, late. Env: AUDIT_RUN_NOW."
    ),
    Options.withFallbackConfig(envBoolean("AUDIT_RUN_NOW"))
  )
})
