/**
 * Names in the report directory that this tool looks at and then reads: an undelivered-email mark, an export's mark,
 * the lock file. Another user of a shared report directory can give such a name to a named pipe and back in a loop
 * (test/support/swapper.ts): a look then finds a file, and an opening a moment later the pipe, which waits for a
 * writer for ever. Each read is tried many times against the loop and must end every time.
 */
import { closeSync, constants, mkdtempSync, openSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Duration, Effect, Logger, LogLevel } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { LOCK_FILE, withReportDirectoryLock } from "../../src/Reports/DirectoryLock.js"
import { plainFileHead } from "../../src/Reports/FileHead.js"
import { readNotMailedSince } from "../../src/Reports/UndeliveredMark.js"
import { swapPipeAndFile } from "../support/swapper.js"

const ATTEMPTS = 40
const TIMEOUT = Symbol("timeout")

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "swapped-names-"))
})
afterEach(() => {
  releaseReaders()
  rmSync(directory, { recursive: true, force: true })
})

/** A read that waits on the swapped pipe is let go: a writer that comes and goes gives it an end of file. */
const releaseReaders = () => {
  try {
    closeSync(openSync(join(directory, ".swap-pipe"), constants.O_WRONLY | constants.O_NONBLOCK))
  } catch {
    // No reader waits on it (ENXIO), or it is gone.
  }
}

const within = <A>(promise: Promise<A>, ms: number): Promise<A | typeof TIMEOUT> =>
  Promise.race([promise, new Promise<typeof TIMEOUT>((resolve) => setTimeout(() => resolve(TIMEOUT), ms))])

/** Runs `read` `ATTEMPTS` times while `name` is swapped; the attempts that did not end within a second. */
const hungReads = async (name: string, content: string, read: () => Promise<unknown>): Promise<number> => {
  const swapper = swapPipeAndFile(directory, name, content)
  // The loop has made the name before the first read.
  await new Promise((resolve) => setTimeout(resolve, 300))
  let hung = 0
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if ((await within(read(), 1_000)) === TIMEOUT) {
        hung++
        releaseReaders()
      }
    }
  } finally {
    swapper.kill("SIGKILL")
  }
  return hung
}

describe("a name given to a pipe between the look and the opening", () => {
  it("does not make the previous report's undelivered mark wait for ever", async () => {
    const report = "user-audit-20260630T020000Z.json"
    const hung = await hungReads(
      "user-audit-20260630T020000Z.undelivered",
      "Not mailed since: user-audit-20260629T020000Z.json\n",
      () => readNotMailedSince(join(directory, "user-audit-20260630T020000Z.undelivered"), report)
    )
    expect(hung, "reads of the mark that waited on the pipe").toBe(0)
  })

  it("does not make the look for an export's mark wait for ever", async () => {
    const hung = await hungReads(".panther-audit-export", "x", () =>
      plainFileHead(join(directory, ".panther-audit-export"), 16)
    )
    expect(hung, "reads of the mark that waited on the pipe").toBe(0)
  })

  it("does not make a run waiting for the lock wait on it for ever", async () => {
    const holder = JSON.stringify({ pid: 999_999, host: "elsewhere", command: "run", startedAt: "", token: "x" })
    const timing = {
      staleAfter: Duration.minutes(10),
      heartbeat: Duration.seconds(1),
      poll: Duration.millis(5)
    }
    const hung = await hungReads(LOCK_FILE, `${holder}\n`, () =>
      // A pipe at the name, looked at or opened, ends the wait with an error; a file holds it for the poll.
      Effect.runPromiseExit(
        Effect.void.pipe(withReportDirectoryLock(directory, "run", timing), Logger.withMinimumLogLevel(LogLevel.None))
      )
    )
    expect(hung, "runs that waited on the pipe").toBe(0)
  })
})
