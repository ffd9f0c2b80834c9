/**
 * The log lines of a run as a log collector and a person read them: every 1000 users a progress line when stderr is
 * a pipe or a file (a container, a CronJob), on a terminal a line rewritten in place and cleared after the audit
 * among pretty log lines, all on stderr (stdout keeps the summary); and `audit finished` with what the JSON report
 * records. The built command against the simulator; the terminal is util-linux's `script`, as a person's shell
 * gives one.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BIN, type JsonLogLine, jsonLogLines, runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { hasScript, onTerminal } from "../support/terminal.js"

// biome-ignore lint/suspicious/noControlCharactersInRegex: a terminal's colour sequence starts with the escape character.
const COLOUR = /\u001b\[[0-9;]*m/

let simulator: StartedSimulator
let directory = ""

beforeAll(async () => {
  // Enough users that more than 1000 are listed.
  simulator = await startSimulator({ users: 1200, seed: 5 })
  directory = mkdtempSync(join(tmpdir(), "run-log-"))
  // A report directory must exist already.
  for (const folder of ["piped", "terminal"]) mkdirSync(join(directory, folder))
})

afterAll(async () => {
  await simulator?.close()
  rmSync(directory, { recursive: true, force: true })
})

/** `audit finished` says what the run's JSON report records, under the `audit` span. */
const expectFinishedAsReported = (finished: JsonLogLine | undefined) => {
  expect(finished?.logLevel).toBe("INFO")
  const annotations = finished?.annotations ?? {}
  const { run } = JSON.parse(readFileSync(String(annotations.reportJson), "utf8"))
  expect(annotations).toEqual({
    runId: run.runId,
    phase: "audit",
    usersSeen: run.users.seen,
    usersEnabled: run.users.enabled,
    usersDeactivated: run.users.deactivated,
    usersPrivileged: run.users.privileged,
    invalidRecords: run.users.invalid,
    pages: run.pagesFetched,
    requests: run.requests,
    retries: run.retries,
    findings: run.findings.total,
    bySeverity: run.findings.bySeverity,
    durationMs: Date.parse(run.finishedAt) - Date.parse(run.startedAt),
    warnings: run.warnings.length,
    reportCsv: String(annotations.reportJson).replace(/\.json$/, ".csv"),
    reportJson: annotations.reportJson
  })
  // Users the simulator made privileged are counted apart from the enabled ones.
  expect(run.users.privileged).toBeGreaterThan(0)
  expect(run.users.privileged).toBeLessThan(run.users.enabled)
  expect(annotations.durationMs).toBeGreaterThanOrEqual(0)
  expect((finished as { readonly spans?: Record<string, unknown> }).spans?.audit).toEqual(expect.any(Number))
}

describe("the log of a run", () => {
  it("is an `audit progress` log line every 1000 users, under the run's id, when stderr is not a terminal", async () => {
    const result = await runCli(["run", "--report-dir", join(directory, "piped")], {
      env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken }
    })
    expect(result.code).toBe(0)
    // No progress line meant for a terminal: carriage returns would fill a log file.
    expect(result.stderr).not.toContain("\r")
    const lines = jsonLogLines(result.stderr)
    const finished = lines.find((line) => line.message === "audit finished")
    const progress = lines.filter((line) => line.message === "audit progress")
    expect(progress).toHaveLength(1)
    expect(progress[0]?.logLevel).toBe("INFO")
    expect(progress[0]?.annotations).toEqual({
      runId: finished?.annotations.runId,
      phase: "audit",
      pages: expect.any(Number),
      users: 1000
    })
    // 1000 users take 17 pages of 60 at least.
    expect(progress[0]?.annotations.pages).toBeGreaterThanOrEqual(17)
    expectFinishedAsReported(finished)
  })

  it.skipIf(!hasScript)(
    "is a line rewritten in place on a terminal, cleared after, among pretty log lines",
    async () => {
      const stdoutFile = join(directory, "stdout.txt")
      const shown = await onTerminal(
        `"${process.execPath}" "${BIN}" run --report-dir "${join(directory, "terminal")}" > "${stdoutFile}"; echo "rc=$?"`,
        { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken }
      )
      expect(shown).toContain("rc=0")
      expect(shown).toMatch(/\r {2}\d+ pages, 1000 users\.\.\./)
      // Cleared: back to the line's start, and the rest of it erased.
      expect(shown).toContain("\r\u001b[K")
      // Cleared or redrawn before anything else is written: "audit finished" was appended to it.
      expect(shown.match(/users\.\.\.(?!\r)/g)).toBeNull()
      // Log lines for a person, not JSON, and no `audit progress` line beside the progress line.
      expect(shown).toContain("audit started")
      expect(shown).toContain("audit finished")
      expect(shown).not.toContain('"message"')
      expect(shown).not.toContain("audit progress")
      // All of it on stderr: stdout, a file here, holds the summary alone.
      const stdout = readFileSync(stdoutFile, "utf8")
      expect(stdout).toContain("Findings:")
      expect(stdout).not.toContain("audit started")
      expect(stdout).not.toContain("pages, 1000 users")
    }
  )

  it.skipIf(!hasScript)(
    "is coloured only where stderr is a terminal, and not under NO_COLOR or TERM=dumb",
    async () => {
      const run = (redirect: string, env: Record<string, string> = {}) =>
        onTerminal(
          `"${process.execPath}" "${BIN}" run --log-format pretty --report-dir "${join(directory, "colour")}" ${redirect}`,
          {
            PANTHER_API_URL: simulator.baseUrl,
            PANTHER_API_TOKEN: simulator.readToken,
            ...env
          }
        )
      mkdirSync(join(directory, "colour"), { recursive: true })
      // On the terminal, with stdout to a pipe: coloured, where the colour was decided by stdout and left out.
      expect(await run("| cat")).toMatch(COLOUR)
      // To a file, with stdout on the terminal: plain, where the file got the terminal's colours.
      const stderrFile = join(directory, "stderr.txt")
      await run(`2> "${stderrFile}"`)
      const logged = readFileSync(stderrFile, "utf8")
      expect(logged).toContain("audit finished")
      expect(logged).not.toMatch(COLOUR)
      for (const env of [{ NO_COLOR: "1" }, { TERM: "dumb" }]) {
        const shown = await run("", env)
        expect(shown, JSON.stringify(env)).toContain("audit finished")
        expect(shown, JSON.stringify(env)).not.toMatch(COLOUR)
      }
    }
  )

  it.skipIf(!hasScript)("is cleared with spaces on a terminal that knows no escape sequences (TERM=dumb)", async () => {
    mkdirSync(join(directory, "dumb"), { recursive: true })
    const shown = await onTerminal(
      `"${process.execPath}" "${BIN}" run --report-dir "${join(directory, "dumb")}"; echo "rc=$?"`,
      { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.readToken, TERM: "dumb" }
    )
    expect(shown).toContain("rc=0")
    const progress = /\r( {2}\d+ pages, 1000 users\.\.\.)/.exec(shown)?.[1] ?? ""
    expect(progress).not.toBe("")
    // Overwritten with as many spaces, where `ESC [ K` showed as text.
    // Once: a line cleared is not blanked again before each line after it.
    expect(shown.split(`\r${" ".repeat(progress.length)}\r`)).toHaveLength(2)
    expect(shown).not.toContain("\u001b")
  })
})
