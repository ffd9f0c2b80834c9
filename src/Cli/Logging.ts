/**
 * Log lines go to stderr, always: stdout carries data (`users list`, summaries) that scripts read.
 */
import { Layer, Logger, LogLevel } from "effect"

export type LogFormat = "json" | "pretty"

/** JSON when stderr is not a terminal (a container, a CronJob, a pipe), pretty for a person at a terminal. */
export const defaultLogFormat = (): LogFormat => (process.stderr.isTTY ? "pretty" : "json")

export const loggerLayer = (format: LogFormat, level: LogLevel.LogLevel = LogLevel.Info): Layer.Layer<never> =>
  Layer.merge(
    Logger.replace(
      Logger.defaultLogger,
      format === "json" ? Logger.withConsoleError(Logger.jsonLogger) : Logger.prettyLogger({ stderr: true })
    ),
    Logger.minimumLogLevel(level)
  )
