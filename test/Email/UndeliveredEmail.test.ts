/**
 * An email that could not be delivered does not take its news with it: the next run that mails compares with the
 * report before the undelivered one. The built command against the simulator and a real SMTP server on loopback.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { startSmtpServer, type TestSmtpServer } from "./support/SmtpTestServer.js"

const AS_OF = "2025-06-30T12:00:00.000Z"

let simulator: StartedSimulator
let smtp: TestSmtpServer
const scope = Effect.runSync(Scope.make())
let directory = ""

beforeAll(async () => {
  simulator = await startSimulator({ users: 40, seed: 5, now: new Date(AS_OF) })
  smtp = await Effect.runPromise(Scope.extend(startSmtpServer({ noStartTls: true }), scope))
  directory = mkdtempSync(join(tmpdir(), "undelivered-"))
})

afterAll(async () => {
  await simulator?.close()
  await Effect.runPromise(Scope.close(scope, Exit.void))
  rmSync(directory, { recursive: true, force: true })
})

/** `run --email on-change`, mailing through `smtpPort`. */
const runOnChange = (smtpPort: number) =>
  runCli(["run", "--report-dir", directory, "--as-of", AS_OF, "--email", "on-change"], {
    env: {
      PANTHER_API_URL: simulator.baseUrl,
      PANTHER_API_TOKEN: simulator.readToken,
      MAIL_TO: "security@acme.example",
      MAIL_FROM: "audit@acme.example",
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_RETRIES: "0"
    }
  })

describe("an audit email that could not be delivered", () => {
  it("is not lost: the next run that mails counts the changes from the report before it", async () => {
    const first = await runOnChange(smtp.port)
    expect(first.code, first.stderr).toBe(0)
    expect(smtp.received).toHaveLength(1)

    const hire = await runCli(
      [
        "users",
        "create",
        "--email",
        "new.hire@example.com",
        "--given-name",
        "New",
        "--family-name",
        "Hire",
        "--role",
        "Admin"
      ],
      { env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.adminToken } }
    )
    expect(hire.code, hire.stderr).toBe(0)

    // Nothing listens on port 1: the news of the new admin is not delivered.
    const failed = await runOnChange(1)
    expect(failed.code).toBe(4)
    expect(failed.stdout).toMatch(/\b[1-9]\d* new\b/)
    const marks = readdirSync(directory).filter((name) => name.endsWith(".undelivered"))
    expect(marks).toHaveLength(1)
    expect(existsSync(join(directory, (marks[0] ?? "").replace(/\.undelivered$/, ".json")))).toBe(true)

    // The next run finds the same users, but its changes count from the first report: the new admin is news again.
    const next = await runOnChange(smtp.port)
    expect(next.code, next.stderr).toBe(0)
    expect(next.stdout).toMatch(/\b[1-9]\d* new\b/)
    expect(smtp.received).toHaveLength(2)
    expect(smtp.received[1]?.raw.toString("utf8")).toContain("new.hire@example.com")

    // Delivered now: the run after that has nothing new to say.
    const quiet = await runOnChange(smtp.port)
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(smtp.received).toHaveLength(2)
  }, 60_000)
})
