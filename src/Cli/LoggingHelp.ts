/**
 * The logging flags in every command's help. `main.ts` takes `--log-format` and `--log-level` out of the arguments
 * before @effect/cli parses them (Logging.ts), and @effect/cli has no global option with a description of our own:
 * its built-in `--log-level` shows a generic line, and `--log-format` would show nowhere. So each command's
 * description ends with this paragraph.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"

const LOGGING_HELP =
  "Logging, for every command and in any position: --log-format json|pretty (env LOG_FORMAT; default json, pretty " +
  "when stderr is a terminal) and --log-level all|trace|debug|info|warning|error|fatal|none (env LOG_LEVEL; " +
  "default info). A flag wins over its variable."

/**
 * A command's description: its summary, one line that the list of commands shows too (CommandList.ts), then its
 * other paragraphs, then the logging paragraph.
 */
export const withLoggingHelp = (summary: string, ...paragraphs: ReadonlyArray<string>): HelpDoc.HelpDoc =>
  HelpDoc.blocks([summary, ...paragraphs, LOGGING_HELP].map((paragraph) => HelpDoc.p(paragraph)))
