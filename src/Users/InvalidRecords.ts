import { Schema } from "effect"
import { ExitCode } from "../Cli/ExitCode.js"

/**
 * `users list` printed every user it could, but some records did not match the API description. Each was named
 * on stderr as it came; this ends the command with exit code 3 so a script cannot mistake the list for complete.
 */
export class InvalidRecords extends Schema.TaggedError<InvalidRecords>()("InvalidRecords", {
  count: Schema.Number
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    const records = this.count === 1 ? "1 user record" : `${this.count} user records`
    const verbs =
      this.count === 1
        ? "did not match the Users API description and is"
        : "did not match the Users API description and are"
    return (
      `${records} from Panther ${verbs} missing from the output ` +
      "(each is named above). `panther-audit run` reports them as INVALID_RECORD findings."
    )
  }
}
