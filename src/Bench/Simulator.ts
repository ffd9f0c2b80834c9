/**
 * The simulator the benchmark reads from, in its own process (`panther-audit simulate`), so that serving pages
 * costs the measured processes nothing but the wait. Its request log is off: the benchmark measures the client.
 */
import { BIN, cpuSecondsOf, type Service, startNode } from "./Processes.js"

/** Generated data and the audit are both judged at this instant, so every run raises the same findings. */
export const BENCH_NOW = "2025-06-30T12:00:00.000Z"

export interface BenchSimulator {
  readonly baseUrl: string
  readonly readKey: string
  readonly users: number
  readonly latencyMs: number
  /** Milliseconds from spawn until it printed its ready banner (generating the users included). */
  readonly readyMs: number
  /** CPU seconds it has used so far (Linux), to see how busy serving kept it. */
  readonly cpuSeconds: () => Promise<number | undefined>
  readonly stop: () => Promise<void>
}

const field = (banner: string, label: string): string | undefined =>
  new RegExp(`^\\s*${label}:\\s+(\\S+)`, "m").exec(banner)?.[1]

export const startSimulator = async (options: {
  readonly users: number
  readonly seed: number
  readonly latencyMs: number
}): Promise<BenchSimulator> => {
  const started = performance.now()
  const args = [
    BIN,
    "simulate",
    "--users",
    String(options.users),
    "--seed",
    String(options.seed),
    "--now",
    BENCH_NOW,
    "--port",
    "0",
    "--latency-ms",
    String(options.latencyMs),
    "--log-level",
    "none"
  ]
  const { service, value } = await startNode(
    args,
    {},
    (stdout) => {
      if (!stdout.includes("Stop with")) return undefined
      const baseUrl = field(stdout, "base URL")
      const readKey = field(stdout, "read key")
      return baseUrl === undefined || readKey === undefined ? undefined : { baseUrl, readKey }
    },
    180_000
  )
  const readyMs = performance.now() - started
  const stop = (service: Service) => () => service.stop()
  return {
    ...value,
    users: options.users,
    latencyMs: options.latencyMs,
    readyMs,
    cpuSeconds: () => cpuSecondsOf(service.child.pid),
    stop: stop(service)
  }
}
