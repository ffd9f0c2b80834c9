import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { checkReportDirectory } from "../../src/Reports/ReportDirectory.js"

const scratch = mkdtempSync(join(tmpdir(), "report-dir-"))
const readOnly = join(scratch, "read-only")
afterAll(() => {
  spawnSync("umount", [readOnly])
  rmSync(scratch, { recursive: true, force: true })
})

/** A read-only tmpfs at `path`, where this process may mount one (root in a container that allows it). */
const readOnlyMount = (path: string): boolean => {
  mkdirSync(path, { recursive: true })
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", path]).status === 0
  return mounted
}

describe("checkReportDirectory", () => {
  it("names where a link to nothing points, since creating the link's name would fail", async () => {
    const link = join(scratch, "reports-link")
    symlinkSync(join(scratch, "volume-not-mounted"), link)
    const message = await Effect.runPromise(Effect.flip(checkReportDirectory(link))).then((error) => error.message)
    expect(message).toContain(`it is a link to ${join(scratch, "volume-not-mounted")}, which does not exist`)
  })

  it("says a ~ or $VARIABLE left in a missing path is expanded only by a shell, not that the folder is missing", async () => {
    // As written in a compose file: relative to the working directory, which has no folder named "~" or "$HOME".
    for (const [written, token] of [
      ["~/panther-audit-reports", "~"],
      ["$HOME/panther-audit-reports", "$HOME"]
    ] as const) {
      const message = await Effect.runPromise(Effect.flip(checkReportDirectory(written))).then((error) => error.message)
      expect(message).toContain(
        `it does not exist; ${token} is expanded only by a shell` +
          `${token === "~" ? ", at the start of a word (not after a flag's =)" : ""}, ` +
          "not by this tool, nor in an env file, a crontab's " +
          "variable line or a systemd unit: give the full path as --report-dir / AUDIT_REPORT_DIR"
      )
    }
  })

  it("says a link that leads round in a loop is one, not that something is missing", async () => {
    const loop = join(scratch, "loop")
    symlinkSync(loop, loop)
    const message = await Effect.runPromise(Effect.flip(checkReportDirectory(loop))).then((error) => error.message)
    expect(message).toContain("a link in the path leads round in a loop; pass another --report-dir")
    expect(message).not.toContain("does not exist")
  })

  it("makes its write probe as the reports are, not writable by others even with umask 000", async (context) => {
    const directory = join(scratch, "append-only")
    mkdirSync(directory)
    // Append-only (root, on a file system with the attribute): the probe can be made but not removed, so it stays
    // to be looked at.
    if (spawnSync("chattr", ["+a", directory]).status !== 0) {
      return context.skip("needs chattr +a: root, on a file system with the append-only attribute")
    }
    const before = process.umask(0)
    try {
      await Effect.runPromise(Effect.either(checkReportDirectory(directory)))
      const [probe] = readdirSync(directory)
      expect(probe).toMatch(/^\.write-check\.[0-9a-f]{12}\.tmp$/)
      expect(statSync(join(directory, probe ?? "")).mode & 0o777).toBe(0o640)
    } finally {
      process.umask(before)
      spawnSync("chattr", ["-a", directory])
    }
  })

  it("says a directory of the kernel's, such as /proc, takes no new files, not that it does not exist", async (context) => {
    if (!existsSync("/proc/self")) return context.skip("needs Linux's /proc")
    // Creating a file in /proc fails with ENOENT, even for root, whom the permission check lets through.
    const message = await Effect.runPromise(Effect.flip(checkReportDirectory("/proc"))).then((error) => error.message)
    expect(message).not.toContain("does not exist")
    expect(message).toMatch(/report directory \/proc: .*no file can be created in it/)
    expect(message).toContain("pass a directory on a disk or volume as --report-dir / AUDIT_REPORT_DIR")
  })

  it("says a file is not a directory", async () => {
    const file = join(scratch, "a-file")
    writeFileSync(file, "")
    const message = await Effect.runPromise(Effect.flip(checkReportDirectory(file))).then((error) => error.message)
    expect(message).toContain("it is not a directory")
  })

  it.runIf(readOnlyMount(readOnly))("says a read-only file system is one, not a matter of permissions", async () => {
    try {
      const message = await Effect.runPromise(Effect.flip(checkReportDirectory(readOnly))).then(
        (error) => error.message
      )
      expect(message).toContain("read-only file system")
      expect(message).not.toContain("permissions")
    } finally {
      spawnSync("umount", [readOnly])
    }
  })
})
