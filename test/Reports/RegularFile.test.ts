/**
 * What a report directory's files are opened as: a regular file only. A pipe opens at once (nothing waits for a
 * writer) and is then refused, as a folder is; a link is followed only where asked.
 */
import { execFileSync } from "node:child_process"
import { closeSync, mkdirSync, mkdtempSync, readSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { NotRegularFile, openRegularFile, openRegularFileSync } from "../../src/Reports/RegularFile.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "regular-file-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

/** A pipe, a folder and a link to a plain file, and that file, in the test's directory. */
const leaveOneOfEach = () => {
  const file = join(directory, "report.json")
  writeFileSync(file, "{}")
  const pipe = join(directory, "pipe")
  execFileSync("mkfifo", [pipe])
  const folder = join(directory, "folder")
  mkdirSync(folder)
  const link = join(directory, "link")
  symlinkSync(file, link)
  return { file, pipe, folder, link }
}

describe("opening a file of the report directory", () => {
  it("refuses a pipe or a folder, and a link where none is followed", async () => {
    const { file, pipe, folder, link } = leaveOneOfEach()
    for (const path of [pipe, folder]) {
      await expect(openRegularFile(path), path).rejects.toBeInstanceOf(NotRegularFile)
    }
    await expect(openRegularFile(link, { followLink: false })).rejects.toMatchObject({ code: "ELOOP" })
    for (const path of [file, link]) {
      const handle = await openRegularFile(path)
      expect((await handle.readFile("utf8")).toString()).toBe("{}")
      await handle.close()
    }
  })

  it("refuses them as well when opening synchronously", () => {
    const { file, pipe, folder, link } = leaveOneOfEach()
    for (const path of [pipe, folder]) {
      expect(() => openRegularFileSync(path), path).toThrow(NotRegularFile)
    }
    expect(() => openRegularFileSync(link, { followLink: false })).toThrow(/ELOOP/)
    for (const path of [file, link]) {
      const fd = openRegularFileSync(path)
      const buffer = Buffer.alloc(2)
      expect(buffer.toString("utf8", 0, readSync(fd, buffer, 0, 2, 0))).toBe("{}")
      closeSync(fd)
    }
  })
})
