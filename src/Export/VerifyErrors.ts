import { Schema } from "effect"
import { ExitCode } from "../Cli/ExitCode.js"
import { printable } from "../PantherApi/Responses.js"

/** The folder has no readable, well-formed `manifest.json`: not an export, or one whose manifest was damaged. */
export class ManifestUnreadable extends Schema.TaggedError<ManifestUnreadable>()("ManifestUnreadable", {
  message: Schema.String
}) {
  readonly exitCode = ExitCode.Usage
}

/** The export's files differ from what its manifest records: exit 1, like findings at `--fail-on`. */
export class ExportMismatch extends Schema.TaggedError<ExportMismatch>()("ExportMismatch", {
  folder: Schema.String,
  modified: Schema.Number,
  missing: Schema.Number,
  unexpected: Schema.Number,
  /** manifest.json is not the one recorded when the export was made (`--expect-sha256`). */
  manifestChanged: Schema.optional(Schema.Boolean)
}) {
  readonly exitCode = ExitCode.FindingsAtThreshold
  override get message(): string {
    const parts = [
      ...(this.manifestChanged === true ? ["manifest.json not the one recorded"] : []),
      ...[
        [this.modified, "modified"],
        [this.missing, "missing"],
        [this.unexpected, "unexpected"]
      ]
        .filter(([count]) => Number(count) > 0)
        .map(([count, what]) => `${count} ${what}`)
    ]
    // The folder is named by whoever holds the export: an escape sequence in its name could hide this verdict.
    return `the export in ${printable(this.folder)} does not match its manifest (${parts.join(", ")}); do not rely on it.`
  }
}
