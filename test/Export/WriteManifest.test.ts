/**
 * What `manifest.json` records of an export: the run it came from, as that run's own JSON report has it, and every
 * file in the folder. Written here from a run built by hand, so that each field is one the export's own run could
 * leave at a default (no warnings, no findings) and a test of the whole export would not notice missing.
 */
import { createHash } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { writeManifest } from "../../src/Export/WriteManifest.js"
import { finding, writeOutcome } from "../Email/support/AuditOutcomeFixture.js"

let folder = ""
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "write-manifest-"))
})
afterEach(() => rmSync(folder, { recursive: true, force: true }))

const CREATED_AT = Date.parse("2026-07-01T08:30:00.000Z")

describe("manifest.json", () => {
  it.live("records the run as its report has it: its id, as-of, instance, counts and warnings", () =>
    Effect.gen(function* () {
      const { run } = yield* writeOutcome(folder, [finding()], {
        runId: "run-4711",
        // --as-of before the users were read: the manifest holds the instant they are judged at.
        asOf: "2026-06-01T00:00:00.000Z",
        apiBaseUrl: "https://gateway.acme.example/panther",
        warnings: ["Privilege was decided from role names only: the roles could not be read."]
      })
      const written = yield* writeManifest(folder, run, CREATED_AT)
      const onDisk: unknown = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8"))
      expect(onDisk).toEqual(written.manifest)
      expect(onDisk).toMatchObject({
        createdAt: "2026-07-01T08:30:00.000Z",
        asOf: "2026-06-01T00:00:00.000Z",
        runId: "run-4711",
        apiHost: "gateway.acme.example",
        apiBaseUrl: "https://gateway.acme.example/panther",
        counts: { files: 2, users: run.users, findings: run.findings },
        warnings: ["Privilege was decided from role names only: the roles could not be read."]
      })
      expect(run.findings.total).toBe(1)
      const bytes = readFileSync(join(folder, "manifest.json"))
      expect(written.digest).toEqual({
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex")
      })
    })
  )

  it.live("is not written over a folder in the export, which verify could not check, and says which", () =>
    Effect.gen(function* () {
      const { run } = yield* writeOutcome(folder, [finding()])
      mkdirSync(join(folder, "attachments"))
      writeFileSync(join(folder, "attachments", "note.txt"), "x")
      const error = yield* Effect.flip(writeManifest(folder, run, CREATED_AT))
      expect(error._tag).toBe("ReportError")
      expect(error.message).toContain(`cannot digest the export in ${folder}: attachments is not a regular file`)
    })
  )
})
