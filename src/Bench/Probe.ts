/**
 * Preloaded (`node --import`) into every process the benchmark measures, the audit and the floor alike, so both are
 * observed the same way from the inside: when the first HTTP request was created (what start-up costs), when the
 * process exited, its CPU time, and its peak resident memory as the kernel counts it (`maxRSS`, the high-water
 * mark, so no short peak is missed between samples). Requests are seen on Node's diagnostics channels: `fetch`
 * announces each on `undici:request:create`, `node:http` (which `run` uses) on `http.client.request.start`. Inert
 * unless `BENCH_PROBE_FILE` names where to write.
 */
import { subscribe } from "node:diagnostics_channel"
import { writeFileSync } from "node:fs"

export interface ProbeReport {
  /** Milliseconds from the process's time origin to its first HTTP request; null when it sent none. */
  readonly firstRequestMs: number | null
  /** Milliseconds from the time origin to the `exit` event. */
  readonly exitMs: number
  readonly requests: number
  readonly cpuUserMs: number
  readonly cpuSystemMs: number
  /** Peak resident set size, KiB. */
  readonly maxRssKib: number
}

const target = process.env.BENCH_PROBE_FILE

if (target !== undefined && target !== "") {
  let firstRequestMs: number | null = null
  let requests = 0
  const onRequest = () => {
    requests++
    if (firstRequestMs === null) firstRequestMs = performance.now()
  }
  subscribe("undici:request:create", onRequest)
  subscribe("http.client.request.start", onRequest)
  process.on("exit", () => {
    const cpu = process.cpuUsage()
    const report: ProbeReport = {
      firstRequestMs,
      exitMs: performance.now(),
      requests,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      maxRssKib: process.resourceUsage().maxRSS
    }
    writeFileSync(target, JSON.stringify(report))
  })
}
