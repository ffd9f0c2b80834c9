/**
 * A report directory an audit holds, as a clean-up leaves it: removed and made anew, then perhaps taken by another
 * audit (DirectoryMadeAnew.test.ts, MarksMadeAnew.test.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { LOCK_FILE } from "../../src/Reports/DirectoryLock.js"

/** A clean-up's `rm -rf reports && mkdir reports`, run while an audit holds the directory. */
export const makeAnew = (directory: string): void => {
  rmSync(directory, { recursive: true, force: true })
  mkdirSync(directory)
}

/** Another audit's lock, fresh: that audit is running. Its token is "x". */
export const putAnotherAuditsLock = (directory: string): void =>
  writeFileSync(
    join(directory, LOCK_FILE),
    JSON.stringify({
      pid: 4242,
      host: "other-box",
      command: "schedule",
      startedAt: "2026-12-04T02:00:00.000Z",
      token: "x"
    })
  )

/** The token of the lock in `directory`: whose it is. */
export const lockTokenIn = (directory: string): unknown =>
  Reflect.get(JSON.parse(readFileSync(join(directory, LOCK_FILE), "utf8")), "token")
