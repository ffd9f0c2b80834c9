/**
 * Files an operating system, a file manager or an office suite leaves beside an export's own when the folder is
 * opened, copied or signed: `verify` names them rather than hold them against the export.
 */
import { open } from "node:fs/promises"

/** Whether `head` begins with these bytes. */
export const beginsWith =
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
export const DETACHED_SIGNATURE = { name: signatureOfListed, starts: signatureText }

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
export const leftAsideAs = async (
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
