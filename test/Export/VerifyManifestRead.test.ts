/**
 * verify against a file system in the hands of whoever holds the export (a share, a mount) that answers two reads of
 * manifest.json differently: `readFile` is given a forged manifest here, every other read the recorded one.
 */
import { createHash } from "node:crypto"
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { exportCommand } from "../../src/Export/ExportCommand.js"
import { verifyCommand } from "../../src/Export/VerifyCommand.js"
import { runCommand } from "../Review/commandHarness.js"
import { AS_OF, auditArgs, REVIEW_USERS } from "../Review/fixtures.js"
import { startSimulator } from "../support/simulator.js"

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>()
  return { ...actual, readFile: vi.fn(actual.readFile) }
})

let reports = ""
beforeAll(() => {
  reports = mkdtempSync(join(tmpdir(), "verify-read-"))
})
afterAll(() => rmSync(reports, { recursive: true, force: true }))

describe("verify --expect-sha256", () => {
  it("vouches only for the manifest it checked the files against, read once", async () => {
    const simulator = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF) })
    const made = await runCommand(exportCommand, auditArgs(simulator.baseUrl, simulator.readToken, reports)).finally(
      () => simulator.close()
    )
    expect(made.code, made.error).toBe(0)
    const recorded = /SHA-256 of manifest\.json: ([0-9a-f]{64})/.exec(made.stdout)?.[1] ?? ""
    const folder = join(reports, readdirSync(reports)[0] ?? "")

    // The inventory edited, and a manifest forged to match it; the recorded manifest stays on disk.
    const csv = readdirSync(folder).find((name) => name.startsWith("inventory-") && name.endsWith(".csv")) ?? ""
    const edited = readFileSync(join(folder, csv), "utf8").replace("u-zimmer", "u-forged")
    writeFileSync(join(folder, csv), edited)
    const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as {
      files: Array<{ path: string; bytes: number; sha256: string }>
    }
    const forged = JSON.stringify({
      ...manifest,
      files: manifest.files.map((file) =>
        file.path === csv
          ? { ...file, bytes: Buffer.byteLength(edited), sha256: createHash("sha256").update(edited).digest("hex") }
          : file
      )
    })
    const actual = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises")
    vi.mocked(fs.readFile).mockImplementation((path, options) =>
      typeof path === "string" && basename(path) === "manifest.json"
        ? Promise.resolve(options === "utf8" ? forged : Buffer.from(forged))
        : actual.readFile(path, options)
    )
    try {
      const result = await runCommand(verifyCommand, [folder, "--expect-sha256", recorded])
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(`not ${recorded} as recorded: the manifest was changed`)
    } finally {
      vi.mocked(fs.readFile).mockImplementation(actual.readFile)
    }
  })
})
