/**
 * verify against a file system in the hands of whoever holds the export (a share, a mount) that answers two reads of
 * a listed file differently: the first read gives the forged file on disk, every later one the recorded file with its
 * line ends converted, which alone would be explained as a copy's change.
 */
import * as fsSync from "node:fs"
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { Readable } from "node:stream"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { exportCommand } from "../../src/Export/ExportCommand.js"
import { verifyCommand } from "../../src/Export/VerifyCommand.js"
import { runCommand } from "../Review/commandHarness.js"
import { AS_OF, auditArgs, REVIEW_USERS } from "../Review/fixtures.js"
import { startSimulator } from "../support/simulator.js"

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>()
  return { ...actual, createReadStream: vi.fn(actual.createReadStream) }
})
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>()
  return { ...actual, readFile: vi.fn(actual.readFile) }
})

let reports = ""
beforeAll(() => {
  reports = mkdtempSync(join(tmpdir(), "verify-file-read-"))
})
afterAll(() => rmSync(reports, { recursive: true, force: true }))

describe("verify", () => {
  it("explains a changed file by the bytes it hashed, read once", async () => {
    const simulator = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF) })
    const made = await runCommand(exportCommand, auditArgs(simulator.baseUrl, simulator.readToken, reports)).finally(
      () => simulator.close()
    )
    expect(made.code, made.error).toBe(0)
    const folder = join(reports, readdirSync(reports)[0] ?? "")
    const csv = readdirSync(folder).find((name) => name.startsWith("inventory-") && name.endsWith(".csv")) ?? ""
    const recorded = readFileSync(join(folder, csv))
    // The recorded file with CRLF turned into LF: what a copy in text mode would leave.
    const converted = Buffer.from(recorded.toString("latin1").replaceAll("\r\n", "\n"), "latin1")
    expect(converted.length).toBeLessThan(recorded.length)
    writeFileSync(join(folder, csv), recorded.toString("utf8").replace("u-zimmer", "u-forged"))

    let reads = 0
    const laterRead = (path: unknown) => typeof path === "string" && basename(path) === csv && ++reads > 1
    const actualFs = await vi.importActual<typeof import("node:fs")>("node:fs")
    const actualPromises = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises")
    vi.mocked(fsSync.createReadStream).mockImplementation(((path: fsSync.PathLike, options?: unknown) =>
      laterRead(path)
        ? Readable.from([converted])
        : actualFs.createReadStream(path, options as never)) as typeof fsSync.createReadStream)
    vi.mocked(fs.readFile).mockImplementation(((path: unknown, options?: unknown) =>
      laterRead(path)
        ? Promise.resolve(converted)
        : actualPromises.readFile(path as string, options as never)) as typeof fs.readFile)
    try {
      const result = await runCommand(verifyCommand, [folder])
      expect(result.code).toBe(1)
      const line = result.stdout.split("\n").find((text) => text.includes(csv)) ?? ""
      expect(line).toContain("MODIFIED")
      expect(line).not.toContain("only its line ends")
    } finally {
      vi.mocked(fsSync.createReadStream).mockImplementation(actualFs.createReadStream)
      vi.mocked(fs.readFile).mockImplementation(actualPromises.readFile)
    }
  })
})
