/**
 * A process that outlives the test worker it was started by, and kills what that worker left running. A worker killed
 * outright (a time limit on the run, `kill -9`) runs no `afterEach`: its children lived on, one of them swapping a pipe
 * and a file at full speed for 42 minutes and slowing every test run after it.
 */
import { type ChildProcess, spawn } from "node:child_process"

/**
 * Told "<pid>" for each child started and "-<pid>" for each that ended, on its stdin. That pipe closes when the worker
 * ends, however it ends: the children not yet ended are killed then.
 */
const WATCHER = `
const running = new Set()
let pending = ""
process.stdin.setEncoding("utf8")
process.stdin.on("data", (chunk) => {
  const lines = (pending + chunk).split("\\n")
  pending = lines.pop()
  for (const line of lines) line.startsWith("-") ? running.delete(line.slice(1)) : running.add(line)
})
process.stdin.on("close", () => {
  for (const pid of running) try { process.kill(Number(pid), "SIGKILL") } catch {}
  process.exit(0)
})
`

export interface OrphanWatch {
  /** Has `child` killed if the worker ends before it does. */
  readonly watch: (child: ChildProcess) => void
  /** The watching process, which ends once the worker has. */
  readonly watcher: ChildProcess
}

/** Starts the watcher; it neither keeps the worker alive nor stops it ending. */
export const startOrphanWatch = (): OrphanWatch => {
  const watcher = spawn(process.execPath, ["-e", WATCHER], { stdio: ["pipe", "ignore", "ignore"] })
  const { stdin } = watcher
  // A watcher already gone (killed with the worker's process group) is no reason to fail a test.
  stdin?.on("error", () => {})
  watcher.unref()
  ;(stdin as { unref?: () => void } | null)?.unref?.()
  const tell = (line: string) => {
    if (stdin?.writable) stdin.write(`${line}\n`)
  }
  return {
    watch: (child) => {
      const { pid } = child
      if (pid === undefined) return
      tell(String(pid))
      child.once("exit", () => tell(`-${pid}`))
    },
    watcher
  }
}
