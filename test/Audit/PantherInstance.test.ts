/**
 * Two Panthers behind one gateway host, told apart only by their path prefix: every report, the email and the
 * export must say which one they are of, and a run of one must not take the other's report for its previous one.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer, request, type Server } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { apiHost, instanceLabel, isSameInstance } from "../../src/Audit/PantherInstance.js"
import { runCommand as auditCommand } from "../../src/Audit/RunCommand.js"
import { exportCommand } from "../../src/Export/ExportCommand.js"
import type { Manifest } from "../../src/Export/Manifest.js"
import { verifyCommand } from "../../src/Export/VerifyCommand.js"
import { reviewCommand } from "../../src/Review/ReviewCommand.js"
import { runCommand } from "../Review/commandHarness.js"
import { AS_OF, AS_OF_ISO, auditArgs, daysAgo, wire } from "../Review/fixtures.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

/** The gateway's address, once it listens (on a free port). */
let GATEWAY = ""
const GATEWAY_HOST = () => GATEWAY.replace(/^http:\/\//, "")

let first: StartedSimulator
let second: StartedSimulator
let gateway: Server
let directory = ""

/** Sends `/a/...` to the first simulator and `/b/...` to the second, without the prefix, as a gateway would. */
const startGateway = () =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer((incoming, outgoing) => {
      const match = /^\/(a|b)(\/.*)$/.exec(incoming.url ?? "")
      const target = match?.[1] === "a" ? first : match?.[1] === "b" ? second : undefined
      if (match === undefined || match === null || target === undefined) {
        outgoing.writeHead(404).end()
        return
      }
      const forwarded = request(
        { host: "127.0.0.1", port: target.port, path: match[2], method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(outgoing)
        }
      )
      forwarded.on("error", () => outgoing.destroy())
      incoming.pipe(forwarded)
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      GATEWAY = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
      resolve(server)
    })
  })

beforeAll(async () => {
  first = await startSimulator({
    now: new Date(AS_OF),
    data: [wire("a-stale", { lastLoggedInAt: daysAgo(200) }), wire("a-fine")]
  })
  second = await startSimulator({
    now: new Date(AS_OF),
    data: [wire("b-stale", { lastLoggedInAt: daysAgo(300) }), wire("b-admin", { role: { name: "Admin" } })]
  })
  gateway = await startGateway()
})
afterAll(async () => {
  await new Promise((resolve) => gateway.close(resolve))
  await first.close()
  await second.close()
})
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "instance-test-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const argsFor = (prefix: string, ...extra: Array<string>) =>
  auditArgs(`${GATEWAY}${prefix}`, first.readToken, directory, ...extra)

const newest = (folder: string, pattern: RegExp) => {
  const name = readdirSync(folder)
    .filter((entry) => pattern.test(entry))
    .sort()
    .at(-1)
  if (name === undefined) throw new Error(`no file like ${pattern} in ${folder}`)
  return join(folder, name)
}

const runOf = (path: string) => (JSON.parse(readFileSync(path, "utf8")) as { run: AuditRun }).run

describe("a Panther behind a path prefix", () => {
  it("is named with its prefix on the review page and not compared with another prefix's report", async () => {
    const ofA = await runCommand(reviewCommand, argsFor("/a"))
    expect(ofA.error).toBe("")
    const pageA = readFileSync(newest(directory, /^access-review-.*\.html$/), "utf8")
    expect(pageA).toContain(`<title>Access review of ${GATEWAY_HOST()}/a as of 2026-06-30</title>`)
    expect(ofA.stdout).toContain(`Panther user audit of ${GATEWAY_HOST()}/a as of`)

    // The report of /a is the newest in the folder; /b is another Panther, so everything of it is new.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const ofB = await runCommand(reviewCommand, argsFor("/b"))
    expect(ofB.error).toBe("")
    const pageB = readFileSync(newest(directory, /^access-review-.*\.html$/), "utf8")
    expect(pageB).toContain(`<title>Access review of ${GATEWAY_HOST()}/b as of 2026-06-30</title>`)
    const runB = runOf(newest(directory, /^user-audit-.*\.json$/))
    expect(runB.changes.previousReport).toBeNull()
    expect(runB.changes.previousReportProblem).toContain(`is of another Panther (${GATEWAY_HOST()}/a)`)
    expect(runB.changes.resolved).toEqual([])
    expect(ofB.stdout).toContain("Changes: everything is new (the report to compare with")

    // The same prefix again is the same Panther: compared, nothing new.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await runCommand(reviewCommand, argsFor("/b"))
    const again = runOf(newest(directory, /^user-audit-.*\.json$/))
    expect(again.changes.previousReportProblem).toBeNull()
    expect(again.changes).toMatchObject({ new: 0, resolved: [] })
  })

  it("names the prefix in the email's subject", async () => {
    const result = await runCommand(auditCommand, argsFor("/b", "--mail-to", "secops@example.com", "--email", "always"))
    expect(result.error).toBe("")
    const message = readFileSync(newest(directory, /^user-audit-.*\.eml$/), "utf8")
    expect(message).toMatch(
      new RegExp(`^Subject: \\[Panther user audit\\] ${GATEWAY_HOST().replace(/\./g, "\\.")}/b: `, "m")
    )
  })

  it("records the base URL in the export, and verify names the instance with its prefix", async () => {
    const exported = await runCommand(exportCommand, argsFor("/a"))
    expect(exported.error).toBe("")
    const folder = newest(directory, /^export-/)
    const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as Manifest
    // apiHost stays the host, as scripts read it; the base URL says which Panther behind it.
    expect(manifest.apiHost).toBe(`${GATEWAY_HOST()}`)
    expect(manifest.apiBaseUrl).toBe(`${GATEWAY}/a`)
    const inventory = JSON.parse(readFileSync(newest(folder, /^inventory-.*\.json$/), "utf8")) as {
      inventory: { apiHost: string; apiBaseUrl: string }
    }
    expect(inventory.inventory).toMatchObject({ apiHost: `${GATEWAY_HOST()}`, apiBaseUrl: `${GATEWAY}/a` })

    const verified = await runCommand(verifyCommand, [folder])
    expect(verified.code).toBe(0)
    expect(verified.stdout).toContain(`Export of ${GATEWAY_HOST()}/a as of ${AS_OF_ISO}`)
  })

  it("still verifies an export whose manifest, from an older version, names the host only", async () => {
    await runCommand(exportCommand, argsFor("/a"))
    const folder = newest(directory, /^export-/)
    const path = join(folder, "manifest.json")
    const { apiBaseUrl: _apiBaseUrl, ...older } = JSON.parse(readFileSync(path, "utf8")) as Manifest
    writeFileSync(path, `${JSON.stringify(older, null, 2)}\n`)
    const verified = await runCommand(verifyCommand, [folder])
    expect(verified.code).toBe(0)
    expect(verified.stdout).toContain(`Export of ${GATEWAY_HOST()} as of ${AS_OF_ISO}`)
  })
})

describe("one Panther, however its host name is written", () => {
  it("takes a host name with the trailing dot of a fully qualified name for the same Panther", () => {
    // Written so in Kubernetes (ndots: 5) to skip the search domains: one run so, the next without, made every
    // finding new and lost its first_seen.
    expect(isSameInstance("https://api.acme.example.", "https://api.acme.example")).toBe(true)
    expect(isSameInstance("https://API.acme.example.:8443/panther", "https://api.acme.example/panther")).toBe(true)
    expect(isSameInstance("https://api.acme.example./a", "https://api.acme.example/b")).toBe(false)
    expect(isSameInstance("https://api.acme.example.", "https://api.acme.example.org")).toBe(false)
  })
})

describe("one Panther, however its URL is written", () => {
  it("takes a trailing slash, a default port or a host in capitals for the same Panther", () => {
    // Connection.ts drops one trailing slash from --api-url; a report read back, edited or older, may hold more.
    expect(isSameInstance("https://api.acme.example/panther/", "https://api.acme.example/panther")).toBe(true)
    expect(isSameInstance("https://api.acme.example/panther//", "https://api.acme.example/panther")).toBe(true)
    expect(isSameInstance("https://API.Acme.Example:443/", "https://api.acme.example")).toBe(true)
  })

  it("takes another path prefix, even in another case, or a prefix against none, for another Panther", () => {
    expect(isSameInstance("https://api.acme.example/Panther", "https://api.acme.example/panther")).toBe(false)
    expect(isSameInstance("https://api.acme.example/panther", "https://api.acme.example")).toBe(false)
    expect(isSameInstance("https://api.acme.example/panther/eu", "https://api.acme.example/panther")).toBe(false)
  })

  it("names a Panther by its host, port and prefix, without a trailing slash, default port, login or query", () => {
    expect(instanceLabel("https://api.acme.example/")).toBe("api.acme.example")
    expect(instanceLabel("https://api.acme.example:443/panther//")).toBe("api.acme.example/panther")
    expect(instanceLabel("http://127.0.0.1:4010/a/")).toBe("127.0.0.1:4010/a")
    expect(instanceLabel("https://audit:SECRET@api.acme.example/a?token=SECRET#SECRET")).toBe("api.acme.example/a")
    expect(apiHost("https://audit:SECRET@gateway.example.com:8443/panther?token=SECRET")).toBe(
      "gateway.example.com:8443"
    )
  })

  it("names a hand-edited report's Panther that is no http(s) URL without its login or query", () => {
    // Each parses as a URL of another scheme ("audit:", "api.acme.example:") whose path is all that follows it.
    expect(instanceLabel("audit:SECRET@api.acme.example/panther")).toBe("api.acme.example/panther")
    expect(instanceLabel("api.acme.example/panther?token=SECRET")).toBe("api.acme.example/panther")
    expect(instanceLabel("api.acme.example:443")).toBe("api.acme.example:443")
    expect(apiHost("audit:SECRET@api.acme.example?token=SECRET")).toBe("api.acme.example")
  })

  it("tells two hand-edited reports' Panthers apart when they are no http(s) URL", () => {
    // Read as URLs of the schemes "api.acme.example:" and "api.other.example:", both had the path "443" alone.
    expect(isSameInstance("api.acme.example:443", "api.other.example:443")).toBe(false)
    expect(isSameInstance("api.acme.example panther", "api.other.example panther")).toBe(false)
    expect(isSameInstance("api.acme.example:443", "api.acme.example:443")).toBe(true)
  })
})
