/**
 * verify against a file system in the hands of whoever holds the export (a share, a mount) that answers two reads of
 * a listed file differently: the first read gives the forged file on disk, every later one the recorded file with its
 * line ends converted, which alone would be explained as a copy's change.
 */
import { createHash } from "node:crypto"
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
  return { ...actual, readFile: vi.fn(actual.readFile), open: vi.fn(actual.open), lstat: vi.fn(actual.lstat) }
})

let reports = ""
beforeAll(() => {
  reports = mkdtempSync(join(tmpdir(), "verify-file-read-"))
})
afterAll(() => rmSync(reports, { recursive: true, force: true }))

/** A new export of the review users, made against the simulator: its folder and its inventory CSV's name. */
const newExport = async (): Promise<{ readonly folder: string; readonly csv: string }> => {
  const simulator = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF) })
  const made = await runCommand(exportCommand, auditArgs(simulator.baseUrl, simulator.readToken, reports)).finally(() =>
    simulator.close()
  )
  expect(made.code, made.error).toBe(0)
  const newest = readdirSync(reports)
    .filter((name) => name.startsWith("export-"))
    .sort()
    .at(-1)
  const folder = join(reports, newest ?? "")
  const csv = readdirSync(folder).find((name) => name.startsWith("inventory-") && name.endsWith(".csv")) ?? ""
  return { folder, csv }
}

describe("verify", () => {
  it("explains a changed file by the bytes it hashed, read once", async () => {
    const { folder, csv } = await newExport()
    const recorded = readFileSync(join(folder, csv))
    // The recorded file with CRLF turned into LF: what a copy in text mode would leave.
    const converted = Buffer.from(recorded.toString("latin1").replaceAll("\r\n", "\n"), "latin1")
    expect(converted.length).toBeLessThan(recorded.length)
    writeFileSync(join(folder, csv), recorded.toString("utf8").replace("u-zimmer", "u-forged"))

    // Each way of reading the file counts: opened, streamed or read whole by its path.
    let reads = 0
    const laterRead = (path: unknown) => typeof path === "string" && basename(path) === csv && ++reads > 1
    const convertedCopy = join(reports, "converted.csv")
    writeFileSync(convertedCopy, converted)
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
    vi.mocked(fs.open).mockImplementation(((path: fsSync.PathLike, flags?: unknown) =>
      actualPromises.open(laterRead(path) ? convertedCopy : path, flags as never)) as typeof fs.open)
    try {
      const result = await runCommand(verifyCommand, [folder])
      expect(result.code).toBe(1)
      const line = result.stdout.split("\n").find((text) => text.includes(csv)) ?? ""
      expect(line).toContain("MODIFIED")
      expect(line).not.toContain("only its line ends")
    } finally {
      vi.mocked(fsSync.createReadStream).mockImplementation(actualFs.createReadStream)
      vi.mocked(fs.readFile).mockImplementation(actualPromises.readFile)
      vi.mocked(fs.open).mockImplementation(actualPromises.open)
    }
  })

  it("reads a file whole by the size it has when opened, not the size it had when looked at", async () => {
    const { folder, csv } = await newExport()
    // Recorded: 65 MiB of lines ending in LF; on disk: the same with CRLF, put in place of a small file once it was
    // looked at. Read whole (and so explained) only by the size seen first, it was read into memory whole.
    const line = `${"x".repeat(63)}\n`
    const recorded = Buffer.from(line.repeat((65 * 1024 * 1024) / line.length + 1))
    const onDisk = Buffer.from(recorded.toString("latin1").replaceAll("\n", "\r\n"), "latin1")
    writeFileSync(join(folder, csv), onDisk)
    const manifestPath = join(folder, "manifest.json")
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      files: Array<{ path: string; bytes: number; sha256: string }>
    }
    writeFileSync(
      manifestPath,
      JSON.stringify({
        ...manifest,
        files: manifest.files.map((file) =>
          file.path === csv
            ? { ...file, bytes: recorded.length, sha256: createHash("sha256").update(recorded).digest("hex") }
            : file
        )
      })
    )
    const actualPromises = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises")
    vi.mocked(fs.lstat).mockImplementation((async (path: fsSync.PathLike, options?: unknown) => {
      const info = await actualPromises.lstat(path, options as never)
      return typeof path === "string" && basename(path) === csv ? Object.assign(info, { size: 2048 }) : info
    }) as typeof fs.lstat)
    try {
      const result = await runCommand(verifyCommand, [folder])
      expect(result.code).toBe(1)
      const said = result.stdout.split("\n").find((text) => text.includes(csv)) ?? ""
      expect(said).toContain("MODIFIED")
      expect(said).not.toContain("only its line ends")
    } finally {
      vi.mocked(fs.lstat).mockImplementation(actualPromises.lstat)
    }
  })

  it("does not follow a link put in place of a listed file after it was looked at, and says it is no file", async () => {
    const { folder, csv } = await newExport()
    // The same bytes elsewhere, linked in place of the file: looked at, it was still the file (lstat says so here).
    const elsewhere = join(reports, "elsewhere.csv")
    writeFileSync(elsewhere, readFileSync(join(folder, csv)))
    rmSync(join(folder, csv))
    fsSync.symlinkSync(elsewhere, join(folder, csv))
    const actualPromises = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises")
    vi.mocked(fs.lstat).mockImplementation((async (path: fsSync.PathLike, options?: unknown) =>
      actualPromises.lstat(
        typeof path === "string" && basename(path) === csv ? elsewhere : path,
        options as never
      )) as typeof fs.lstat)
    try {
      const result = await runCommand(verifyCommand, [folder])
      expect(result.code, result.error).toBe(1)
      const said = result.stdout.split("\n").find((text) => text.includes(csv)) ?? ""
      expect(said).toContain(`MODIFIED    ${csv}: `)
      expect(said).toContain("now no longer a regular file")
    } finally {
      vi.mocked(fs.lstat).mockImplementation(actualPromises.lstat)
    }
  })
})
