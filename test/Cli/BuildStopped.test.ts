/**
 * `npm run build` (scripts/build.mjs) makes the code cache against a simulator in a process of its own, which serves
 * until it is killed. A build stopped meanwhile (SIGTERM, as a CI job's time limit sends it) must not leave that
 * simulator running for ever, nor its scratch folder or the dist/ it replaced behind; nor may a build whose children
 * cannot be started at all. The build runs in a copy of the project, so that the dist/ the other tests use is never
 * left without its cache.
 */
import { spawn } from "node:child_process"
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, expect, it } from "vitest"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

let folder = ""
let simulatorPid: number | undefined
afterEach(() => {
  // Without the build's own clean-up the simulator would outlive the test too.
  if (simulatorPid !== undefined && isRunning(simulatorPid)) process.kill(simulatorPid, "SIGKILL")
  simulatorPid = undefined
  if (folder !== "") rmSync(folder, { recursive: true, force: true })
})

/** Whether a process is there and not a zombie (an orphan's reaper may be slow, or absent in a container). */
const isRunning = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0] !== "Z"
  } catch {
    return false
  }
}

/** The pid of a process whose command line holds every one of `parts`, if there is one. */
const processWith = (parts: ReadonlyArray<string>): number | undefined => {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")
      if (parts.every((part) => command.includes(part))) return Number(entry)
    } catch {}
  }
  return undefined
}

const waitFor = async <A>(what: () => A | undefined, ms: number): Promise<A | undefined> => {
  const until = Date.now() + ms
  for (;;) {
    const found = what()
    if (found !== undefined || Date.now() > until) return found
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * A build of a copy of the project, whose scratch folders are made where the test can see them. `preload`: code the
 * build's process runs first, to change what the build meets.
 */
const startBuild = (preload?: string) => {
  folder = mkdtempSync(join(tmpdir(), "build-stopped-"))
  const project = join(folder, "project")
  mkdirSync(join(project, "scripts"), { recursive: true })
  for (const path of ["package.json", "tsconfig.json", "scripts/build.mjs"]) {
    cpSync(join(ROOT, path), join(project, path))
  }
  cpSync(join(ROOT, "src"), join(project, "src"), { recursive: true })
  symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"))
  // A dist/ of an earlier build, which the new one replaces.
  mkdirSync(join(project, "dist"))
  // The build's scratch folder is made under TMPDIR: here, where the test can see it.
  const scratches = join(folder, "tmp")
  mkdirSync(scratches)
  const preloaded: Array<string> = []
  if (preload !== undefined) {
    writeFileSync(join(folder, "preload.cjs"), preload)
    preloaded.push("--require", join(folder, "preload.cjs"))
  }
  const build = spawn(process.execPath, [...preloaded, join(project, "scripts", "build.mjs")], {
    cwd: project,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TMPDIR: scratches },
    stdio: ["ignore", "ignore", "pipe"]
  })
  let stderr = ""
  build.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text
  })
  // `close`, not `exit`: all it wrote has arrived by then.
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    build.once("close", (code, signal) => resolve({ code, signal }))
  )
  const bin = join(project, "dist", "bin.js")
  return { project, scratches, build, ended, bin, stderr: () => stderr }
}

/**
 * Stopped with SIGTERM, the build ends by it, and leaves no process, scratch folder or replaced dist/ behind. Returns
 * how long it took to end.
 */
const expectStoppedCleanly = async (
  { project, scratches, build, ended }: ReturnType<typeof startBuild>,
  children: ReadonlyArray<number>
): Promise<number> => {
  const stoppedAt = Date.now()
  build.kill("SIGTERM")
  expect((await ended).signal).toBe("SIGTERM")
  const tookMs = Date.now() - stoppedAt
  for (const pid of children) expect(await waitFor(() => (isRunning(pid) ? undefined : true), 5_000)).toBe(true)
  expect(readdirSync(scratches)).toEqual([])
  // Nor the dist/ it replaced, kept aside only while the new one took its place.
  expect(readdirSync(project).filter((name) => name.startsWith("dist."))).toEqual([])
  return tookMs
}

it.runIf(process.platform === "linux")(
  "kills its simulator and removes its scratch folder when the build is stopped",
  async () => {
    const build = startBuild()
    simulatorPid = await waitFor(() => processWith([build.bin, "simulate"]), 60_000)
    expect(simulatorPid).toBeDefined()
    await expectStoppedCleanly(build, [simulatorPid as number])
  },
  90_000
)

it.runIf(process.platform === "linux")(
  "stops at once when stopped during one of its runs, killing the run as well as the simulator",
  async () => {
    const build = startBuild()
    const runPid = await waitFor(() => processWith([build.bin, "run"]), 60_000)
    expect(runPid).toBeDefined()
    simulatorPid = processWith([build.bin, "simulate"])
    expect(simulatorPid).toBeDefined()
    // At once, not after its runs: runs the build waited out synchronously held the signal until both had ended (two
    // seconds and more), and a build whose last step ran meanwhile could end as if it had never come.
    expect(await expectStoppedCleanly(build, [simulatorPid as number, runPid as number])).toBeLessThan(1_000)
  },
  90_000
)

/**
 * The build ended well without a code cache, saying why (`reasons`, in its warning): the new dist/, without a cache,
 * in place of the old one.
 */
const expectBuiltWithoutCache = async (build: ReturnType<typeof startBuild>, reasons: ReadonlyArray<string>) => {
  const { code } = await build.ended
  expect(code, build.stderr()).toBe(0)
  expect(build.stderr()).toContain("build: no code cache was made (")
  for (const reason of reasons) expect(build.stderr()).toContain(reason)
  expect(existsSync(build.bin)).toBe(true)
  expect(existsSync(join(build.project, "dist", "program.cjs.cache"))).toBe(false)
  expect(readdirSync(build.project).filter((name) => name.startsWith("dist."))).toEqual([])
}

it("goes on without the code cache when it cannot make its scratch folder", async () => {
  // TMPDIR names a folder that does not exist, as on a machine whose temporary folder was taken away.
  const build = startBuild('process.env.TMPDIR = require("node:path").join(process.env.TMPDIR, "gone")\n')
  await expectBuiltWithoutCache(build, ["no scratch folder in ", "ENOENT"])
}, 90_000)

it("goes on without the code cache and removes its scratch folder when spawn refuses to start a child", async () => {
  // Node's spawn throws for a program named with a NUL byte, as for any argument it rejects, rather than emit 'error'
  // as it does for a program it cannot start: the build's first child, the simulator, is refused so.
  const build = startBuild('process.execPath += "\\0"\n')
  await expectBuiltWithoutCache(build, ["without null bytes"])
  expect(readdirSync(build.scratches)).toEqual([])
}, 90_000)
