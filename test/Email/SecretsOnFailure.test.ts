/**
 * The SMTP password and the API token appear nowhere a run leaves words, whatever the relay does: not on stdout or
 * stderr, not in the reports, not in the email it sent. The relay here echoes the password in each refusal, as a
 * careless one does with what it was sent. The built command against the simulator and a real SMTP server on
 * loopback, the password given in SMTP_URL and in a password file.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { startSmtpServer, type TestSmtpServerOptions } from "./support/SmtpTestServer.js"

const USER = "audit"
const PASSWORD = "Vq7-smtp-pass-K2x"

let simulator: StartedSimulator
let directory = ""
const scope = Effect.runSync(Scope.make())

beforeAll(async () => {
  simulator = await startSimulator({ users: 5, seed: 9 })
  directory = mkdtempSync(join(tmpdir(), "secrets-on-failure-"))
})

afterAll(async () => {
  await simulator?.close()
  await Effect.runPromise(Scope.close(scope, Exit.void))
  rmSync(directory, { recursive: true, force: true })
})

/** The password as it is, and in the forms AUTH PLAIN and LOGIN put it on the wire. */
const passwordForms = () => {
  const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64")
  return [PASSWORD, base64(PASSWORD), base64(`\u0000${USER}\u0000${PASSWORD}`).replace(/=+$/, "")]
}

/** Every file a run left in `reportDir`, read as text. */
const filesIn = (reportDir: string) =>
  readdirSync(reportDir).map((name) => ({ name, text: readFileSync(join(reportDir, name), "latin1") }))

/** A refusal that quotes the password, as a relay echoing its input would. */
const echoing = (code: number) => ({ code, message: `Refused, you sent ${PASSWORD}` })

describe("a run whose email fails, or is refused for some recipients", () => {
  // Each with the words of the relay's refusal that the run quotes, so that the password is known to be cut from it.
  it.each<[string, TestSmtpServerOptions, string]>([
    ["the login refused", { authFailureMessage: (password) => `5.7.8 Bad credentials ${password}` }, "Bad credentials"],
    ["the sender refused", { refuseSender: echoing(553) }, "553 Refused, you sent"],
    [
      "some recipients refused",
      { rejectRecipients: ["ciso@acme.example"], recipientRefusal: `No ${PASSWORD}` },
      "550 No "
    ],
    ["the message refused", { refuseMessage: echoing(554) }, "554 Refused, you sent"]
  ])("with %s, says no secret anywhere, and never that the email was sent", async (what, refusal, quoted) => {
    const smtp = await Effect.runPromise(
      Scope.extend(
        startSmtpServer({
          users: { [USER]: what === "the login refused" ? "another password" : PASSWORD },
          noStartTls: true,
          ...refusal
        }),
        scope
      )
    )
    const passwordFile = join(directory, `password-${smtp.port}`)
    writeFileSync(passwordFile, `${PASSWORD}\n`)
    for (const [index, credentials] of [
      { SMTP_URL: `smtp://${USER}:${PASSWORD}@127.0.0.1:${smtp.port}` },
      { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_USER: USER, SMTP_PASSWORD_FILE: passwordFile }
    ].entries()) {
      const reportDir = join(directory, `${smtp.port}-${index}`)
      mkdirSync(reportDir)
      const result = await runCli(["run", "--report-dir", reportDir, "--email", "always"], {
        env: {
          PANTHER_API_URL: simulator.baseUrl,
          PANTHER_API_TOKEN: simulator.readToken,
          MAIL_TO: "security@acme.example, ciso@acme.example",
          MAIL_FROM: "audit@acme.example",
          SMTP_RETRIES: "0",
          ...credentials
        }
      })
      // The reports are written; the email's failure is the run's (exit 4), said as not sent or not reached.
      expect(result.code, result.stderr).toBe(4)
      expect(result.stdout + result.stderr).not.toMatch(/email sent/i)
      expect(result.stdout + result.stderr).toContain(quoted)
      const files = filesIn(reportDir)
      expect(files.map(({ name }) => name.replace(/^user-audit-[0-9TZ]+/, "*")).sort()).toEqual(
        expect.arrayContaining(["*.csv", "*.json"])
      )
      const received = smtp.received.map((mail) => ({ name: "received mail", text: mail.raw.toString("latin1") }))
      for (const { name, text } of [
        { name: "stdout", text: result.stdout },
        { name: "stderr", text: result.stderr },
        ...files,
        ...received
      ]) {
        for (const secret of [...passwordForms(), simulator.readToken]) {
          expect(text.includes(secret), `${what}: ${name} holds a secret`).toBe(false)
        }
      }
    }
  })
})
