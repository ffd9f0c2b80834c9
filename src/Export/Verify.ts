/**
 * `verify`: recomputes the size and SHA-256 of every file a manifest lists and compares them, and looks for
 * files that were removed or added. Reading never changes the folder.
 */
import { lstat, readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"
import { digestAndCopyChange } from "./CopyChanges.js"
import { DETACHED_SIGNATURE, leftAsideAs } from "./LeftAsideFiles.js"
import { digestFile, type FileDigest, MANIFEST_NAME, type Manifest } from "./Manifest.js"
import { readManifest, unreadable } from "./ReadManifest.js"
import type { ManifestUnreadable } from "./VerifyErrors.js"

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
