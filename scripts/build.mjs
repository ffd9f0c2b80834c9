/**
 * `npm run build`: bundles the command and the benchmark from the TypeScript sources into dist/ with esbuild.
 *
 * Loading one bundle is about twice as fast as loading the ~900 ES modules that tsc's output imports from
 * node_modules (effect, @effect/cli, ...), which was most of the command's start-up time. The bundle holds every
 * dependency, so dist/ runs without node_modules (the image's runtime stage copies dist/ alone).
 *
 * The program (src/main.ts and all it uses) becomes one CommonJS file, dist/program.cjs, which dist/bin.js (from
 * src/bin.ts) loads with a V8 code cache made here by two audits of the simulator: Node 20 can cache compiled code
 * only for scripts it is handed as text, not for ES modules, and compiling the program was about a third of the
 * time before the first request. The benchmark's entry points stay ES modules at the paths tsc gave them
 * (src/X.ts -> dist/X.js), since package.json's scripts and the benchmark name them. Type checking is not done
 * here: `npm run typecheck` (part of `npm test`) does it.
 */
import { spawn } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = fileURLToPath(new URL("..", import.meta.url))

/** Output paths are dist/ + the entry's path under src/, .ts -> .js. */
const ENTRY_POINTS = ["src/bin.ts", "src/Bench/main.ts", "src/Bench/Floor.ts", "src/Bench/Probe.ts"]

/** What both builds share. */
const COMMON = {
  bundle: true,
  platform: "node",
  target: "node20",
  // Minified: measured about 10 ms (3%) faster to start than unminified. Stack traces then name minified code;
  // `node --enable-source-maps dist/bin.js ...` maps them back to src/ (dist/bin.js then loads the program without
  // the code cache; the maps do not hold the sources).
  minify: true,
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "none",
  metafile: true,
  logLevel: "warning"
}

/** Sources that find files relative to their own module, which only works where their output keeps its folder. */
const usesImportMetaUrl = (input) =>
  input.startsWith("src/") && readFileSync(at(input), "utf8").includes("import.meta.url")

/** The simulator's base URL and read key, once its banner is whole; rejects if it ends first. */
const simulatorReady = (simulator) =>
  new Promise((resolve, reject) => {
    let said = ""
    simulator.process.stdout.setEncoding("utf8")
    simulator.process.stdout.on("data", (text) => {
      said += text
      // The banner's last line: the URL and key above it are then complete.
      if (!said.includes("Stop with")) return
      const url = /base URL:\s+(\S+)/.exec(said)?.[1]
      const token = /read key:\s+(\S+)/.exec(said)?.[1]
      if (url === undefined || token === undefined)
        reject(new Error(`the simulator's banner has no URL or key: ${said}`))
      else resolve({ url, token })
    })
    simulator.ended.then(({ code, signal, error }) =>
      reject(new Error(`the simulator ${error ? `did not start: ${error.message}` : `exited with ${code ?? signal}`}`))
    )
  })

/**
 * Makes the code cache the way the command is used most: the nightly `run`, against a simulator in a process of its
 * own, comparing with the report of the run before and writing its email (as an .eml file, since no SMTP server is
 * set). The launcher then writes the cache of every function that run compiled, and only those: a cache made by the
 * demo, which serves its simulator in the same process, also held the simulator's code, which every start of `run`
 * deserialized for nothing (bench/RESULTS.md). Without a cache the command still works, only starts slower, so a
 * failure here is reported and the build goes on. Made in dist/, not in the staging folder: V8 keeps the script's
 * file name in the cache, and stack traces would name a folder that no longer exists.
 */
const warmCodeCache = async () => {
  let scratch
  try {
    scratch = mkdtempSync(join(tmpdir(), "panther-audit-build-"))
  } catch (error) {
    // Nowhere to run the audits (TMPDIR missing, full or read-only): the build goes on without the cache, as for any
    // other failure of this step, where the throw failed the whole build.
    process.stderr.write(
      `build: no code cache was made (no scratch folder in ${tmpdir()}: ${error.message}); the command will start slower.\n`
    )
    return
  }
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }
  const children = new Set()
  // The simulator serves until it is killed, so a build stopped meanwhile (SIGTERM from a CI job's time limit, a
  // terminal closed) kills it and any run first, and then ends as the signal would have. In place before anything
  // is started, and the children awaited rather than run synchronously, so that a signal is handled when it comes.
  const STOPPING = ["SIGINT", "SIGTERM", "SIGHUP"]
  const stopped = (signal) => {
    for (const each of STOPPING) process.off(each, stopped)
    for (const each of children) each.process.kill("SIGKILL")
    rmSync(scratch, { recursive: true, force: true })
    process.kill(process.pid, signal)
  }
  for (const each of STOPPING) process.on(each, stopped)
  /** `dist/bin.js` with `args`, in the scratch folder: the process, a promise of how it ended, and its stderr. */
  const start = (args, env) => {
    const spawned = spawn(process.execPath, [at("dist/bin.js"), ...args], {
      cwd: scratch,
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    spawned.stderr.setEncoding("utf8").on("data", (text) => {
      stderr += text
    })
    // `close`, not `exit`: by then all it wrote has arrived, so a failure's reason is not cut off.
    const ended = new Promise((resolve) => {
      spawned.once("error", (error) => resolve({ code: null, signal: null, error }))
      spawned.once("close", (code, signal) => resolve({ code, signal }))
    })
    const started = { process: spawned, ended, stderr: () => stderr }
    children.add(started)
    ended.then(() => children.delete(started))
    return started
  }
  /** A run of the audit, killed if it has not ended in two minutes. */
  const run = async (env) => {
    const audit = start(["run", "--log-level", "warn"], env)
    // Its summary is not wanted; read, so that no pipe fills.
    audit.process.stdout.resume()
    const limit = setTimeout(() => audit.process.kill("SIGKILL"), 120_000)
    const { code, signal, error } = await audit.ended
    clearTimeout(limit)
    if (code !== 0) {
      throw new Error(
        `the run ${error ? `did not start: ${error.message}` : `exited with ${code ?? signal}`}: ${audit.stderr()}`.trim()
      )
    }
  }
  let simulator
  let timer
  // Every child is started inside the try: `spawn` throws for arguments it rejects (a NUL byte in one or in an
  // environment value) and for some failures of the system call (an environment too large), where for a program it
  // cannot start it emits 'error'. Either way the step fails, says why and cleans up; a throw from the simulator's
  // start, outside it, failed the build and left the scratch folder behind.
  try {
    // Few users on purpose: a run past HeapGrowth's thresholds (2,000 and 10,000 users) changes V8 flags, and a cache
    // written after that would not match the flags of the next start.
    simulator = start(["simulate", "--port", "0", "--users", "1000", "--log-level", "none"], {})
    const { url, token } = await Promise.race([
      simulatorReady(simulator),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("the simulator was not ready in 60 s")), 60_000)
      })
    ])
    mkdirSync(join(scratch, "reports"))
    const env = {
      PANTHER_API_URL: url,
      PANTHER_API_TOKEN: token,
      AUDIT_REPORT_DIR: join(scratch, "reports"),
      MAIL_TO: "security-team@example.com"
    }
    await run(env)
    await run({ ...env, PANTHER_AUDIT_CODE_CACHE: "write" })
    if (!existsSync(at("dist/program.cjs.cache"))) throw new Error("the run that was to write it wrote none")
  } catch (error) {
    process.stderr.write(
      `build: no code cache was made (${error.message ?? error}); the command will start slower.\n${simulator?.stderr() ?? ""}`
    )
  } finally {
    clearTimeout(timer)
    if (simulator !== undefined) {
      simulator.process.kill("SIGKILL")
      await simulator.ended
    }
    rmSync(scratch, { recursive: true, force: true })
    for (const each of STOPPING) process.off(each, stopped)
  }
}

// The new dist/ is written beside the old one and then takes its place whole: nothing stale from an earlier build
// (or from tsc's per-file output) lingers, and a test run or benchmark using dist/ while another build runs (each
// `npm test` builds first) never finds it missing or half written. Next to dist/, so that the source maps' paths,
// relative to the map, stay right after the move.
const STAGING = `dist.building-${process.pid}`
const PREVIOUS = `dist.previous-${process.pid}`
const at = (path) => join(root, path)

/** Puts the staged build in dist/'s place, retrying if another build's dist/ lands there in between. */
const replaceDist = () => {
  for (let attempt = 1; ; attempt++) {
    rmSync(at(PREVIOUS), { recursive: true, force: true })
    try {
      renameSync(at("dist"), at(PREVIOUS))
    } catch (error) {
      if (error.code !== "ENOENT") throw error
    }
    try {
      renameSync(at(STAGING), at("dist"))
    } catch (error) {
      if ((error.code !== "ENOTEMPTY" && error.code !== "EEXIST") || attempt === 5) throw error
      continue
    }
    // The dist/ replaced goes at once, not when the build ends: a build stopped while it makes the code cache left
    // it beside the new one.
    rmSync(at(PREVIOUS), { recursive: true, force: true })
    return
  }
}

try {
  const program = await build({
    ...COMMON,
    absWorkingDir: root,
    entryPoints: ["src/main.ts"],
    outfile: `${STAGING}/program.cjs`,
    format: "cjs"
  })
  const result = await build({
    ...COMMON,
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outbase: "src",
    outdir: STAGING,
    format: "esm",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    // The benchmark's own code imports only Node, but the banner keeps a CommonJS dependency working should one
    // be imported. Named apart from anything the bundled code may import.
    banner: {
      js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);'
    }
  })

  // Code that finds files relative to its own module (`new URL("../bin.js", import.meta.url)`, as
  // src/Bench/Processes.ts does) is only right if it lands in an output file in the same folder as its source did:
  // bundled into a shared chunk in dist/chunks/, it would look in the wrong place; in the CommonJS program it has
  // no import.meta at all. Refuse such a build.
  const misplaced = Object.keys(program.metafile.inputs)
    .filter(usesImportMetaUrl)
    .map((input) => `${input} -> dist/program.cjs`)
  for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
    if (!output.endsWith(".js")) continue
    for (const input of Object.keys(inputs)) {
      if (!usesImportMetaUrl(input)) continue
      if (dirname(relative("src", input)) !== dirname(relative(STAGING, output))) {
        misplaced.push(`${input} -> ${join("dist", relative(STAGING, output))}`)
      }
    }
  }
  if (misplaced.length > 0) {
    throw new Error(
      `these sources resolve paths from import.meta.url but were bundled where that does not work:\n  ${misplaced.join("\n  ")}`
    )
  }

  // dist/ runs on its own, without the project's package.json next to it (the image copies dist/ alone), so it
  // says itself that its .js files are ES modules, rather than leave Node to guess from their syntax.
  writeFileSync(at(`${STAGING}/package.json`), '{ "type": "module" }\n')
  chmodSync(at(`${STAGING}/bin.js`), 0o755)
  replaceDist()
  await warmCodeCache()
} catch (error) {
  // esbuild has printed its own errors already; dist/ is left as it was.
  if (!(error instanceof Error && "errors" in error)) process.stderr.write(`build: ${error.message ?? error}\n`)
  process.exitCode = 1
} finally {
  rmSync(at(STAGING), { recursive: true, force: true })
  rmSync(at(PREVIOUS), { recursive: true, force: true })
}
