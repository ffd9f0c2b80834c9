/**
 * Every process a test starts is ended with the test. A test that fails (or times out) before it stops its child
 * used to leave it running: a `schedule` started by a failed assertion went on auditing every second, its parent
 * gone, long after the suite had ended. Loaded for every test file (vitest.config.ts, setupFiles).
 */
import type { ChildProcess } from "node:child_process"
import { afterEach } from "vitest"
import { type OrphanWatch, startOrphanWatch } from "./OrphanWatch.js"

/**
 * One set for the whole worker. Test files share a worker's modules (vitest.config.ts, `isolate: false`) but this
 * setup file is loaded afresh for each: support modules loaded by an earlier file would otherwise add their children
 * to a set no hook of the current file ends.
 */
const RUNNING = Symbol.for("panther-user-audit/test/running-children")
const WATCH = Symbol.for("panther-user-audit/test/orphan-watch")
const shared = globalThis as { [RUNNING]?: Set<ChildProcess>; [WATCH]?: OrphanWatch }
shared[RUNNING] ??= new Set<ChildProcess>()
const running: Set<ChildProcess> = shared[RUNNING]
// For a worker killed before its hooks run (OrphanWatch.ts); one for the worker, as the set.
shared[WATCH] ??= startOrphanWatch()
const orphanWatch: OrphanWatch = shared[WATCH]

/** Ends `child` after the current test if it is still running then; returns it. */
export const endWithTest = <C extends ChildProcess>(child: C): C => {
  running.add(child)
  orphanWatch.watch(child)
  child.once("exit", () => running.delete(child))
  return child
}

/**
 * Kills every child of the current test still running, and waits for each to be gone. Run after every test; a file
 * whose own afterEach removes what a child writes to calls it first (Vitest runs a file's afterEach hooks before
 * this setup file's).
 */
export const endLeftChildren = async (): Promise<void> => {
  const left = [...running].filter((child) => child.exitCode === null && child.signalCode === null)
  running.clear()
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("exit", () => resolve())
          // Killed outright: a test that left it did not get to the signal it meant to send.
          if (!child.kill("SIGKILL")) resolve()
        })
    )
  )
}

afterEach(endLeftChildren)
