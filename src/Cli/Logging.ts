/**
 * Log lines go to stderr, always: stdout carries data (`users list`, summaries) that scripts read.
 *
 * Two global settings, read by `main.ts` before the command line is parsed, so they work in any position
 * (`panther-audit schedule --log-format json` as well as `panther-audit --log-format json schedule`):
 * - `--log-format json|pretty` (env `LOG_FORMAT`): JSON lines unless stderr is a terminal.
 * - `--log-level all|trace|debug|info|warning|error|fatal|none` (env `LOG_LEVEL`), default info. @effect/cli has
 *   a built-in `--log-level` too, but it is only understood before the subcommand; taking the flag out of the
 *   arguments here makes it work everywhere, and the built-in never sees it.
 */
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { NoteFormat } from "./CommandNotes.js"
import { WRAPPED_IN_QUOTES, wrappedInQuotes } from "./Environment.js"
import { escapedInJsonLine, prettyLogOptions } from "./LogLineText.js"
import { clearProgressLine } from "./ProgressLine.js"

export type LogFormat = "json" | "pretty"

/** The formats `--log-format` takes. */
export const LOG_FORMATS: ReadonlyArray<LogFormat> = ["json", "pretty"]

/** JSON when stderr is not a terminal (a container, a CronJob, a pipe), pretty for a person at a terminal. */
export const defaultLogFormat = (stderrIsTerminal: boolean = process.stderr.isTTY === true): LogFormat =>
  stderrIsTerminal ? "pretty" : "json"

/**
 * A log line that cannot be written (stderr on a full disk: a file's write throws at once) is dropped: the run goes
 * on, its reports and exit code intact, where the throw ended it with exit 1.
 */
export const neverThrowing = (logger: Logger.Logger<unknown, void>): Logger.Logger<unknown, void> =>
  Logger.make((options) => {
    try {
      // On a terminal, off the progress line first: the log line gets a line of its own.
      clearProgressLine()
      logger.log(options)
    } catch {
      // Nowhere left to say it.
    }
  })

/** `coloured`: whether pretty lines carry colour codes (`styledOn` stderr); JSON lines never do. */
export const loggerLayer = (
  format: LogFormat,
  level: LogLevel.LogLevel = LogLevel.Info,
  coloured = false
): Layer.Layer<NoteFormat> =>
  Layer.mergeAll(
    Logger.replace(
      Logger.defaultLogger,
      neverThrowing(
        format === "json"
          ? Logger.withConsoleError(Logger.map(Logger.jsonLogger, escapedInJsonLine))
          : Logger.mapInputOptions(Logger.prettyLogger({ stderr: true, colors: coloured }), prettyLogOptions)
      )
    ),
    Logger.minimumLogLevel(level),
    // What the commands tell their caller follows the same format (CommandNotes.ts).
    Layer.succeed(NoteFormat, format)
  )

export interface LogSettings {
  readonly format: LogFormat
  readonly level: LogLevel.LogLevel
  /** The command line without the logging flags, for @effect/cli. */
  readonly argv: ReadonlyArray<string>
}

/** The levels `--log-level` takes, as it is given them. */
export const LEVEL_NAMES = LogLevel.allLevels.map((level) => level._tag.toLowerCase())

const parseLevel = (text: string, where: string): Either.Either<LogLevel.LogLevel, string> => {
  const name = text.trim().toLowerCase()
  const level = LogLevel.allLevels.find(
    (candidate) => candidate._tag.toLowerCase() === name || (name === "warn" && candidate === LogLevel.Warning)
  )
  return level === undefined
    ? Either.left(`${where} must be one of ${LEVEL_NAMES.join(", ")}; got "${text}"`)
    : Either.right(level)
}

const parseFormat = (text: string, where: string): Either.Either<LogFormat, string> => {
  const name = text.trim().toLowerCase()
  return name === "json" || name === "pretty"
    ? Either.right(name)
    : Either.left(`${where} must be json or pretty; got "${text}"`)
}

/** Logging flags or variables that cannot be used, and the format to say so in: the one given, if that one is good. */
export interface LogSettingsError {
  readonly reason: string
  readonly format: LogFormat
}

/**
 * Takes `--log-format` and `--log-level` (as `--flag value` or `--flag=value`) out of the arguments, falling back
 * to `LOG_FORMAT` and `LOG_LEVEL`. A bad value is a usage error (exit 2), with a message saying what is allowed.
 */
export const resolveLogSettings = (
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>,
  stderrIsTerminal: boolean
): Either.Either<LogSettings, LogSettingsError> => {
  const formatOf = (text: string | undefined, where: string) =>
    text === undefined ? Either.right(defaultLogFormat(stderrIsTerminal)) : parseFormat(text, where)
  const failing = (reason: string, formatText: string | undefined): LogSettingsError => ({
    reason,
    format: Either.getOrElse(formatOf(formatText, "format"), () => defaultLogFormat(stderrIsTerminal))
  })
  const flags: { format?: string; level?: string } = {}
  const rest: Array<string> = []
  // The first two entries are node and the script.
  rest.push(...argv.slice(0, 2))
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] ?? ""
    const match = /^--log-(format|level)(?:=(.*))?$/.exec(arg)
    if (match === null) {
      rest.push(arg)
      continue
    }
    const key = match[1] === "format" ? "format" : "level"
    let value = match[2]
    if (value === undefined) {
      value = argv[i + 1]
      if (value === undefined || value.startsWith("--")) {
        return Either.left(failing(`--log-${key} needs a value`, flags.format ?? nonEmpty(env.LOG_FORMAT)))
      }
      i++
    }
    // As every other flag given twice is refused (UsageHints.ts): the one kept would depend on where each came from.
    if (flags[key] !== undefined) {
      return Either.left(
        failing(`--log-${key} is given more than once: give it once`, flags.format ?? nonEmpty(env.LOG_FORMAT))
      )
    }
    flags[key] = value
  }
  const formatText = flags.format ?? nonEmpty(env.LOG_FORMAT)
  const levelText = flags.level ?? nonEmpty(env.LOG_LEVEL)
  const formatWhere = flags.format === undefined ? "LOG_FORMAT" : "--log-format"
  const levelWhere = flags.level === undefined ? "LOG_LEVEL" : "--log-level"
  // Said of the quotes, as of every other variable (Environment.ts), not as a value that is no format or level.
  for (const [where, text, takes] of [
    [formatWhere, formatText, "it takes json or pretty"],
    [levelWhere, levelText, `it takes ${LEVEL_NAMES.join(", ")}`]
  ] as const) {
    if (where.startsWith("LOG_") && text !== undefined && WRAPPED_IN_QUOTES.test(text)) {
      return Either.left(failing(`${where} ${wrappedInQuotes(takes)}`, where === formatWhere ? undefined : formatText))
    }
  }
  return Either.all({
    format: formatOf(formatText, formatWhere),
    level: levelText === undefined ? Either.right(LogLevel.Info) : parseLevel(levelText, levelWhere),
    argv: Either.right(rest)
  }).pipe(Either.mapLeft((reason) => failing(reason, formatText)))
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === "" ? undefined : value
