/**
 * `panther-audit simulate` as a real process: the built CLI (`dist/bin.js`, built by test/globalSetup.ts), its
 * banner, request logs, environment variables, configuration errors and shutdown on SIGTERM and SIGINT.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { connect, createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NodeContext } from "@effect/platform-node"
import { Effect, Option, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { revealsSecret, WITHHELD } from "../../src/Cli/Redact.js"
import { signalExitCode } from "../../src/Cli/StopSignals.js"
import type { FaultOptions } from "../../src/Simulator/Faults.js"
import type { RunningSimulator } from "../../src/Simulator/Server.js"
import { type SimulateFlags, simulatorOptionsFromFlags } from "../../src/Simulator/SimulateCommand.js"
import { formatBanner } from "../../src/Simulator/StartupBanner.js"
import { DEFAULT_ADMIN_TOKEN, DEFAULT_READ_TOKEN } from "../../src/Simulator/Tokens.js"
import { endWithTest } from "../support/ChildProcesses.js"
import { stderrText } from "../support/cli.js"
import { sentOnSocket } from "../support/rawSocket.js"
import { httpFor, listAll, userOf } from "./SimulatorHttp.js"

const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url))

interface Running {
  readonly child: ChildProcess
  readonly baseUrl: string
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  readonly exit: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

/** The environment without any SIMULATOR_* variable of the machine running the tests. */
const cleanEnv = (extra: Readonly<Record<string, string>> = {}) => {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("SIMULATOR_") && value !== undefined) env[key] = value
  }
  return { ...env, ...extra }
}

const launch = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) => {
  const child = endWithTest(spawn(process.execPath, [BIN, "simulate", ...args], { env: cleanEnv(env), stdio: "pipe" }))
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  )
  return { child, exit, output: () => ({ stdout, stderr }) }
}

/**
 * `head` sent as it is, with `Connection: close` after it unless `hangUpAfterMs` is given: then the connection is
 * dropped that long after sending. Resolves to what came back.
 */
const sentAsIs = (baseUrl: string, head: string, hangUpAfterMs?: number) =>
  sentOnSocket(baseUrl, hangUpAfterMs === undefined ? `${head}Connection: close\r\n\r\n` : head, hangUpAfterMs)

/** Starts the command and waits for its ready banner. */
const start = async (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): Promise<Running> => {
  const launched = launch(args, env)
  const deadline = Date.now() + 20_000
  for (;;) {
    const match = /base URL:\s+(\S+)/.exec(launched.output().stdout)
    if (match?.[1] !== undefined) return { ...launched, baseUrl: match[1] }
    if (launched.child.exitCode !== null || Date.now() > deadline) {
      launched.child.kill("SIGKILL")
      throw new Error(`simulate did not become ready:\n${JSON.stringify(launched.output(), null, 2)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Runs the command to completion (for configuration errors, which end it before it listens). */
const runToEnd = async (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) => {
  const launched = launch(args, env)
  // Only for a command that listens instead of refusing, which would never end. Eight started at once on a busy
  // 2-core machine each took over 20 s to start and refuse, were killed (exit code null), and failed the test.
  const timer = setTimeout(() => launched.child.kill("SIGKILL"), 60_000)
  const { code } = await launched.exit
  clearTimeout(timer)
  return { code, ...launched.output() }
}

describe("panther-audit simulate", () => {
  it("prints its URL and keys, serves every user to paging, logs each request without a key, and stops on SIGTERM", async () => {
    const cli = await start(["--port", "0", "--users", "50", "--seed", "3"])
    try {
      const { stdout } = cli.output()
      expect(stdout).toContain(DEFAULT_READ_TOKEN)
      expect(stdout).toContain(DEFAULT_ADMIN_TOKEN)
      expect(cli.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const sim = { baseUrl: cli.baseUrl, readToken: DEFAULT_READ_TOKEN, adminToken: DEFAULT_ADMIN_TOKEN }
      const { users } = await listAll(sim, { "include-deactivated": "true", limit: "7" })
      expect(new Set(users.map((user) => user.id)).size).toBe(50)

      const http = httpFor(sim)
      const body = { email: "cli.user@example.com", givenName: "Cli", familyName: "User", role: { name: "Analyst" } }
      const created = userOf(await http.post("/users", body))
      expect(userOf(await http.post(`/users/${created.id}`, { ...body, givenName: "Renamed" })).givenName).toBe(
        "Renamed"
      )
      expect((await http.del(`/users/${created.id}`)).status).toBe(200)
      expect((await http.get("/users", { key: "wrong-key" })).status).toBe(401)
      // A client that took its key for a user id: the key is in the path, which is logged.
      expect((await http.get(`/users/${DEFAULT_ADMIN_TOKEN}`)).status).toBe(404)
      expect((await http.get(`/users/x${encodeURIComponent(DEFAULT_READ_TOKEN.toUpperCase())}`)).status).toBe(404)
      // One character of it percent-encoded: no form of the key, yet the key to whoever reads the log.
      expect((await http.get(`/users/${DEFAULT_ADMIN_TOKEN.slice(0, -1)}%37`)).status).toBe(404)
      // A request line in absolute form, its scheme in capitals: logged by its path, without the host.
      const { host } = new URL(cli.baseUrl)
      expect(await sentAsIs(cli.baseUrl, `GET HTTP://${host}/roles HTTP/1.1\r\nHost: x\r\n`)).toMatch(
        /^HTTP\/1\.1 401 /
      )
      // A body Node refuses halfway (a malformed chunk): the client, still there, reads a 400, and gave nothing up.
      const badChunk = "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\nzz\r\n"
      expect(await sentAsIs(cli.baseUrl, `POST /users/x HTTP/1.1\r\nHost: x\r\n${badChunk}`, 5000)).toMatch(
        /^HTTP\/1\.1 400 [\s\S]*not valid HTTP \(HPE_INVALID_CHUNK_SIZE\)/
      )
      // A client that hangs up halfway through its body: nothing to answer, and no 400 for a body it never finished.
      const halfBody = "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
      expect(await sentAsIs(cli.baseUrl, `POST /users HTTP/1.1\r\nHost: x\r\n${halfBody}`, 300)).toBe("")
    } finally {
      cli.child.kill("SIGTERM")
    }
    // It ends by itself once the server has closed: 128 + 15, the conventional code for SIGTERM (see StopSignals.ts).
    expect((await cli.exit).code).toBe(signalExitCode("SIGTERM"))
    const { stderr } = cli.output()
    expect(stderr).toMatch(/GET \/users 200 \d+ms/)
    expect(stderr).toMatch(/POST \/users 200 \d+ms/)
    expect(stderr).toMatch(/DELETE \/users\/[0-9a-f-]+ 200 \d+ms/)
    expect(stderr).toMatch(/GET \/users 401 \d+ms/)
    expect(stderr).toMatch(/GET \/users\/\[redacted\] 404 \d+ms/)
    expect(stderr).toMatch(/GET \/users\/x\[redacted\] 404 \d+ms/)
    expect(stderr).toMatch(/GET \/roles 401 \d+ms/)
    expect(stderr).not.toContain(`HTTP://${new URL(cli.baseUrl).host}`)
    expect(stderr).toMatch(/POST \/users aborted by the client after \d+ms/)
    expect(stderr).not.toMatch(/POST \/users 400/)
    expect(stderr).toMatch(/POST \/users\/x 400 \d+ms/)
    expect(stderr).not.toMatch(/POST \/users\/x aborted/)
    expect(stderr).toContain("simulator stopped")
    for (const secret of [DEFAULT_READ_TOKEN, DEFAULT_ADMIN_TOKEN, "wrong-key", "cli.user@example.com"]) {
      expect(stderr.toLowerCase()).not.toContain(secret.toLowerCase())
    }
    expect(revealsSecret(stderr, DEFAULT_ADMIN_TOKEN)).toBe(false)
    expect(stderr).toContain(`GET ${WITHHELD} 404`)
    await expect(fetch(`${cli.baseUrl}/users`)).rejects.toThrow()
  })

  it("stops on SIGTERM while it is still generating its users, not once a million are made", async () => {
    // 5,000,000 users take minutes to generate. The signal comes once the command has spent 1.5 s of CPU time (its
    // start-up takes a fraction of that): a point it reaches however loaded the machine is, long before the users
    // are made, and after it watches for the signal.
    const launched = launch(["--port", "0", "--users", "5000000"])
    const timer = setTimeout(() => launched.child.kill("SIGKILL"), 60_000)
    const cpuSeconds = () => {
      // utime and stime, the 14th and 15th fields, after the command's name in parentheses; in ticks of 1/100 s.
      const fields = readFileSync(`/proc/${launched.child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
      return (Number(fields[11]) + Number(fields[12])) / 100
    }
    while (launched.child.exitCode === null && cpuSeconds() < 1.5)
      await new Promise((resolve) => setTimeout(resolve, 20))
    const signalledAt = Date.now()
    launched.child.kill("SIGTERM")
    const { code } = await launched.exit
    clearTimeout(timer)
    // Within the 5 s a stop gives itself, wound down: before, the signal was seen only once every user was made.
    expect(Date.now() - signalledAt).toBeLessThan(4_000)
    expect(code).toBe(signalExitCode("SIGTERM"))
    expect(launched.output().stdout).not.toContain("simulator ready")
    expect(launched.output().stderr).toContain("stopped by SIGTERM.")
  }, 70_000)

  it("stops on SIGTERM at once with a request still in progress, cutting it off, not after its 5 s grace", async () => {
    const cli = await start(["--port", "0", "--users", "5", "--latency-ms", "600000"])
    const { hostname, port } = new URL(cli.baseUrl)
    // A request the latency holds for ten minutes, as a client's would be when the simulator is stopped.
    const held = connect(Number(port), hostname)
    const cutOff = new Promise<string>((resolve) => {
      let answer = ""
      held.setEncoding("utf8").on("data", (chunk: string) => {
        answer += chunk
      })
      held.on("error", () => undefined)
      held.on("close", () => resolve(answer))
    })
    await new Promise<void>((resolve) =>
      held.write(`GET /users HTTP/1.1\r\nHost: x\r\nX-API-Key: ${DEFAULT_READ_TOKEN}\r\n\r\n`, () => resolve())
    )
    // Answered at once (no Host header is refused before the latency): by then the server has the request above too.
    expect(await sentAsIs(cli.baseUrl, "GET /users HTTP/1.1\r\n")).toMatch(/^HTTP\/1\.1 400 /)
    cli.child.kill("SIGTERM")
    const { code } = await cli.exit
    expect(code).toBe(signalExitCode("SIGTERM"))
    expect(await cutOff).toBe("")
    const lines = stderrText(cli.output().stderr).trimEnd().split("\n")
    // Wound down: before, the server waited for the request, and the grace ended the process, saying so at WARN.
    expect(lines.slice(-2)).toEqual(["simulator stopped", "stopped by SIGTERM."])
    expect(lines.join("\n")).not.toContain("still winding down")
  })

  it("takes its settings from environment variables, does not echo chosen keys, and stops on SIGINT", async () => {
    const cli = await start([], {
      SIMULATOR_PORT: "0",
      SIMULATOR_USERS: "7",
      SIMULATOR_TOKEN: "chosen-read-key",
      SIMULATOR_ADMIN_TOKEN: "chosen-admin-key",
      SIMULATOR_FAIL_REQUESTS: "1",
      SIMULATOR_NOW: "2025-06-30T12:00:00Z"
    })
    try {
      const { stdout } = cli.output()
      expect(stdout).not.toContain("chosen-read-key")
      expect(stdout).not.toContain("chosen-admin-key")
      expect(stdout).toContain('curl -H "X-API-Key: $SIMULATOR_TOKEN"')
      expect(stdout).toContain("2025-06-30T12:00:00.000Z")
      expect(stdout).toContain("requests 1 get 503")
      const sim = { baseUrl: cli.baseUrl, readToken: "chosen-read-key", adminToken: "chosen-admin-key" }
      const http = httpFor(sim)
      expect((await http.get("/users")).status).toBe(503)
      expect((await http.get("/users", { key: DEFAULT_READ_TOKEN })).status).toBe(401)
      const { users } = await listAll(sim, { "include-deactivated": "true" })
      expect(users).toHaveLength(7)
    } finally {
      cli.child.kill("SIGINT")
    }
    expect((await cli.exit).code).toBe(signalExitCode("SIGINT"))
  })

  it("names no variable in its curl line for a read key given as --token, which is in none", async () => {
    // Given as the flag alone, and as the flag over a variable holding another key: $SIMULATOR_TOKEN in the curl
    // line would send no key, or the wrong one, and get a 401.
    for (const env of [{}, { SIMULATOR_TOKEN: "variable-read-key" }]) {
      const cli = await start(["--port", "0", "--token", "flag-read-key"], env)
      try {
        const { stdout } = cli.output()
        expect(stdout).not.toContain("flag-read-key")
        expect(stdout).not.toContain("$SIMULATOR_TOKEN")
        expect(stdout).toContain('curl -H "X-API-Key: <the key given to --token>"')
        const http = httpFor({ baseUrl: cli.baseUrl, readToken: "flag-read-key", adminToken: DEFAULT_ADMIN_TOKEN })
        expect((await http.get("/users")).status).toBe(200)
      } finally {
        cli.child.kill("SIGTERM")
      }
      expect((await cli.exit).code).toBe(signalExitCode("SIGTERM"))
    }
  })

  it("refuses bad settings with exit code 2 and a message naming the setting, before listening", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simulate-"))
    const badData = join(dir, "bad.json")
    const entry = { id: "u1", email: "a@example.com", givenName: "A", familyName: "B", role: { name: "Admin" } }
    // The second element is bad: entry 2, counted from 1 as suppression entries are.
    writeFileSync(
      badData,
      JSON.stringify([
        { ...entry, enabled: true },
        { ...entry, id: "u2", email: "b@example.com", enabled: "yes" }
      ])
    )
    const loop = join(dir, "loop")
    symlinkSync(join(dir, "round"), loop)
    symlinkSync(loop, join(dir, "round"))
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve))
    const address = busy.address()
    const busyPort = typeof address === "object" && address !== null ? address.port : 0
    try {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["--port", "0", "--users", "-5"], "--users"],
        [["--port", "0", "--data", badData], 'entry 2 (id "u2", email "b@example.com"): enabled'],
        [["--port", String(busyPort)], "cannot listen"],
        // Number would read these as 16 users and a port of 1000.
        [["--port", "0", "--users", "0x10"], '--users must be a whole number; got "0x10"'],
        [["--port", "0o1750"], '--port must be a whole number; got "0o1750"'],
        [["--port", "0", "--error-rate", "NaN"], '--error-rate must be a number; got "NaN"'],
        // The command line's own check of a --data path died on a link loop (exit 70, a stack trace), and
        // /dev/zero given in SIMULATOR_DATA was read until memory ran out.
        [["--port", "0", "--data", loop], "cannot be read: a link in the path leads round in a loop"],
        [["--port", "0", "--data", "/dev/zero"], '--data / SIMULATOR_DATA "/dev/zero" cannot be read: it is a device']
      ]
      const results = await Promise.all(cases.map(([args]) => runToEnd(args)))
      results.forEach((result, index) => {
        const [args, message] = cases[index] ?? [[], ""]
        expect(result.code, args.join(" ")).toBe(2)
        expect(stderrText(result.stderr), args.join(" ")).toContain(message)
        expect(result.stdout).not.toContain("base URL")
      })
      const fromVariable = await runToEnd(["--port", "0"], { SIMULATOR_USERS: "0b11" })
      expect(fromVariable.code).toBe(2)
      expect(stderrText(fromVariable.stderr)).toContain('SIMULATOR_USERS must be a whole number; got "0b11"')
      // Above what a timer waits: it listened, and held every request for ever.
      const latency = await runToEnd(["--port", "0"], { SIMULATOR_LATENCY_MS: "3000000000" })
      expect(latency.code).toBe(2)
      expect(stderrText(latency.stderr)).toContain(
        "--latency-ms / SIMULATOR_LATENCY_MS must be 0 to 2147483647 (about 24.8 days, the longest a timer waits); " +
          "got 3000000000"
      )
      expect(latency.stdout).not.toContain("base URL")
      const device = await runToEnd(["--port", "0"], { SIMULATOR_DATA: "/dev/zero" })
      expect(device.code).toBe(2)
      expect(stderrText(device.stderr)).toContain("cannot be read: it is a device, not a file")
      // A key with a line break in it could never be presented: refused by name, and not quoted.
      const unsendable = await runToEnd(["--port", "0"], { SIMULATOR_TOKEN: "rk-5f2a\nrk-9d41" })
      expect(unsendable.code).toBe(2)
      expect(stderrText(unsendable.stderr)).toContain("the read key (--token / SIMULATOR_TOKEN) holds a character")
      expect(`${stderrText(unsendable.stderr)}${unsendable.stdout}`).not.toMatch(/5f2a|9d41/)
    } finally {
      busy.close()
      rmSync(dir, { recursive: true, force: true })
    }
    // Eleven starts of the program, eight at once: on a busy machine they outlasted the usual 30 seconds, and 90.
  }, 240_000)

  it("refuses a fault's setting given from the environment without the fault, and takes the two together", async () => {
    const alone = await runToEnd(["--port", "0"], { SIMULATOR_FAIL_STATUS: "502" })
    expect(alone.code).toBe(2)
    expect(stderrText(alone.stderr)).toContain("no --fail-requests / SIMULATOR_FAIL_REQUESTS is given")
    const together = await start(["--port", "0", "--users", "3"], {
      SIMULATOR_FAIL_STATUS: "502",
      SIMULATOR_FAIL_REQUESTS: "1"
    })
    try {
      const response = await fetch(`${together.baseUrl}/users`, { headers: { "X-API-Key": DEFAULT_READ_TOKEN } })
      expect(response.status).toBe(502)
      await response.body?.cancel()
    } finally {
      together.child.kill("SIGTERM")
      await together.exit
    }
  }, 60_000)
})

describe("simulate's flags", () => {
  const defaults: SimulateFlags = {
    port: 4010,
    host: "127.0.0.1",
    users: Option.none(),
    seed: 1,
    now: Option.none(),
    data: Option.none(),
    token: Option.none(),
    adminToken: Option.none(),
    latencyMs: 0,
    rateLimit: 0,
    errorRate: 0,
    errorSeed: Option.none(),
    failRequests: "",
    failStatus: Option.none()
  }
  const check = (flags: Partial<SimulateFlags>) =>
    Effect.runPromise(
      simulatorOptionsFromFlags({ ...defaults, ...flags }).pipe(
        Effect.match({ onFailure: (error) => error.message, onSuccess: (options) => options }),
        Effect.provide(NodeContext.layer)
      )
    )

  it("turn into simulator options, faults included", async () => {
    expect(
      await check({
        users: Option.some(12),
        now: Option.some("2025-06-30T12:00:00Z"),
        failRequests: " 3, 7 ",
        latencyMs: 20
      })
    ).toMatchObject({
      port: 4010,
      host: "127.0.0.1",
      users: 12,
      now: new Date("2025-06-30T12:00:00Z"),
      faults: { failRequests: [3, 7], failStatus: 503, latencyMs: 20, rateLimit: 0, errorRate: 0 }
    })
    expect(await check({ seed: 7, errorRate: 0.25, errorSeed: Option.some(9), rateLimit: 4 })).toMatchObject({
      seed: 7,
      faults: { errorRate: 0.25, errorSeed: 9, rateLimit: 4 }
    })
    expect(
      await check({ token: Option.some(Redacted.make("r")), adminToken: Option.some(Redacted.make("a")) })
    ).toMatchObject({
      readToken: "r",
      adminToken: "a"
    })
  })

  it.each([
    [{ port: -1 }, "--port"],
    [{ port: 65536 }, "--port"],
    [{ host: " " }, "--host"],
    [{ users: Option.some(-1) }, "--users"],
    [{ users: Option.some(5_000_001) }, "--users"],
    [{ latencyMs: -5 }, "--latency-ms / SIMULATOR_LATENCY_MS must be 0 to 2147483647"],
    // Longer than a timer waits: every request was held for ever.
    [{ latencyMs: 2 ** 31 }, "--latency-ms / SIMULATOR_LATENCY_MS must be 0 to 2147483647 (about 24.8 days"],
    [{ rateLimit: -1 }, "--rate-limit"],
    [{ errorRate: 1.5 }, "--error-rate"],
    [{ errorRate: -0.1 }, "--error-rate"],
    [{ failRequests: "3,x" }, "--fail-requests"],
    [{ failRequests: "0" }, "--fail-requests"],
    [{ failStatus: Option.some(200), failRequests: "3" }, "--fail-status"],
    [
      { failStatus: Option.some(502) },
      "no --fail-requests / SIMULATOR_FAIL_REQUESTS is given, so no request would fail"
    ],
    [{ errorSeed: Option.some(7) }, "--error-rate / SIMULATOR_ERROR_RATE is 0, so no request would fail"],
    [{ now: Option.some("yesterday") }, "--now"],
    // Date read these as 2001-03-05 and 2001-01-01.
    [{ now: Option.some("March 5") }, "--now"],
    [{ now: Option.some("1") }, "--now"],
    [{ data: Option.some("/nonexistent/users.json") }, "cannot be read"],
    [{ data: Option.some("/etc/hostname"), users: Option.some(5) }, "not both"]
  ] as const)("refuse %j naming the setting", async (flags, message) => {
    expect(String(await check(flags))).toContain(message)
  })

  it("read a --now without a zone as UTC, as --as-of is, whatever the machine's zone", async () => {
    // Node reads TZ again when it changes: Date would take the time as New York's, 16:00 UTC.
    const zone = process.env.TZ
    process.env.TZ = "America/New_York"
    try {
      const options = await check({ now: Option.some("2026-06-30T12:00:00") })
      expect(typeof options === "string" ? options : options.now?.toISOString()).toBe("2026-06-30T12:00:00.000Z")
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
  })

  it("refuse an empty data file as empty, not as JSON that stops at its first character", async () => {
    // `> users.json` of a command that failed, or a file saved before anything was pasted into it.
    const dir = mkdtempSync(join(tmpdir(), "simulate-"))
    const file = join(dir, "users.json")
    try {
      for (const content of ["", "\n  \r\n"]) {
        writeFileSync(file, content)
        const said = String(await check({ data: Option.some(file) }))
        expect(said).toContain(`--data / SIMULATOR_DATA "${file}" is empty: it should hold a JSON array of users`)
        expect(said).not.toContain("line 1, column 1")
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("refuse a data file that is not JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simulate-"))
    const file = join(dir, "not.json")
    writeFileSync(file, "[{")
    try {
      expect(String(await check({ data: Option.some(file) }))).toContain("not valid JSON")
      // A secret file named by mistake: where it stops being JSON is said, not what it holds, which V8's message
      // quotes ("Unexpected token 'o', "tok-S3cret-"... is not valid JSON").
      writeFileSync(file, "tok-S3cret-9f8e7d6c\n")
      const said = String(await check({ data: Option.some(file) }))
      expect(said).toContain("not valid JSON")
      expect(said).not.toMatch(/S3cret|tok-/)
      expect(said).toContain("line 1, column 2")
      // Users saved by Windows PowerShell 5 (ConvertTo-Json > users.json): UTF-16, said so, not "line 1, column 1".
      writeFileSync(file, Buffer.from('\ufeff[{"id": "u1"}]\r\n', "utf16le"))
      expect(String(await check({ data: Option.some(file) }))).toBe(
        `--data / SIMULATOR_DATA "${file}" is in UTF-16, not UTF-8: save it as UTF-8`
      )
      // As ConvertTo-Json writes it: indented, the bracket alone on its first line.
      writeFileSync(file, Buffer.from('\ufeff[\r\n    {\r\n        "id":  "u1"\r\n    }\r\n]\r\n', "utf16le"))
      expect(String(await check({ data: Option.some(file) }))).toBe(
        `--data / SIMULATOR_DATA "${file}" is in UTF-16, not UTF-8: save it as UTF-8`
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("the ready banner", () => {
  const running: RunningSimulator = {
    baseUrl: "http://127.0.0.1:4010",
    host: "127.0.0.1",
    port: 4010,
    readToken: DEFAULT_READ_TOKEN,
    adminToken: DEFAULT_ADMIN_TOKEN,
    userCount: 100,
    now: new Date("2025-06-30T12:00:00Z")
  }
  const banner = (faults: FaultOptions) =>
    formatBanner(running, { customReadToken: false, customAdminToken: false, source: "generated (seed 1)", faults })

  it("says when no fault is on", () => {
    expect(banner({})).toContain("  faults:     none\n")
    expect(banner({ latencyMs: 0, rateLimit: 0, errorRate: 0, failRequests: [] })).toContain("  faults:     none\n")
  })

  it("describes each fault that is on, the error rate as a percentage", () => {
    expect(banner({ latencyMs: 200, rateLimit: 5, errorRate: 0.25, errorSeed: 9, failRequests: [3, 7] })).toContain(
      "  faults:     +200ms latency; 429 above 5 requests/s; 25% random 5xx (seed 9); requests 3, 7 get 503\n"
    )
    expect(banner({ errorRate: 0.5 })).toContain("50% random 5xx (seed 1)")
    // 0.07 * 100 is 7.000000000000001 in binary floating point; the banner says what was asked for.
    expect(banner({ errorRate: 0.07 })).toContain("  faults:     7% random 5xx (seed 1)\n")
    expect(banner({ errorRate: 0.29 })).toContain("  faults:     29% random 5xx (seed 1)\n")
    expect(banner({ errorRate: 0.125 })).toContain("  faults:     12.5% random 5xx (seed 1)\n")
  })
})
