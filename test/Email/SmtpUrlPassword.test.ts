import { mkdtempSync, rmSync } from "node:fs"
import { type AddressInfo, createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../support/cli.js"

// A password with a ?, # or / left unencoded ends the URL's host part early: the parser then takes the password's
// start for the host or port, which the error used to quote (and the mail would have gone to).
let connections = 0
let server: Server
let port = 0
let reports = ""

beforeAll(async () => {
  reports = mkdtempSync(join(tmpdir(), "smtp-url-password-"))
  server = createServer((socket) => {
    connections += 1
    socket.destroy()
  })
  port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port))
  )
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  rmSync(reports, { recursive: true, force: true })
})

describe("an SMTP_URL whose password holds an unencoded @ followed by #, ? or /", () => {
  it("is refused at start without any piece of the password, saying what to percent-encode", async () => {
    const relay = () => `127.0.0.1:${port}`
    for (const [url, secretParts, says] of [
      [`smtp://mailer:Vyp@ssw0rd#1Qzt@${relay()}`, ["Vyp", "ssw0rd", "1Qzt"], "a query (?) or fragment (#)"],
      [`smtps://mailer:Tr0ub@d0rk/xWq@${relay()}`, ["Tr0ub", "d0rk", "xWq"], "an @ after the host"],
      [`smtp://mailer:hunt3r@Zq71?@${relay()}`, ["hunt3r", "Zq71"], "a query (?) or fragment (#)"],
      // Read by the parser as user "ops" at the host and port that begin the password.
      [`smtp://ops@corp.example:8675?t4ilX@${relay()}`, ["corp.example", "8675", "t4ilX"], "a query (?) or fragment"]
    ] as const) {
      const result = await runCli(["run", "--report-dir", reports, "--email", "always"], {
        env: {
          PANTHER_API_URL: `http://${relay()}`,
          PANTHER_API_TOKEN: "pat-unused",
          MAIL_TO: "security@acme.example",
          MAIL_FROM: "audit@acme.example",
          SMTP_URL: url
        }
      })
      const printed = result.stdout + result.stderr
      expect(result.code, printed).toBe(2)
      expect(printed, url).toContain(`SMTP_URL \\"smtp${url.startsWith("smtps") ? "s" : ""}://${relay()}\\"`)
      expect(printed, url).toContain(says)
      expect(printed, url).toContain("? as %3F, # as %23, @ as %40, : as %3A, / as %2F")
      for (const part of secretParts) expect(printed, url).not.toContain(part)
    }
    expect(connections).toBe(0)
  })
})
