import * as Schema from "effect/Schema"
import { ExitCode } from "./ExitCode.js"

/**
 * A flag, environment variable or input file that cannot be used. The message says what to fix.
 * Raised before any API call, so a misconfigured run changes nothing.
 */
export class ConfigurationError extends Schema.TaggedError<ConfigurationError>()("ConfigurationError", {
  message: Schema.String
}) {
  readonly exitCode = ExitCode.Usage
}
