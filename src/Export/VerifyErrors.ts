import * as Schema from "effect/Schema"
import { ExitCode } from "../Cli/ExitCode.js"
import { printable } from "../PantherApi/Responses.js"

/** The folder has no readable, well-formed `manifest.json`: not an export, or one whose manifest was damaged. */
export class ManifestUnreadable extends Schema.TaggedError<ManifestUnreadable>()("ManifestUnreadable", {
  message: Schema.String,
  /**
   * The SHA-256 of the manifest refused, when it was read: compared with the digest recorded when the export was
   * made, it tells a manifest edited (a mismatch) from a check that could not be made.
   */
  manifestSha256: Schema.optional(Schema.String),
  /** A manifest too large to read whole, refused unread: its digest is streamed only when there is one to compare. */
  oversizedManifest: Schema.optional(Schema.String)
}) {
  readonly exitCode = ExitCode.Usage
}

/** The export's files differ from what its manifest records: exit 1, like findings at `--fail-on`. */
export class ExportMismatch extends Schema.TaggedError<ExportMismatch>()("ExportMismatch", {
  folder: Schema.String,
  modified: Schema.Number,
  missing: Schema.Number,
  unexpected: Schema.Number,
  /** Listed files that could not be read: not known to differ, but not verified either. */
  unreadable: Schema.optional(Schema.Number),
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
        [this.unexpected, "unexpected"],
        [this.unreadable ?? 0, "unreadable"]
      ]
        .filter(([count]) => Number(count) > 0)
        .map(([count, what]) => `${count} ${what}`)
    ]
    // The folder is named by whoever holds the export: an escape sequence in its name could hide this verdict.
    return `the export in ${printable(this.folder)} does not match its manifest (${parts.join(", ")}); do not rely on it.`
  }
}

/**
 * Files the manifest lists could not be read, and nothing else was found wrong: the export is not verified, but
 * nothing says it was changed, and the likelier cause is this user's permissions. Exit 2, as for a folder that cannot
 * be listed: a check that could not be made, not a mismatch.
 */
export class ExportUnreadable extends Schema.TaggedError<ExportUnreadable>()("ExportUnreadable", {
  folder: Schema.String,
  unreadable: Schema.Number,
  /** Whether every one was refused by its permissions. */
  denied: Schema.Boolean
}) {
  readonly exitCode = ExitCode.Usage
  override get message(): string {
    const advice = this.denied
      ? "run verify as a user that can read every file in the export, or give this user read permission on them"
      : "verify again once they can be read, or verify a copy of the export taken from where it is kept"
    return (
      `the export in ${printable(this.folder)} is not verified: ${this.unreadable} of the files its manifest lists ` +
      `could not be read (UNREADABLE above), though nothing found says it was changed; ${advice}.`
    )
  }
}
