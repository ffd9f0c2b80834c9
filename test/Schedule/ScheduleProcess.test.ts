/**
 * `schedule` and `run` as real processes against the simulator (with added latency, so a run is in flight when
 * a signal comes): runs on time, stops cleanly on SIGTERM and SIGINT, and logs JSON lines once each, with no secret.
 * `dist/` is built by test/globalSetup.ts.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { reportStamp } from "../../src/Audit/AuditRun.js"
import { startSmtpServer, type TestSmtpServer } from "../Email/support/SmtpTestServer.js"
import { endLeftChildren, endWithTest } from "../support/ChildProcesses.js"
import { BIN, stderrText } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

const READ_TOKEN = "read-SECRET-5d1e9a7c3b"
let simulator: StartedSimulator
let directory = ""

beforeAll(async () => {
  // 500 users are 9 pages; with the roles, about 10 requests of 120 ms each: a run takes over a second.
  simulator = await startSimulator({
    users: 500,
    seed: 11,
    readToken: READ_TOKEN,
    adminToken: "admin-SECRET-8f2a6c4e0d",
    faults: { latencyMs: 120 }
  })
})
afterAll(() => simulator.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "schedule-"))
})
afterEach(async () => {
  // A schedule a failed test left running would go on writing into the folder being removed.
  await endLeftChildren()
  rmSync(directory, { recursive: true, force: true })
})

const env = (overrides: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  PANTHER_API_URL: simulator.baseUrl,
  PANTHER_API_TOKEN: READ_TOKEN,
  AUDIT_REPORT_DIR: directory,
  ...overrides
})

interface LogLine {
  /** A string, or an array when a line was logged with several parts. */
  readonly message: unknown
  readonly logLevel: string
  readonly annotations: Record<string, unknown>
  readonly spans: Record<string, number>
}

interface Running {
  readonly child: ChildProcess
  readonly stderr: () => string
  readonly stdout: () => string
  /** stderr's lines as JSON; a line that is not JSON fails the test. */
  readonly lines: () => ReadonlyArray<LogLine>
  readonly waitFor: (
    what: string,
    done: (lines: ReadonlyArray<LogLine>) => boolean,
    timeoutMs?: number
  ) => Promise<void>
  readonly exited: Promise<{
    readonly code: number | null
    readonly signal: NodeJS.Signals | null
    readonly at: number
  }>
}

const start = (args: ReadonlyArray<string>, environment: Record<string, string>): Running => {
  const child = endWithTest(
    spawn(process.execPath, [BIN, ...args], { env: environment, stdio: ["ignore", "pipe", "pipe"] })
  )
  let stdout = ""
  let stderr = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8")
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const killer = setTimeout(() => child.kill("SIGKILL"), 45_000)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, at: Date.now() })
    })
  )
  const lines = () =>
    stderr
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as LogLine)
  const waitFor = async (what: string, done: (lines: ReadonlyArray<LogLine>) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs
    while (!done(lines())) {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`timed out waiting for ${what}; stderr so far:\n${stderr}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  return { child, stderr: () => stderr, stdout: () => stdout, lines, waitFor, exited }
}

const EMAIL_FAILED = "audit email failed; the reports are complete"

/**
 * A schedule (every second, `extraArgs` added) mailing through an SMTP server that wants `password`, read from a
 * file; `then` runs once the file has been removed after the first email and a run has failed its email for it.
 */
const withPasswordGoneAfterFirstEmail = async (
  password: string,
  extraArgs: ReadonlyArray<string>,
  then: (context: { running: Running; smtp: TestSmtpServer; passwordFile: string }) => Promise<void>
) => {
  const scope = Effect.runSync(Scope.make())
  const secrets = mkdtempSync(join(tmpdir(), "schedule-secrets-"))
  const passwordFile = join(secrets, "smtp-password")
  writeFileSync(passwordFile, `${password}\n`)
  try {
    const smtp = await Effect.runPromise(
      Scope.extend(startSmtpServer({ users: { audit: password }, noStartTls: true }), scope)
    )
    const running = start(
      ["schedule", "--cron", "* * * * * *", "--run-now", ...extraArgs],
      env({
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_USER: "audit",
        SMTP_PASSWORD_FILE: passwordFile,
        MAIL_TO: "security@example.com",
        MAIL_FROM: "audit@example.com",
        MAIL_POLICY: "always"
      })
    )
    await running.waitFor("a first email", (lines) => messages(lines, "audit email sent").length >= 1)
    rmSync(passwordFile)
    await running.waitFor("a run without its email", (lines) => messages(lines, EMAIL_FAILED).length >= 1)
    await then({ running, smtp, passwordFile })
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    rmSync(secrets, { recursive: true, force: true })
  }
}

/** The last 02:00 UTC, the default schedule's tick, at or before now. */
const lastNightlyTick = (): number => {
  const now = Date.now()
  const tick = new Date(now)
  tick.setUTCHours(2, 0, 0, 0)
  if (tick.getTime() > now) tick.setUTCDate(tick.getUTCDate() - 1)
  return tick.getTime()
}

const messages = (lines: ReadonlyArray<LogLine>, message: string) => lines.filter((line) => line.message === message)

const failures = (lines: ReadonlyArray<LogLine>) =>
  lines.filter((line) => typeof line.message === "string" && line.message.startsWith("scheduled audit failed"))

/** What the report directory holds: complete report pairs only, nothing hidden or partial. */
const expectOnlyCompleteReports = () => {
  const names = readdirSync(directory)
  expect(names.filter((name) => name.startsWith(".") || name.endsWith(".tmp"))).toEqual([])
  // A run whose email was not delivered also leaves its `.undelivered` mark.
  const stems = [...new Set(names.map((name) => name.replace(/\.(csv|json|undelivered)$/, "")))]
  for (const stem of stems) {
    expect(names).toContain(`${stem}.csv`)
    expect(names).toContain(`${stem}.json`)
    const report = JSON.parse(readFileSync(join(directory, `${stem}.json`), "utf8")) as { run: { runId: string } }
    expect(report.run.runId).toMatch(/^[0-9a-f-]{36}$/)
  }
  return names
    .filter((name) => name.endsWith(".json"))
    .map((name) => (JSON.parse(readFileSync(join(directory, name), "utf8")) as { run: { runId: string } }).run.runId)
}

describe("schedule, as a process", () => {
  it("runs on time with a per-second cron, and SIGTERM mid-run exits 143 at once, leaving no partial file", async () => {
    const running = start(["schedule", "--cron", "* * * * * *"], env())
    await running.waitFor("a first complete run", (lines) => messages(lines, "audit finished").length >= 1)
    expect(readdirSync(directory).filter((name) => name.endsWith(".csv"))).toHaveLength(1)
    // The next run starts at the next whole second and is in flight for about a second.
    await running.waitFor("a second run to start", (lines) => messages(lines, "audit started").length >= 2)
    await new Promise((resolve) => setTimeout(resolve, 400))
    const lines = running.lines()
    const inFlight = messages(lines, "audit started")[1]?.annotations.runId
    expect(messages(lines, "audit finished").map((line) => line.annotations.runId)).not.toContain(inFlight)

    const signalledAt = Date.now()
    running.child.kill("SIGTERM")
    const exit = await running.exited
    const elapsed = exit.at - signalledAt
    expect(exit.code).toBe(143)
    expect(elapsed).toBeLessThan(3_000)

    const runIds = expectOnlyCompleteReports()
    expect(runIds).not.toContain(inFlight)
    expect(runIds).toEqual(messages(running.lines(), "audit finished").map((line) => line.annotations.runId))
    const interrupted = messages(running.lines(), "audit interrupted; a report is only ever written complete")
    expect(interrupted.map((line) => line.annotations.runId)).toEqual([inFlight])

    // Each run started at the whole second it was scheduled for.
    for (const line of messages(running.lines(), "audit started")) {
      expect(line.annotations.scheduledFor).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/)
    }
    // "next audit at" at start and after each run.
    expect(
      running.lines().filter((line) => String(line.message).startsWith("next audit at")).length
    ).toBeGreaterThanOrEqual(2)
    expect(running.stderr() + running.stdout()).not.toContain(READ_TOKEN)
  })

  it("logs a failed run with its cause and goes on to the next, without the token in any line", async () => {
    // Nothing listens on port 1: every run fails at once (no retries), and the schedule carries on.
    const running = start(
      ["schedule", "--cron", "* * * * * *", "--run-now", "--max-retries", "0"],
      env({ PANTHER_API_URL: "http://127.0.0.1:1" })
    )
    await running.waitFor("two failed runs", (lines) => failures(lines).length >= 2)
    running.child.kill("SIGTERM")
    const exit = await running.exited
    expect(exit.code).toBe(143)
    const failed = failures(running.lines())
    expect(failed).toHaveLength(failures(running.lines()).length)
    expect(failed[0]?.logLevel).toBe("ERROR")
    expect(failed[0]?.message).toMatch(/^scheduled audit failed; the schedule goes on: .*the connection was refused/)
    expect(failed[0]?.annotations).toMatchObject({
      error: "TransportError",
      scheduledFor: "start-up",
      phase: "schedule"
    })
    // The failure is said once per run, and the next run is still announced after it.
    const started = messages(running.lines(), "audit started")
    expect(started.length).toBeGreaterThanOrEqual(failed.length)
    expect(
      running.lines().filter((line) => String(line.message).startsWith("next audit at")).length
    ).toBeGreaterThanOrEqual(2)
    expect(readdirSync(directory)).toEqual([])
    expect(running.stderr() + running.stdout()).not.toContain(READ_TOKEN)
    expect(running.stderr()).not.toContain("SECRET")
  })

  it("says once, at start, that ALL_PROXY is not read, not again at every run", async () => {
    // A name that resolves nowhere, and no retries: every run fails at once, and the schedule carries on.
    const running = start(
      ["schedule", "--cron", "* * * * * *", "--run-now", "--max-retries", "0"],
      env({ PANTHER_API_URL: "https://api.panther.invalid", ALL_PROXY: "http://proxy-user:proxy-SECRET@127.0.0.1:9" })
    )
    await running.waitFor("three failed runs", (lines) => failures(lines).length >= 3)
    running.child.kill("SIGTERM")
    await running.exited
    const notices = running
      .lines()
      .filter((line) => line.logLevel === "WARN" && String(line.message).startsWith("ALL_PROXY is set"))
    expect(notices).toHaveLength(1)
    expect(running.stderr()).not.toContain("SECRET")
    expect(running.stderr()).not.toContain("proxy-user")
  })

  it("reads the token file anew for each run, so a rotated secret is taken at the next run; logs its stop", async () => {
    const secrets = mkdtempSync(join(tmpdir(), "schedule-secrets-"))
    const tokenFile = join(secrets, "panther-token")
    writeFileSync(tokenFile, "an-old-token-since-rotated\n")
    try {
      const running = start(
        ["schedule", "--cron", "* * * * * *", "--run-now", "--max-retries", "0", "--fail-on", "high"],
        env({ PANTHER_API_TOKEN: "", PANTHER_API_TOKEN_FILE: tokenFile })
      )
      await running.waitFor("a run refused with the old token", (lines) => failures(lines).length >= 1)
      writeFileSync(tokenFile, `${READ_TOKEN}\n`)
      await running.waitFor("a run with the new token", (lines) => messages(lines, "audit finished").length >= 1)
      running.child.kill("SIGTERM")
      expect((await running.exited).code).toBe(143)
      const lines = running.lines()
      expect(failures(lines)[0]?.message).toMatch(/refused the API token \(401\)/)
      // The one line saying the threshold was crossed names its run.
      const [finished] = messages(lines, "audit finished")
      const atThreshold = lines.find((line) => String(line.message).includes("at or above --fail-on high"))
      expect(atThreshold?.annotations).toMatchObject({ runId: finished?.annotations.runId, phase: "audit" })
      // A stopped schedule says so: its last line is not "next audit at ...", as if it were waiting.
      expect(lines.at(-2)?.message).toBe("audit schedule stopped")
      // Then what stopped it, for whoever reads a container's logs after `docker stop` or an eviction.
      expect(lines.at(-1)).toMatchObject({
        message: "stopped by SIGTERM.",
        logLevel: "INFO",
        annotations: { signal: "SIGTERM", exitCode: 143 }
      })
      expect(running.stderr()).not.toContain(READ_TOKEN)
    } finally {
      rmSync(secrets, { recursive: true, force: true })
    }
  })

  it("says a token file read at start-up and gone at a later run is gone, not that it may be the token", async () => {
    const secrets = mkdtempSync(join(tmpdir(), "schedule-secrets-"))
    const tokenFile = join(secrets, "panther-token")
    writeFileSync(tokenFile, `${READ_TOKEN}\n`)
    try {
      const running = start(
        ["schedule", "--cron", "* * * * * *", "--run-now", "--max-retries", "0"],
        env({ PANTHER_API_TOKEN: "", PANTHER_API_TOKEN_FILE: tokenFile })
      )
      await running.waitFor("a run with the token", (lines) => messages(lines, "audit finished").length >= 1)
      rmSync(tokenFile)
      await running.waitFor("a run without it", (lines) => failures(lines).length >= 1)
      running.child.kill("SIGTERM")
      expect((await running.exited).code).toBe(143)
      const said = JSON.stringify(failures(running.lines())[0])
      expect(said).toContain(
        `--api-token-file / PANTHER_API_TOKEN_FILE \\"${tokenFile}\\" was read at start-up, but it is gone now ` +
          "(a secret being rotated, or removed)"
      )
      expect(said).not.toContain("put there by mistake")
      expect(running.stderr()).not.toContain(READ_TOKEN)
    } finally {
      rmSync(secrets, { recursive: true, force: true })
    }
  })

  it("a password file gone missing since start-up costs a run its email, not its reports; restored, mail goes on", async () => {
    const password = "smtp-SECRET-3b9d7f1a"
    await withPasswordGoneAfterFirstEmail(password, [], async ({ running, smtp, passwordFile }) => {
      const [failedEmail] = messages(running.lines(), EMAIL_FAILED)
      const runId = failedEmail?.annotations.runId
      expect(failedEmail?.annotations).toMatchObject({ phase: "email", error: "DeliveryError" })
      // An error, as a log alert counts failed runs: the reports are complete, but no one was told of them.
      expect(failedEmail?.logLevel).toBe("ERROR")
      expect(String(failedEmail?.annotations.reason)).toContain(
        `the audit email was not sent: --smtp-password-file / SMTP_PASSWORD_FILE "${passwordFile}" was read at ` +
          "start-up, but it is gone now (a secret being rotated, or removed)"
      )
      expect(String(failedEmail?.annotations.reason)).not.toContain("put there by mistake")
      // The audit itself finished, and its reports are complete, marked as not mailed, naming the file.
      expect(messages(running.lines(), "audit finished").map((line) => line.annotations.runId)).toContain(runId)
      const reportOf = readdirSync(directory)
        .filter((name) => name.endsWith(".json"))
        .find((name) => readFileSync(join(directory, name), "utf8").includes(String(runId)))
      expect(reportOf).toBeDefined()
      const mark = join(directory, (reportOf ?? "").replace(/\.json$/, ".undelivered"))
      expect(readFileSync(mark, "utf8")).toContain("SMTP_PASSWORD_FILE")

      const sentBefore = messages(running.lines(), "audit email sent").length
      writeFileSync(passwordFile, `${password}\n`)
      await running.waitFor(
        "an email once the file is back",
        (lines) => messages(lines, "audit email sent").length > sentBefore
      )
      // The email that went out carried the earlier runs' news, so their marks go.
      await running.waitFor(
        "the marks to go",
        () => !readdirSync(directory).some((name) => name.endsWith(".undelivered"))
      )
      running.child.kill("SIGTERM")
      expect((await running.exited).code).toBe(143)
      expectOnlyCompleteReports()
      expect(running.stderr() + running.stdout()).not.toContain(password)
      expect(smtp.received.map((mail) => mail.raw.toString("utf8")).join("")).not.toContain(password)
    })
  })

  it("keeps the reports of runs whose email failed when pruning after the email that carries their news", async () => {
    const password = "smtp-SECRET-6e2c9d4b"
    await withPasswordGoneAfterFirstEmail(password, ["--keep-reports", "1"], async ({ running, passwordFile }) => {
      const sentBefore = messages(running.lines(), "audit email sent").length
      writeFileSync(passwordFile, `${password}\n`)
      await running.waitFor(
        "an email once the file is back",
        (lines) => messages(lines, "audit email sent").length > sentBefore
      )
      const runId = messages(running.lines(), "audit email sent")[sentBefore]?.annotations.runId
      const pruneOf = (lines: ReadonlyArray<LogLine>) =>
        lines.find((line) => line.annotations.phase === "prune" && line.annotations.runId === runId)
      await running.waitFor("that run's prune", (lines) => pruneOf(lines) !== undefined)
      running.child.kill("SIGTERM")
      await running.exited
      // Its own reports and those of the runs whose news its email was the first to carry.
      expect(Number(pruneOf(running.lines())?.annotations.keptRuns)).toBeGreaterThan(1)
    })
  })

  it("checks the audit's own settings at start-up: a bad AUDIT_FAIL_ON exits 2 at once, not at every tick", async () => {
    // Found only at a run, it would fail every night in a log no one may read, rather than stop the deployment.
    const running = start(["schedule", "--cron", "0 2 1 1 *"], env({ AUDIT_FAIL_ON: "severe" }))
    const exit = await Promise.race([
      running.exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000))
    ])
    expect(exit?.code, running.stderr()).toBe(2)
    expect(stderrText(running.stderr())).toContain("--fail-on / AUDIT_FAIL_ON must be one of none, info, low")
    expect(readdirSync(directory)).toEqual([])
  })

  it("rejects an invalid cron expression or time zone at start-up with exit 2, saying what is wrong", async () => {
    const badCron = start(["schedule", "--cron", "0 25 * * *"], env())
    expect((await badCron.exited).code).toBe(2)
    expect(stderrText(badCron.stderr())).toContain('--cron / AUDIT_SCHEDULE "0 25 * * *" is not a cron expression')
    // The 31st of February: parsed, but no date matches it, so the schedule would wait for ever.
    const never = start(["schedule", "--cron", "0 0 31 2 *"], env())
    expect((await never.exited).code).toBe(2)
    expect(stderrText(never.stderr())).toContain('--cron / AUDIT_SCHEDULE "0 0 31 2 *" never fires')
    const badZone = start(["schedule"], env({ AUDIT_TZ: "Europe/Atlantis" }))
    expect((await badZone.exited).code).toBe(2)
    expect(stderrText(badZone.stderr())).toContain('--tz / AUDIT_TZ "Europe/Atlantis" is not a time zone')
    // One fixed instant would judge every run alike: a stale login would never become one.
    const fixed = start(["schedule"], env({ AUDIT_AS_OF: "2026-01-01T00:00:00Z" }))
    expect((await fixed.exited).code).toBe(2)
    expect(stderrText(fixed.stderr())).toContain(
      "--as-of / AUDIT_AS_OF would judge every scheduled run at that one instant"
    )
    expect(readdirSync(directory)).toEqual([])
  })

  it("runs at 02:00 UTC when given no --cron and no --tz", async () => {
    const running = start(["schedule"], env())
    await running.waitFor("the next run's time", (lines) =>
      lines.some((line) => String(line.message).startsWith("next audit at"))
    )
    running.child.kill("SIGTERM")
    expect((await running.exited).code).toBe(143)
    const [started] = messages(running.lines(), "audit schedule started")
    expect(started?.annotations).toMatchObject({ cron: "0 2 * * *", timeZone: "UTC" })
    const next = running.lines().find((line) => String(line.message).startsWith("next audit at"))
    expect(next?.annotations.nextRunAt).toMatch(/T02:00:00\.000Z$/)
    expect(next?.annotations.nextRunLocal).toBe(next?.annotations.nextRunAt)
  })

  it("makes up at start for the nightly audit that went without a report, once: not again if that one was killed", async () => {
    const first = start(["run"], env())
    expect((await first.exited).code).toBe(0)
    // Its report made to look two days older: the last nights went without an audit.
    const lastTick = new Date(lastNightlyTick())
    const older = `user-audit-${reportStamp(lastTick.getTime() - 2 * 86_400_000)}`
    for (const name of readdirSync(directory)) {
      renameSync(join(directory, name), join(directory, name.replace(/^user-audit-[^.]+/, older)))
    }
    const running = start(["schedule"], env())
    await running.waitFor("the catch-up", (lines) => messages(lines, "audit started").length === 1)
    const tick = lastTick.toISOString()
    // What the next start reads if this run is killed (a run takes over a second against this simulator).
    expect(JSON.parse(readFileSync(join(directory, ".panther-audit.lock"), "utf8"))).toMatchObject({
      command: "schedule",
      catchUpOf: tick
    })
    await running.waitFor("the next run's time", (lines) =>
      lines.some((line) => String(line.message).startsWith("next audit at"))
    )
    running.child.kill("SIGTERM")
    expect((await running.exited).code).toBe(143)
    const lines = running.lines()
    const warning = lines.find((line) => line.logLevel === "WARN")
    expect(warning?.message).toBe(
      `the audit of ${tick} has not run: no report in ${directory} is from since (the newest is ${older}.json): ` +
        "the schedule was not running then, or that run was stopped or failed; it runs now, late"
    )
    expect(messages(lines, "audit finished")[0]?.annotations).toMatchObject({ scheduledFor: tick, catchUp: true })
    const reports = readdirSync(directory).filter((name) => name.endsWith(".json"))
    expect(reports).toHaveLength(2)

    // A catch-up of the same night killed outright (its lock left): the next start does not try it again.
    for (const name of reports.filter((report) => !report.startsWith(older))) rmSync(join(directory, name))
    const lock = { pid: 1, host: "elsewhere", command: "schedule", token: "0011223344556677", catchUpOf: tick }
    writeFileSync(join(directory, ".panther-audit.lock"), JSON.stringify(lock))
    const again = start(["schedule"], env())
    await again.waitFor("the next run's time", (lines) =>
      lines.some((line) => String(line.message).startsWith("next audit at"))
    )
    again.child.kill("SIGTERM")
    expect((await again.exited).code).toBe(143)
    expect(
      again
        .lines()
        .filter((line) => line.logLevel === "WARN")
        .map((line) => line.message)
    ).toEqual([
      `the audit of ${tick} has not run, and its catch-up at an earlier start was killed, or still runs in ` +
        `another container on this directory (its .panther-audit.lock is in ${directory}): it is not tried again, ` +
        "and the schedule waits for its next tick. To run it now once the cause is fixed (a memory limit too low " +
        "kills a run outright), start once with --run-now (AUDIT_RUN_NOW=true)"
    ])
    expect(messages(again.lines(), "audit started")).toEqual([])
    expect(again.stderr() + running.stderr()).not.toContain(READ_TOKEN)
  })

  it("a catch-up that waited for another run's lock does not run when that run wrote the night's report", async () => {
    const first = start(["run"], env())
    expect((await first.exited).code).toBe(0)
    const lastTick = new Date(lastNightlyTick())
    const tick = lastTick.toISOString()
    // The report just made is the one another container's run writes while this schedule waits; it is put aside,
    // and a copy two days older left as the newest report this schedule finds at start.
    const aside = mkdtempSync(join(tmpdir(), "schedule-aside-"))
    const older = `user-audit-${reportStamp(lastTick.getTime() - 2 * 86_400_000)}`
    const made = readdirSync(directory)
    for (const name of made) {
      writeFileSync(join(directory, name.replace(/^user-audit-[^.]+/, older)), readFileSync(join(directory, name)))
      renameSync(join(directory, name), join(aside, name))
    }
    // That run, in another container, holds the report directory.
    const lockPath = join(directory, ".panther-audit.lock")
    const lock = { pid: 1, host: "elsewhere", command: "schedule", startedAt: new Date().toISOString(), token: "ab12" }
    writeFileSync(lockPath, JSON.stringify(lock))
    const running = start(["schedule"], env())
    await running.waitFor("the wait for the lock", (lines) =>
      lines.some((line) => String(line.message).startsWith("Waiting for schedule (pid 1 on elsewhere"))
    )
    for (const name of made) renameSync(join(aside, name), join(directory, name))
    rmSync(aside, { recursive: true })
    rmSync(lockPath)
    await running.waitFor("the next run's time", (lines) =>
      lines.some((line) => String(line.message).startsWith("next audit at"))
    )
    running.child.kill("SIGTERM")
    expect((await running.exited).code).toBe(143)
    const lines = running.lines()
    expect(messages(lines, "audit started")).toEqual([])
    const json = made.find((name) => name.endsWith(".json"))
    expect(lines.map((line) => line.message)).toContain(
      `the audit of ${tick} was made by another run since that time (${json} in the report directory ` +
        `${directory}): this catch-up does not make it again`
    )
    expect(readdirSync(directory).filter((name) => name.endsWith(".json"))).toHaveLength(2)
  })

  it("a tick's run that waited for another schedule's lock does not run when that one wrote the tick's report", async () => {
    const first = start(["run"], env())
    expect((await first.exited).code).toBe(0)
    const aside = mkdtempSync(join(tmpdir(), "schedule-aside-"))
    const made = readdirSync(directory)
    for (const name of made) renameSync(join(directory, name), join(aside, name))
    // Another container's schedule, on the same volume, holds the report directory for the tick.
    const lockPath = join(directory, ".panther-audit.lock")
    const lock = { pid: 1, host: "elsewhere", command: "schedule", startedAt: new Date().toISOString(), token: "cd34" }
    writeFileSync(lockPath, JSON.stringify(lock))
    const running = start(["schedule", "--cron", "*/5 * * * * *"], env())
    await running.waitFor(
      "a tick's run waiting for the lock",
      (lines) => lines.some((line) => String(line.message).startsWith("Waiting for schedule (pid 1 on elsewhere")),
      20_000
    )
    const waiting = running.lines().find((line) => String(line.message).startsWith("Waiting for schedule"))
    const tick = String(waiting?.annotations.scheduledFor)
    // That one's report of the tick, stamped at it and as of it.
    const stamp = `user-audit-${reportStamp(Date.parse(tick))}`
    for (const name of made) {
      const text = readFileSync(join(aside, name), "utf8").replace(/"asOf": "[^"]*"/, `"asOf": "${tick}"`)
      writeFileSync(join(directory, name.replace(/^user-audit-[^.]+/, stamp)), text)
    }
    rmSync(aside, { recursive: true })
    rmSync(lockPath)
    await running.waitFor("the run's decision", (lines) =>
      lines.some((line) => String(line.message).startsWith(`the audit of ${tick} was made`))
    )
    running.child.kill("SIGTERM")
    expect((await running.exited).code).toBe(143)
    const lines = running.lines()
    expect(lines.map((line) => line.message)).toContain(
      `the audit of ${tick} was made by another run since that time (${stamp}.json in the report directory ` +
        `${directory}): this run does not make it again`
    )
    expect(messages(lines, "audit started").filter((line) => line.annotations.scheduledFor === tick)).toEqual([])
  })

  it("checks the settings it shares with run at start-up: no token exits 2 at once, not at the first tick", async () => {
    const running = start(["schedule", "--cron", "0 2 1 1 *"], env({ PANTHER_API_TOKEN: "" }))
    const exit = await Promise.race([
      running.exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000))
    ])
    expect(exit?.code, running.stderr()).toBe(2)
    expect(stderrText(running.stderr())).toContain("No Panther API token")
    expect(readdirSync(directory)).toEqual([])
  })

  it("prunes to --keep-reports after each successful run", async () => {
    const running = start(["schedule", "--cron", "* * * * * *", "--run-now", "--keep-reports", "2"], env())
    await running.waitFor("three complete runs", (lines) => messages(lines, "audit finished").length >= 3)
    await running.waitFor("a prune", (lines) =>
      lines.some((line) => String(line.message).startsWith("deleted the reports"))
    )
    running.child.kill("SIGTERM")
    await running.exited
    const jsonReports = readdirSync(directory).filter((name) => name.endsWith(".json"))
    expect(jsonReports.length).toBeLessThanOrEqual(2)
    const finished = messages(running.lines(), "audit finished").map((line) => line.annotations.runId)
    // The newest complete runs are the ones kept.
    expect(expectOnlyCompleteReports().sort()).toEqual(finished.slice(-jsonReports.length).sort())
    // With no MAIL_TO each run says why no email went out, under its own id.
    const noEmail = messages(running.lines(), "Email not sent: MAIL_TO is not set.")
    expect(noEmail.length).toBeGreaterThanOrEqual(finished.length - 1)
    expect(finished).toContain(noEmail[0]?.annotations.runId)
    expect(noEmail[0]?.annotations.phase).toBe("email")
  })
})

describe("run, as a process", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130]
  ] as const) {
    it(`${signal} mid-run exits ${code} within seconds and leaves nothing in the report directory`, async () => {
      const running = start(["run"], env())
      await running.waitFor("the run to start", (lines) => messages(lines, "audit started").length === 1)
      await new Promise((resolve) => setTimeout(resolve, 500))
      // The run is under way (its findings spool to a temporary file that has no name while in use).
      expect(messages(running.lines(), "audit finished")).toHaveLength(0)
      const signalledAt = Date.now()
      running.child.kill(signal)
      const exit = await running.exited
      expect(exit.code).toBe(code)
      expect(exit.at - signalledAt).toBeLessThan(3_000)
      expect(readdirSync(directory)).toEqual([])
      const interrupted = messages(running.lines(), "audit interrupted; a report is only ever written complete")
      expect(interrupted.map((line) => line.logLevel)).toEqual(["WARN"])
      // Stopped, not failed: no `audit failed` line for a log collector to count.
      expect(messages(running.lines(), "audit failed; no report was written")).toHaveLength(0)
      expect(running.stdout()).toBe("")
    })
  }

  it("SIGTERM while the email is being sent closes the SMTP session and exits 143 at once", async () => {
    const scope = Effect.runSync(Scope.make())
    try {
      // A mail server that takes the message and never answers: the send hangs until interrupted.
      const smtp = await Effect.runPromise(Scope.extend(startSmtpServer({ stallData: true, noStartTls: true }), scope))
      const running = start(
        ["run"],
        env({
          SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
          MAIL_TO: "security@example.com",
          MAIL_FROM: "audit@example.com",
          MAIL_POLICY: "always"
        })
      )
      await Promise.race([smtp.dataStarted, running.exited])
      expect(smtp.openSessions()).toBe(1)
      const signalledAt = Date.now()
      running.child.kill("SIGTERM")
      const exit = await running.exited
      expect(exit.code).toBe(143)
      expect(exit.at - signalledAt).toBeLessThan(3_000)
      await smtp.sessionClosed
      expect(smtp.openSessions()).toBe(0)
      expect(smtp.received).toEqual([])
      // The reports were complete before the email; nothing temporary is left.
      expectOnlyCompleteReports()
      expect(readdirSync(directory).filter((name) => name.endsWith(".json"))).toHaveLength(1)
      // The next run is told the email may not have arrived.
      const [mark] = readdirSync(directory).filter((name) => name.endsWith(".undelivered"))
      expect(readFileSync(join(directory, mark ?? "missing"), "utf8")).toContain("had not been sent when the run ended")
      // And so is whoever reads the log rather than the folder.
      const stopped = messages(
        running.lines(),
        "audit email interrupted; the reports are complete, and their pending mark tells the next run"
      )
      expect(stopped.map((line) => [line.logLevel, line.annotations.phase])).toEqual([["WARN", "email"]])
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  })

  it("prunes with --keep-reports-days after a successful run, and rejects a bad value with exit 2 first", async () => {
    const old = [
      "user-audit-20200101T020000Z.csv",
      "user-audit-20200101T020000Z.json",
      "user-audit-20200101T020000Z.eml"
    ]
    const strangers = ["notes.txt", "user-audit-20200101T020000Z-inventory.csv"]
    for (const name of [...old, ...strangers]) writeFileSync(join(directory, name), "x")

    const bad = start(["run"], env({ AUDIT_KEEP_REPORTS: "0" }))
    expect((await bad.exited).code).toBe(2)
    expect(stderrText(bad.stderr())).toContain(
      "--keep-reports / AUDIT_KEEP_REPORTS must be a whole number, 1 or more; got 0."
    )
    expect(readdirSync(directory).sort()).toEqual([...old, ...strangers].sort())

    const running = start(["run", "--keep-reports-days", "30"], env())
    expect((await running.exited).code).toBe(0)
    const names = readdirSync(directory)
    expect(names.filter((name) => old.includes(name))).toEqual([])
    expect(names.filter((name) => strangers.includes(name)).sort()).toEqual([...strangers].sort())
    expect(names.filter((name) => name.endsWith(".json"))).toHaveLength(1)
    const pruned = running.lines().find((line) => line.message === "deleted the reports of 1 old run")
    expect(pruned?.annotations).toMatchObject({ phase: "prune", deletedRuns: 1, keptRuns: 1 })
    // The run's id too, as on every line of the run.
    const started = running.lines().find((line) => line.message === "audit started")
    expect(pruned?.annotations.runId).toBe(started?.annotations.runId)
  })

  it("logs JSON lines to stderr, each once, with run id, phase, counts, retries and duration, and no secret", async () => {
    const running = start(["run"], env())
    const exit = await running.exited
    expect(exit.code).toBe(0)
    const lines = running.lines()
    expect(lines.map((line) => line.message)).toEqual(["audit started", "audit finished"])
    const [started, finished] = lines
    const report = JSON.parse(
      readFileSync(join(directory, readdirSync(directory).find((name) => name.endsWith(".json")) ?? ""), "utf8")
    ) as { run: { runId: string; users: { seen: number }; pagesFetched: number } }
    expect(started?.annotations).toEqual({ runId: report.run.runId, phase: "audit" })
    expect(finished?.annotations).toMatchObject({
      runId: report.run.runId,
      phase: "audit",
      usersSeen: report.run.users.seen,
      pages: report.run.pagesFetched,
      retries: 0
    })
    expect(finished?.annotations.durationMs).toBeGreaterThan(500)
    expect(finished?.spans.audit).toBeGreaterThan(500)
    expect(running.stderr() + running.stdout()).not.toContain(READ_TOKEN)
  })

  it("logs what a killed run left, and the wait for the directory, under the run's id", async () => {
    const leftover = join(directory, ".user-audit.csv.0123456789ab.tmp")
    writeFileSync(leftover, "x".repeat(1000))
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000)
    utimesSync(leftover, tenMinutesAgo, tenMinutesAgo)
    // Another audit holding the directory for a moment.
    const lock = join(directory, ".panther-audit.lock")
    writeFileSync(lock, JSON.stringify({ pid: 1, host: "elsewhere", command: "review", token: "0011223344556677" }))
    const running = start(["run"], env())
    await running.waitFor("the wait", (lines) => lines.some((line) => String(line.message).startsWith("Waiting for")))
    rmSync(lock)
    expect((await running.exited).code).toBe(0)
    const lines = running.lines()
    const runId = messages(lines, "audit started")[0]?.annotations.runId
    expect(runId).toMatch(/^[0-9a-f-]{36}$/)
    const waiting = lines.find((line) => String(line.message).startsWith("Waiting for review (pid 1 on elsewhere)"))
    const removed = lines.find((line) => String(line.message).startsWith("Removed 1 temporary file"))
    for (const line of [waiting, removed]) {
      expect(line?.annotations).toEqual({ runId, phase: "report-directory" })
    }
    expect(readdirSync(directory).filter((name) => name.endsWith(".tmp"))).toEqual([])
  })

  it("takes --log-format and --log-level anywhere, and LOG_FORMAT and LOG_LEVEL from the environment", async () => {
    const [pretty, prettyByEnv, quietFirst, flagOverEnv, debugByEnv, bad] = [
      start(["run", "--log-format", "pretty"], env()),
      start(["run"], env({ LOG_FORMAT: "pretty" })),
      start(["--log-level=warning", "run"], env()),
      start(["run", "--log-level", "error"], env({ LOG_LEVEL: "debug" })),
      start(["run"], env({ LOG_LEVEL: "debug" })),
      start(["run", "--log-format", "xml"], env())
    ]
    for (const process of [pretty, prettyByEnv, quietFirst, flagOverEnv, debugByEnv]) {
      expect((await process.exited).code).toBe(0)
      expect(process.stderr() + process.stdout()).not.toContain(READ_TOKEN)
    }
    for (const process of [pretty, prettyByEnv]) {
      expect(stderrText(process.stderr())).toMatch(/INFO .*audit finished/)
      expect(() => process.lines()).toThrow()
    }
    expect(quietFirst.stderr()).toBe("")
    expect(flagOverEnv.stderr()).toBe("")
    expect(messages(debugByEnv.lines(), "audit finished")).toHaveLength(1)

    expect((await bad.exited).code).toBe(2)
    // Said as a JSON line, the default format with stderr not a terminal, since the one asked for is unusable.
    const [refusal, ...more] = bad.stderr().trimEnd().split("\n")
    expect(more).toEqual([])
    expect(JSON.parse(refusal ?? "")).toMatchObject({
      message: '--log-format must be json or pretty; got "xml".',
      logLevel: "ERROR",
      annotations: { error: "ConfigurationError", exitCode: 2 }
    })
    expect(readdirSync(directory).filter((name) => name.endsWith(".json"))).toHaveLength(5)
  })

  it("leaves its secrets out of a diagnostic report of Node's, and still reads them at every run", async () => {
    const reports = mkdtempSync(join(tmpdir(), "node-report-"))
    try {
      // A proxy login the run never uses (loopback is not proxied), but which is as secret as the token.
      const proxy = "http://proxyuser:proxy-SECRET-3e7b1d@127.0.0.1:9"
      const running = start(
        ["schedule", "--cron", "* * * * * *", "--run-now"],
        env({ HTTP_PROXY: proxy, NODE_OPTIONS: `--report-on-signal --report-directory=${reports}` })
      )
      // The second run read the token again, from the copy kept once it was out of the environment.
      await running.waitFor("two runs", (lines) => messages(lines, "audit finished").length >= 2)
      expect(failures(running.lines())).toEqual([])
      // As `kill -USR2` by an operator would; --report-on-fatalerror writes the same report when memory runs out.
      // (Node then says so on stderr in plain text, so stderr is no longer read as JSON lines.)
      running.child.kill("SIGUSR2")
      const deadline = Date.now() + 10_000
      while (readdirSync(reports).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      running.child.kill("SIGTERM")
      expect((await running.exited).code).toBe(143)
      const [name] = readdirSync(reports)
      expect(name).toMatch(/^report\..*\.json$/)
      const text = readFileSync(join(reports, name ?? ""), "utf8")
      const report = JSON.parse(text) as { environmentVariables: Record<string, string> }
      expect(report.environmentVariables.PANTHER_API_URL).toBe(simulator.baseUrl)
      expect(Object.keys(report.environmentVariables)).not.toContain("PANTHER_API_TOKEN")
      expect(Object.keys(report.environmentVariables)).not.toContain("HTTP_PROXY")
      expect(text).not.toContain(READ_TOKEN)
      expect(text).not.toContain("proxy-SECRET-3e7b1d")
    } finally {
      rmSync(reports, { recursive: true, force: true })
    }
  })
})
