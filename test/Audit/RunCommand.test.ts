import { spawn } from "node:child_process"
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { startSmtpServer } from "../Email/support/SmtpTestServer.js"
import { endWithTest } from "../support/ChildProcesses.js"
import { BIN, jsonLogLines, runCli, runCliToFds, runCliWithFileLimit, stderrText } from "../support/cli.js"
import { json, type ScriptedServer, type Step, scriptedServer, startScriptedServer } from "../support/scriptedServer.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { swapPipeAndFile } from "../support/swapper.js"

const READ_TOKEN = "read-SECRET-e3b9f1c7a5"
let simulator: StartedSimulator
let directory = ""

beforeAll(async () => {
  simulator = await startSimulator({
    users: 200,
    seed: 3,
    readToken: READ_TOKEN,
    adminToken: "admin-SECRET-0d2c4e6f8a"
  })
})
afterAll(() => simulator.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "run-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const env = (overrides: Record<string, string | undefined> = {}) => ({
  PANTHER_API_URL: simulator.baseUrl,
  PANTHER_API_TOKEN: READ_TOKEN,
  AUDIT_REPORT_DIR: directory,
  ...overrides
})

const expectNoSecret = (output: string) => {
  expect(output).not.toContain(READ_TOKEN)
  expect(output).not.toContain("SECRET")
}

/** A server that counts requests: configuration errors must be raised before the first one. */
const withCountingServer = async <A>(use: (server: ScriptedServer) => Promise<A>): Promise<A> => {
  const scope = Effect.runSync(Scope.make())
  const server = await Effect.runPromise(Scope.extend(scriptedServer([json(200, { results: [] })]), scope))
  try {
    return await use(server)
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

describe("panther-audit run", () => {
  it("leaves no lock behind when it cannot write its lock file (a full disk), so the next run need not wait", async () => {
    // No file may grow past 0 bytes: the directory check (an empty file) passes, the lock's content does not.
    const result = await runCliWithFileLimit(["run"], 0, env())
    expect(result.code, result.stderr).toBe(4)
    expect(stderrText(result.stderr)).toContain(".panther-audit.lock")
    expect(readdirSync(directory)).toEqual([])
  })

  it("waits for another user's lock it cannot read, rather than fail as if the directory could not be taken", async (context) => {
    // Root's run, started by hand in the nightly job's folder, leaves its lock readable by root alone.
    if (process.getuid?.() !== 0) context.skip("needs root, to run the audit as another user")
    chmodSync(directory, 0o777)
    const lock = join(directory, ".panther-audit.lock")
    writeFileSync(lock, '{"pid":1,"host":"admin-box","command":"run","token":"x"}\n', { mode: 0o600 })
    let waited = false
    const result = await runCli(["run"], {
      env: env(),
      uid: 65534,
      onStderr: (stderr) => {
        // The holder is done once the other run says it waits for it.
        if (!waited && stderrText(stderr).includes("Waiting for an audit of uid 0")) {
          waited = true
          rmSync(lock)
        }
      }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(stderrText(result.stderr)).toContain(
      `Waiting for an audit of uid 0 (whose .panther-audit.lock this user cannot read) to finish with the report ` +
        `directory ${directory}`
    )
    expect(readdirSync(directory).filter((name) => name.endsWith(".json"))).toHaveLength(1)
  })

  it("audits, prints a summary with the report paths, and exits 0", async () => {
    const result = await runCli(["run"], { env: env() })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("Findings:")
    const files = readdirSync(directory).sort()
    expect(files).toHaveLength(2)
    expect(files[0]).toMatch(/^user-audit-\d{8}T\d{6}Z\.csv$/)
    for (const file of files) expect(result.stdout).toContain(join(directory, file))
    expectNoSecret(result.stdout + result.stderr + readFileSync(join(directory, files[1] ?? ""), "utf8"))
  })

  it("exits 1 with complete reports when findings reach --fail-on", async () => {
    const result = await runCli(["run", "--fail-on", "medium"], { env: env() })
    expect(result.code).toBe(1)
    expect(stderrText(result.stderr)).toMatch(
      /\b[2-9]\d* findings at or above --fail-on medium; the reports are complete\./
    )
    expect(readdirSync(directory)).toHaveLength(2)
  })

  it("keeps exit 1 for findings at --fail-on when stdout cannot be written too, and says the output was lost", async () => {
    // Exit 4 is for output lost by a command that otherwise completed; a job alerting on findings still sees them.
    const full = openSync("/dev/full", "w")
    const { code, stderr } = await runCliToFds(["run", "--fail-on", "info"], { stdout: full }, { env: env() }).finally(
      () => closeSync(full)
    )
    expect(code).toBe(1)
    expect(stderr).toMatch(/\d+ findings at or above --fail-on info; the reports are complete\./u)
    expect(stderr).toContain("could not write to stdout (ENOSPC): what it shows is incomplete.")
  })

  it("takes the same settings from the environment", async () => {
    const result = await runCli(["run"], { env: env({ AUDIT_FAIL_ON: "info", AUDIT_STALE_DAYS: "5000" }) })
    expect(result.code).toBe(1)
    const report = readdirSync(directory).find((file) => file.endsWith(".json")) ?? ""
    const run = JSON.parse(readFileSync(join(directory, report), "utf8")).run
    expect(run.parameters).toMatchObject({ staleDays: 5000, failOn: "info" })
    expect(run.findings.byFinding.STALE_LOGIN).toBe(0)
  })

  it("takes a blank variable for an unset one, and names a variable whose value it cannot read", async () => {
    // AUDIT_STALE_DAYS= left empty in a compose file read as 0 days, a blank list as no privileged permission.
    const blank = await runCli(["run"], {
      env: env({ AUDIT_STALE_DAYS: "", AUDIT_PRIVILEGED_PERMISSIONS: " ", PANTHER_MAX_RETRIES: "", AUDIT_EMAIL: "" })
    })
    expect(blank.code).toBe(0)
    const report = readdirSync(directory).find((file) => file.endsWith(".json")) ?? ""
    const run = JSON.parse(readFileSync(join(directory, report), "utf8")).run
    expect(run.parameters.staleDays).toBe(90)
    expect(run.parameters.privilegedPermissions).toEqual(["UserModify", "OrganizationAPITokenModify"])

    // One line, as every other error, naming the variable and what is wrong with it.
    const unreadable = ". Correct the environment variable, or unset it."
    for (const [variable, value, says] of [
      ["PANTHER_TIMEOUT_SECONDS", "abc", `PANTHER_TIMEOUT_SECONDS must be a number; got "abc"${unreadable}`],
      ["AUDIT_STALE_DAYS", "ninety", `AUDIT_STALE_DAYS must be a whole number; got "ninety"${unreadable}`],
      [
        "AUDIT_INCLUDE_DEACTIVATED",
        "maybe",
        `AUDIT_INCLUDE_DEACTIVATED must be true or false (or yes or no, on or off, 1 or 0); got "maybe"${unreadable}`
      ],
      [
        "MAIL_POLICY",
        "sometimes",
        `MAIL_POLICY must be one of always, on-findings, on-change, never; got "sometimes"${unreadable}`
      ],
      ["AUDIT_STALE_DAYS", "-5", "--stale-days / AUDIT_STALE_DAYS must be a whole number of days, 0 or more; got -5"],
      ["AUDIT_PENDING_DAYS", "-1", "--pending-days / AUDIT_PENDING_DAYS must be a whole number of days, 0 or more"],
      ["AUDIT_AS_OF", "yesterday", '--as-of / AUDIT_AS_OF "yesterday" is not an ISO 8601 instant'],
      // Every login would be after it, each counted as 0 days: a report that flags nothing stale.
      ["AUDIT_AS_OF", "0000-01-01T00:00:00Z", '--as-of / AUDIT_AS_OF "0000-01-01T00:00:00Z" is before 2000']
    ] as const) {
      const refused = await runCli(["run"], { env: env({ [variable]: value, MAIL_TO: "a@acme.example" }) })
      expect(refused.code, variable).toBe(2)
      // One line: the failure, as JSON since stderr is no terminal.
      expect(refused.stderr.trimEnd().split("\n"), variable).toHaveLength(1)
      expect(stderrText(refused.stderr), variable).toContain(says)
      expect(refused.stderr, variable).not.toContain("AUDIT_EMAIL")
    }
    // Yes and no in any case, as LOG_LEVEL is.
    expect((await runCli(["run"], { env: env({ AUDIT_INCLUDE_DEACTIVATED: "TRUE" }) })).code).toBe(0)
  })

  it("refuses a number not written in decimal digits, from a flag or a variable, as it refuses ninety", async () => {
    // Number reads 0x10 as 16 and 0b11 as 3: a run with other thresholds than the writer meant.
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, Record<string, string>, string]> = [
      [["--stale-days", "0x10"], {}, '--stale-days must be a whole number; got "0x10"'],
      [["--pending-days=0b11"], {}, '--pending-days must be a whole number; got "0b11"'],
      [["--keep-reports", "1.5e0"], {}, '--keep-reports must be a whole number; got "1.5e0"'],
      [["--smtp-retries", "0x3"], {}, '--smtp-retries must be a whole number; got "0x3"'],
      [["--timeout-seconds", "Infinity"], {}, '--timeout-seconds must be a number; got "Infinity"'],
      [["--retry-budget-seconds", "0x10"], {}, '--retry-budget-seconds must be a number; got "0x10"'],
      [[], { AUDIT_STALE_DAYS: "0x10" }, 'AUDIT_STALE_DAYS must be a whole number; got "0x10"'],
      [[], { AUDIT_STALE_DAYS: "0b11" }, 'AUDIT_STALE_DAYS must be a whole number; got "0b11"'],
      [[], { AUDIT_STALE_DAYS: "0o7" }, 'AUDIT_STALE_DAYS must be a whole number; got "0o7"'],
      [[], { AUDIT_KEEP_REPORTS_DAYS: "0x1E" }, 'AUDIT_KEEP_REPORTS_DAYS must be a whole number; got "0x1E"'],
      [[], { MAIL_ATTACH_MAX_BYTES: "5.5e0" }, 'MAIL_ATTACH_MAX_BYTES must be a whole number; got "5.5e0"'],
      [[], { PANTHER_TIMEOUT_SECONDS: "NaN" }, 'PANTHER_TIMEOUT_SECONDS must be a number; got "NaN"']
    ]
    await withCountingServer(async (server) => {
      const results = await Promise.all(
        cases.map(([args, variables]) =>
          runCli(["run", ...args], { env: env({ PANTHER_API_URL: server.url, ...variables }) })
        )
      )
      results.forEach((result, index) => {
        const [args, variables, says] = cases[index] ?? [[], {}, ""]
        const what = [...args, ...Object.entries(variables).map(([name, value]) => `${name}=${value}`)].join(" ")
        expect(result.code, what).toBe(2)
        expect(stderrText(result.stderr), what).toContain(says)
      })
      expect(server.requests).toHaveLength(0)
    })
    expect(readdirSync(directory)).toEqual([])
  })

  it("refuses MAIL_POLICY and AUDIT_EMAIL set to different policies, where one of them was dropped unsaid", async () => {
    // AUDIT_EMAIL=on-change from a deployment, MAIL_POLICY=always from a shared environment file: MAIL_POLICY won.
    await withCountingServer(async (server) => {
      const refused = await runCli(["run"], {
        env: env({
          PANTHER_API_URL: server.url,
          MAIL_TO: "a@acme.example",
          MAIL_POLICY: "always",
          AUDIT_EMAIL: "on-change"
        })
      })
      expect(refused.code).toBe(2)
      expect(refused.stderr.trimEnd().split("\n")).toHaveLength(1)
      expect(stderrText(refused.stderr)).toContain(
        'AUDIT_EMAIL is "on-change" but MAIL_POLICY is "always": both name when to send the email, so set one of ' +
          "them (or both alike). Correct the environment variable, or unset it."
      )
      expect(server.requests).toHaveLength(0)
    })
    // Alike in any case, and a flag over both, as before.
    const alike = await runCli(["run"], {
      env: env({ MAIL_POLICY: "never", AUDIT_EMAIL: "NEVER", MAIL_TO: "a@acme.example" })
    })
    expect(alike.code, alike.stderr).toBe(0)
    expect(alike.stdout).toContain("Email not sent: --email never.")
    const flag = await runCli(["run", "--email", "never"], {
      env: env({ MAIL_POLICY: "always", AUDIT_EMAIL: "on-change", MAIL_TO: "a@acme.example" })
    })
    expect(flag.code, flag.stderr).toBe(0)
  })

  it("says where an unreadable previous report goes wrong, without printing what it holds", async () => {
    writeFileSync(join(directory, "user-audit-20261129T000000Z.json"), "garbage\u001b]0;owned\u0007\n")
    const result = await runCli(["run"], { env: env() })
    expect(result.code, result.stderr).toBe(0)
    const changes = result.stdout.split("\n").find((line) => line.startsWith("Changes:")) ?? ""
    expect(changes).toContain(
      "the previous report user-audit-20261129T000000Z.json could not be read (it is not valid JSON: an unexpected " +
        "character at line 1, column 1)"
    )
    expect(result.stdout).not.toContain("garbage")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character but the line break may appear.
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/u)
  })

  it("never waits on a pipe given the previous report's name after it was looked at, as a swap in a loop does", async () => {
    // The run's look at the name finds a file, its opening a moment later the pipe, which it waited on for ever,
    // deaf to SIGTERM. A run in three or so met the pipe so.
    const name = "user-audit-20261129T000000Z.json"
    const swapper = swapPipeAndFile(directory, name, '{"run": {}}\n')
    try {
      for (let attempt = 1; attempt <= 6; attempt++) {
        const result = await runCli(["run"], { env: env(), timeoutMs: 15_000 })
        expect(result.signal, "the run waited on the pipe until it was killed").toBe(null)
        expect(result.code, result.stderr).toBe(0)
        expect(result.stdout).toContain(`the previous report ${name} could not be read`)
        // So that the swapped name stays the newest report, the one the next run compares with.
        for (const written of readdirSync(directory).filter((file) => /^user-audit-.*\.(csv|json)$/.test(file))) {
          if (written !== name) rmSync(join(directory, written))
        }
      }
    } finally {
      swapper.kill("SIGKILL")
    }
    // Six runs beside a process taking a core: about 5 s on a quiet machine, over 30 s on a busy one.
  }, 120_000)

  it("writes no report into the current folder for a blank report directory", async () => {
    // From the environment a blank directory is the default, ./reports (missing here: a clear exit 2); as a flag
    // it is a usage error.
    const blankEnv = await runCli(["run"], { env: env({ AUDIT_REPORT_DIR: "" }), cwd: directory })
    const blankFlag = await runCli(["run", "--report-dir", ""], { env: env(), cwd: directory })
    expect(blankEnv.code).toBe(2)
    expect(stderrText(blankEnv.stderr)).toContain("./reports")
    expect(blankFlag.code).toBe(2)
    expect(stderrText(blankFlag.stderr)).toContain("--report-dir is empty")
    expect(readdirSync(directory)).toEqual([])
  })

  it("refuses --wizard when stdin is not a terminal, where it waited for ever", async () => {
    const result = await runCli(["run", "--wizard"], { env: env(), timeoutMs: 15_000 })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain("--wizard asks on a terminal")
  })

  it("logs a warning's reason as an annotation, so its JSON message stays one string", async () => {
    const server = await startScriptedServer((_index, request) =>
      request.path === "/roles"
        ? json(403, { error: "forbidden" })
        : json(200, {
            results: [{ id: "u1", email: "a@acme.example", givenName: "A", familyName: "B", role: {}, enabled: true }]
          })
    )
    try {
      const result = await runCli(["run", "--log-format", "json"], { env: env({ PANTHER_API_URL: server.url }) })
      expect(result.code).toBe(0)
      const warning = jsonLogLines(result.stderr).find((line) =>
        String(line.message).startsWith("roles could not be read")
      )
      expect(typeof warning?.message).toBe("string")
      expect(warning?.annotations.reason).toContain("403")
    } finally {
      await server.close()
    }
  })

  it("logs what failed at GET /roles without the advice the users, read next, disprove", async () => {
    const reasonFor = async (roles: Step) => {
      const server = await startScriptedServer((_index, request) =>
        request.path === "/roles"
          ? roles
          : json(200, {
              results: [{ id: "u1", email: "a@acme.example", givenName: "A", familyName: "B", role: {}, enabled: true }]
            })
      )
      try {
        const result = await runCli(["run", "--log-format", "json", "--max-retries", "0"], {
          env: env({ PANTHER_API_URL: server.url })
        })
        expect(result.code).toBe(0)
        const line = jsonLogLines(result.stderr).find((logged) =>
          String(logged.message).startsWith("roles could not be read")
        )
        return String(line?.annotations.reason)
      } finally {
        await server.close()
      }
    }
    // The same token read the users: it has Read User Info, which the log had told its reader to add.
    const refused = await reasonFor(json(403, { error: "forbidden" }))
    expect(refused).toBe("Panther refused GET /roles to the API token (403). Panther said: forbidden.")
    // The same address answered the users: --api-url is right, which the log had told its reader to check.
    const missing = await reasonFor(json(404, { message: "Not Found" }))
    expect(missing).toBe("Panther found nothing at GET /roles (404). Panther said: Not Found.")
    const page = await reasonFor((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" })
      response.end("<html><body>Sign in</body></html>")
    })
    expect(page).toContain("the body is not JSON but an HTML page")
    expect(page).not.toContain("--api-url")
    const dropped = await reasonFor((_request, response) => response.socket?.destroy())
    expect(dropped).toContain("Could not get an answer from Panther for GET /roles")
    expect(dropped).not.toContain("--api-url")
  })

  it("exits 3 with a clear message and no report when the token is refused", async () => {
    const result = await runCli(["run"], { env: env({ PANTHER_API_TOKEN: "wrong-SECRET-token" }) })
    expect(result.code).toBe(3)
    expect(stderrText(result.stderr)).toContain("401")
    expect(stderrText(result.stderr)).toContain("check the token".replace("check", "Check"))
    // Refused at the roles, the first request: not a warning that the audit goes on without them, then the failure.
    expect(result.stderr).not.toContain("roles could not be read")
    expect(result.stderr).not.toContain("wrong-SECRET-token")
    expect(readdirSync(directory)).toEqual([])
  })

  it("logs a failed run as one JSON line with its run id, for a log collector", async () => {
    const result = await runCli(["run", "--log-format", "json", "--max-retries", "0"], {
      env: env({ PANTHER_API_TOKEN: "wrong-SECRET-token" })
    })
    expect(result.code).toBe(3)
    const lines = jsonLogLines(result.stderr)
    const started = lines.find((line) => line.message === "audit started")
    const failed = lines.find((line) => line.message === "audit failed; no report was written")
    expect(started?.annotations.runId).toMatch(/^[0-9a-f-]{36}$/)
    expect(failed?.logLevel).toBe("ERROR")
    expect(failed?.annotations).toMatchObject({
      runId: started?.annotations.runId,
      phase: "audit",
      error: "Unauthorized"
    })
    expect(failed?.annotations.reason).toContain("401")
    expectNoSecret(result.stderr)
  })

  it.each([
    [["--stale-days", "-1"], "--stale-days"],
    [["--as-of", "yesterday"], "--as-of"],
    [["--privileged-permissions", "UserModify,make coffee"], '"make coffee" is not a permission name'],
    [["--privileged-permissions", "User-Modify"], "CamelCase"],
    [["--fail-on", "severe"], "--fail-on / AUDIT_FAIL_ON must be one of none, info"],
    [["--stale-days", "abc"], '--stale-days must be a whole number; got "abc"'],
    [["--report-dir", "/nonexistent/reports"], "report directory"],
    [["--policy", "sox"], "--policy / AUDIT_POLICY must be one of cis, pci, nist"],
    [
      ["--suppressions", "/nonexistent/suppressions.yaml"],
      "--suppressions / AUDIT_SUPPRESSIONS /nonexistent/suppressions.yaml cannot be read: it does not exist"
    ],
    [["--suppressions", ""], "--suppressions is empty"],
    [
      ["--suppressions", "~/panther-audit-suppressions.yaml"],
      "--suppressions / AUDIT_SUPPRESSIONS ~/panther-audit-suppressions.yaml cannot be read: it does not exist; ~ is " +
        "expanded only by a shell"
    ]
  ])("exits 2 before any API call for %s", async (args, mention) => {
    await withCountingServer(async (server) => {
      const result = await runCli(["run", ...args], { env: env({ PANTHER_API_URL: server.url }) })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr) + result.stdout).toContain(mention)
      expect(server.requests).toHaveLength(0)
    })
  })

  it("exits 2 before any API call when the report directory cannot be listed (write and search, no read)", async () => {
    // Root reads any folder: the command runs as nobody then (spawn drops the supplementary groups with it).
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    const dropBox = join(directory, "drop-box")
    mkdirSync(dropBox)
    chmodSync(directory, 0o755)
    chmodSync(dropBox, 0o333)
    try {
      await withCountingServer(async (server) => {
        const result = await runCli(["run", "--report-dir", dropBox], {
          env: env({ PANTHER_API_URL: server.url }),
          ...(uid === undefined ? {} : { uid })
        })
        expect(result.code, result.stderr).toBe(2)
        expect(stderrText(result.stderr)).toContain(
          `report directory ${dropBox}: it cannot be listed by this user (permission denied)`
        )
        expect(stderrText(result.stderr)).toContain("give this user read permission on it")
        expect(server.requests).toHaveLength(0)
      })
    } finally {
      chmodSync(dropBox, 0o755)
    }
  })

  it("exits 2 when the report directory is a file, naming the variable as well as the flag that set it", async () => {
    const file = join(directory, "not-a-dir")
    writeFileSync(file, "")
    const result = await runCli(["run", "--report-dir", file], { env: env() })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain("not a directory")
    // Set in a container's environment, where no flag was given: the message names where to fix it.
    for (const [value, says] of [
      [file, "it is not a directory; pass a directory as --report-dir / AUDIT_REPORT_DIR"],
      [join(directory, "missing"), "it does not exist; create it or pass another --report-dir / AUDIT_REPORT_DIR"]
    ]) {
      const fromVariable = await runCli(["run"], { env: env({ AUDIT_REPORT_DIR: value }) })
      expect(fromVariable.code).toBe(2)
      expect(stderrText(fromVariable.stderr)).toContain(says)
    }
  })

  it("exits 3 and leaves no report when the API keeps failing", async () => {
    const failing = await startSimulator({ users: 200, faults: { errorRate: 1 } })
    try {
      const result = await runCli(["run", "--max-retries", "1"], {
        env: env({ PANTHER_API_URL: failing.baseUrl, PANTHER_API_TOKEN: failing.readToken })
      })
      expect(result.code).toBe(3)
      expect(readdirSync(directory)).toEqual([])
    } finally {
      await failing.close()
    }
  })
})

describe("--privileged-permissions", () => {
  const user = (id: string, role: string) => ({
    id,
    email: `${id}@acme.example`,
    givenName: "G",
    familyName: id,
    role: { name: role },
    enabled: true,
    status: "CONFIRMED",
    createdAt: "2024-01-01T00:00:00Z",
    lastLoggedInAt: new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString()
  })
  const roles = [
    { id: "r-analyst", name: "Analyst", permissions: ["AlertRead"] },
    // A permission Panther added after this tool's list was written.
    { id: "r-ops", name: "Ops", permissions: ["UserRead", "RoleModify"] }
  ]
  const reportOf = () => {
    const report = readdirSync(directory).find((file) => file.endsWith(".json")) ?? ""
    return JSON.parse(readFileSync(join(directory, report), "utf8")) as {
      run: { warnings: Array<string> }
      findings: Array<{ finding: string; userId: string; detail: string }>
    }
  }

  it("accepts a permission the tool does not know, and warns only of one no role holds", async () => {
    const server = await startScriptedServer((_index, request) =>
      json(200, { results: request.path === "/roles" ? roles : [user("ops", "Ops"), user("analyst", "Analyst")] })
    )
    try {
      // RoleModify is held by Ops; LookupModify is known though no role holds it; UserModfy is a typo, given twice.
      const result = await runCli(["run", "--privileged-permissions", "RoleModify,LookupModify,UserModfy,UserModfy"], {
        env: env({ PANTHER_API_URL: server.url })
      })
      expect(result.code).toBe(0)
      const { run, findings } = reportOf()
      expect(findings.map((finding) => [finding.finding, finding.userId, finding.detail])).toEqual([
        ["PRIVILEGED_ROLE", "ops", 'role "Ops" holds RoleModify']
      ])
      const permissionWarnings = run.warnings.filter((warning) => warning.startsWith("--privileged-permissions"))
      expect(permissionWarnings).toEqual([
        "--privileged-permissions / AUDIT_PRIVILEGED_PERMISSIONS names UserModfy, which no role in GET /roles holds " +
          "and this tool does not know: if it is mistyped, no role was judged privileged by it. Check its spelling against the permissions of " +
          "roles in Panther's console."
      ])
      expect(result.stdout).toContain("AUDIT_PRIVILEGED_PERMISSIONS names UserModfy")
    } finally {
      await server.close()
    }
  })

  it("takes the list from AUDIT_PRIVILEGED_PERMISSIONS, and names the permission a wrong case meant", async () => {
    const server = await startScriptedServer((_index, request) =>
      json(200, { results: request.path === "/roles" ? roles : [user("ops", "Ops")] })
    )
    try {
      const result = await runCli(["run"], {
        env: env({ PANTHER_API_URL: server.url, AUDIT_PRIVILEGED_PERMISSIONS: "Rolemodify" })
      })
      expect(result.code).toBe(0)
      expect(reportOf().findings).toEqual([])
      expect(result.stdout).toContain(
        "AUDIT_PRIVILEGED_PERMISSIONS names Rolemodify, which no role in GET /roles holds and this tool does not " +
          "know (did you mean RoleModify?)"
      )
    } finally {
      await server.close()
    }
  })
})

describe("--privileged-roles", () => {
  const user = (id: string, role: { id?: string; name?: string }) => ({
    id,
    email: `${id}@acme.example`,
    givenName: "G",
    familyName: id,
    role,
    enabled: true,
    status: "CONFIRMED",
    createdAt: "2024-01-01T00:00:00Z",
    lastLoggedInAt: new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString()
  })
  // Helpdesk was renamed Service Desk in Panther since the setting was written.
  const roles = [
    { id: "r-admin", name: "Admin", permissions: ["UserModify"] },
    { id: "r-desk", name: "Service Desk", permissions: ["UserRead"] }
  ]

  it("warns of a listed role that no role in GET /roles and no user's role is, as after a rename", async () => {
    const server = await startScriptedServer((_index, request) =>
      json(200, {
        results:
          request.path === "/roles"
            ? roles
            : // A role GET /roles does not list, but users hold by the listed name: listed, so not warned of.
              [user("desk", { id: "r-desk", name: "Service Desk" }), user("ghost", { name: "Legacy Ops" })]
      })
    )
    try {
      const result = await runCli(["run", "--privileged-roles", "admin,Helpdesk,legacy ops,r-desk-old"], {
        env: env({ PANTHER_API_URL: server.url })
      })
      expect(result.code).toBe(0)
      const report = readdirSync(directory).find((file) => file.endsWith(".json")) ?? ""
      const { run } = JSON.parse(readFileSync(join(directory, report), "utf8")) as { run: { warnings: Array<string> } }
      expect(run.warnings.filter((warning) => warning.startsWith("--privileged-roles"))).toEqual(
        ["Helpdesk", "r-desk-old"].map(
          (role) =>
            `--privileged-roles / AUDIT_PRIVILEGED_ROLES names ${role}, which is the name or id of no role in GET ` +
            "/roles nor of any user's role: if the role was renamed or the name is mistyped, no user was judged " +
            "privileged by it. Check the roles in Panther's console."
        )
      )
      expect(result.stdout).toContain("AUDIT_PRIVILEGED_ROLES names Helpdesk")
    } finally {
      await server.close()
    }
  })

  it("does not say the list names a role when the list is the default, which the user never set", async () => {
    // An instance without a role named Admin: its admins hold a role of another name, privileged by permission.
    const server = await startScriptedServer((_index, request) =>
      json(200, {
        results:
          request.path === "/roles"
            ? [{ id: "r-owner", name: "Owner", permissions: ["UserModify"] }]
            : [user("owner", { id: "r-owner", name: "Owner" })]
      })
    )
    try {
      const warningsOf = async (extra: Record<string, string>) => {
        const before = readdirSync(directory)
        const result = await runCli(["run"], { env: env({ PANTHER_API_URL: server.url, ...extra }) })
        expect(result.code, result.stderr).toBe(0)
        const report = readdirSync(directory).find((file) => file.endsWith(".json") && !before.includes(file))
        const { run } = JSON.parse(readFileSync(join(directory, report ?? ""), "utf8")) as {
          run: { warnings: Array<string> }
        }
        return { stdout: result.stdout, warnings: run.warnings }
      }
      const unset = await warningsOf({})
      expect(unset.warnings.filter((warning) => warning.includes("PRIVILEGED_ROLES"))).toEqual([])
      expect(unset.stdout).not.toContain("AUDIT_PRIVILEGED_ROLES")
      // Set to the default's own value, it is the user's list, and the warning is true.
      const set = await warningsOf({ AUDIT_PRIVILEGED_ROLES: "Admin" })
      expect(set.warnings.filter((warning) => warning.includes("PRIVILEGED_ROLES"))).toEqual([
        "--privileged-roles / AUDIT_PRIVILEGED_ROLES names Admin, which is the name or id of no role in GET /roles " +
          "nor of any user's role: if the role was renamed or the name is mistyped, no user was judged privileged by " +
          "it. Check the roles in Panther's console."
      ])
    } finally {
      await server.close()
    }
  })

  it("says so when a list is set to nothing, as an unset variable in the flag gives, and judges no one by it", async () => {
    const server = await startScriptedServer((_index, request) =>
      json(200, { results: request.path === "/roles" ? roles : [user("admin", { id: "r-admin", name: "Admin" })] })
    )
    try {
      const result = await runCli(["run", "--privileged-roles", " ", "--privileged-permissions", ","], {
        env: env({ PANTHER_API_URL: server.url })
      })
      expect(result.code, result.stderr).toBe(0)
      const report = readdirSync(directory).find((file) => file.endsWith(".json")) ?? ""
      const { run } = JSON.parse(readFileSync(join(directory, report), "utf8")) as {
        run: { warnings: Array<string>; users: { privileged: number } }
      }
      expect(run.users.privileged).toBe(0)
      expect(run.warnings).toEqual([
        "--privileged-roles / AUDIT_PRIVILEGED_ROLES is set but names no role: no user was judged privileged by " +
          "role name or id. Leave it out for the default, Admin.",
        "--privileged-permissions / AUDIT_PRIVILEGED_PERMISSIONS is set but names no permission: no role was judged " +
          "privileged by what it may do. Leave it out for the default, UserModify,OrganizationAPITokenModify."
      ])
    } finally {
      await server.close()
    }
  })
})

describe("a secret given as a privileged role or permission", () => {
  it("is refused before any API call, since the run's parameters are written into every report and email", async () => {
    const password = "smtp-SECRET-pw-77d1"
    for (const [flag, value, extra] of [
      ["--privileged-roles", `Admin,${READ_TOKEN}`, {}],
      ["--privileged-roles", `Admin,${password}`, { SMTP_USER: "audit", SMTP_PASSWORD: password }],
      // A token of Panther's shape that is also a CamelCase name, as a permission is written.
      ["--privileged-permissions", "UserModify,ReadSECRETe3b9f1c7a5", { PANTHER_API_TOKEN: "ReadSECRETe3b9f1c7a5" }]
    ] as const) {
      await withCountingServer(async (server) => {
        const result = await runCli(["run", flag, value, "--email", "always"], {
          env: env({ PANTHER_API_URL: server.url, MAIL_TO: "security@acme.example", ...extra })
        })
        expect(result.code, result.stderr).toBe(2)
        expect(stderrText(result.stderr)).toContain(`${flag} / AUDIT_PRIVILEGED_`)
        expect(stderrText(result.stderr)).toContain("holds the API token or a password (not shown)")
        expectNoSecret(`${result.stdout}${result.stderr}`)
        expect(server.requests).toHaveLength(0)
        expect(readdirSync(directory)).toEqual([])
      })
    }
  })
})

describe("a secret given as an address or the subject's prefix of the email", () => {
  it("is refused before any API call, since every email would carry it in its headers", async () => {
    for (const [setting, variable, value] of [
      ["--mail-subject-prefix / MAIL_SUBJECT_PREFIX", "MAIL_SUBJECT_PREFIX", `[audit ${READ_TOKEN}]`],
      ["--mail-from / MAIL_FROM", "MAIL_FROM", `"${READ_TOKEN}" <audit@acme.example>`],
      ["--mail-cc / MAIL_CC", "MAIL_CC", `${READ_TOKEN}@acme.example`]
    ] as const) {
      await withCountingServer(async (server) => {
        const result = await runCli(["run", "--email", "always"], {
          env: env({ PANTHER_API_URL: server.url, MAIL_TO: "security@acme.example", [variable]: value })
        })
        expect(result.code, result.stderr).toBe(2)
        expect(stderrText(result.stderr)).toContain(`${setting} holds the API token or a password (not shown)`)
        expectNoSecret(`${result.stdout}${result.stderr}`)
        expect(server.requests).toHaveLength(0)
        expect(readdirSync(directory)).toEqual([])
      })
    }
  })
})

describe("an empty list of users", () => {
  // Sixty users with a stale login, then none: a token of another instance, or a wrong address.
  const staleUser = (index: number) => ({
    id: `u${index}`,
    email: `user${index}@acme.example`,
    givenName: "G",
    familyName: `U${index}`,
    role: { name: "Analyst" },
    enabled: true,
    status: "CONFIRMED",
    createdAt: "2024-01-01T00:00:00Z",
    lastLoggedInAt: "2025-01-01T00:00:00Z"
  })
  const AS_OF_ISO = "2026-06-30T00:00:00Z"

  it("fails run, review and export with exit 3, writing nothing, instead of calling every finding resolved", async () => {
    let users = Array.from({ length: 60 }, (_, index) => staleUser(index))
    const server = await startScriptedServer((_index, request) =>
      json(200, { results: request.path === "/roles" ? [] : users })
    )
    try {
      const audit = (command: string, ...args: Array<string>) =>
        runCli([command, "--as-of", AS_OF_ISO, ...args], { env: env({ PANTHER_API_URL: server.url }) })
      const first = await audit("run")
      expect(first.code, first.stderr).toBe(0)
      expect(first.stdout).toContain("Findings: 60")
      const before = readdirSync(directory).sort()

      users = []
      for (const [command, ...args] of [["run", "--fail-on", "medium"], ["review"], ["export"]] as const) {
        const result = await audit(command, ...args)
        expect(result.code, command).toBe(3)
        expect(stderrText(result.stderr), command).toContain(
          "listed no users at all (GET /users, 1 page), yet every Panther instance has at least one user, an Admin. " +
            "Check that --api-url / PANTHER_API_URL is the API of the instance meant"
        )
        expect(stderrText(result.stderr), command).toContain("the API token was created in that same instance")
        expect(stderrText(result.stderr), command).toContain("No report was written")
        expect(result.stdout, command).not.toContain("resolved")
        expectNoSecret(result.stdout + result.stderr)
        expect(readdirSync(directory).sort(), command).toEqual(before)
      }
    } finally {
      await server.close()
    }
  })

  it("is no failure for users list, where filters that match nobody are normal", async () => {
    const result = await runCli(["users", "list", "--email", "nobody@nowhere.example", "--format", "ndjson"], {
      env: env()
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe("")
  })
})

describe("--policy", () => {
  const parametersOf = () => {
    const report = readdirSync(directory).find((file) => file.endsWith(".json")) ?? ""
    return JSON.parse(readFileSync(join(directory, report), "utf8")).run.parameters
  }

  it("presets the thresholds and is recorded in the reports", async () => {
    const result = await runCli(["run", "--policy", "cis"], { env: env() })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("(policy cis)")
    expect(parametersOf()).toMatchObject({ policy: "cis", staleDays: 45 })
  })

  it("gives way to an explicit --stale-days", async () => {
    const result = await runCli(["run", "--stale-days", "60"], { env: env({ AUDIT_POLICY: "pci" }) })
    expect(result.code).toBe(0)
    expect(parametersOf()).toMatchObject({ policy: "pci", staleDays: 60 })
    // Stricter than the policy: nothing to say.
    expect(result.stdout).not.toContain("overrides --policy")
  })

  it("says so when an explicit --stale-days is looser than the policy the reports name", async () => {
    const result = await runCli(["run", "--stale-days", "90"], { env: env({ AUDIT_POLICY: "cis" }) })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("(policy cis)")
    const report = readdirSync(directory).find((file) => file.endsWith(".json")) ?? ""
    expect(JSON.parse(readFileSync(join(directory, report), "utf8")).run.warnings).toContain(
      "--stale-days 90 overrides --policy cis, which sets 45 days: logins more than 45 and at most 90 days ago were " +
        "not flagged, so this report does not show the cis threshold met."
    )
  })
})

describe("--as-of", () => {
  const warningsOf = () => {
    const report = readdirSync(directory).find((file) => file.endsWith(".json")) ?? ""
    return JSON.parse(readFileSync(join(directory, report), "utf8")).run.warnings as ReadonlyArray<string>
  }

  it("after the run's start is said to judge every login older than it is, as a typed year would", async () => {
    const asOf = new Date(Date.now() + 40.5 * 86_400_000)
    const result = await runCli(["run", "--as-of", asOf.toISOString()], { env: env() })
    expect(result.code, result.stderr).toBe(0)
    const warning = warningsOf().find((text) => text.startsWith("--as-of "))
    expect(warning).toContain(`--as-of ${asOf.toISOString()} is 40 days 12 hours after this run started`)
    expect(warning).toContain("every login is judged as if it were then, 40 days 12 hours older than it is")
    expect(result.stdout).toContain("40 days 12 hours after this run started")
  })

  it("in the past, or within the few minutes clocks may differ by, is nothing to say", async () => {
    for (const asOf of ["2025-06-30T12:00:00Z", new Date(Date.now() + 60_000).toISOString()]) {
      rmSync(directory, { recursive: true, force: true })
      mkdirSync(directory)
      const result = await runCli(["run", "--as-of", asOf], { env: env() })
      expect(result.code, result.stderr).toBe(0)
      expect(warningsOf().filter((text) => text.startsWith("--as-of "))).toEqual([])
    }
  })
})

describe("--suppressions", () => {
  it("exits 2 before any API call for an invalid file, naming the entry", async () => {
    const file = join(directory, "suppressions.yaml")
    writeFileSync(
      file,
      "suppressions:\n  - user: a@example.com\n    finding: STALE_LOGIN\n    reason: r\n    owner: o\n    expires: soon\n"
    )
    await withCountingServer(async (server) => {
      const result = await runCli(["run", "--suppressions", file], { env: env({ PANTHER_API_URL: server.url }) })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr)).toContain('entry 1 (a@example.com): expires "soon" is not a date')
      expect(server.requests).toHaveLength(0)
    })
  })

  it.each([
    // As Windows PowerShell's `>` and Notepad's "Unicode" save it, with its byte order mark.
    ["UTF-16", (text: string) => Buffer.from(`\uFEFF${text}`, "utf16le"), "it is UTF-16 text; save it as UTF-8"],
    // "Müller" as Windows-1252 has it: read as UTF-8, the ü would have become U+FFFD in every report.
    ["Windows-1252", (text: string) => Buffer.from(text, "latin1"), "line 4 is not UTF-8 text"]
  ])("exits 2 for a file saved as %s, saying so, rather than reading it amiss", async (_, encode, message) => {
    const file = join(directory, "suppressions.yaml")
    const text =
      "suppressions:\n  - user: a@example.com\n    finding: STALE_LOGIN\n    reason: Elternzeit Müller\n" +
      "    owner: o\n    expires: 2027-01-01\n"
    writeFileSync(file, encode(text))
    await withCountingServer(async (server) => {
      const result = await runCli(["run", "--suppressions", file], { env: env({ PANTHER_API_URL: server.url }) })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr)).toContain(`suppressions file ${file}: ${message}`)
      expect(server.requests).toHaveLength(0)
    })
  })
})

describe("panther-audit demo", () => {
  it("needs no configuration and writes real reports into ./reports", async () => {
    const result = await runCli(["demo", "--users", "120"], { cwd: directory })
    expect(result.code).toBe(0)
    const reports = readdirSync(join(directory, "reports"))
    expect(reports.filter((file) => /^user-audit-.*\.(csv|json)$/.test(file))).toHaveLength(2)
    expect(result.stdout).toContain(join(directory, "reports"))
  })

  it("shows a finding of each rule that flags accounts, a compromised one among them", async () => {
    // The demo is what a new user sees first: a critical COMPROMISED_ACCOUNT among them shows the email's top rows.
    const result = await runCli(["demo", "--log-level", "none"], { cwd: directory })
    expect(result.code).toBe(0)
    const report = readdirSync(join(directory, "reports")).find((file) => file.endsWith(".json")) ?? ""
    const { run } = JSON.parse(readFileSync(join(directory, "reports", report), "utf8")) as {
      run: { findings: { byFinding: Record<string, number> } }
    }
    for (const finding of [
      "STALE_LOGIN",
      "NEVER_LOGGED_IN",
      "PENDING_STATUS",
      "COMPROMISED_ACCOUNT",
      "PRIVILEGED_ROLE"
    ]) {
      expect(run.findings.byFinding[finding], finding).toBeGreaterThan(0)
    }
  })

  it("writes only log lines on stderr, in the log format and at the log level asked for", async () => {
    // Its stderr in a pipe is JSON, one object a line, as every command's: a plain line would break a log reader.
    const result = await runCli(["demo", "--users", "120"], { cwd: directory })
    expect(result.code).toBe(0)
    const lines = result.stderr.split("\n").filter((line) => line !== "")
    expect(lines.filter((line) => !line.startsWith("{"))).toEqual([])
    const started = jsonLogLines(result.stderr).find((line) =>
      String(line.message).startsWith("Simulator with 120 users")
    )
    expect(started?.logLevel).toBe("INFO")
    const quiet = await runCli(["demo", "--users", "120", "--log-level", "none"], { cwd: directory })
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).toBe("")
  })

  it("says a report folder it cannot make could not be made, rather than ask for it to be made", async () => {
    // Root writes in any folder: the command runs as nobody then, the folder root's own.
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    const locked = join(directory, "locked")
    mkdirSync(locked)
    chmodSync(directory, 0o755)
    chmodSync(locked, 0o555)
    try {
      const reportDir = join(locked, "reports")
      const result = await runCli(["demo", "--users", "120", "--report-dir", reportDir], {
        cwd: directory,
        ...(uid === undefined ? {} : { uid })
      })
      expect(result.code, result.stderr).toBe(2)
      // Before: "it does not exist; create it", which fails alike.
      expect(stderrText(result.stderr)).toContain(
        `report directory ${reportDir}: it does not exist and could not be made (permission denied)`
      )
    } finally {
      chmodSync(locked, 0o755)
    }
  })

  it("leaves no folder it made behind when a setting is refused, as exit 2 promises nothing changed", async () => {
    // A typo in another flag on the first try: the demo had made the folders, empty, and left them.
    for (const args of [
      ["--policy", "hipaa"],
      ["--mail-to", "not an address"]
    ]) {
      const result = await runCli(["demo", "--users", "120", "--report-dir", join("made", "reports"), ...args], {
        cwd: directory
      })
      expect(result.code, result.stderr).toBe(2)
      expect(existsSync(join(directory, "made")), args.join(" ")).toBe(false)
    }
    // A folder that was there before stays.
    mkdirSync(join(directory, "kept"))
    const result = await runCli(["demo", "--users", "120", "--report-dir", join("kept", "reports"), "--policy", "x"], {
      cwd: directory
    })
    expect(result.code).toBe(2)
    expect(readdirSync(join(directory, "kept"))).toEqual([])
  })

  it("makes no folder named ~ for a report directory a shell would have expanded, and says to give the full path", async () => {
    // As an env file or a crontab's variable line passes it on. A folder named "~" beside the user's files is one
    // `rm -rf ~` away from the user's home.
    const result = await runCli(["demo", "--users", "120"], {
      cwd: directory,
      env: { AUDIT_REPORT_DIR: "~/reports" }
    })
    expect(result.code, result.stderr).toBe(2)
    expect(stderrText(result.stderr)).toContain(
      "report directory ~/reports: it does not exist; ~ is expanded only by a shell, at the start of a word (not " +
        "after a flag's =), not by this tool, nor in an env " +
        "file, a crontab's variable line or a systemd unit: give the full path as --report-dir / AUDIT_REPORT_DIR"
    )
    expect(existsSync(join(directory, "~"))).toBe(false)
  })

  it("judged --as-of a past day, audits users generated relative to that day, not logins in its future", async () => {
    const pastDay = "2025-06-30T12:00:00.000Z"
    const result = await runCli(["demo", "--users", "400", "--as-of", pastDay], { cwd: directory })
    expect(result.code).toBe(0)
    const report = readdirSync(join(directory, "reports")).find((file) => file.endsWith(".json")) ?? ""
    const { run, findings } = JSON.parse(readFileSync(join(directory, "reports", report), "utf8")) as {
      run: { asOf: string; findings: { byFinding: Record<string, number> } }
      findings: Array<{ detail: string }>
    }
    expect(run.asOf).toBe(pastDay)
    expect(run.findings.byFinding.STALE_LOGIN).toBeGreaterThan(0)
    expect(findings.filter((finding) => finding.detail.includes("after the audit time"))).toEqual([])
  })

  it("ends with its own exit code when the reader of its output has gone", async () => {
    // `panther-audit demo | head -1`: stdout is closed before the summary is written.
    const child = endWithTest(
      spawn(process.execPath, [BIN, "demo", "--users", "120"], {
        cwd: directory,
        env: { PATH: process.env.PATH ?? "" }
      })
    )
    child.stdout.destroy()
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    expect(stderr).not.toContain("EPIPE")
    expect(code).toBe(0)
    expect(readdirSync(join(directory, "reports")).filter((file) => file.endsWith(".json"))).toHaveLength(1)
  })

  it("finishes its work when stdout cannot be written, then says so with exit 4", async () => {
    // A full disk under `panther-audit demo > file`: the email is still written, after the summary that failed.
    const full = openSync("/dev/full", "w")
    const { code, stderr } = await runCliToFds(
      ["demo", "--users", "120"],
      { stdout: full },
      {
        cwd: directory,
        env: { MAIL_TO: "security@acme.example" }
      }
    ).finally(() => closeSync(full))
    expect(code).toBe(4)
    expect(stderr).toContain("could not write to stdout (ENOSPC): what it shows is incomplete, but the command itself")
    expect(readdirSync(join(directory, "reports")).filter((file) => file.endsWith(".eml"))).toHaveLength(1)
  })

  it("sends its made-up users to no one when SMTP settings are in the environment but MAIL_TO is not", async () => {
    const scope = Effect.runSync(Scope.make())
    try {
      const smtp = await Effect.runPromise(Scope.extend(startSmtpServer({ users: { u: "relay-SECRET-pw" } }), scope))
      const passwordFile = join(directory, "smtp-password")
      writeFileSync(passwordFile, "relay-SECRET-pw\n")
      const relay = {
        MAIL_FROM: "a@acme.example",
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_USER: "u",
        SMTP_PASSWORD_FILE: passwordFile
      }
      const result = await runCli(["demo", "--users", "120", "--report-dir", join(directory, "d")], { env: relay })
      expect(result.code, result.stderr).toBe(0)
      expect(smtp.connections()).toBe(0)
      expect(smtp.received).toEqual([])
      expect(result.stdout).not.toContain("Email sent")
      expect(result.stdout).toContain("not sent: the demo sends mail through SMTP_URL only to --mail-to / MAIL_TO")
      expect(readdirSync(join(directory, "d")).filter((file) => file.endsWith(".eml"))).toHaveLength(1)

      // Recipients given on purpose get it through the relay.
      const mailed = await runCli(["demo", "--users", "120", "--report-dir", join(directory, "d")], {
        env: { ...relay, MAIL_TO: "security@acme.example" }
      })
      expect(mailed.code, mailed.stderr).toBe(0)
      expect(smtp.received.map((mail) => mail.to)).toEqual([["security@acme.example"]])
      expectNoSecret(result.stdout + result.stderr + mailed.stdout + mailed.stderr)
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  })

  it("takes --fail-on as run does, and refuses a user count it cannot serve", async () => {
    const failing = await runCli(["demo", "--users", "120", "--fail-on", "medium"], { cwd: directory })
    expect(failing.code).toBe(1)
    for (const users of ["-5", "0", "6000000"]) {
      const refused = await runCli(["demo", "--users", users], { cwd: directory })
      expect(refused.code, users).toBe(2)
      expect(stderrText(refused.stderr)).toContain("--users must be 1 to 1000000")
    }
  })
})

describe("a delivery failure", () => {
  /** Mail to a port where nothing listens, tried once. */
  const unreachableMail = () =>
    env({
      MAIL_TO: "security@example.com",
      MAIL_FROM: "audit@example.com",
      SMTP_URL: "smtp://127.0.0.1:1",
      SMTP_RETRIES: "0"
    })

  it("exits 4 after printing the summary with the report paths, and leaves the reports", async () => {
    const result = await runCli(["run", "--email", "always"], { env: unreachableMail() })
    expect(result.code).toBe(4)
    const reports = readdirSync(directory).filter((file) => /\.(csv|json)$/.test(file))
    expect(reports).toHaveLength(2)
    for (const file of reports) expect(result.stdout).toContain(join(directory, file))
    // Under their final names, nothing temporary or locked left, and a mark saying why for the next run to tell.
    const stem = (reports[0] ?? "").replace(/\.(csv|json)$/, "")
    expect(readdirSync(directory).sort()).toEqual([`${stem}.csv`, `${stem}.json`, `${stem}.undelivered`])
    const why = "Why: the audit email was not sent: cannot connect to 127.0.0.1:1"
    expect(readFileSync(join(directory, `${stem}.undelivered`), "utf8")).toContain(why)
    const said = stderrText(result.stderr).trim().split("\n")
    expect(said.at(-1)).toMatch(/^the audit email was not sent: .* The reports on disk are complete\.$/)
  })

  it("exits 4, not 1, when findings reach --fail-on too, as the README's exit codes say", async () => {
    const result = await runCli(["run", "--email", "always", "--fail-on", "medium"], { env: unreachableMail() })
    expect(result.code).toBe(4)
    expect(result.stdout).toMatch(/Findings: [1-9]\d* \(/)
  })
})
