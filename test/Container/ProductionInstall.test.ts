/**
 * The image, without Docker. The runtime stage of the Dockerfile is repeated in an empty directory standing in for
 * /app, with no node_modules in it or in any folder above it: the built dist/ (test/globalSetup.ts runs
 * `npm run build`, the build stage's last step), which is all the runtime stage copies, and the bin link. There the
 * command must start, audit the simulator, and run the compose file's `audit` service (its environment pointed at
 * loopback) end to end. An import the bundles left to node_modules fails here, as it would in the image.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from "node:fs"
import { builtinModules } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Exit, Scope } from "effect"
import { build } from "esbuild"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parse } from "yaml"
import { startSmtpServer, type TestSmtpServer } from "../Email/support/SmtpTestServer.js"
import { endWithTest } from "../support/ChildProcesses.js"
import { filesUnder } from "../support/files.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const DOCKERFILE = readFileSync(join(ROOT, "Dockerfile"), "utf8")
const DOCKERIGNORE = readFileSync(join(ROOT, ".dockerignore"), "utf8")
const COMPOSE = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8")) as Compose

interface ComposeService {
  readonly healthcheck?: { readonly test?: ReadonlyArray<string> }
  readonly image?: string
  readonly build?: string
  readonly command?: ReadonlyArray<string>
  readonly environment?: Readonly<Record<string, string>>
  readonly volumes?: ReadonlyArray<string>
}
interface Compose {
  readonly services: Readonly<Record<string, ComposeService>>
}

/** The runtime stage: from its FROM line to the end. */
const RUNTIME_STAGE = DOCKERFILE.slice(DOCKERFILE.indexOf(" AS runtime"))

/** The runtime stage's COPY lines: what the image holds besides the base image. */
const RUNTIME_COPIES = RUNTIME_STAGE.split("\n").filter((line) => line.startsWith("COPY "))

/** The files of dist/ the runtime stage's one COPY takes, by name. */
const COPIED_FROM_DIST = (RUNTIME_COPIES[0] ?? "")
  .split(" ")
  .filter((part) => part.startsWith("/app/dist/"))
  .map((path) => path.slice("/app/dist/".length))

let app = ""
let reports = ""

/** The folders from `directory` up to the root that hold a node_modules, where Node would look for packages. */
const nodeModulesAbove = (directory: string): Array<string> => {
  const found: Array<string> = []
  for (let at = directory; ; at = dirname(at)) {
    if (existsSync(join(at, "node_modules"))) found.push(at)
    if (dirname(at) === at) return found
  }
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "panther-audit-app-"))
  reports = join(app, "reports")
  // Node would find the packages the bundles should hold in a node_modules above the folder, and hide their absence.
  const above = nodeModulesAbove(app)
  if (above.length > 0) throw new Error(`a node_modules lies above the stand-in for /app: ${above.join(", ")}`)
  // COPY --from=build /app/dist/bin.js ... ./dist/, the runtime stage's only COPY (asserted below).
  mkdirSync(join(app, "dist"))
  for (const name of COPIED_FROM_DIST) cpSync(join(ROOT, "dist", name), join(app, "dist", name))
  // RUN chmod 0755 /app/dist/bin.js && ln -s /app/dist/bin.js /usr/local/bin/panther-audit && mkdir -p /app/reports
  chmodSync(join(app, "dist", "bin.js"), 0o755)
  mkdirSync(join(app, "bin"))
  symlinkSync(join(app, "dist", "bin.js"), join(app, "bin", "panther-audit"))
  mkdirSync(reports)
})

afterAll(() => rmSync(app, { recursive: true, force: true }))

/** The environment of a container: nothing from this shell but PATH (with the bin link) and HOME. */
const containerEnv = (variables: Readonly<Record<string, string>>) => ({
  PATH: `${join(app, "bin")}:${process.env.PATH ?? ""}`,
  HOME: process.env.HOME ?? "",
  NODE_ENV: "production",
  AUDIT_REPORT_DIR: reports,
  ...variables
})

interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const panther = (args: ReadonlyArray<string>, variables: Readonly<Record<string, string>> = {}) => {
  // Through the link, as ENTRYPOINT ["panther-audit"] starts it: the shebang line, then Node.
  const child = endWithTest(spawn("panther-audit", args, { cwd: app, env: containerEnv(variables) }))
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8")
  })
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000)
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr })
    })
  })
  return { child, finished, output: () => ({ stdout, stderr }) }
}

const waitUntil = async (what: string, done: () => boolean, child: ChildProcess, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * Every import of every .js file under `directory`, static or dynamic, resolved from there as Node would: esbuild
 * bundles them again (and throws on one it cannot resolve) and reports what it left outside, which can only be a
 * Node built-in module. Its own parse, rather than a pattern over the minified text, which holds strings like
 * `from"` too.
 */
const importsLeftOutside = async (directory: string): Promise<Set<string>> => {
  const files = [...filesUnder(directory, ".js")]
  const result = await build({
    absWorkingDir: directory,
    entryPoints: files,
    bundle: true,
    write: false,
    outdir: join(directory, "unused"),
    platform: "node",
    format: "esm",
    metafile: true,
    logLevel: "silent"
  })
  return new Set(
    Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.filter((imported) => imported.external === true).map((imported) => imported.path)
    )
  )
}

describe("the Dockerfile and .dockerignore", () => {
  it("build with the dependencies, run the bundles alone on Node 22 slim, as a non-root user, schedule by default", () => {
    expect(DOCKERFILE).toMatch(/^ARG NODE_IMAGE=node:22-[a-z]+-slim$/m)
    expect(DOCKERFILE).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m)
    expect(DOCKERFILE).toMatch(/^RUN npm ci --ignore-scripts/m)
    // A build whose audit made no code cache stops the image there, not at the runtime stage's COPY of it.
    expect(DOCKERFILE).toMatch(/^RUN npm run build && test -s dist\/program\.cjs\.cache$/m)
    expect(RUNTIME_COPIES).toHaveLength(1)
    expect(RUNTIME_COPIES[0]).toMatch(/^COPY --from=build (\/app\/dist\/\S+ )+\.\/dist\/$/)
    // The program and what starts it; not the benchmark or the source maps.
    expect([...COPIED_FROM_DIST].sort()).toEqual(["bin.js", "package.json", "program.cjs", "program.cjs.cache"])
    expect(RUNTIME_STAGE).not.toMatch(/^RUN .*\bnpm\b/m)
    expect(RUNTIME_STAGE).toContain("ln -s /app/dist/bin.js /usr/local/bin/panther-audit")
    expect(RUNTIME_STAGE).toMatch(/^USER node$/m)
    expect(RUNTIME_STAGE).toContain('VOLUME ["/app/reports"]')
    expect(RUNTIME_STAGE).toContain('ENTRYPOINT ["panther-audit"]')
    expect(RUNTIME_STAGE).toContain('CMD ["schedule"]')
  })

  it("send the build only what it copies: no node_modules, dist, reports, .git or .env", () => {
    const patterns = DOCKERIGNORE.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"))
    expect(patterns[0]).toBe("*")
    const included = patterns.filter((line) => line.startsWith("!")).map((line) => line.slice(1).replace(/\/$/, ""))
    const copied = [...DOCKERFILE.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) =>
      (match[1] ?? "").split(" ")
    )
    expect(copied.length).toBeGreaterThan(0)
    for (const source of copied) expect(included).toContain(source.replace(/\/$/, ""))
    for (const kept of ["node_modules", "dist", "reports", ".git", ".env"]) expect(included).not.toContain(kept)
  })
})

describe("the production install (the image's runtime stage, without Docker)", () => {
  it("is dist/ alone, and every import in it resolves within dist/ or to a Node built-in module", async () => {
    expect(readdirSync(app).sort()).toEqual(["bin", "dist", "reports"])
    const outside = await importsLeftOutside(app)
    expect(outside.has("node:fs")).toBe(true)
    for (const specifier of outside) {
      expect(specifier.startsWith("node:") || builtinModules.includes(specifier), specifier).toBe(true)
    }
  })

  it("runs `panther-audit --help` through the bin link on PATH", async () => {
    const help = await panther(["--help"]).finished
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("schedule")
    const version = await panther(["--version"]).finished
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version
    )
  })

  it("runs one audit against the simulator and writes the reports", async () => {
    const simulator: StartedSimulator = await startSimulator({ users: 150, seed: 5 })
    try {
      const result = await panther(["run"], {
        PANTHER_API_URL: simulator.baseUrl,
        PANTHER_API_TOKEN: simulator.readToken
      }).finished
      expect(result.code, result.stderr).toBe(0)
      const written = readdirSync(reports)
      expect(written.filter((name) => /^user-audit-\d{8}T\d{6}Z(-\d+)?\.(csv|json)$/.test(name))).toHaveLength(2)
      expect(written.filter((name) => name.endsWith(".tmp"))).toEqual([])
    } finally {
      await simulator.close()
    }
  })
})

describe("docker-compose.yml, its services run from the production install", () => {
  const { simulator, mailpit, audit } = COMPOSE.services

  /** The `audit` service's health check, as the container's shell runs it, on `folder` in place of /app/reports. */
  const healthOf = (folder: string) => {
    const [, composeCommand = ""] = audit?.healthcheck?.test ?? []
    // Compose turns `$$` back into the shell's `$`.
    const command = composeCommand.replaceAll("$$", "$").replaceAll("/app/reports", folder)
    return spawnSync("/bin/sh", ["-c", command]).status
  }

  it("wires the audit to the simulator and mailpit, with the simulator's key, and reports on the image's volume", () => {
    expect(simulator?.command?.slice(0, 5)).toEqual(["simulate", "--host", "0.0.0.0", "--port", "4010"])
    expect(mailpit?.image).toMatch(/^axllent\/mailpit:/)
    expect(audit?.command).toEqual(["schedule"])
    expect(audit?.image).toBe(simulator?.image)
    const environment = audit?.environment ?? {}
    expect(environment.PANTHER_API_URL).toBe("http://simulator:4010")
    expect(environment.PANTHER_ALLOW_INSECURE_HTTP).toBe("true")
    expect(environment.PANTHER_API_TOKEN).toBe(simulator?.environment?.SIMULATOR_TOKEN)
    expect(environment.SMTP_URL).toBe("smtp://mailpit:1025")
    expect(audit?.volumes).toContain("./reports:/app/reports")
  })

  it("is the health check the README's compose service for a real Panther keeps", () => {
    // A copy of that example without it shows a job whose every run fails as running fine.
    const readme = readFileSync(join(ROOT, "README.md"), "utf8")
    const section = readme.slice(readme.indexOf("### Real deployments"))
    const example = parse(/```yaml\n([\s\S]*?)```/u.exec(section)?.[1] ?? "") as Compose
    expect(audit?.healthcheck?.test).toBeDefined()
    expect(example.services.audit?.healthcheck).toEqual(audit?.healthcheck)
  })

  it("has the health check pass over a report stamped ahead of the clock, as the schedule does", () => {
    const folder = mkdtempSync(join(tmpdir(), "reports-ahead-"))
    const report = (name: string, hoursFromNow: number) => {
      const modified = new Date(Date.now() + hoursFromNow * 60 * 60 * 1000)
      writeFileSync(join(folder, name), "{}")
      utimesSync(join(folder, name), modified, modified)
    }
    try {
      // Written while the host's clock was a year ahead, and set back since. The last run since is three days old:
      // every run after it failed, and the job is not healthy, whatever that report says.
      report("user-audit-20271204T020000Z.json", 365 * 24)
      report("user-audit-20261201T020000Z.json", -72)
      expect(healthOf(folder)).not.toBe(0)
      // A run today whose email went out is a healthy job, though the report ahead was marked undelivered.
      writeFileSync(join(folder, "user-audit-20271204T020000Z.undelivered"), "why\n")
      report("user-audit-20261204T020000Z.json", 0)
      expect(healthOf(folder)).toBe(0)
      // Within the five minutes clocks may differ (a volume shared by two machines), a report ahead is the newest.
      report("user-audit-20261204T020300Z.json", 3 / 60)
      writeFileSync(join(folder, "user-audit-20261204T020300Z.undelivered"), "why\n")
      expect(healthOf(folder)).not.toBe(0)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it("sets only environment variables the command reads", () => {
    const sources = filesUnder(join(ROOT, "src"), ".ts")
      .map((file) => readFileSync(file, "utf8"))
      .join("\n")
    for (const service of [simulator, audit]) {
      for (const name of Object.keys(service?.environment ?? {})) expect(sources, name).toContain(`"${name}"`)
    }
  })

  it("runs the `audit` service's command and environment: an audit at start, its reports and email, SIGTERM exits 143", async () => {
    // The simulator service's own command, on loopback and a free port instead of 0.0.0.0:4010.
    const simulatorArgs = (simulator?.command ?? []).map((arg, index, all) =>
      all[index - 1] === "--host" ? "127.0.0.1" : all[index - 1] === "--port" ? "0" : arg
    )
    const simulatorProcess = panther(simulatorArgs, simulator?.environment ?? {})
    const scope = Effect.runSync(Scope.make())
    try {
      await waitUntil(
        "the simulator",
        () => /base URL: +http:\/\/127\.0\.0\.1:\d+/.test(simulatorProcess.output().stdout),
        simulatorProcess.child
      )
      const simulatorUrl = /base URL: +(http:\/\/127\.0\.0\.1:\d+)/.exec(simulatorProcess.output().stdout)?.[1] ?? ""
      // Mailpit stands in as a plain SMTP server (no STARTTLS), as mailpit is.
      const smtp: TestSmtpServer = await Effect.runPromise(Scope.extend(startSmtpServer({ noStartTls: true }), scope))

      // Compose interpolates ${VAR:-default}; nothing is set here, so the defaults apply.
      const environment = Object.fromEntries(
        Object.entries(audit?.environment ?? {}).map(([name, value]) => [
          name,
          value
            .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1")
            .replace("http://simulator:4010", simulatorUrl)
            .replace("smtp://mailpit:1025", `smtp://127.0.0.1:${smtp.port}`)
        ])
      )
      expect(environment.AUDIT_SCHEDULE).toBe("0 2 * * *")
      const scheduled = panther(audit?.command ?? [], environment)
      await waitUntil("the start-up audit and its email", () => smtp.received.length === 1, scheduled.child)
      // The reports go in place with a pending `.undelivered` mark, cleared once the relay has accepted the email:
      // the relay has the message a moment before the run hears so.
      await waitUntil(
        "the email's pending mark cleared",
        () => !readdirSync(reports).some((name) => name.endsWith(".undelivered")),
        scheduled.child
      )
      expect(smtp.received[0]?.to).toEqual([environment.MAIL_TO])
      expect(smtp.received[0]?.raw.toString("utf8")).toMatch(/^Subject: /m)
      const written = readdirSync(reports)
      expect(written.filter((name) => name.endsWith(".json")).length).toBeGreaterThanOrEqual(1)
      // The service's health check, on the stand-in for /app/reports: healthy now, unhealthy with no recent report.
      const [kind, composeCommand = ""] = audit?.healthcheck?.test ?? []
      expect(kind).toBe("CMD-SHELL")
      // Compose reads $VAR in every value: the shell's own $ must be written $$, which compose turns back into $.
      expect(composeCommand.replaceAll("$$", "")).not.toContain("$")
      const health = healthOf
      expect(health(reports)).toBe(0)
      const empty = mkdtempSync(join(tmpdir(), "no-reports-"))
      try {
        expect(health(empty)).not.toBe(0)
        // A newest report whose email was not delivered is a failing job too.
        writeFileSync(join(empty, "user-audit-20260630T020000Z.json"), "{}")
        expect(health(empty)).toBe(0)
        writeFileSync(join(empty, "user-audit-20260630T020000Z.undelivered"), "why\n")
        expect(health(empty)).not.toBe(0)
        // So is one older than 26 hours.
        rmSync(join(empty, "user-audit-20260630T020000Z.undelivered"))
        const old = new Date(Date.now() - 27 * 60 * 60 * 1000)
        utimesSync(join(empty, "user-audit-20260630T020000Z.json"), old, old)
        expect(health(empty)).not.toBe(0)
      } finally {
        rmSync(empty, { recursive: true, force: true })
      }
      // The email goes out before the run ends; the schedule says when the next audit is only after that.
      await waitUntil(
        "the next audit's time",
        () => scheduled.output().stderr.includes('"next audit at'),
        scheduled.child
      )

      const signalledAt = Date.now()
      scheduled.child.kill("SIGTERM")
      const result = await scheduled.finished
      expect(result.code).toBe(143)
      expect(Date.now() - signalledAt).toBeLessThan(3_000)
      expect(result.stderr).toContain('"next audit at')
      expect(result.stderr).not.toContain(environment.PANTHER_API_TOKEN)

      simulatorProcess.child.kill("SIGTERM")
      expect((await simulatorProcess.finished).code).toBe(143)
    } finally {
      simulatorProcess.child.kill("SIGKILL")
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  })
})
