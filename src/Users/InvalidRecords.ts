import * as Schema from "effect/Schema"
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

/**
 * `users get` printed the user's record, which does not match the API description (an INVALID_RECORD of the
 * audit). It is that user's all the same (the answer named it), so no wrong --api-url is to blame: the message says
 * what is wrong and how to mend it, and exit code 3 keeps a script from taking the record for a valid one.
 */
export class InvalidRecord extends Schema.TaggedError<InvalidRecord>()("InvalidRecord", {
  /** Who the record belongs to, as `describeInvalidRecord` words it; printable. */
  who: Schema.String,
  id: Schema.String,
  reason: Schema.String
}) {
  readonly exitCode = ExitCode.ApiFailure
  override get message(): string {
    return (
      `${this.who} does not match the Users API description (${this.reason}); it is printed above as Panther sent ` +
      "it. `panther-audit run` reports it as INVALID_RECORD; a name, email or role at fault is mended with " +
      `\`panther-audit users update ${this.id}\` and that field's flag, anything else in the Panther console.`
    )
  }
}
