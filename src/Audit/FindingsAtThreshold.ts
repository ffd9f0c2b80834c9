import * as Schema from "effect/Schema"
import { counted } from "../Cli/Counted.js"
import { ExitCode } from "../Cli/ExitCode.js"

/** The run completed and wrote its reports, but raised findings at or above `--fail-on`: exit 1 for CI gates. */
export class FindingsAtThreshold extends Schema.TaggedError<FindingsAtThreshold>()("FindingsAtThreshold", {
  threshold: Schema.String,
  count: Schema.Number
}) {
  readonly exitCode = ExitCode.FindingsAtThreshold
  override get message(): string {
    return `${counted(this.count, "finding")} at or above --fail-on ${this.threshold}; the reports are complete.`
  }
}
