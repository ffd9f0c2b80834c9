/**
 * `manifest.json`: what an export is (as-of, tool, API host and base URL, parameters, counts) and the size and
 * SHA-256 of every other file in its folder, so an auditor can prove later that nothing was changed, removed or
 * slipped in. The same schema is what `verify` reads; anything it does not match is a malformed manifest.
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import * as Schema from "effect/Schema"

export const MANIFEST_NAME = "manifest.json"
export const MANIFEST_FORMAT = "panther-user-audit-export/1"

/** A file name in the export folder itself: never a path, so a doctored manifest cannot point verify elsewhere. */
const FileName = Schema.String.pipe(
  Schema.filter((name) => name !== "" && name !== "." && name !== ".." && !/[/\\\0]/.test(name), {
    message: () => "a file name in the export folder (no path separators)"
  })
)

export const ManifestFile = Schema.Struct({
  path: FileName,
  bytes: Schema.NonNegativeInt,
  sha256: Schema.String.pipe(
    Schema.pattern(/^[0-9a-f]{64}$/, { message: () => "64 lower-case hexadecimal digits (a SHA-256 digest)" })
  )
})
export type ManifestFile = typeof ManifestFile.Type

export const Manifest = Schema.Struct({
  format: Schema.Literal(MANIFEST_FORMAT),
  createdAt: Schema.String,
  asOf: Schema.String,
  tool: Schema.Struct({ name: Schema.String, version: Schema.String }),
  apiHost: Schema.String,
  // The whole base URL, path prefix included (one gateway host can front several Panthers); older exports lack it.
  apiBaseUrl: Schema.optional(Schema.String),
  runId: Schema.String,
  // Recorded as the run had them; verify checks files, not these, so their inner shape may grow over versions.
  parameters: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  counts: Schema.Struct({
    files: Schema.NonNegativeInt,
    users: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
    findings: Schema.Record({ key: Schema.String, value: Schema.Unknown })
  }),
  warnings: Schema.Array(Schema.String),
  files: Schema.Array(ManifestFile).pipe(
    Schema.filter(
      (files) => {
        const names = files.map((file) => file.path)
        if (new Set(names).size !== names.length) return "each file is listed once"
        return names.includes(MANIFEST_NAME) ? "the manifest does not list itself" : undefined
      },
      { identifier: "ManifestFiles" }
    )
  )
}).annotations({ identifier: "ExportManifest" })
export type Manifest = typeof Manifest.Type

export interface FileDigest {
  readonly bytes: number
  readonly sha256: string
}

/** Streams the file through SHA-256: an inventory of 200,000 users is never read into memory whole. */
export const digestFile = (path: string): Promise<FileDigest> => digestStream(createReadStream(path))

/** The digest and size of what a stream of bytes yields. */
export const digestStream = async (stream: AsyncIterable<unknown>): Promise<FileDigest> => {
  const hash = createHash("sha256")
  let bytes = 0
  for await (const chunk of stream) {
    // Without an encoding the stream yields Buffers; the check only narrows the type.
    if (!Buffer.isBuffer(chunk)) continue
    hash.update(chunk)
    bytes += chunk.length
  }
  return { bytes, sha256: hash.digest("hex") }
}
