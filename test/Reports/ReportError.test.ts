import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { describeFsError } from "../../src/Reports/ReportError.js"

const directory = mkdtempSync(join(tmpdir(), "fs-error-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

/** What describeFsError says of the error `act` throws. */
const said = (act: () => void): string => {
  try {
    act()
  } catch (error) {
    return describeFsError(error)
  }
  throw new Error("nothing was thrown")
}

/** An error as Node raises it, for codes a test cannot make happen on any machine (a second file system, a limit). */
const nodeError = (code: string): Error => Object.assign(new Error(`${code}: from the file system`), { code })

describe("describeFsError says what to fix, not the bare code", () => {
  it("of a rename onto a folder that holds files (ENOTEMPTY)", () => {
    mkdirSync(join(directory, "from"))
    mkdirSync(join(directory, "taken"))
    writeFileSync(join(directory, "taken", "file"), "x")
    expect(said(() => renameSync(join(directory, "from"), join(directory, "taken")))).toBe(
      "a folder with files in it is in the way under that name: move or remove it"
    )
  })

  it("of a name already taken (EEXIST)", () => {
    mkdirSync(join(directory, "there"))
    expect(said(() => mkdirSync(join(directory, "there")))).toBe("something already has that name: move or remove it")
  })

  it("of a name longer than the file system allows (ENAMETOOLONG)", () => {
    expect(said(() => writeFileSync(join(directory, "n".repeat(300)), "x"))).toBe(
      "the name or the path is longer than the file system allows: choose a shorter directory path"
    )
  })

  it("of a move between two file systems, a busy file, and a limit on open files", () => {
    expect(describeFsError(nodeError("EXDEV"))).toBe(
      "it would move a file to another file system, which a rename cannot do: keep the folder on one file system " +
        "(not a mount point inside it)"
    )
    expect(describeFsError(nodeError("EBUSY"))).toBe(
      "it is busy: a mount point, or held open by another program (as Windows and some network shares hold files " +
        "in use); try again once it is free"
    )
    expect(describeFsError(nodeError("EMFILE"))).toBe(
      "this process has as many files open as it may (raise its limit, as `ulimit -n` sets)"
    )
    expect(describeFsError(nodeError("ENFILE"))).toBe(
      "the system has as many files open as it may (its limit, fs.file-max on Linux): try again once other " +
        "programs have closed some"
    )
  })

  it("and still the bare code of one it has no words for", () => {
    expect(describeFsError(nodeError("ESOMETHING"))).toBe("ESOMETHING")
  })
})
