/**
 * One measured process: the audit (`panther-audit run`) or the floor, each with the probe preloaded. Wall time is
 * taken here, from spawn to exit; the probe adds what only the process itself can see (first request, CPU, peak
 * memory). A run that fails, or reads a different number of users than the floor, stops the benchmark: a fast
 * wrong answer is not a result.
 */
import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { join } from "node:path"
import { MEASURED_DEADLINE_MS } from "./Options.js"
import type { ProbeReport } from "./Probe.js"
import { BIN, FLOOR, PROBE, runNode } from "./Processes.js"
import { BENCH_NOW, type BenchSimulator } from "./Simulator.js"

export interface Sample {
  readonly wallMs: number
  /** Spawn to the first HTTP request: loading the program, parsing flags, checking settings. */
  readonly startupMs: number
  /** First HTTP request to exit: the work itself. */
  readonly workMs: number
  readonly cpuMs: number
  readonly maxRssKib: number
  readonly users: number
  readonly requests: number
}

let probes = 0

const measured = async (
  workDir: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>
): Promise<{ readonly probe: ProbeReport; readonly wallMs: number; readonly stdout: string }> => {
  const probeFile = join(workDir, `probe-${++probes}.json`)
  const finished = await runNode(
    ["--import", PROBE, ...args],
    { ...env, BENCH_PROBE_FILE: probeFile },
    MEASURED_DEADLINE_MS
  )
  if (finished.code !== 0) {
    throw new Error(`node ${args.join(" ")} ${finished.ended}:\n${finished.stderrTail.slice(-4000)}`)
  }
  const probe = readProbe(await readFile(probeFile, "utf8"))
  await rm(probeFile, { force: true })
  return { probe, wallMs: finished.wallMs, stdout: finished.stdout }
}

/** A number at `path` in parsed JSON; the benchmark reads only files its own processes wrote. */
const numberAt = (json: unknown, ...path: ReadonlyArray<string>): number => {
  let value: unknown = json
  for (const key of path) value = typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined
  if (typeof value !== "number") throw new Error(`expected a number at ${path.join(".")}`)
  return value
}

const readProbe = (text: string): ProbeReport => {
  const json: unknown = JSON.parse(text)
  const first: unknown = typeof json === "object" && json !== null ? Reflect.get(json, "firstRequestMs") : undefined
  return {
    firstRequestMs: typeof first === "number" ? first : null,
    exitMs: numberAt(json, "exitMs"),
    requests: numberAt(json, "requests"),
    cpuUserMs: numberAt(json, "cpuUserMs"),
    cpuSystemMs: numberAt(json, "cpuSystemMs"),
    maxRssKib: numberAt(json, "maxRssKib")
  }
}

const toSample = (wallMs: number, probe: ProbeReport, users: number): Sample => {
  const workMs = probe.firstRequestMs === null ? 0 : probe.exitMs - probe.firstRequestMs
  return {
    wallMs,
    startupMs: wallMs - workMs,
    workMs,
    cpuMs: probe.cpuUserMs + probe.cpuSystemMs,
    maxRssKib: probe.maxRssKib,
    users,
    requests: probe.requests
  }
}

export const measureFloor = async (workDir: string, simulator: BenchSimulator): Promise<Sample> => {
  const { probe, wallMs, stdout } = await measured(workDir, [FLOOR], {
    BENCH_API_URL: simulator.baseUrl,
    BENCH_API_TOKEN: simulator.readKey
  })
  return toSample(wallMs, probe, numberAt(JSON.parse(stdout), "users"))
}

/** Users the audit saw, from the `run` section at the top of its JSON report (the findings are not parsed). */
const usersSeen = async (path: string): Promise<number> => {
  const text = await readFile(path, "utf8")
  const end = text.indexOf('\n"findings": [')
  if (end < 0) throw new Error(`${path} is not a complete report`)
  return numberAt(JSON.parse(`${text.slice(0, end).replace(/,\s*$/, "")}\n}`), "run", "users", "seen")
}

const reportIn = async (directory: string): Promise<string> => {
  const names = (await readdir(directory)).filter((name) => /^user-audit-.*\.json$/.test(name))
  if (names.length !== 1) throw new Error(`expected one JSON report in ${directory}, found ${names.length}`)
  return join(directory, names[0] ?? "")
}

export interface RunSample extends Sample {
  /** The JSON report it wrote, for a following run to read as its previous report. */
  readonly report: string
}

/**
 * `panther-audit run` into a fresh report directory. With `previousReport`, that report is copied in first, as a
 * nightly run finds yesterday's: then the run also reads it and works out what changed.
 */
export const measureRun = async (
  workDir: string,
  simulator: BenchSimulator,
  previousReport?: string
): Promise<RunSample> => {
  const reportDir = await mkdtemp(join(workDir, "reports-"))
  if (previousReport !== undefined) {
    await copyFile(previousReport, join(reportDir, previousReport.slice(previousReport.lastIndexOf("/") + 1)))
  }
  const { probe, wallMs } = await measured(workDir, [BIN, "run", "--as-of", BENCH_NOW], {
    PANTHER_API_URL: simulator.baseUrl,
    PANTHER_API_TOKEN: simulator.readKey,
    AUDIT_REPORT_DIR: reportDir
  })
  if (previousReport !== undefined) {
    await rm(join(reportDir, previousReport.slice(previousReport.lastIndexOf("/") + 1)))
  }
  const report = await reportIn(reportDir)
  return { ...toSample(wallMs, probe, await usersSeen(report)), report }
}
