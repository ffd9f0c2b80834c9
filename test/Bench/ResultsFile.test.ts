/**
 * Where the benchmark writes its tables: between two markers in bench/RESULTS.md (or the file --out names), with
 * whatever is written around them kept. Real files in a temporary folder.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { BEGIN, checkResultsFile, END, writeResults } from "../../src/Bench/ResultsFile.js"
import { makeUnwritable } from "../support/undeletable.js"

let folder = ""
let path = ""

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "bench-results-"))
  path = join(folder, "RESULTS.md")
})

afterEach(() => {
  rmSync(folder, { recursive: true, force: true })
})

describe("writeResults", () => {
  it("replaces only the block between the markers", () => {
    writeResults(path, "old tables")
    const written = readFileSync(path, "utf8")
    writeFileSync(path, `Intro.\n\n${written.slice(written.indexOf(BEGIN))}\nAnalysis after.\n`)
    writeResults(path, "new tables")
    expect(readFileSync(path, "utf8")).toBe(`Intro.\n\n${BEGIN}\n\nnew tables\n\n${END}\n\nAnalysis after.\n`)
  })

  it("starts a file that is not there with a title", () => {
    writeResults(path, "tables")
    expect(readFileSync(path, "utf8")).toBe(`# Benchmark results\n\n${BEGIN}\n\ntables\n\n${END}\n`)
  })

  it("adds the block at the end of a file without markers, keeping its text", () => {
    writeFileSync(path, "My notes, no newline at the end")
    writeResults(path, "tables")
    expect(readFileSync(path, "utf8")).toBe(`My notes, no newline at the end\n\n${BEGIN}\n\ntables\n\n${END}\n`)
  })

  it("finds the block after a note above it that names the end marker", () => {
    writeFileSync(path, `The block ends at ${END}.\n\n${BEGIN}\n\nold\n\n${END}\n`)
    writeResults(path, "new")
    expect(readFileSync(path, "utf8")).toBe(`The block ends at ${END}.\n\n${BEGIN}\n\nnew\n\n${END}\n`)
  })

  it.each([
    ["only the first marker", `Notes.\n${BEGIN}\nhand-written analysis\n`, "has only one of the markers"],
    ["only the last marker", `Notes.\n${END}\nhand-written analysis\n`, "has only one of the markers"],
    [
      "the markers out of order",
      `${END}\nhand-written analysis\n${BEGIN}\n`,
      "has the markers of the results block out of order"
    ]
  ])("refuses a file with %s, before a run as when writing, and leaves it as it was", (_, text, words) => {
    writeFileSync(path, text)
    expect(() => checkResultsFile(path)).toThrow(words)
    expect(() => writeResults(path, "tables")).toThrow(words)
    expect(readFileSync(path, "utf8")).toBe(text)
  })

  it("refuses a file with two blocks, as when a block was pasted twice, and leaves it as it was", () => {
    const block = `${BEGIN}\n\nold\n\n${END}\n`
    for (const text of [`${block}\nNotes.\n\n${block}`, `${BEGIN}\n${block}`, `${block}${END}\n`]) {
      writeFileSync(path, text)
      expect(() => checkResultsFile(path)).toThrow("has the markers of the results block more than once")
      expect(() => writeResults(path, "tables")).toThrow("keep one pair")
      expect(readFileSync(path, "utf8")).toBe(text)
    }
  })

  it("refuses before a run a file in a folder that is not there, saying so", () => {
    expect(() => checkResultsFile(join(folder, "missing", "RESULTS.md"))).toThrow(
      `the folder of ${join(folder, "missing", "RESULTS.md")} does not exist (${join(folder, "missing")}): create it`
    )
    expect(() => checkResultsFile(path)).not.toThrow()
    expect(readdirSync(folder)).toEqual([])
  })

  it("refuses before a run a folder where no file can be made, though its permissions say it can", (context) => {
    // /proc lets root pass access(W_OK), but takes no new file.
    if (!existsSync("/proc/self")) context.skip()
    expect(() => checkResultsFile("/proc/RESULTS.md")).toThrow("cannot write /proc/RESULTS.md: making a file in /proc")
  })

  it("refuses a folder, saying to name a file in it", () => {
    expect(() => checkResultsFile(folder)).toThrow(`${folder} is a folder: name the file to write in it, such as`)
    expect(() => writeResults(folder, "tables")).toThrow("is a folder")
  })

  it("refuses a device before a run, which renaming the results over would replace (root may)", () => {
    // Only checked, never written: without the check, writing would put a plain file in /dev/null's place.
    symlinkSync("/dev/null", path)
    expect(() => checkResultsFile(path)).toThrow(`${path} is not a regular file (a device, a pipe or a socket)`)
  })

  it("refuses to write over a socket, and leaves it in place", async () => {
    const socket = join(folder, "results.sock")
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(socket, resolve))
    try {
      expect(() => checkResultsFile(socket)).toThrow("is not a regular file")
      expect(() => writeResults(socket, "tables")).toThrow("is not a regular file")
      expect(lstatSync(socket).isSocket()).toBe(true)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it("writes through a symbolic link to the file it names, and keeps the file's mode", () => {
    const real = join(folder, "real.md")
    writeResults(real, "old")
    chmodSync(real, 0o664)
    symlinkSync(real, path)
    writeResults(path, "new")
    expect(lstatSync(path).isSymbolicLink()).toBe(true)
    expect(readFileSync(real, "utf8")).toContain("\nnew\n")
    expect(statSync(real).mode & 0o777).toBe(0o664)
  })

  it("leaves the file whole and no temporary file behind when the new one cannot be written", (context) => {
    const inner = join(folder, "locked")
    mkdirSync(inner)
    const lockedPath = join(inner, "RESULTS.md")
    writeResults(lockedPath, "first tables")
    const before = readFileSync(lockedPath, "utf8")
    const unlock = makeUnwritable(inner)
    if (unlock === undefined) context.skip()
    try {
      expect(() => writeResults(lockedPath, "second tables")).toThrow(/EACCES|EPERM/)
      expect(readFileSync(lockedPath, "utf8")).toBe(before)
      expect(readdirSync(inner)).toEqual(["RESULTS.md"])
    } finally {
      unlock?.()
    }
  })
})
