/**
 * `npm run bench`: throughput and memory of the whole `run` pipeline against the floor, the least any client can
 * do to read the same pages (see Floor.ts). The simulator, each audit and each floor run are separate processes;
 * audit and floor alternate, so a change in the machine's load falls on both. Prints Markdown tables and the
 * targets of issue 8, and writes them into bench/RESULTS.md (a full run, or `--out`).
 *
 * Plain Node rather than Effect: the harness measures the Effect program from outside and should share nothing
 * with it, not even a runtime.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { checkBuild } from "./Build.js"
import { measureFloor, measureRun, type RunSample, type Sample } from "./Measure.js"
import { type Options, readOptions, USAGE, wantsHelp } from "./Options.js"
import { endAll, killAll } from "./Processes.js"
import {
  judgeTargets,
  median,
  phaseTable,
  type ScaleResult,
  type SettingResult,
  scaleTable,
  targetList,
  throughputTable
} from "./Results.js"
import { checkResultsFile, writeResults } from "./ResultsFile.js"
import { type BenchSimulator, startSimulator } from "./Simulator.js"

const say = (line: string) => process.stderr.write(`${line}\n`)
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A shared machine: waits, within bounds, for a quieter moment before a setting is measured. */
const waitForQuiet = async (maxLoad: number | undefined) => {
  if (maxLoad === undefined) return
  for (let check = 0; check < 60; check++) {
    const [load = 0] = loadavg()
    if (load <= maxLoad) return
    if (check === 0) say(`  load ${load.toFixed(2)} is above ${maxLoad}; waiting for it to drop (at most 10 minutes)`)
    await sleep(10_000)
  }
  say(`  load still above ${maxLoad}; measuring anyway`)
}

const checkUsers = (floor: Sample, run: Sample) => {
  if (floor.users !== run.users) {
    throw new Error(`the floor read ${floor.users} users but run saw ${run.users}: they did not read the same pages`)
  }
}

const withSimulator = async <A>(
  options: { readonly users: number; readonly seed: number; readonly latencyMs: number },
  use: (simulator: BenchSimulator) => Promise<A>
): Promise<A> => {
  const simulator = await startSimulator(options)
  try {
    return await use(simulator)
  } finally {
    await simulator.stop()
  }
}

const measureSetting = (options: Options, workDir: string, latencyMs: number): Promise<SettingResult> =>
  withSimulator({ users: options.users, seed: options.seed, latencyMs }, async (simulator) => {
    const label = latencyMs === 0 ? "no added latency" : `${latencyMs} ms per page`
    say(`[${label}] ${options.users} users, simulator ready in ${secs(simulator.readyMs)}; warming up`)
    // Not counted: the first pass warms the simulator's JIT and the file cache for both.
    const warmFloor = await measureFloor(workDir, simulator)
    checkUsers(warmFloor, await measureRun(workDir, simulator))
    const floor: Array<Sample> = []
    const cold: Array<Sample> = []
    const warm: Array<Sample> = []
    for (let rep = 0; rep < options.reps; rep++) {
      const runs = async () => {
        const first = await measureRun(workDir, simulator)
        cold.push(first)
        const second: RunSample | undefined = options.withPrevious
          ? await measureRun(workDir, simulator, first.report)
          : undefined
        if (second !== undefined) warm.push(second)
        return [first, second] as const
      }
      // Alternating the order, so neither side always runs right after the other.
      let floorSample: Sample
      let runSamples: readonly [RunSample, RunSample | undefined]
      if (rep % 2 === 0) {
        floorSample = await measureFloor(workDir, simulator)
        runSamples = await runs()
      } else {
        runSamples = await runs()
        floorSample = await measureFloor(workDir, simulator)
      }
      floor.push(floorSample)
      checkUsers(floorSample, runSamples[0])
      say(
        `  rep ${rep + 1}/${options.reps}: floor ${secs(floorSample.wallMs)}, run ${secs(runSamples[0].wallMs)}` +
          (runSamples[1] === undefined ? "" : `, with previous report ${secs(runSamples[1].wallMs)}`) +
          ` (load ${loadavg()[0]?.toFixed(2)})`
      )
    }
    return { latencyMs, users: options.users, floor, cold, warm }
  })

const measureScale = (options: Options, workDir: string, users: number): Promise<ScaleResult> =>
  withSimulator({ users, seed: options.seed, latencyMs: 0 }, async (simulator) => {
    say(`[scale] ${users} users, simulator ready in ${secs(simulator.readyMs)}; warming up`)
    // Not counted: the first pass warms the simulator's JIT, so its CPU per page is its steady cost.
    await measureFloor(workDir, simulator)
    // As many passes as runs, the median of each kept: one pass's CPU per page varied by a quarter from the next.
    const passes: Array<{ readonly floor: Sample; readonly cpuPerPageMs: number | undefined }> = []
    for (let pass = 0; pass < options.scaleReps; pass++) {
      const cpuBefore = await simulator.cpuSeconds()
      const floor = await measureFloor(workDir, simulator)
      const cpuAfter = await simulator.cpuSeconds()
      passes.push({
        floor,
        cpuPerPageMs:
          cpuBefore === undefined || cpuAfter === undefined
            ? undefined
            : ((cpuAfter - cpuBefore) * 1000) / Math.max(1, floor.requests)
      })
    }
    // The floor's figures are those of the middle pass by wall time (of two middle ones, the faster).
    const byWall = [...passes].sort((a, b) => a.floor.wallMs - b.floor.wallMs)
    const floor = byWall[(byWall.length - 1) >> 1]?.floor
    if (floor === undefined) throw new Error("--scale-reps must be at least 1")
    const cpuPerPage = passes.map((pass) => pass.cpuPerPageMs)
    const simulatorCpuPerPageMs = cpuPerPage.some((value) => value === undefined)
      ? undefined
      : median(cpuPerPage as ReadonlyArray<number>)
    const runs: Array<Sample> = []
    for (let rep = 0; rep < options.scaleReps; rep++) {
      const run = await measureRun(workDir, simulator)
      checkUsers(floor, run)
      runs.push(run)
      say(
        `  run ${rep + 1}/${options.scaleReps}: ${secs(run.wallMs)}, peak RSS ${Math.round(run.maxRssKib / 1024)} MiB`
      )
    }
    return { users, simulatorReadyMs: simulator.readyMs, floor, simulatorCpuPerPageMs, runs }
  })

const machine = () => {
  const cores = availableParallelism()
  const model = cpus()[0]?.model.trim() ?? "unknown CPU"
  return { cores, model, node: process.version }
}

const render = (
  options: Options,
  settings: ReadonlyArray<SettingResult>,
  scales: ReadonlyArray<ScaleResult>,
  context: {
    readonly started: Date
    readonly loadBefore: ReadonlyArray<number>
    readonly loadAfter: ReadonlyArray<number>
  }
): string => {
  const { cores, model, node } = machine()
  const load = (values: ReadonlyArray<number>) => values.map((value) => value.toFixed(2)).join(", ")
  const args = process.argv.slice(2)
  const sections = [
    `Measured ${context.started.toISOString().replace(/\.\d+Z$/, "Z")} on ${cores} cores (${model}), Node ${node}, ` +
      `with \`npm run bench${args.length === 0 ? "" : ` -- ${args.join(" ")}`}\`. Load average (1, 5, 15 min) ` +
      `${load(context.loadBefore)} before and ${load(context.loadAfter)} after.` +
      // Repetitions are those of the throughput settings; the scales say their own count.
      (settings.length === 0 ? "" : ` Medians of ${options.reps} repetitions; the floor and \`run\` alternate.`)
  ]
  if (settings.length > 0) {
    sections.push(`**Throughput**\n\n${throughputTable(settings)}`)
    sections.push(
      "**Where the time goes.** Start-up is spawn to the first HTTP request (loading the program, reading flags, " +
        "checking the report directory); work is first request to exit (roles, every page, the reports). " +
        `CPU is user plus system time of the process.\n\n${phaseTable(settings)}`
    )
  }
  if (scales.length > 0) {
    sections.push(
      `**Memory at scale** (no added latency, ${options.scaleReps === 1 ? "one run" : `median of ${options.scaleReps} runs`}; ` +
        `the floor read every page in as many passes, the simulator's CPU time counted in each)\n\n${scaleTable(scales)}`
    )
  }
  sections.push(`**Targets**\n\n${targetList(judgeTargets(settings, scales))}`)
  return sections.join("\n\n")
}

/**
 * Refused before anything started (a setting, the build, the results file, the work folder): exit code 2, as the
 * command's own usage and configuration errors, so that a script can tell a line to correct from a failure while
 * measuring (1).
 */
class Refused extends Error {}

const refused = <A>(check: () => A): A => {
  try {
    return check()
  } catch (error) {
    throw new Refused(error instanceof Error ? error.message : String(error))
  }
}

/** Probe files and report folders go in a folder of the benchmark's own, under TMPDIR (or the system's). */
const makeWorkDir = (): string => {
  const under = tmpdir()
  try {
    return mkdtempSync(join(under, "panther-bench-"))
  } catch (error) {
    const code = error instanceof Error ? Reflect.get(error, "code") : undefined
    throw new Error(
      `cannot make a work folder in ${under}, the temporary folder (${String(code ?? error)}): ` +
        `${process.env.TMPDIR === undefined ? "make it writable" : "set TMPDIR to a folder that exists, or unset it"}`
    )
  }
}

/**
 * Under `npm run bench`, npm passes a SIGTERM on to the shell running the script, which ends without passing it on:
 * the benchmark went on alone, orphaned, measuring for minutes and then writing bench/RESULTS.md. Started by npm,
 * it stops once the process that started it is gone. Not otherwise: run directly, under setsid or in a detached
 * terminal, outliving the shell it was started from may be the point.
 */
const stopWhenOrphaned = () => {
  if (process.env.npm_lifecycle_event !== "bench") return
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid === parent) return
    stop(129, "npm run bench, which started it, has ended")
  }, 250).unref()
}

/** Set once the benchmark is stopping: what then fails is its children being killed, not worth a word. */
let stopping = false

/** Ends the children, waits for them to be gone, and exits (the exit handler then removes the work folder). */
const stop = (code: number, why: string) => {
  // A second signal does not wait.
  if (stopping) process.exit(code)
  stopping = true
  say(`\nbench: ${why}; stopping`)
  void endAll().finally(() => process.exit(code))
}

const main = async () => {
  const args = process.argv.slice(2)
  // Before the settings are read: the usage is what one asks for when unsure of them.
  if (wantsHelp(args)) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const { options, workDir } = refused(() => {
    const options = readOptions(args)
    checkBuild()
    if (options.out !== undefined) checkResultsFile(options.out)
    return { options, workDir: makeWorkDir() }
  })
  process.on("exit", () => {
    killAll()
    // Retried: a file being made in it as it is removed fails the removal of the folder (ENOTEMPTY).
    rmSync(workDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 })
  })
  // SIGHUP too: a closed terminal or a dropped ssh session otherwise ended the benchmark alone, and the simulator
  // it had started went on serving, orphaned, with the work folder left in the temporary folder.
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129]
  ] as const) {
    process.on(signal, () => stop(code, signal))
  }
  stopWhenOrphaned()
  const started = new Date()
  const loadBefore = loadavg()
  const { cores, node } = machine()
  say(`bench: ${cores} cores, Node ${node}, load ${loadBefore.map((value) => value.toFixed(2)).join(" ")}`)
  const settings: Array<SettingResult> = []
  for (const latencyMs of options.latencies) {
    await waitForQuiet(options.maxLoad)
    settings.push(await measureSetting(options, workDir, latencyMs))
  }
  const scales: Array<ScaleResult> = []
  for (const users of options.scale) {
    await waitForQuiet(options.maxLoad)
    scales.push(await measureScale(options, workDir, users))
  }
  const text = render(options, settings, scales, { started, loadBefore, loadAfter: loadavg() })
  process.stdout.write(`\n${text}\n`)
  if (options.out !== undefined) {
    writeResults(options.out, text)
    say(`\nbench: results written to ${options.out}`)
  } else if (options.notWritten !== undefined) say(`\nbench: ${options.notWritten}`)
}

main().catch((error: unknown) => {
  if (stopping) return
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = error instanceof Refused ? 2 : 1
  killAll()
})
