/** `panther-audit verify <folder>`: does this export still hold exactly what its manifest says? */
import { resolve } from "node:path"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { instanceLabel } from "../Audit/PantherInstance.js"
import { requireArgValue, requireOptionValue } from "../Cli/FlagValues.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { printable } from "../PantherApi/Responses.js"
import { formatCount } from "../Review/Html.js"
import { manifestCopyChange } from "./CopyChanges.js"
import { expectedManifestDigest } from "./ExpectedDigest.js"
import { LOCK_PREFIX } from "./LeftAsideFiles.js"
import type { FileDigest } from "./Manifest.js"
import { refusedManifestDigest } from "./ReadManifest.js"
import { type VerifyProblem, type VerifyReport, verifyExport } from "./Verify.js"
import { ExportMismatch, ExportUnreadable, type ManifestUnreadable } from "./VerifyErrors.js"

// Text, not Args.directory: its check of the path died on a link that leads round in a loop (exit 70), and
// said of a file only that a directory was expected; verifyExport says what is wrong with the path instead.
const folder = Args.text({ name: "folder" }).pipe(
  // A mistyped flag taken for the folder (`--api-tokn=...`) is refused as one, its value unquoted.
  Args.mapEffect(requireArgValue("The folder's name", "the export's folder, export-<stamp>, that holds manifest.json")),
  Args.withDescription("The export folder, export-<stamp>, holding manifest.json.")
)

const expectSha256 = Options.text("expect-sha256").pipe(
  Options.withDescription(
    "The SHA-256 of manifest.json recorded when the export was made (`export` prints it), or the line " +
      "`sha256sum manifest.json` or `sha256 -r manifest.json` printed, or the BSD-style line " +
      "`SHA256 (manifest.json) = ...` that `sha256 manifest.json` (macOS) or `shasum -a 256 --tag` printed, or the " +
      "line `SHA2-256(manifest.json)= ...` of `openssl dgst -sha256 manifest.json`. Given, a manifest that differs " +
      "(edited, its file digests recomputed to match edited files) fails with exit 1; without it, compare the digest " +
      "printed at the end by eye."
  ),
  Options.mapEffect(requireOptionValue("--expect-sha256")),
  Options.mapEffect((value) =>
    Either.match(expectedManifestDigest(value), {
      onLeft: (problem) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(problem))),
      onRight: Effect.succeed
    })
  ),
  Options.optional
)

const describeDigest = (digest: FileDigest): string => `${formatCount(digest.bytes)} bytes, sha256 ${digest.sha256}`

// File names come from the folder and the manifest, either of which may have been tampered with: no escape
// sequence reaches the auditor's terminal (one could redraw the screen over a problem line).
export const describeProblem = (problem: VerifyProblem): string => {
  switch (problem.kind) {
    case "missing":
      return `MISSING     ${printable(problem.path)}: listed in the manifest but not in the folder`
    case "unexpected":
      return (
        `UNEXPECTED  ${printable(problem.path)}: in the folder but not in the manifest` +
        (problem.renamedFrom === undefined
          ? ""
          : `; it holds what the manifest records for ${printable(problem.renamedFrom)}, missing: that file renamed`)
      )
    case "unreadable":
      // Not MODIFIED: nothing is known of its content, and a file an auditor's account may not read is likelier.
      return (
        `UNREADABLE  ${printable(problem.path)}: listed in the manifest, but it cannot be read ` +
        `(${printable(problem.reason)}), so it was not checked` +
        (problem.denied ? "; run verify as a user that can read it" : "")
      )
    case "modified":
      return (
        `MODIFIED    ${printable(problem.path)}: the manifest records ${describeDigest(problem.expected)}; ` +
        `now ${typeof problem.actual === "string" ? problem.actual : describeDigest(problem.actual)}` +
        (problem.holds === undefined
          ? ""
          : `; it holds what the manifest records for ${printable(problem.holds)}: the two swapped, or that one ` +
            "copied over it") +
        (problem.only === undefined
          ? ""
          : `. Its content is otherwise as recorded: only ${problem.only}, as a copy in text mode (git's ` +
            "autocrlf, an FTP client's ASCII mode) or an editor makes; take the export's files again as they were made")
      )
  }
}

/**
 * The report. `expected`: the manifest's SHA-256 as recorded when the export was made (`--expect-sha256`), which
 * the manifest, edited along with the files it lists, cannot fake.
 */
export const formatVerifyReport = (report: VerifyReport, expected?: string, manifestOnly?: string): string => {
  const { manifest } = report
  // Host and path prefix when the manifest has the base URL; a manifest of an older version names the host only.
  const instance = manifest.apiBaseUrl === undefined ? manifest.apiHost : instanceLabel(manifest.apiBaseUrl)
  // Every value here comes from the manifest, which may have been tampered with like the files it lists.
  // When it was made too: the users are read then, and `--as-of` may set the instant they are judged at months
  // before, which alone read as the state of that day.
  const about = printable(
    `Export of ${instance} as of ${manifest.asOf}, made ${manifest.createdAt} from the users read then, ` +
      `by ${manifest.tool.name} ${manifest.tool.version}, run ${manifest.runId}.`
  )
  const actual = report.manifestDigest.sha256
  const manifestChanged = expected !== undefined && expected !== actual
  const digest =
    expected === undefined
      ? `SHA-256 of manifest.json: ${actual}; compare it with the digest recorded when the export was made ` +
        "(or give that with --expect-sha256)."
      : manifestChanged
        ? `MANIFEST    manifest.json: its SHA-256 is ${actual}, not ${expected} as recorded` +
          (manifestOnly === undefined
            ? ": the manifest was changed, and with it what its files are checked against."
            : `. Its content is otherwise as recorded: only ${manifestOnly}, as a copy in text mode (git's ` +
              "autocrlf, an FTP client's ASCII mode) or an editor makes; take the export's files again as they were " +
              "made")
        : `SHA-256 of manifest.json: ${actual}, the one recorded.`
  // A spreadsheet's lock says more than "a file manager": the file is open in it, and the lock goes when it is closed.
  // So does a signature, which is checked with the tool that made it.
  const locks = report.fileManagerFiles.filter((name) => name.startsWith(LOCK_PREFIX))
  const { signatures } = report
  const byFileManager = report.fileManagerFiles.filter((name) => !locks.includes(name) && !signatures.includes(name))
  const leftAside = [
    ...(signatures.length === 0
      ? []
      : [
          `Left aside: ${printable(signatures.join(", "))}, ${signatures.length === 1 ? "a detached signature" : "detached signatures"} ` +
            "of the export's files, not part of it and not checked here: check it with the tool that made it " +
            "(gpg --verify, ssh-keygen -Y verify, minisign -V)."
        ]),
    ...(byFileManager.length === 0
      ? []
      : [`Left aside: ${printable(byFileManager.join(", "))}, written by a file manager, not part of the export.`]),
    ...(locks.length === 0
      ? []
      : [
          `Left aside: ${printable(locks.join(", "))}, LibreOffice's lock on a file it has open (or had, when it ` +
            "stopped without closing it), not part of the export; opening a file there changes nothing in it."
        ])
  ]
  if (report.problems.length === 0 && !manifestChanged) {
    return [
      `Verified ${report.verified} files in ${printable(report.folder)}: every size and SHA-256 matches manifest.json, ` +
        `${expected === undefined ? "" : "manifest.json is the one recorded, "}and no file is missing or added.`,
      ...leftAside,
      about,
      digest
    ].join("\n")
  }
  const unreadable = report.problems.filter((problem) => problem.kind === "unreadable").length
  return [
    ...report.problems.map(describeProblem),
    ...leftAside,
    `${report.verified} of ${manifest.files.length} files match manifest.json` +
      `${unreadable === 0 ? "" : `; ${unreadable} could not be read`}.`,
    about,
    digest
  ].join("\n")
}

/**
 * A manifest refused (malformed, edited, empty) whose digest is not the one recorded: the export is not the one made,
 * which is a mismatch (exit 1), not a check that could not be made (exit 2) telling the auditor to compare the digest
 * given. A refused manifest that is the one recorded, or with no digest given, stays refused as it was.
 */
const refusedAsRecorded =
  (folder: string, expected: string | undefined) =>
  (refusal: ManifestUnreadable): Effect.Effect<never, ManifestUnreadable | ExportMismatch> =>
    Effect.gen(function* () {
      if (expected === undefined) return yield* refusal
      const actual = yield* refusedManifestDigest(refusal)
      if (actual === undefined || actual === expected) return yield* refusal
      yield* Console.log(
        `MANIFEST    manifest.json: its SHA-256 is ${actual}, not ${expected} as recorded: the manifest was ` +
          `changed, and its files could not be checked against it: ${refusal.message}`
      )
      return yield* new ExportMismatch({ folder, modified: 0, missing: 0, unexpected: 0, manifestChanged: true })
    })

export const verifyCommand = Command.make("verify", { folder, expectSha256 }, (options) =>
  Effect.gen(function* () {
    const expected = Option.getOrUndefined(options.expectSha256)
    const exportFolder = resolve(options.folder)
    const report = yield* verifyExport(exportFolder).pipe(
      Effect.catchTag("ManifestUnreadable", refusedAsRecorded(exportFolder, expected))
    )
    const manifestChanged = expected !== undefined && expected !== report.manifestDigest.sha256
    // Said as the files' are: an export copied in text mode has its manifest's line ends converted too, which alone
    // read as a manifest edited to match files changed with it.
    const manifestOnly = manifestChanged ? yield* manifestCopyChange(report, expected) : undefined
    yield* Console.log(formatVerifyReport(report, expected, manifestOnly))
    const count = (kind: VerifyProblem["kind"]) => report.problems.filter((problem) => problem.kind === kind).length
    const unreadable = count("unreadable")
    // Files that could not be read prove nothing changed or unchanged: a mismatch found besides them decides.
    if (report.problems.length > unreadable || manifestChanged) {
      return yield* new ExportMismatch({
        folder: report.folder,
        modified: count("modified"),
        missing: count("missing"),
        unexpected: count("unexpected"),
        ...(unreadable > 0 ? { unreadable } : {}),
        ...(manifestChanged ? { manifestChanged: true } : {})
      })
    }
    if (unreadable > 0) {
      return yield* new ExportUnreadable({
        folder: report.folder,
        unreadable,
        denied: report.problems.every((problem) => problem.kind !== "unreadable" || problem.denied)
      })
    }
  })
).pipe(
  Command.withDescription(
    withLoggingHelp(
      "Check a compliance export against its manifest.json.",
      "Recomputes every file's size and SHA-256 and looks for missing and added files; with --expect-sha256, checks " +
        "manifest.json itself against the digest recorded. Exit codes: 0 verified, 1 any mismatch, 2 no manifest or " +
        "a malformed one (1 with --expect-sha256 when it is not the one recorded), or a listed file that cannot be " +
        "read (and no mismatch)."
    )
  )
)
