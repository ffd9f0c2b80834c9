/**
 * `verify`: recomputes the size and SHA-256 of every file a manifest lists and compares them, and looks for
 * files that were removed or added. Reading never changes the folder.
 */
import { createHash } from "node:crypto"
import { constants } from "node:fs"
import { lstat, open, readdir, readFile, stat } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { printable } from "../PantherApi/Responses.js"
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"
import { EXPORT_MARK, EXPORT_MARK_SIGNATURE, isExportFolderName } from "../Reports/TempFile.js"
import { digestFile, digestStream, type FileDigest, MANIFEST_FORMAT, MANIFEST_NAME, Manifest } from "./Manifest.js"
import { ManifestUnreadable } from "./VerifyErrors.js"

export type VerifyProblem =
  | {
      readonly kind: "modified"
      readonly path: string
      readonly expected: FileDigest
      /** What is there now; a reason instead when it is no longer a file (a folder, a link). */
      readonly actual: FileDigest | string
      /**
       * How it differs, when that is known for certain: its bytes as recorded but for a change a copy makes on its
       * own (line ends converted, a byte order mark added or taken off), proved by the recorded digest.
       */
      readonly only?: string
      /** Another listed file whose recorded size and digest it has now: the two swapped, or one copied over it. */
      readonly holds?: string
    }
  /**
   * There, but reading it failed (permission denied, an I/O error): nothing is known of its content, and the likelier
   * cause is a user without read permission, not a changed file. `reason` is the error in words.
   */
  | {
      readonly kind: "unreadable"
      readonly path: string
      readonly reason: string
      /** Refused by its permissions, which another user may have. */
      readonly denied: boolean
    }
  | { readonly kind: "missing"; readonly path: string; readonly recorded: FileDigest }
  | {
      readonly kind: "unexpected"
      readonly path: string
      /** The missing file whose recorded size and digest it has: the same file under another name. */
      readonly renamedFrom?: string
    }

export interface VerifyReport {
  readonly folder: string
  readonly manifest: Manifest
  readonly manifestDigest: FileDigest
  /** manifest.json as read, once: the very bytes its digest is of and its files were checked against. */
  readonly manifestContent: Buffer
  /** Files whose size and digest match. */
  readonly verified: number
  readonly problems: ReadonlyArray<VerifyProblem>
  /** Files a file manager adds on its own when the folder is opened (`.DS_Store`): named, not held against it. */
  readonly fileManagerFiles: ReadonlyArray<string>
  /** Those of `fileManagerFiles` that are detached signatures of the export's files, made beside them. */
  readonly signatures: ReadonlyArray<string>
}

/** Whether `head` begins with these bytes. */
const beginsWith =
  (...bytes: ReadonlyArray<number>) =>
  (head: Buffer): boolean =>
    head.length >= bytes.length && bytes.every((byte, index) => head[index] === byte)

/** The lines of a whole INI text that are not blank, trimmed; none when the file is longer than `whole`. */
const iniLines = (whole: Buffer, size: number): ReadonlyArray<string> | undefined =>
  size > whole.length
    ? undefined
    : whole
        .toString("latin1")
        .replace(/^(\u00ef\u00bb\u00bf|\u00ff\u00fe|\u00fe\u00ff)/, "")
        .replaceAll("\u0000", "")
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "")

/**
 * An INI text, whole (the file is read up to `HEAD_BYTES`, and one longer is none): after a byte order mark perhaps,
 * in UTF-16 perhaps, every line that is not blank a [section], a ;comment or a key=value, the first a section or a
 * comment. Explorer's are a few lines.
 */
const iniText = (whole: Buffer, size: number): boolean => {
  const lines = iniLines(whole, size)
  return (
    lines !== undefined &&
    (lines[0] === undefined || /^[[;]/.test(lines[0])) &&
    lines.every((line) => /^(\[[^\]]*\]|;.*|[^=[;]+=.*)$/.test(line))
  )
}

/** The keys Windows writes into a download's mark, each once. */
const ZONE_KEYS = new Set(["ZoneId", "ReferrerUrl", "HostUrl", "LastWriterPackageFamilyName", "AppZoneId"])

/**
 * A download's mark, whole: empty, or its one [ZoneTransfer] section with a ZoneId and only the keys Windows writes
 * there, each once. Any other INI text (a list of users as key=value lines) is data under the mark's name.
 */
const zoneIdentifierText = (whole: Buffer, size: number): boolean => {
  const lines = iniLines(whole, size)
  if (lines === undefined) return false
  if (lines.length === 0) return true
  const [section, ...entries] = lines
  const keys = entries.map((line) => /^([A-Za-z]+)=/.exec(line)?.[1])
  return (
    section === "[ZoneTransfer]" &&
    keys.every((key) => key !== undefined && ZONE_KEYS.has(key)) &&
    new Set(keys).size === keys.length &&
    entries.some((line) => /^ZoneId=\d+$/.test(line))
  )
}

const ZONE_MARK = ":Zone.Identifier"

/** LibreOffice's lock on a document it has open: `.~lock.<file>#`, removed when the document is closed. */
export const LOCK_PREFIX = ".~lock."

/** One field of a lock's record, with `,`, `;` and `\` escaped by a backslash. */
const LOCK_FIELD = String.raw`(?:[^,;\\\r\n]|\\.)*`

/**
 * A lock, whole: one record of five fields (the user's name, login and host, when the file was opened as
 * `dd.mm.yyyy hh:mm`, and the user's profile URL) ending in `;`. Anything else under the name is data.
 */
const LIBREOFFICE_LOCK = new RegExp(
  String.raw`^(?:${LOCK_FIELD},){3}\d{2}\.\d{2}\.\d{4} \d{2}:\d{2},${LOCK_FIELD};\r?\n?$`
)

const libreOfficeLockText = (whole: Buffer, size: number): boolean =>
  size <= whole.length && LIBREOFFICE_LOCK.test(whole.toString("utf8"))

/** Endings of a detached signature, which gpg, `ssh-keygen -Y sign` and minisign write beside the file signed. */
const SIGNATURE_ENDINGS = [".asc", ".sig", ".minisig"] as const

const signatureOfListed = (name: string, listed: ReadonlySet<string>): boolean =>
  SIGNATURE_ENDINGS.some((ending) => name.endsWith(ending) && listed.has(name.slice(0, -ending.length)))

/** One binary OpenPGP signature packet (`gpg --detach-sign`), whole: its header's length is the file's. */
const openPgpSignaturePacket = (bytes: Buffer): boolean => {
  const [tag = 0, first = 0, second = 0] = bytes
  const header =
    tag === 0x88
      ? { length: 2 + first }
      : tag === 0x89 && bytes.length >= 3
        ? { length: 3 + bytes.readUInt16BE(1) }
        : tag === 0xc2 && first < 192
          ? { length: 2 + first }
          : tag === 0xc2 && first < 224
            ? { length: 3 + ((first - 192) << 8) + second + 192 }
            : undefined
  const bodyStart = tag === 0x89 || (tag === 0xc2 && first >= 192) ? 3 : 2
  // The body starts with the signature's version: 3 to 6.
  const version = bytes[bodyStart] ?? 0
  return header !== undefined && header.length === bytes.length && version >= 3 && version <= 6
}

const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/
/** `Comment: ...`, its text printable (UTF-8 read as Latin-1). */
const ARMOUR_HEADER = /^[A-Za-z][A-Za-z0-9-]*: [ -~\u0080-\u00ff]*$/

/**
 * What an ASCII-armoured signature holds, whole, or undefined when the text is none: gpg's (`PGP SIGNATURE`), whose
 * header lines GPG Suite and older gpg fill in (`Comment: GPGTools - https://gpgtools.org`, `Version: GnuPG v2.0.22
 * (GNU/Linux)`) before a blank line and which ends in a checksum line (`=zo3H`), or ssh-keygen's (`SSH SIGNATURE`).
 */
const armouredSignature = (text: string): { readonly kind: string; readonly body: Buffer } | undefined => {
  const lines = text.replace(/\r?\n$/, "").split(/\r?\n/)
  const kind = /^-----BEGIN (PGP|SSH) SIGNATURE-----$/.exec(lines[0] ?? "")?.[1]
  if (kind === undefined || lines.at(-1) !== `-----END ${kind} SIGNATURE-----`) return undefined
  let body = lines.slice(1, -1)
  if (kind === "PGP") {
    const blank = body.indexOf("")
    const headers = body.slice(0, Math.max(blank, 0))
    if (blank === -1 || !headers.every((line) => ARMOUR_HEADER.test(line))) return undefined
    body = body.slice(blank + 1)
    if (/^=[A-Za-z0-9+/]{4}$/.test(body.at(-1) ?? "")) body = body.slice(0, -1)
  }
  if (body.length === 0 || !body.every((line) => BASE64_LINE.test(line))) return undefined
  return { kind, body: Buffer.from(body.join(""), "base64") }
}

/** minisign's two signatures: the file's (algorithm, key id, Ed25519 signature) and the one over its comment. */
const minisignLines = (text: string): boolean => {
  const match =
    /^untrusted comment: [^\r\n]*\r?\n([A-Za-z0-9+/=]+)\r?\ntrusted comment: [^\r\n]*\r?\n([A-Za-z0-9+/=]+)(?:\r?\n)?$/.exec(
      text
    )
  if (match === null) return false
  const file = Buffer.from(match[1] ?? "", "base64")
  const comment = Buffer.from(match[2] ?? "", "base64")
  return file.length === 74 && /^E[dD]$/.test(file.subarray(0, 2).toString("latin1")) && comment.length === 64
}

/**
 * A detached signature, whole: ASCII-armoured by gpg or `ssh-keygen -Y sign`, minisign's four lines, or gpg's binary
 * packet. Each is known by what it decodes to, as each tool reads it: base64 under a signature's armour (the
 * export's data encoded, say) is data, like anything else under such a name.
 */
const signatureText = (whole: Buffer, size: number): boolean => {
  if (size > whole.length) return false
  const bytes = whole.subarray(0, size)
  const text = bytes.toString("latin1")
  const armoured = armouredSignature(text)
  if (armoured !== undefined) {
    return armoured.kind === "PGP"
      ? openPgpSignaturePacket(armoured.body)
      : armoured.body.subarray(0, 6).toString("latin1") === "SSHSIG"
  }
  return minisignLines(text) || openPgpSignaturePacket(bytes)
}

/**
 * A detached signature of manifest.json (or of another file of the export), made beside it to prove it unchanged:
 * `gpg --detach-sign manifest.json` writes manifest.json.sig there. Not checked here, and it changes no file.
 */
const DETACHED_SIGNATURE = { name: signatureOfListed, starts: signatureText }

/**
 * What Finder, Explorer and the like write into a folder just opened: the export's own files stay checked, and an
 * auditor who looked at it is not told to distrust it. Each is known by its name and by how it starts, so that a
 * copy of an export file (or anything else) put under such a name is not passed over.
 */
const FILE_MANAGER_FILES: ReadonlyArray<{
  /** `listed`: the export's own files, manifest.json among them; `signatures`: the signatures of them left aside. */
  readonly name: (name: string, listed: ReadonlySet<string>, signatures: ReadonlySet<string>) => boolean
  /** The file's first `HEAD_BYTES` (all of it when shorter), and its size. */
  readonly starts: (head: Buffer, size: number) => boolean
}> = [
  // Finder's folder settings: a "Bud1" store.
  { name: (name) => name === ".DS_Store", starts: beginsWith(0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31) },
  // macOS AppleDouble metadata on a volume without it.
  { name: (name) => name.startsWith("._"), starts: beginsWith(0, 0x05, 0x16, 0x07) },
  // Explorer's thumbnail cache: an OLE compound file.
  { name: (name) => name === "Thumbs.db", starts: beginsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1) },
  // Explorer's folder settings.
  { name: (name) => name === "desktop.ini", starts: iniText },
  // Windows' mark of a downloaded file, an alternate stream of it: Explorer copying the export into a folder without
  // such streams (WSL's, a Samba share's) writes each as a file of its own, `inventory-<stamp>.csv:Zone.Identifier`,
  // only ever beside the file it marks, one of the export's, or a signature of one handed over with it.
  {
    name: (name, listed, signatures) => {
      const marked = name.slice(0, -ZONE_MARK.length)
      return name.endsWith(ZONE_MARK) && (listed.has(marked) || signatures.has(marked))
    },
    starts: zoneIdentifierText
  },
  // LibreOffice's lock on an export file open in it (the inventory CSV in Calc), or left by a crash: only ever
  // beside the file it locks, which opening does not change.
  {
    name: (name, listed) =>
      name.startsWith(LOCK_PREFIX) && name.endsWith("#") && listed.has(name.slice(LOCK_PREFIX.length, -1)),
    starts: libreOfficeLockText
  },
  DETACHED_SIGNATURE
]

const HEAD_BYTES = 4096

/** Which of `FILE_MANAGER_FILES` the file is, if one: by its name, then by how it starts. */
const leftAsideAs = async (
  path: string,
  name: string,
  listed: ReadonlySet<string>,
  signatures: ReadonlySet<string>
): Promise<(typeof FILE_MANAGER_FILES)[number] | undefined> => {
  const kind = FILE_MANAGER_FILES.find((candidate) => candidate.name(name, listed, signatures))
  if (kind === undefined) return undefined
  const head = Buffer.alloc(HEAD_BYTES)
  const read = await open(path, "r").then(
    async (handle) => {
      try {
        const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0)
        return { bytesRead, size: (await handle.stat()).size }
      } finally {
        await handle.close()
      }
    },
    () => undefined
  )
  return read !== undefined && kind.starts(head.subarray(0, read.bytesRead), read.size) ? kind : undefined
}

/**
 * Every message names the folder, chosen by whoever holds the export, and may quote the manifest: no escape
 * sequence from either reaches the auditor's terminal.
 */
const unreadable = (message: string) => new ManifestUnreadable({ message: printable(message) })

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

const readManifest = (folder: string) =>
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

/** Larger files are not read whole to tell a copy's change from an edit: an export's files are far smaller. */
const MAX_EXPLAINED_BYTES = 64 * 1024 * 1024

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * The changes a copy makes to a text file on its own, each undone: a copy in text mode (git's autocrlf, FTP's ASCII
 * mode, a Windows editor) converts line ends, an editor adds or drops a byte order mark.
 */
const COPY_CHANGES: ReadonlyArray<readonly [string, (content: Buffer) => Buffer]> = [
  [
    "its line ends, CRLF turned into LF",
    (content) => Buffer.from(content.toString("latin1").replace(/(?<!\r)\n/g, "\r\n"), "latin1")
  ],
  [
    "its line ends, LF turned into CRLF",
    (content) => Buffer.from(content.toString("latin1").replaceAll("\r\n", "\n"), "latin1")
  ],
  [
    "a byte order mark added at its start",
    (content) => (content.subarray(0, 3).equals(BOM) ? content.subarray(3) : content)
  ],
  ["its byte order mark taken off", (content) => Buffer.concat([BOM, content])]
]

/** Which change of a copy alone makes `content` differ from its recorded digest (and size, when known), if one does. */
const changeOfCopy = (
  content: Buffer,
  expected: { readonly bytes?: number; readonly sha256: string }
): string | undefined => {
  for (const [change, undo] of COPY_CHANGES) {
    const original = undo(content)
    if (
      (expected.bytes === undefined || original.length === expected.bytes) &&
      createHash("sha256").update(original).digest("hex") === expected.sha256
    ) {
      return change
    }
  }
  return undefined
}

/**
 * The file's digest and, when it differs from the recorded one, which change of a copy alone explains it, if one
 * does. Both are of the same bytes, read once: a share or mount in the hands of whoever holds the export could answer
 * a second read with the recorded file, converted, and have a forged one called "only its line ends". The size that
 * decides whether it is read whole is the open file's: a file put in place after it was looked at, gigabytes long,
 * would otherwise be read whole into memory. Larger files are hashed as they stream and not explained: an export's
 * files are far smaller. `undefined` when what was opened is no regular file.
 */
const digestAndCopyChange = async (
  path: string,
  expected: FileDigest
): Promise<{ readonly actual: FileDigest; readonly only?: string } | undefined> => {
  // Not through a link put in its place since it was looked at: refused so (ELOOP), it is no regular file either,
  // where "cannot be read" sent the auditor to check permissions on a file that had been replaced.
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
    if (hasErrorCode(error, "ELOOP")) return undefined
    throw error
  })
  if (file === undefined) return undefined
  try {
    const info = await file.stat()
    if (!info.isFile()) return undefined
    if (info.size > MAX_EXPLAINED_BYTES)
      return { actual: await digestStream(file.createReadStream({ autoClose: false })) }
    // Reads at most the size the open file had: one growing meanwhile is not followed.
    const content = await file.readFile()
    const actual = { bytes: content.length, sha256: createHash("sha256").update(content).digest("hex") }
    if (actual.bytes === expected.bytes && actual.sha256 === expected.sha256) return { actual }
    const only = changeOfCopy(content, expected)
    return only === undefined ? { actual } : { actual, only }
  } finally {
    await file.close()
  }
}

/**
 * Which change of a copy alone makes manifest.json differ from the digest recorded when the export was made
 * (`--expect-sha256`), if one does: an export copied in text mode has its manifest's line ends converted with its
 * other files', which is no edit of what they are checked against. Said of the manifest as read for the check, not
 * read again: a share could answer a second read with the recorded manifest, converted, and vouch for a forgery.
 */
export const manifestCopyChange = (report: VerifyReport, expectedSha256: string): Effect.Effect<string | undefined> =>
  Effect.sync(() => changeOfCopy(report.manifestContent, { sha256: expectedSha256 }))

/** The files the manifest lists that are not in the folder, with what it records of them. */
const missing = (found: ReadonlyArray<VerifyProblem>): ReadonlyArray<FileDigest & { readonly path: string }> =>
  found.flatMap((problem) => (problem.kind === "missing" ? [{ path: problem.path, ...problem.recorded }] : []))

/** The listed file, missing, whose recorded size and digest the file at `path` has, if one is. */
const recordedAs = async (
  path: string,
  candidates: ReadonlyArray<FileDigest & { readonly path: string }>
): Promise<string | undefined> => {
  const size = await stat(path).then(
    (info) => info.size,
    () => -1
  )
  const sameSize = candidates.filter((candidate) => candidate.bytes === size)
  if (sameSize.length === 0) return undefined
  const digest = await digestFile(path).catch(() => undefined)
  return sameSize.find((candidate) => candidate.sha256 === digest?.sha256)?.path
}

const checkFile = async (folder: string, expected: Manifest["files"][number]): Promise<VerifyProblem | undefined> => {
  const path = join(folder, expected.path)
  try {
    const info = await lstat(path)
    if (!info.isFile()) return { kind: "modified", path: expected.path, expected, actual: "no longer a regular file" }
    const read = await digestAndCopyChange(path, expected)
    if (read === undefined)
      return { kind: "modified", path: expected.path, expected, actual: "no longer a regular file" }
    const { actual, only } = read
    if (actual.bytes === expected.bytes && actual.sha256 === expected.sha256) return undefined
    return { kind: "modified", path: expected.path, expected, actual, ...(only === undefined ? {} : { only }) }
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) {
      return { kind: "missing", path: expected.path, recorded: { bytes: expected.bytes, sha256: expected.sha256 } }
    }
    return {
      kind: "unreadable",
      path: expected.path,
      reason: describeFsError(error),
      denied: hasErrorCode(error, "EACCES", "EPERM")
    }
  }
}

/** A modified file with what another listed file is recorded to hold: said so, as a renamed one is. */
const holdsAnother = (problem: VerifyProblem, files: Manifest["files"]): VerifyProblem => {
  if (problem.kind !== "modified" || typeof problem.actual === "string") return problem
  const { actual } = problem
  const other = files.find(
    (file) => file.path !== problem.path && file.bytes === actual.bytes && file.sha256 === actual.sha256
  )
  return other === undefined ? problem : { ...problem, holds: other.path }
}

export const verifyExport = (folder: string): Effect.Effect<VerifyReport, ManifestUnreadable> =>
  Effect.gen(function* () {
    const { manifest, manifestDigest, manifestContent } = yield* readManifest(folder)
    const listed = new Set([MANIFEST_NAME, ...manifest.files.map((file) => file.path)])
    // Unlisted, added files could not be looked for: a check that cannot be made is not passed.
    const present = yield* Effect.tryPromise({
      try: () => readdir(folder),
      catch: (error) =>
        unreadable(`${folder} cannot be listed (${describeFsError(error)}), so files added to it cannot be found.`)
    })
    // Digest and listing errors past this point are findings about the folder, not a broken manifest.
    const fileManagerFiles: Array<string> = []
    // Left aside before their marks: a name sorts before itself with `:Zone.Identifier` added.
    const signatures = new Set<string>()
    const problems = yield* Effect.promise(async () => {
      const found: Array<VerifyProblem> = []
      for (const file of manifest.files) {
        const problem = await checkFile(folder, file)
        if (problem !== undefined) found.push(holdsAnother(problem, manifest.files))
      }
      for (const name of [...present].sort()) {
        if (listed.has(name)) continue
        // Only plain files: a folder or link under such a name could hold anything.
        const plainFile = await lstat(join(folder, name)).then(
          (info) => info.isFile(),
          () => false
        )
        const kind = plainFile ? await leftAsideAs(join(folder, name), name, listed, signatures) : undefined
        if (kind !== undefined) {
          fileManagerFiles.push(name)
          // Known by what it is, not by its name alone: Finder's `._manifest.json.sig` is no signature.
          if (kind === DETACHED_SIGNATURE) signatures.add(name)
        } else {
          const renamedFrom = plainFile ? await recordedAs(join(folder, name), missing(found)) : undefined
          found.push({ kind: "unexpected", path: name, ...(renamedFrom === undefined ? {} : { renamedFrom }) })
        }
      }
      return found
    })
    // An unreadable file is not verified either, though not known to differ.
    const failedFiles = problems.filter((problem) => problem.kind !== "unexpected").length
    return {
      folder,
      manifest,
      manifestDigest,
      manifestContent,
      verified: manifest.files.length - failedFiles,
      problems,
      fileManagerFiles,
      signatures: [...signatures]
    }
  })
