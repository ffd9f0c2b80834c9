/** `panther-audit export`: a compliance export an auditor can take away and check later with `verify`. */
import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { checkFailOn, prepareAuditJob } from "../Audit/AuditJob.js"
import { exportAuditOptions, reportDirOption } from "../Audit/AuditOptions.js"
import { formatRunSummary } from "../Audit/RunSummary.js"
import { connectionOptions, connectionSource } from "../Cli/ConnectionOptions.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { clearProgressLine, progressHooks } from "../Cli/ProgressLine.js"
import { formatCount } from "../Review/Html.js"
import { MANIFEST_NAME } from "./Manifest.js"
import { runExport } from "./RunExport.js"

/** A path as a shell word, quoted when it holds anything but letters, digits and `_./:-`, to paste as it is. */
const shellWord = (path: string): string => (/^[\w./:-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`)

export const exportCommand = Command.make(
  "export",
  { connection: connectionOptions, audit: exportAuditOptions, reportDir: reportDirOption },
  (options) =>
    Effect.gen(function* () {
      const job = yield* prepareAuditJob({
        audit: options.audit,
        reportDir: options.reportDir,
        connection: connectionSource(options.connection)
      })
      const outcome = yield* runExport(job, progressHooks()).pipe(Effect.ensuring(Effect.sync(clearProgressLine)))
      const { manifest, digest } = outcome.manifest
      const width = Math.max(...manifest.files.map((file) => file.path.length), MANIFEST_NAME.length)
      yield* Console.log(formatRunSummary(outcome.audit.run, [outcome.folder]))
      yield* Console.log(
        [
          `Compliance export: ${outcome.folder}`,
          ...manifest.files.map(
            (file) => `  ${file.path.padEnd(width)}  ${formatCount(file.bytes).padStart(14)} bytes`
          ),
          `  ${MANIFEST_NAME.padEnd(width)}  ${formatCount(digest.bytes).padStart(14)} bytes`,
          `SHA-256 of ${MANIFEST_NAME}: ${digest.sha256}`,
          "Keep that digest apart from the export (in the ticket or the evidence log): it proves the manifest itself",
          `unchanged. Check the export at any time with: panther-audit verify ${shellWord(outcome.folder)} --expect-sha256 ${digest.sha256}`
        ].join("\n")
      )
      yield* checkFailOn(outcome.audit)
    })
).pipe(
  Command.withDescription(
    withLoggingHelp(
      "Compliance export: every user, the findings and a review page in one folder, with a manifest to verify.",
      "Audits every user, deactivated ones included, and writes one folder export-<stamp> with the inventory (CSV " +
        "and JSON), the findings reports, the review page and manifest.json (SHA-256 and size of every file). The " +
        "folder appears only when complete. Takes the connection and audit options and the exit codes of `run` (no " +
        "email); --include-deactivated is always on."
    )
  )
)
