/**
 * Lists the finished export folder, digests every file in it, and writes `manifest.json`. The folder is listed
 * rather than trusting a list of what was meant to be written, so the manifest covers exactly what is there.
 */
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import type { AuditRun } from "../Audit/AuditRun.js"
import { apiHost } from "../Audit/PantherInstance.js"
import { commitFiles } from "../Reports/CommitFiles.js"
import { describeFsError, ReportError } from "../Reports/ReportError.js"
import { EXPORT_MARK, openTempFile } from "../Reports/TempFile.js"
import {
  digestFile,
  type FileDigest,
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  type Manifest,
  type ManifestFile
} from "./Manifest.js"

export interface WrittenManifest {
  readonly manifest: Manifest
  /** Of `manifest.json` itself: recorded elsewhere (a ticket, an email), it proves the manifest unchanged too. */
  readonly digest: FileDigest
}

const listFiles = (folder: string) =>
  Effect.tryPromise({
    try: async (): Promise<ReadonlyArray<ManifestFile>> => {
      const entries = await readdir(folder, { withFileTypes: true })
      const files: Array<ManifestFile> = []
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        // The mark of a folder still being built (ExportFolder.ts), gone before the folder is put in place.
        if (entry.name === EXPORT_MARK) continue
        // The export writes only files; anything else here would be a bug, and verify could not check it.
        if (!entry.isFile()) throw new Error(`${entry.name} is not a regular file`)
        files.push({ path: entry.name, ...(await digestFile(join(folder, entry.name))) })
      }
      return files
    },
    catch: (error) => new ReportError({ message: `cannot digest the export in ${folder}: ${describeFsError(error)}` })
  })

export const writeManifest = (folder: string, run: AuditRun, createdAt: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const files = yield* listFiles(folder)
      const manifest: Manifest = {
        format: MANIFEST_FORMAT,
        createdAt: new Date(createdAt).toISOString(),
        asOf: run.asOf,
        tool: run.tool,
        apiHost: apiHost(run.apiBaseUrl),
        apiBaseUrl: run.apiBaseUrl,
        runId: run.runId,
        parameters: { ...run.parameters },
        counts: { files: files.length, users: { ...run.users }, findings: { ...run.findings } },
        warnings: run.warnings,
        files
      }
      const file = yield* openTempFile(folder, "manifest.json")
      yield* file.append(`${JSON.stringify(manifest, null, 2)}\n`)
      yield* file.finish
      const [path = join(folder, MANIFEST_NAME)] = yield* commitFiles(folder, "manifest", [
        { tempPath: file.path, extension: ".json" }
      ])
      const digest = yield* Effect.tryPromise({
        try: () => digestFile(path),
        catch: (error) => new ReportError({ message: `cannot read back ${path}: ${describeFsError(error)}` })
      })
      return { manifest, digest } satisfies WrittenManifest
    })
  )
