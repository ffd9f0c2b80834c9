/**
 * SMTP settings read as the same setting from another source is read, and refused at start when they cannot work.
 * An SMTP_URL that can never deliver is refused at start, before the audit, as a configuration error (exit 2): a
 * host that is no host name or address, a password with a broken percent escape. Found only at send time, it used to
 * cost a whole audit and end with exit 4. The built command against the simulator.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import * as Either from "effect/Either"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseSmtpUrl } from "../../src/Email/SmtpUrl.js"
import { runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { startSmtpServer } from "./support/SmtpTestServer.js"

let simulator: StartedSimulator
let reports = ""

beforeAll(async () => {
  simulator = await startSimulator({ users: 5, seed: 3 })
  reports = mkdtempSync(join(tmpdir(), "smtp-url-settings-"))
})

afterAll(async () => {
  await simulator?.close()
  rmSync(reports, { recursive: true, force: true })
})

/** `run --email always` with `smtpUrl` as SMTP_URL, or as `--smtp-url` with `asFlag`. */
const runWith = (smtpUrl: string, asFlag = false) =>
  runCli(["run", "--report-dir", reports, "--email", "always", ...(asFlag ? ["--smtp-url", smtpUrl] : [])], {
    env: {
      PANTHER_API_URL: simulator.baseUrl,
      PANTHER_API_TOKEN: simulator.readToken,
      MAIL_TO: "security@acme.example",
      MAIL_FROM: "audit@acme.example",
      SMTP_RETRIES: "0",
      ...(asFlag ? {} : { SMTP_URL: smtpUrl })
    }
  })

describe("an SMTP_URL whose host is no host name or address", () => {
  // One test a URL: each starts the program twice, and 20 in one test outlasted its timeout on a busy machine.
  it.each([
    ["smtp://1.2.3.4.5", '"1.2.3.4.5" is not a host name or IP address'],
    ["smtp://ho%20st:2525", '"ho%20st" is not a host name or IP address'],
    ["smtps://mailer:Qv7xPw9z@-ho.st", '"-ho.st" is not a host name or IP address'],
    ["smtp://mail..acme.example", '"mail..acme.example" is not a host name or IP address'],
    ["smtp://-mail.acme.example", '"-mail.acme.example" is not a host name or IP address'],
    ["smtp://1.2.3.256", '"1.2.3.256" is not a host name or IP address'],
    ["smtp://.:2525", '"." is not a host name or IP address'],
    ["smtp://%20:2525", '"%20" is not a host name or IP address'],
    // A flag's value that is all URL is kept out of messages whole, so only what is wrong is checked.
    ["smtp://", "has no host name"],
    ["smtp:///", "has no host name"]
  ] as const)("is refused at start, naming the setting and the host, never the password: %s", async (url, says) => {
    for (const asFlag of [false, true]) {
      const result = await runWith(url, asFlag)
      // Messages are JSON log lines when not on a terminal, their quotes escaped.
      const printed = (result.stdout + result.stderr).replaceAll(`\\"`, `"`)
      expect(result.code, `${url}: ${printed}`).toBe(2)
      expect(printed, url).toContain("--smtp-url / SMTP_URL")
      expect(printed, url).toContain(says)
      expect(printed, url).not.toContain("Qv7xPw9z")
    }
    expect(readdirSync(reports)).toEqual([])
  })

  it("keeps an internationalized host name, in the ASCII form DNS knows it by", () => {
    expect(parseSmtpUrl("smtp://bücher.example:2525", false)).toMatchObject(
      Either.right({ host: "xn--bcher-kva.example" })
    )
    expect(parseSmtpUrl("smtp://Mail.ACME.example", false)).toMatchObject(Either.right({ host: "mail.acme.example" }))
    expect(parseSmtpUrl("smtp://[::1]:25", false)).toMatchObject(Either.right({ host: "::1" }))
    expect(parseSmtpUrl("smtp://10.0.0.7", false)).toMatchObject(Either.right({ host: "10.0.0.7" }))
  })
})

describe("an SMTP_URL whose port is past 65535, a digit too many", () => {
  it("is refused at start saying the port is out of range, not that a password wants percent-encoding", async () => {
    for (const asFlag of [false, true]) {
      const result = await runWith("smtps://mailer:Qv7xPw9z@mail.acme.example:465000", asFlag)
      const printed = (result.stdout + result.stderr).replaceAll(`\\"`, `"`)
      expect(result.code, printed).toBe(2)
      expect(printed).toContain(
        "--smtp-url / SMTP_URL smtps://mail.acme.example:465000 names port 465000, which no mail server listens on: " +
          "ports go from 1 to 65535. Give the server's port, or leave it out for 465 (smtps://)"
      )
      expect(printed).not.toContain("percent-encoded")
      expect(printed).not.toMatch(/mailer|Qv7xPw9z/)
    }
    expect(readdirSync(reports)).toEqual([])
  })

  it("is named so for any host, and the highest port there is is taken", () => {
    expect(parseSmtpUrl("smtp://mail.acme.example:65536", false)).toEqual(
      Either.left(expect.stringContaining("smtp://mail.acme.example:65536 names port 65536"))
    )
    expect(parseSmtpUrl("smtp://[2001:db8::25]:100000/", false)).toEqual(
      Either.left(expect.stringContaining("smtp://[2001:db8::25]:100000 names port 100000"))
    )
    expect(parseSmtpUrl("smtp://mailer:Qv7xPw9z@relay:70000", false)).toEqual(
      Either.left(expect.stringContaining("smtp://relay:70000 names port 70000"))
    )
    expect(parseSmtpUrl("smtp://mail.acme.example:65535", false)).toMatchObject(Either.right({ port: 65535 }))
  })

  it("is not quoted when no @ shows it to follow a password: a password may stand where a port goes", () => {
    // A user name and an all-digit password with the host left out parse as a host and a port.
    const refused = parseSmtpUrl("smtp://mailer:31415926535", false)
    expect(refused).toEqual(Either.left(expect.stringContaining("is not a valid URL (not shown")))
    expect(JSON.stringify(refused)).not.toContain("31415926535")
  })

  it("says a port past the highest follows a host of one word, as a compose service is named, without the number", () => {
    const refused = parseSmtpUrl("smtp://mailpit:70000", false)
    expect(refused).toEqual(
      Either.left(
        "is not a valid URL (not shown, as it may hold a password): the number after its last colon, if it is meant as the port, is past 65535, the highest port there is; expected smtps://host:465 or " +
          "smtp://host:587, with a ?, #, @, : or / in a user name or password percent-encoded: ? as %3F, # as %23, " +
          "@ as %40, : as %3A, / as %2F"
      )
    )
    // Not quoted: it may be a password with the host left out. Said only of a number past the highest port.
    expect(JSON.stringify(refused)).not.toContain("70000")
    expect(parseSmtpUrl("smtp://mailer:Tr0ub4dor", false)).toEqual(Either.left(expect.not.stringContaining("port")))
  })
})

describe("an SMTP_URL whose password has a broken percent escape", () => {
  it("is refused at start, as a proxy URL's is, saying to write a % as %25, without the password", async () => {
    for (const url of ["smtp://mailer:Zr4%tq9W@127.0.0.1:2525", "smtps://mail%er:Zr4tq9W@127.0.0.1:2525"]) {
      for (const asFlag of [false, true]) {
        const result = await runWith(url, asFlag)
        // Messages are JSON log lines when not on a terminal, their quotes escaped.
        const printed = (result.stdout + result.stderr).replaceAll(`\\"`, `"`)
        expect(result.code, `${url}: ${printed}`).toBe(2)
        expect(printed, url).toContain("--smtp-url / SMTP_URL")
        expect(printed, url).toContain("broken percent escape")
        expect(printed, url).toContain("%25")
        for (const part of ["Zr4", "tq9W", "mail%er"]) expect(printed, url).not.toContain(part)
      }
    }
    expect(readdirSync(reports)).toEqual([])
  })
})

describe("an SMTP_PASSWORD that ends in a line break, as a Kubernetes secret made with echo does", () => {
  it("is read without it, as the same password in SMTP_PASSWORD_FILE is, and the relay takes the login", async () => {
    const scope = Effect.runSync(Scope.make())
    const directory = mkdtempSync(join(tmpdir(), "smtp-password-line-break-"))
    try {
      const password = "Wq3-line-break-secret"
      const smtp = await Effect.runPromise(
        Scope.extend(startSmtpServer({ users: { audit: password }, noStartTls: true }), scope)
      )
      for (const ending of ["\n", "\r\n"]) {
        const result = await runCli(["run", "--report-dir", directory, "--email", "always"], {
          env: {
            PANTHER_API_URL: simulator.baseUrl,
            PANTHER_API_TOKEN: simulator.readToken,
            MAIL_TO: "security@acme.example",
            MAIL_FROM: "audit@acme.example",
            SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
            SMTP_USER: "audit",
            SMTP_PASSWORD: `${password}${ending}`,
            SMTP_RETRIES: "0"
          }
        })
        expect(result.code, result.stderr).toBe(0)
        expect(result.stdout + result.stderr).not.toContain(password)
      }
      expect(smtp.received).toHaveLength(2)
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      rmSync(directory, { recursive: true, force: true })
    }
  })
})
