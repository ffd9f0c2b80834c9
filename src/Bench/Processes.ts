/**
 * The benchmark's child processes: each is spawned with a clean environment, given a deadline, and remembered, so
 * that none outlives the benchmark, whether it ends normally, fails, or is interrupted.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"

/** The built command, `dist/bin.js`, next to this file's folder. */
export const BIN = fileURLToPath(new URL("../bin.js", import.meta.url))
export const FLOOR = fileURLToPath(new URL("./Floor.js", import.meta.url))
export const PROBE = new URL("./Probe.js", import.meta.url).href

const living = new Set<ChildProcess>()

/** Kills every child still running; safe to call from an `exit` handler (it only sends signals). */
export const killAll = (): void => {
  for (const child of living) child.kill("SIGKILL")
  living.clear()
}

let ending = false

/**
 * Kills every child and waits until each has exited, starting no new one meanwhile: on a signal, the work folder is
 * removed only after, so that nothing is still writing into it. Removed at once, it was sometimes left behind
 * (seen under load). At most `graceMs`, after which the caller goes on regardless.
 */
export const endAll = async (graceMs = 5000): Promise<void> => {
  ending = true
  const children = [...living]
  living.clear()
  const exited = Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once("exit", () => resolve())
          child.kill("SIGKILL")
        })
    )
  )
  let timer: NodeJS.Timeout | undefined
  await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))])
  clearTimeout(timer)
}

const refuseWhileEnding = () => {
  if (ending) throw new Error("the benchmark is stopping")
}

/** The environment without this tool's own settings, so nothing of the shell running the benchmark leaks in. */
export const cleanEnv = (extra: Readonly<Record<string, string>>): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(PANTHER|AUDIT|MAIL|SMTP|SIMULATOR|LOG|BENCH)_/.test(key) || key === "NODE_OPTIONS") {
      continue
    }
    env[key] = value
  }
  return { ...env, ...extra }
}

export interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Milliseconds from spawn to exit, measured here. */
  readonly wallMs: number
  readonly stdout: string
  /** The last 16 KiB of stderr, for error messages. */
  readonly stderrTail: string
  /** How it ended, for error messages: a kill at the deadline says so, not only "SIGKILL". */
  readonly ended: string
}

const duration = (ms: number) => (ms >= 60_000 ? `${ms / 60_000} minutes` : `${ms / 1000} s`)

const TAIL = 16 * 1024

/** Runs `node <args>` to completion, or kills it at the deadline. */
export const runNode = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  deadlineMs: number
): Promise<Finished> =>
  new Promise((resolve, reject) => {
    refuseWhileEnding()
    const started = performance.now()
    const child = spawn(process.execPath, args, { env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] })
    living.add(child)
    let wallMs = 0
    let stdout = ""
    let stderrTail = ""
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text
    })
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderrTail = (stderrTail + text).slice(-TAIL)
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill("SIGKILL")
    }, deadlineMs)
    child.on("error", (error) => {
      clearTimeout(timer)
      living.delete(child)
      reject(error)
    })
    // The clock stops at exit; the result waits for the pipes to drain.
    child.on("exit", () => {
      wallMs = performance.now() - started
    })
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      living.delete(child)
      const ended = timedOut
        ? `did not finish within ${duration(deadlineMs)}, its deadline, and was killed`
        : `ended with ${code ?? signal}`
      resolve({ code, signal, wallMs, stdout, stderrTail, ended })
    })
  })

/** A long-running child (the simulator), with a way to stop it. */
export interface Service {
  readonly child: ChildProcess
  readonly stop: () => Promise<void>
}

/**
 * Starts `node <args>` and waits until `ready` accepts what it printed on stdout so far. Fails if it exits or the
 * deadline passes first.
 */
export const startNode = <A>(
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  ready: (stdout: string) => A | undefined,
  deadlineMs: number
): Promise<{ readonly service: Service; readonly value: A }> =>
  new Promise((resolve, reject) => {
    refuseWhileEnding()
    const child = spawn(process.execPath, args, { env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] })
    living.add(child)
    const exited = new Promise<void>((done) => child.on("exit", () => done()))
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM")
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
        await exited
        clearTimeout(timer)
      }
      living.delete(child)
    }
    let stdout = ""
    let stderrTail = ""
    let settled = false
    const timer = setTimeout(() => fail(new Error(`not ready within ${deadlineMs} ms`)), deadlineMs)
    const fail = (error: Error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill("SIGKILL")
      living.delete(child)
      reject(new Error(`${error.message}: node ${args.join(" ")}\n${stderrTail}`))
    }
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text
      if (settled) return
      const value = ready(stdout)
      if (value !== undefined) {
        settled = true
        clearTimeout(timer)
        resolve({ service: { child, stop }, value })
      }
    })
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderrTail = (stderrTail + text).slice(-TAIL)
    })
    child.on("error", fail)
    child.on("exit", (code, signal) => fail(new Error(`exited early (${code ?? signal})`)))
  })

/** CPU seconds a process has used so far, from /proc (Linux); undefined elsewhere. */
export const cpuSecondsOf = async (pid: number | undefined): Promise<number | undefined> => {
  if (pid === undefined) return undefined
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8")
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const ticks = Number(fields[11]) + Number(fields[12])
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    return Number.isFinite(ticks) ? ticks / 100 : undefined
  } catch {
    return undefined
  }
}
