/**
 * The changes a copy makes on its own (line ends converted, a byte order mark added or taken off), which `verify`
 * can prove against a recorded digest and then name, rather than call the file edited.
 */
import { createHash } from "node:crypto"
import { constants } from "node:fs"
import { open } from "node:fs/promises"
import * as Effect from "effect/Effect"
import { hasErrorCode } from "../Reports/ReportError.js"
import { digestStream, type FileDigest } from "./Manifest.js"
import type { VerifyReport } from "./Verify.js"

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
export const digestAndCopyChange = async (
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
