/**
 * Runs the built command as a user would, in its own process, and collects what it printed and how it exited.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { endWithTest } from "./ChildProcesses.js"

export const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** With `stopAfterMs` or `stopWhen`: how long the command took to end after the SIGTERM; -1 if it ended before it. */
  readonly endedAfterStopMs?: number
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>
  readonly cwd?: string
  readonly timeoutMs?: number
  /** Runs the command as this user id (and group id alike): root, whom no permission stops, as an ordinary user. */
  readonly uid?: number
  /** Sends SIGTERM this long after the start, as `docker stop` would. */
  readonly stopAfterMs?: number
  /**
   * Sends SIGTERM once this holds of the command's process id, looked at every 50 ms: a stop at a point the command
   * has reached, where one after `stopAfterMs` may come before it even listens for SIGTERM on a loaded machine.
   */
  readonly stopWhen?: (pid: number) => boolean
  /** Sees what the command has written to stderr so far, each time it writes more. */
  readonly onStderr?: (stderr: string) => void
  /**
   * Kills the command outright (SIGKILL) once this holds, looked at every 50 ms: a point the command reaches however
   * loaded the machine is, where a time after its start may come before it or long after.
   */
  readonly killWhen?: () => boolean
}

/** Runs the built command with `args`. */
export const runCli = (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<CliResult> =>
  runProcess(process.execPath, [BIN, ...args], options)

/** Runs `command` (a shell, a tool) as runCli runs the built command, and collects the same. */
export const runProcess = (
  command: string,
  args: ReadonlyArray<string>,
  options: RunOptions = {}
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    // A clean environment: no PANTHER_* or SMTP_* of the developer's shell leaks into a test.
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }
    for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value
    const user = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }
    const child = endWithTest(spawn(command, args, { cwd: options.cwd ?? process.cwd(), env, ...user }))
    let stdout = ""
    let stderr = ""
    // Decoded across chunks: a character split between two 64 KB reads of the pipe must not read as U+FFFD.
    child.stdout.setEncoding("utf8")
    child.stderr.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk
      options.onStderr?.(stderr)
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000)
    let stoppedAt: number | undefined
    const stop =
      options.stopAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            stoppedAt = Date.now()
            child.kill("SIGTERM")
          }, options.stopAfterMs)
    const stopWatch =
      options.stopWhen === undefined
        ? undefined
        : setInterval(() => {
            if (child.pid === undefined || options.stopWhen?.(child.pid) !== true) return
            clearInterval(stopWatch)
            stoppedAt = Date.now()
            child.kill("SIGTERM")
          }, 50)
    const watch =
      options.killWhen === undefined
        ? undefined
        : setInterval(() => {
            if (options.killWhen?.() === true) child.kill("SIGKILL")
          }, 50)
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      clearTimeout(stop)
      clearInterval(watch)
      clearInterval(stopWatch)
      const stopped =
        stop === undefined && stopWatch === undefined
          ? {}
          : { endedAfterStopMs: stoppedAt === undefined ? -1 : Date.now() - stoppedAt }
      resolve({ code, signal, stdout, stderr, ...stopped })
    })
  })

/** A line of `--log-format json`, as far as tests read it. */
export interface JsonLogLine {
  readonly message: unknown
  readonly logLevel: string
  readonly annotations: Readonly<Record<string, unknown>>
}

/** The JSON log lines a run printed on stderr (with `--log-format json`), parsed. */
export const jsonLogLines = (stderr: string): ReadonlyArray<JsonLogLine> =>
  stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line): JsonLogLine => JSON.parse(line))

/**
 * `run --email always` in its own process against the API at `api`, reporting into `reportDir` and mailing through
 * `smtpUrl` with no retries; `env` adds to the settings or overrides them.
 */
export const runEmailing = (
  api: { readonly baseUrl: string; readonly readToken: string },
  reportDir: string,
  smtpUrl: string,
  env: Record<string, string> = {}
): Promise<CliResult> =>
  runCli(["run", "--report-dir", reportDir, "--email", "always"], {
    env: {
      PANTHER_API_URL: api.baseUrl,
      PANTHER_API_TOKEN: api.readToken,
      MAIL_TO: "security@acme.example",
      MAIL_FROM: "audit@acme.example",
      SMTP_URL: smtpUrl,
      SMTP_RETRIES: "0",
      ...env
    }
  })

/**
 * What stderr says, read as a person would: each JSON log line replaced by its message, other lines as they are.
 * For checking a message's words whatever the log format (JSON escapes the quotes in them).
 */
export const stderrText = (stderr: string): string =>
  stderr
    .split("\n")
    .map((line) => {
      if (!line.startsWith("{")) return line
      const { message } = JSON.parse(line) as { readonly message: unknown }
      return String(message)
    })
    .join("\n")

/**
 * Runs the built command with its stdout or stderr on a file descriptor (such as /dev/full's); what it writes to a
 * stderr left alone is returned.
 */
export const runCliToFds = (
  args: ReadonlyArray<string>,
  fds: { readonly stdout?: number; readonly stderr?: number },
  options: { readonly env?: Record<string, string>; readonly cwd?: string } = {}
): Promise<{ readonly code: number | null; readonly stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = endWithTest(
      spawn(process.execPath, [BIN, ...args], {
        cwd: options.cwd ?? process.cwd(),
        env: { PATH: process.env.PATH ?? "", ...options.env },
        stdio: ["ignore", fds.stdout ?? "ignore", fds.stderr ?? "pipe"]
      })
    )
    let stderr = ""
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stderr }))
  })

/**
 * Runs the built command with a limit on the size of any file it writes (in 512-byte blocks, as POSIX sh counts
 * them): how a test fills the disk at a chosen point. What it wrote to stderr is returned.
 */
export const runCliWithFileLimit = (
  args: ReadonlyArray<string>,
  blocks: number,
  env: Record<string, string | undefined>
): Promise<{ readonly code: number | null; readonly stderr: string }> =>
  new Promise((resolve, reject) => {
    const clean: Record<string, string> = { PATH: process.env.PATH ?? "" }
    for (const [key, value] of Object.entries(env)) if (value !== undefined) clean[key] = value
    const child = endWithTest(
      spawn("sh", ["-c", `ulimit -f ${blocks}; exec "$0" "$@"`, process.execPath, BIN, ...args], {
        env: clean,
        stdio: ["ignore", "ignore", "pipe"]
      })
    )
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stderr }))
  })
