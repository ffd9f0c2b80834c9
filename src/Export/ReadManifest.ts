/**
 * The manifest of an export folder, read once and checked before any file is: what it lists, that it is one
 * export's, and, when there is none, what the folder is instead.
 */
import { createHash } from "node:crypto"
import { lstat, open, readdir, readFile, stat } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { printable } from "../PantherApi/Responses.js"
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"
import { EXPORT_MARK, EXPORT_MARK_SIGNATURE, isExportFolderName } from "../Reports/TempFile.js"
import { beginsWith } from "./LeftAsideFiles.js"
import { digestFile, type FileDigest, MANIFEST_FORMAT, MANIFEST_NAME, Manifest } from "./Manifest.js"
import { ManifestUnreadable } from "./VerifyErrors.js"

/**
 * Every message names the folder, chosen by whoever holds the export, and may quote the manifest: no escape
 * sequence from either reaches the auditor's terminal.
 */
export const unreadable = (message: string) => new ManifestUnreadable({ message: printable(message) })

/** A manifest read and then refused, with the digest of what was read, which `--expect-sha256` is compared with. */
const refused = (message: string, manifestSha256: string) =>
  new ManifestUnreadable({ message: printable(message), manifestSha256 })

/**
 * The SHA-256 of a refused manifest, to compare with the one recorded: of the bytes read, or streamed from one too
 * large to read whole, and only then, when asked (a manifest of gigabytes takes seconds to hash). Undefined when
 * there is none: no manifest, or one that cannot be read.
 */
export const refusedManifestDigest = (refusal: ManifestUnreadable): Effect.Effect<string | undefined> => {
  const { manifestSha256, oversizedManifest } = refusal
  if (manifestSha256 !== undefined || oversizedManifest === undefined) return Effect.succeed(manifestSha256)
  return Effect.promise(() =>
    digestFile(oversizedManifest).then(
      (digest) => digest.sha256,
      () => undefined
    )
  )
}

/**
 * `files.0.sha256: Expected ...`: where in the manifest, and what is wrong there, without the whole schema.
 *
 * A value nested thousands of levels deep (`[[[[...]]]]`, which JSON.parse reads) overflows the formatter's stack
 * as it quotes it, which ended verify with exit 70: said so instead.
 */
const describeIssues = (error: ParseResult.ParseError): string => {
  try {
    return ParseResult.ArrayFormatter.formatErrorSync(error)
      .map((issue) => `${issue.path.length === 0 ? "the document" : issue.path.join(".")}: ${issue.message}`)
      .join("; ")
  } catch {
    return "a value is nested too deeply to read, as no manifest's is"
  }
}

/** What every export of format /1 holds besides its manifest, all five under one stamp. */
const EXPORT_FILES = [
  ["the findings CSV", "user-audit-", ".csv"],
  ["the findings JSON", "user-audit-", ".json"],
  ["the inventory CSV", "inventory-", ".csv"],
  ["the inventory JSON", "inventory-", ".json"],
  ["the review page", "access-review-", ".html"]
] as const
const STAMP = /^\d{8}T\d{6}Z$/

/**
 * What is wrong with the list of files, if anything: a kind of file it does not list (a count that adds up says
 * nothing when lines went with files), or the reports of more than one run.
 */
const listingProblem = (manifest: Manifest): string | undefined => {
  const names = new Set(manifest.files.map((file) => file.path))
  const stamps = [...names].flatMap((name) => {
    const match = /^user-audit-(.+)\.json$/.exec(name)
    return match?.[1] !== undefined && STAMP.test(match[1]) ? [match[1]] : []
  })
  if (stamps.length > 1) {
    return (
      `lists the findings reports of ${stamps.length} runs (${stamps.join(", ")}): an export holds those of one, so ` +
      "files were added together with their lines"
    )
  }
  const stamp = stamps[0]
  const missing = EXPORT_FILES.filter(
    ([, prefix, suffix]) => stamp === undefined || !names.has(`${prefix}${stamp}${suffix}`)
  ).map(([kind, prefix, suffix]) => `${kind} (${prefix}<stamp>${suffix})`)
  if (missing.length > 0) {
    return (
      `does not list ${missing.join(", ")}: every export of format ${MANIFEST_FORMAT} holds each of them, so files ` +
      "were taken out together with their lines"
    )
  }
  // Named as the export names its files, but not those of its run: another run's report, or one renamed.
  const own = new Set(EXPORT_FILES.map(([, prefix, suffix]) => `${prefix}${stamp}${suffix}`))
  const others = [...names].filter(
    (name) =>
      !own.has(name) && EXPORT_FILES.some(([, prefix, suffix]) => name.startsWith(prefix) && name.endsWith(suffix))
  )
  return others.length === 0
    ? undefined
    : `lists ${others.join(", ")} besides its run's own files: an export holds those of one run, so files were ` +
        "added together with their lines"
}

const isPlainFile = (path: string): Promise<boolean> =>
  lstat(path).then(
    (info) => info.isFile(),
    () => false
  )

/** What archive the file is, by its first bytes ("a zip archive"), if it is one an export may be packed in. */
const archiveKind = async (path: string): Promise<string | undefined> => {
  const head = await open(path, "r").then(
    async (handle) => {
      try {
        const bytes = Buffer.alloc(262)
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0)
        return bytes.subarray(0, bytesRead)
      } finally {
        await handle.close()
      }
    },
    () => Buffer.alloc(0)
  )
  if (beginsWith(0x50, 0x4b, 0x03, 0x04)(head) || beginsWith(0x50, 0x4b, 0x05, 0x06)(head)) return "a zip archive"
  if (beginsWith(0x1f, 0x8b)(head)) return "a gzip-compressed archive (.tar.gz, .tgz)"
  if (beginsWith(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)(head)) return "a 7-Zip archive"
  if (head.subarray(257, 262).toString("latin1") === "ustar") return "a tar archive"
  return undefined
}

const EXPORT_NAME = /^export-(\d{8}T\d{6}Z)(?:-(\d+))?$/

/**
 * Oldest first: by stamp, then by the number an export made in the same second as another got. By their text,
 * `export-<stamp>-10` came before `-2`, and the newest of a busy second went unnamed.
 */
const byAge = (a: string, b: string): number => {
  const [, stampA = "", numberA = "1"] = EXPORT_NAME.exec(a) ?? []
  const [, stampB = "", numberB = "1"] = EXPORT_NAME.exec(b) ?? []
  return stampA === stampB ? Number(numberA) - Number(numberB) : stampA < stampB ? -1 : 1
}

/** The export folders directly in `folder` (`export-<stamp>`, holding a manifest), oldest first. */
const exportsIn = async (folder: string): Promise<ReadonlyArray<string>> => {
  const names = await readdir(folder).catch((): ReadonlyArray<string> => [])
  const exports: Array<string> = []
  for (const name of names.filter((name) => EXPORT_NAME.test(name)).sort(byAge)) {
    if (await isPlainFile(join(folder, name, MANIFEST_NAME))) exports.push(name)
  }
  return exports
}

/** The folder exports are written into, given in place of one of them; `exports` oldest first. */
const holdsExports = (folder: string, exports: ReadonlyArray<string>) => {
  const newest = exports.slice(-3).reverse()
  const older = exports.length - newest.length
  return unreadable(
    `${folder} holds exports but is not one itself: ${newest.join(", ")}` +
      `${older > 0 ? ` and ${older} older` : ""}. Pass the folder of the export to check, as in: ` +
      `panther-audit verify ${join(folder, newest[0] ?? "")}`
  )
}

/** Whether `folder` is the hidden one an export builds in (`.panther-audit-export-XXXXXX`), its mark inside. */
const isUnfinishedExport = async (folder: string): Promise<boolean> =>
  isExportFolderName(basename(folder)) &&
  (await isPlainFile(join(folder, EXPORT_MARK))) &&
  (await open(join(folder, EXPORT_MARK), "r").then(
    async (handle) => {
      try {
        const head = Buffer.alloc(EXPORT_MARK_SIGNATURE.length)
        const { bytesRead } = await handle.read(head, 0, head.length, 0)
        return head.subarray(0, bytesRead).toString("utf8") === EXPORT_MARK_SIGNATURE
      } finally {
        await handle.close()
      }
    },
    () => false
  ))

/** What is said of a folder whose manifest.json cannot be looked at: what the folder is instead, when that shows. */
const whyNoManifest = async (folder: string, error: unknown): Promise<ManifestUnreadable> => {
  if (hasErrorCode(error, "ENOENT")) {
    // The folder the exports were written into, given in place of one of them: name them.
    const exports = await exportsIn(folder)
    if (exports.length > 0) return holdsExports(folder, exports)
    // The hidden folder an export builds in, left by one killed outright: not an export whose manifest was lost.
    // Known as the export's clean-up knows it, by its name and its mark both: the mark alone, added to an export
    // whose manifest was taken out, would have its files called the leftovers of a run that never finished.
    if (await isUnfinishedExport(folder)) {
      return unreadable(
        `${folder} is the folder of an export that never finished (killed while it was being built: it holds ` +
          `${EXPORT_MARK} and no manifest.json), so there is no export to verify; make a new one with ` +
          "panther-audit export."
      )
    }
  }
  return manifestNotRead(folder, error)
}

/**
 * Refused by permissions, the manifest is there for a user who may read it: "not an export folder, or its manifest
 * was removed" sent an auditor looking for a tampered export that was whole.
 */
const manifestNotRead = (folder: string, error: unknown) =>
  unreadable(
    hasErrorCode(error, "EACCES", "EPERM")
      ? `${join(folder, MANIFEST_NAME)} cannot be read by this user (${describeFsError(error)}), so nothing in ` +
          `${folder} could be checked; run verify as a user that can read the export, or give this user read ` +
          "permission on its folder and files."
      : `${join(folder, MANIFEST_NAME)} cannot be read (${describeFsError(error)}): this is not an export folder, or ` +
          "its manifest was removed."
  )

/** A manifest lists five files and the run's warnings: a few kilobytes. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024

export const readManifest = (folder: string) =>
  Effect.gen(function* () {
    const path = join(folder, MANIFEST_NAME)
    // The folder may be given through a link (a mount, a shortcut); what is in it may not be one (checkFile).
    const info = yield* Effect.tryPromise({
      try: () => stat(folder),
      catch: (error) => unreadable(`${folder} cannot be read: ${describeFsError(error)}.`)
    })
    if (!info.isDirectory()) {
      // A file of the export (its manifest, a report) given in place of the export: name the folder to pass.
      const inExport = yield* Effect.promise(() => isPlainFile(join(dirname(folder), MANIFEST_NAME)))
      // An export is often handed over packed: the archive itself given.
      const archive = inExport || !info.isFile() ? undefined : yield* Effect.promise(() => archiveKind(folder))
      return yield* unreadable(
        `${folder} is not a folder; ` +
          (archive !== undefined
            ? `it is ${archive}: unpack it, and pass the export's folder that comes out of it, export-<stamp>.`
            : "pass the export's folder" +
              (inExport ? `, the one it is in: ${dirname(folder)}.` : ", export-<stamp>, that holds manifest.json."))
      )
    }
    // A link could put another folder's manifest in place, and a pipe or device would never end: a plain file only.
    const manifestInfo = yield* Effect.tryPromise({ try: () => lstat(path), catch: (error) => error }).pipe(
      Effect.catchAll((error) =>
        Effect.flatMap(
          Effect.promise(() => whyNoManifest(folder, error)),
          Effect.fail
        )
      )
    )
    if (!manifestInfo.isFile()) {
      return yield* unreadable(`${path} is not a plain file (a link, a folder or a device): an export's manifest is.`)
    }
    // Read whole below: a file of gigabytes put in its place took as much memory, then failed in Node's words
    // (ERR_STRING_TOO_LONG) with advice about a removed manifest.
    if (manifestInfo.size > MAX_MANIFEST_BYTES) {
      return yield* new ManifestUnreadable({
        message: printable(
          `${path} is larger than 16 MiB, far more than an export's manifest is: it is not the export's manifest, ` +
            "and what it lists cannot be checked."
        ),
        oversizedManifest: path
      })
    }
    // Read once: the digest is of the very bytes the files are checked against. A second read could be answered
    // with the recorded manifest (by a share or mount in the hands of whoever holds the export) and vouch for a
    // forged one read first.
    const { content, text } = yield* Effect.tryPromise({
      try: async () => {
        const content = await readFile(path)
        return { content, text: content.toString("utf8") }
      },
      catch: (error) => manifestNotRead(folder, error)
    })
    const manifestDigest: FileDigest = {
      bytes: content.length,
      sha256: createHash("sha256").update(content).digest("hex")
    }
    // Each refusal from here on is of these bytes: compared with the digest recorded, it is a mismatch.
    const refuse = (message: string) => refused(message, manifestDigest.sha256)
    // Said as such: the parser's "Unexpected end of JSON input" read as a manifest cut off halfway.
    if (text.replace(/^\uFEFF/, "").trim() === "") {
      return yield* refuse(
        `${path} is empty: an export's manifest lists its files. A copy cut short (a full disk, a transfer ` +
          "stopped) leaves it so: copy the export again from where it was made."
      )
    }
    const json = yield* Effect.try({
      // Without a byte order mark: an editor that saved the manifest may have put one first (Notepad's "UTF-8 with
      // BOM"), which JSON.parse refuses. Called "not JSON", the export went unchecked, where its digest, compared
      // with the one recorded, says that this alone changed.
      try: (): unknown => JSON.parse(text.replace(/^\uFEFF/, "")),
      // The parser quotes the text it stopped at, which may be anything; `refuse` makes it printable.
      catch: (error) =>
        refuse(`${path} is malformed: not JSON (${error instanceof Error ? error.message : String(error)}).`)
    })
    const manifest = yield* Schema.decodeUnknown(Manifest)(json, { errors: "first" }).pipe(
      Effect.mapError((error) => refuse(`${path} is malformed: ${describeIssues(error)}.`))
    )
    // A file taken out together with its line in the list would otherwise pass unseen.
    if (manifest.counts.files !== manifest.files.length) {
      return yield* refuse(
        `${path} does not add up: its counts say ${manifest.counts.files} files but it lists ` +
          `${manifest.files.length}. It was edited; compare its digest with the one recorded when it was made.`
      )
    }
    const problem = listingProblem(manifest)
    if (problem !== undefined) {
      return yield* refuse(
        `${path} ${problem}. It was edited; compare its digest with the one recorded when it was made.`
      )
    }
    return { manifest, manifestDigest, manifestContent: content }
  })
