import * as Schema from "effect/Schema"
import { ExitCode } from "../Cli/ExitCode.js"

/**
 * The audit email could not be delivered (after retries) or written. The reports on disk are complete and
 * untouched. The message says what failed and what to check; it never holds a password or other credential.
 */
export class DeliveryError extends Schema.TaggedError<DeliveryError>()("DeliveryError", {
  message: Schema.String
}) {
  readonly exitCode = ExitCode.OutputFailure
}
