import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { open } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { readInputFile, readInputText } from "../../src/Cli/InputFile.js"
import { describeFsError } from "../../src/Reports/ReportError.js"

const directory = mkdtempSync(join(tmpdir(), "input-file-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "read",
    (error: unknown) => describeFsError(error)
  )

describe("readInputFile", () => {
  it("reads a regular file up to the limit, and refuses one byte more", async () => {
    const path = join(directory, "ten")
    writeFileSync(path, "0123456789")
    expect((await readInputFile(path, 10, "a test file")).toString()).toBe("0123456789")
    expect(await reasonOf(readInputFile(path, 9, "a test file"))).toBe(
      "it is larger than 1 KiB, more than a test file can be: check that it is the right file"
    )
  })

  it("reads past the size stat gave, as for a file that grew since (procfs files say 0)", async () => {
    const status = (await readInputFile("/proc/self/status", 64 * 1024, "a test file")).toString()
    expect(status).toMatch(/^Name:/)
    expect(status.length).toBeGreaterThan(200)
  })

  it("says a folder is a folder", async () => {
    expect(await reasonOf(readInputFile(directory, 10, "a test file"))).toBe("it is a folder, not a file")
  })

  it("stops reading a pipe at the limit", async () => {
    const pipe = join(directory, "pipe")
    execFileSync("mkfifo", [pipe])
    const reading = reasonOf(readInputFile(pipe, 64 * 1024, "a test file"))
    const writer = await open(pipe, "w")
    // More than the limit, in pieces; the reader closes its end when past it, so later writes may fail.
    await Promise.allSettled(Array.from({ length: 20 }, () => writer.write(Buffer.alloc(8 * 1024, 0x61))))
    expect(await reading).toBe(
      "it is larger than 64 KiB, more than a test file can be: check that it is the right file"
    )
    await writer.close()
  })

  it("reads a pipe that holds the limit exactly, as a regular file is", async () => {
    const pipe = join(directory, "full")
    execFileSync("mkfifo", [pipe])
    const reading = readInputFile(pipe, 10, "a test file")
    const writer = await open(pipe, "w")
    await writer.write("0123456789")
    await writer.close()
    expect((await reading).toString()).toBe("0123456789")
  })

  it("gives up on a pipe no one writes to when told to", async () => {
    const pipe = join(directory, "silent")
    execFileSync("mkfifo", [pipe])
    const controller = new AbortController()
    const reading = reasonOf(readInputFile(pipe, 1024, "a test file", controller.signal))
    setTimeout(() => controller.abort(), 50)
    expect(await reading).toBe("reading it was stopped")
  })

  it("says a socket cannot be read by its name, as stdin given by a Node.js parent is one", async () => {
    const path = join(directory, "socket")
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(path, resolve))
    try {
      expect(await reasonOf(readInputFile(path, 1024, "a test file"))).toBe(
        "it is a socket, which cannot be opened by its name (stdin is one when the program that started this one, " +
          "a Node.js script for one, gave it a socket): give a file, or a pipe as a shell's | or <(...) makes"
      )
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it("leaves out a byte order mark as text", async () => {
    const path = join(directory, "bom")
    writeFileSync(path, "\uFEFFvalue\n")
    expect(await readInputText(path, 100, "a test file")).toBe("value\n")
  })
})
