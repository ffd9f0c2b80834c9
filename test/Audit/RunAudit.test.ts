import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { Cause, Effect, Exit, Layer, Option, Redacted } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { AuditParameters } from "../../src/Audit/AuditParameters.js"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import type { AnnotatedFinding } from "../../src/Audit/FindingAnnotations.js"
import { type AuditOutcome, runAudit, URGENT_LIMIT } from "../../src/Audit/RunAudit.js"
import { formatRunSummary } from "../../src/Audit/RunSummary.js"
import { PantherConnection } from "../../src/PantherApi/Connection.js"
import { PantherClient } from "../../src/PantherApi/PantherClient.js"
import type { WireUser } from "../../src/Simulator/WireUser.js"
import { json, scriptedServer } from "../support/scriptedServer.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { settingsFor } from "../support/testClient.js"
import { AS_OF, DAY, daysAgo, parameters } from "./fixtures.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "audit-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const audit = (baseUrl: string, token: string, params: AuditParameters = parameters(), settings = {}) =>
  runAudit({ parameters: params, reportDirectory: directory, apiBaseUrl: baseUrl }).pipe(
    Effect.provide(
      PantherClient.Default.pipe(
        Layer.provide(PantherConnection.layer({ ...settingsFor(baseUrl, settings), token: Redacted.make(token) }))
      )
    )
  )

const readReports = (outcome: AuditOutcome) => ({
  rows: parse(readFileSync(outcome.reports.csv, "utf8"), { bom: true, columns: true }) as Array<Record<string, string>>,
  json: JSON.parse(readFileSync(outcome.reports.json, "utf8")) as { run: AuditRun; findings: Array<AnnotatedFinding> }
})

/** Overrides may set a field to `undefined` to leave it out. */
const wire = (id: string, overrides: { [K in keyof WireUser]?: WireUser[K] | undefined } = {}): WireUser => {
  const merged: Record<string, unknown> = { ...wireBase(id), ...overrides }
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]
  // A valid base user with fields replaced by values of their own types.
  return merged as WireUser
}

const wireBase = (id: string): WireUser => ({
  id,
  email: `${id}@example.com`,
  givenName: "Given",
  familyName: id,
  role: { name: "Analyst" },
  enabled: true,
  status: "CONFIRMED",
  createdAt: daysAgo(400),
  lastLoggedInAt: daysAgo(1)
})

/** A suppression accepting `finding` (by its user's email and code) until long after any test. */
const acceptedException = (finding: AnnotatedFinding | undefined) => ({
  entry: 1,
  user: finding?.email ?? "",
  finding: finding?.finding ?? "STALE_LOGIN",
  reason: "accepted",
  owner: "secops",
  expires: "2099-01-01",
  expiresAt: Date.parse("2099-01-01T00:00:00Z")
})

describe("an audit against the simulator's seeded users", () => {
  let simulator: StartedSimulator
  beforeAll(async () => {
    simulator = await startSimulator({ users: 700, seed: 7, now: new Date(AS_OF) })
  })
  afterAll(() => simulator.close())

  it("sees every user once and gives the same findings twice in a row", async () => {
    const first = await Effect.runPromise(audit(simulator.baseUrl, simulator.readToken))
    const second = await Effect.runPromise(audit(simulator.baseUrl, simulator.readToken))
    const a = readReports(first)
    const b = readReports(second)
    const listed = await listAll(simulator)
    expect(first.run.users.seen).toBe(listed.length)
    expect(first.run.users.seen).toBe(first.run.users.enabled + first.run.users.deactivated)
    expect(first.run.pagesFetched).toBeGreaterThanOrEqual(Math.ceil(first.run.users.seen / 60))
    const judged = (findings: Array<AnnotatedFinding>) => findings.map(({ change: _c, ...rest }) => rest)
    // The second run compares itself with the first: same findings, now unchanged, first seen in the first run.
    expect(judged(b.json.findings)).toEqual(judged(a.json.findings))
    expect(a.json.findings.every((finding) => finding.change === "new")).toBe(true)
    expect(b.json.findings.every((finding) => finding.change === "unchanged")).toBe(true)
    expect(b.json.findings.every((finding) => finding.firstSeen === first.run.startedAt)).toBe(true)
    expect(b.rows.map(({ change: _c, ...rest }) => rest)).toEqual(a.rows.map(({ change: _c, ...rest }) => rest))
    expect(a.rows.length).toBe(first.run.findings.total)
    expect(first.reports.csv).not.toBe(second.reports.csv)
  })

  it("picks for the email the unsuppressed findings of high and above, and the new ones of low and above", async () => {
    // An accepted exception for one medium finding, new on the first run: new, but not news.
    const looked = await Effect.runPromise(audit(simulator.baseUrl, simulator.readToken))
    const medium = readReports(looked).json.findings.find((finding) => finding.severity === "medium")
    for (const name of readdirSync(directory)) rmSync(join(directory, name))
    const first = await Effect.runPromise(
      audit(simulator.baseUrl, simulator.readToken, parameters({ suppressions: [acceptedException(medium)] }))
    )
    const picked = (findings: ReadonlyArray<AnnotatedFinding>) => findings.map((finding) => finding.id)
    const urgentIn = (findings: ReadonlyArray<AnnotatedFinding>) =>
      findings.filter((finding) => !finding.suppressed && ["critical", "high"].includes(finding.severity))
    const freshIn = (findings: ReadonlyArray<AnnotatedFinding>) =>
      findings.filter((finding) => finding.change === "new" && !finding.suppressed && finding.severity !== "info")
    // Read from the report, in its order, against what the run handed the email.
    const firstFindings = readReports(first).json.findings
    expect(urgentIn(firstFindings).some((finding) => finding.severity === "high")).toBe(true)
    expect(picked(first.urgent)).toEqual(picked(urgentIn(firstFindings)).slice(0, URGENT_LIMIT))
    expect(picked(first.fresh)).toEqual(picked(freshIn(firstFindings)).slice(0, URGENT_LIMIT))
    expect(first.fresh.some((finding) => finding.severity === "low")).toBe(true)
    const suppressedNew = firstFindings.find((finding) => finding.id === medium?.id)
    expect(suppressedNew).toMatchObject({ change: "new", suppressed: true })
    expect(picked(first.fresh)).not.toContain(medium?.id)

    // The next run: an accepted exception for one high finding, and nothing new.
    const [high] = urgentIn(firstFindings).filter((finding) => finding.severity === "high")
    const second = await Effect.runPromise(
      audit(simulator.baseUrl, simulator.readToken, parameters({ suppressions: [acceptedException(high)] }))
    )
    const secondFindings = readReports(second).json.findings
    expect(picked(second.urgent)).toEqual(picked(urgentIn(secondFindings)).slice(0, URGENT_LIMIT))
    expect(picked(second.urgent)).not.toContain(high?.id)
    expect(second.urgent).toHaveLength(Math.min(URGENT_LIMIT, urgentIn(firstFindings).length - 1))
    expect(second.fresh).toEqual([])
  })

  it("judges every user by the rules, checked independently against the simulator's own data", async () => {
    const outcome = await Effect.runPromise(audit(simulator.baseUrl, simulator.readToken))
    const { rows } = readReports(outcome)
    // Recompute STALE_LOGIN from the users list itself: every enabled user with a login over 90 days ago.
    const users = await listAll(simulator)
    const expected = users
      .filter((user) => user.enabled && typeof user.lastLoggedInAt === "string" && user.lastLoggedInAt !== "")
      .filter((user) => AS_OF - Date.parse(user.lastLoggedInAt as string) > 90 * DAY)
      .map((user) => user.id)
      .sort()
    const stale = rows
      .filter((row) => row.finding === "STALE_LOGIN")
      .map((row) => row.user_id)
      .sort()
    expect(stale).toEqual(expected)
    expect(expected.length).toBeGreaterThan(10)
    const compromised = users.filter((user) => user.enabled && user.status === "COMPROMISED").length
    expect(outcome.run.findings.byFinding.COMPROMISED_ACCOUNT).toBe(compromised)
  })

  it("counts deactivated users with --include-deactivated but gives them no findings", async () => {
    const outcome = await Effect.runPromise(
      audit(simulator.baseUrl, simulator.readToken, parameters({ includeDeactivated: true }))
    )
    expect(outcome.run.users.deactivated).toBeGreaterThan(0)
    const { rows } = readReports(outcome)
    expect(rows.every((row) => row.enabled === "true" || row.finding === "INVALID_RECORD")).toBe(true)
  })

  it("fails without any report when the API fails for good on page 5", async () => {
    const failing = await startSimulator({
      users: 600,
      now: new Date(AS_OF),
      // Request 1 reads the roles; requests 2 to 5 are pages 1 to 4; page 5 and every retry of it fail.
      faults: { failRequests: Array.from({ length: 20 }, (_, index) => 6 + index), failStatus: 500 }
    })
    try {
      const exit = await Effect.runPromiseExit(audit(failing.baseUrl, failing.readToken))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(exit)).toContain("ServerError")
      expect(readdirSync(directory)).toEqual([])
    } finally {
      await failing.close()
    }
  })
})

const listAll = async (simulator: StartedSimulator): Promise<Array<WireUser>> => {
  const users: Array<WireUser> = []
  let cursor: string | undefined
  do {
    const url = new URL(`${simulator.baseUrl}/users`)
    if (cursor !== undefined) url.searchParams.set("cursor", cursor)
    const page = (await (await fetch(url, { headers: { "X-API-Key": simulator.readToken } })).json()) as {
      results: Array<WireUser>
      next?: string
    }
    users.push(...page.results)
    cursor = page.next
  } while (cursor)
  return users
}

describe("run-level rules", () => {
  it("raises LOGIN_DATA_MISSING instead of NEVER_LOGGED_IN when no enabled user has a login", async () => {
    const data = Array.from({ length: 12 }, (_, index) =>
      wire(`u${index}`, { lastLoggedInAt: index % 3 === 0 ? null : index % 3 === 1 ? "" : undefined })
    )
    const simulator = await startSimulator({ data, now: new Date(AS_OF) })
    try {
      const outcome = await Effect.runPromise(audit(simulator.baseUrl, simulator.readToken))
      const { rows } = readReports(outcome)
      expect(rows.map((row) => row.finding)).toEqual(["LOGIN_DATA_MISSING"])
      expect(rows[0]).toMatchObject({ severity: "high", user_id: "", email: "" })
      expect(outcome.run.findings.byFinding.NEVER_LOGGED_IN).toBe(0)
    } finally {
      await simulator.close()
    }
  })

  it("raises LOGIN_DATA_MISSING when every enabled user's login is Go's zero time, a placeholder for none", async () => {
    // A service in Go that does not return logins writes each as 0001-01-01T00:00:00Z: twelve INVALID_RECORDs and
    // no word of the API or the token, where null for each says it at once.
    const data = Array.from({ length: 12 }, (_, index) => wire(`u${index}`, { lastLoggedInAt: "0001-01-01T00:00:00Z" }))
    const simulator = await startSimulator({ data, now: new Date(AS_OF) })
    try {
      const outcome = await Effect.runPromise(audit(simulator.baseUrl, simulator.readToken))
      const { rows } = readReports(outcome)
      expect(rows.filter((row) => row.finding === "LOGIN_DATA_MISSING")).toHaveLength(1)
      expect(rows.filter((row) => row.finding === "NEVER_LOGGED_IN")).toHaveLength(0)
      expect(outcome.run.findings.byFinding).toMatchObject({ LOGIN_DATA_MISSING: 1, NEVER_LOGGED_IN: 0 })
    } finally {
      await simulator.close()
    }
  })

  it("keeps NEVER_LOGGED_IN below 10 users, and when one user has a login", async () => {
    for (const data of [
      Array.from({ length: 9 }, (_, index) => wire(`u${index}`, { lastLoggedInAt: undefined })),
      [...Array.from({ length: 12 }, (_, index) => wire(`u${index}`, { lastLoggedInAt: undefined })), wire("x")]
    ]) {
      const simulator = await startSimulator({ data, now: new Date(AS_OF) })
      try {
        const outcome = await Effect.runPromise(audit(simulator.baseUrl, simulator.readToken))
        expect(outcome.run.findings.byFinding.LOGIN_DATA_MISSING).toBe(0)
        expect(outcome.run.findings.byFinding.NEVER_LOGGED_IN).toBe(data.length === 9 ? 9 : 12)
      } finally {
        await simulator.close()
      }
    }
  })
})

describe("statuses no rule judges", () => {
  it("raise UNRECOGNIZED_STATUS (low) for enabled users, so a legacy or new status does not pass as fine", async () => {
    const data = [
      wire("archived", { status: "ARCHIVED" }),
      wire("unknown", { status: "UNKNOWN" }),
      wire("expired", { status: "PASSWORD_EXPIRED" }),
      wire("lower", { status: "archived" }),
      // Judged by other rules, or not a status at all: no UNRECOGNIZED_STATUS.
      wire("confirmed", { status: "CONFIRMED" }),
      wire("sso", { status: "EXTERNAL_PROVIDER" }),
      wire("invited", { status: "FORCE_CHANGE_PASSWORD" }),
      wire("compromised", { status: "COMPROMISED" }),
      wire("absent", { status: undefined }),
      // Deactivated users cannot log in and get no findings, whatever their status.
      wire("off", { status: "ARCHIVED", enabled: false })
    ]
    const simulator = await startSimulator({ data, now: new Date(AS_OF) })
    try {
      const outcome = await Effect.runPromise(
        audit(simulator.baseUrl, simulator.readToken, parameters({ includeDeactivated: true }))
      )
      const { rows } = readReports(outcome)
      const unrecognized = rows.filter((row) => row.finding === "UNRECOGNIZED_STATUS")
      expect(unrecognized.map((row) => row.user_id).sort()).toEqual(["archived", "expired", "lower", "unknown"])
      expect(unrecognized.every((row) => row.severity === "low")).toBe(true)
      expect(unrecognized.every((row) => row.controls === "SOC 2 CC6.2; ISO/IEC 27001:2022 A.5.18")).toBe(true)
      const detail = (id: string) => unrecognized.find((row) => row.user_id === id)?.detail ?? ""
      expect(detail("archived")).toBe(
        'status "ARCHIVED" is a legacy Cognito status, so no rule judged the account by it: check the account ' +
          "in Panther (Settings > Users) and deactivate it if it should not have access"
      )
      expect(detail("expired")).toContain('status "PASSWORD_EXPIRED" is not a Cognito status this audit knows')
      expect(outcome.run.findings.byFinding.UNRECOGNIZED_STATUS).toBe(4)
      expect(outcome.run.users.deactivated).toBe(1)
    } finally {
      await simulator.close()
    }
  })
})

/** An audit of one page of users, from a server whose roles cannot be read (so privilege goes by role names). */
const auditOnePageWithoutRoles = (page: { readonly results: ReadonlyArray<unknown> }) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* scriptedServer((_index, request) =>
          request.path === "/roles" ? json(403, { error: "forbidden" }) : json(200, page)
        )
        return yield* audit(server.url, "token")
      })
    )
  )

describe("records the API gets wrong", () => {
  it("reports an invalid record with its id and goes on; falls back to role names when roles are unreadable", async () => {
    const page = {
      results: [
        {
          id: "good",
          email: "good@example.com",
          givenName: "G",
          familyName: "Ood",
          role: { name: "Admin" },
          enabled: true
        },
        { id: "bad", givenName: "No", familyName: "Email", role: { name: "Analyst" }, enabled: true },
        {
          id: "odd",
          email: "odd@example.com",
          givenName: "O",
          familyName: "Dd",
          role: { name: "Analyst" },
          enabled: true,
          lastLoggedInAt: "yesterday"
        },
        // Deactivated: not judged, so neither an INVALID_RECORD finding nor an invalid record.
        {
          id: "off",
          email: "off@example.com",
          givenName: "O",
          familyName: "Ff",
          role: {},
          enabled: false,
          lastLoggedInAt: "nope"
        }
      ]
    }
    const outcome = await auditOnePageWithoutRoles(page)
    const { rows, json: report } = readReports(outcome)
    const invalid = rows.filter((row) => row.finding === "INVALID_RECORD")
    expect(invalid.map((row) => row.user_id).sort()).toEqual(["bad", "odd"])
    expect(invalid.find((row) => row.user_id === "bad")?.detail).toContain("email")
    expect(invalid.find((row) => row.user_id === "odd")?.detail).toContain(
      'lastLoggedInAt is not a timestamp: "yesterday"'
    )
    // "odd" is judged, but its INVALID_RECORD makes it an invalid record as much as "bad" is.
    expect(report.run.users).toMatchObject({ seen: 4, invalid: 2, privileged: 1, deactivated: 1 })
    expect(report.run.privilegeSource).toBe("role-names-only")
    expect(report.run.warnings.join(" ")).toContain("Roles could not be read")
    expect(rows.some((row) => row.finding === "PRIVILEGED_ROLE" && row.user_id === "good")).toBe(true)
  })

  it("says of roles that could not be read what reading the users with the same token and address showed", async () => {
    const page = { results: [wire("u1")] }
    const warningFor = async (roles: ReturnType<typeof json>) => {
      const outcome = await Effect.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            const server = yield* scriptedServer((_index, request) =>
              request.path === "/roles" ? roles : json(200, page)
            )
            return yield* audit(server.url, "token")
          })
        )
      )
      return readReports(outcome).json.run.warnings.find((warning) => warning.startsWith("Roles could not be read"))
    }
    // The users were read with the same token, which so has Read User Info: adding it would not help.
    const refused = await warningFor(json(403, { error: "forbidden" }))
    expect(refused).toContain("Panther said: forbidden.")
    expect(refused).toContain('The same token read the users, which takes the same permission, "Read User Info"')
    expect(refused).not.toContain("Add the permission")
    // The users came from the same address, so it is the API's.
    const missing = await warningFor(json(404, { message: "Not Found" }))
    expect(missing).toContain("Panther found nothing at GET /roles (404). Panther said: Not Found.")
    expect(missing).toContain("so --api-url is right")
    expect(missing).not.toContain("Check that --api-url")
    const html = await warningFor((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" })
      response.end("<html><body>Sign in</body></html>")
    })
    expect(html).toContain("the body is not JSON but an HTML page")
    expect(html).toContain("The same address answered GET /users as the API describes, so --api-url is right")
    expect(html).not.toContain("Check that --api-url")
    const refusedAsAsked = await warningFor(json(405, { message: "Method Not Allowed" }))
    expect(refusedAsAsked).toContain("Panther rejected GET /roles (405). Panther said: Method Not Allowed.")
    expect(refusedAsAsked).toContain("The same address answered GET /users, so --api-url is right")
    expect(refusedAsAsked).not.toContain("Check that --api-url")
    const redirected = await warningFor(json(302, {}, { location: "https://sso.example.com/login" }))
    expect(redirected).toContain("with a redirect (302 to https://sso.example.com/login), which is not followed.")
    expect(redirected).not.toContain("Check that --api-url")
    // A connection failing at every try is the network's or Panther's, not the address's.
    const dropped = await warningFor((_request, response) => response.socket?.destroy())
    expect(dropped).toContain("Could not get an answer from Panther for GET /roles")
    expect(dropped).toContain("The same address answered GET /users, so --api-url is right")
    expect(dropped).not.toContain("Check --api-url")
  })

  it("spends one retry budget, not two, when neither the roles nor the users are answered", async () => {
    // Panther unreachable: the roles are tried as often as allowed; the users, asked next, once.
    const { exit, requests } = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer(() => (_request, response) => response.socket?.destroy())
          const exit = yield* Effect.exit(audit(server.url, "token"))
          return { exit, requests: server.requests.map((request) => request.path) }
        })
      )
    )
    expect(requests).toEqual(["/roles", "/roles", "/roles", "/users"])
    const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
    expect(error).toMatchObject({ _tag: "TransportError", method: "GET", path: "/users", attempts: 1 })
    expect(String((error as Error).message)).toContain(
      "It was not tried again: GET /roles just before it got no answer at any of its tries, and nothing has " +
        "answered since."
    )
  })

  it("says of roles answered with a 206 or 204, where the users were read from the same address, that --api-url is right", async () => {
    const page = { results: [wire("u1")] }
    const warningFor = async (status: number) => {
      const outcome = await Effect.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            const server = yield* scriptedServer((_index, request) =>
              request.path === "/roles" ? json(status, { results: [] }) : json(200, page)
            )
            return yield* audit(server.url, "token")
          })
        )
      )
      return readReports(outcome).json.run.warnings.find((warning) => warning.startsWith("Roles could not be read"))
    }
    for (const status of [206, 204]) {
      const warning = await warningFor(status)
      expect(warning).toContain(`it came with the status ${status}`)
      expect(warning).toContain("The same address answered GET /users as the API describes, so --api-url is right")
      expect(warning).not.toContain("Check that --api-url")
    }
  })

  it("says of roles answered with something that is not HTTP, where the users came from the same address, that --api-url is right", async () => {
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            request.path === "/roles"
              ? (_request, response) => {
                  // Headers past Node's limit: something in between, where the users' answer was the API's.
                  response.writeHead(200, { "content-type": "application/json", "set-cookie": "x".repeat(20_000) })
                  response.end(JSON.stringify({ results: [] }))
                }
              : json(200, { results: [wire("u1")] })
          )
          return yield* audit(server.url, "token")
        })
      )
    )
    const warning = readReports(outcome).json.run.warnings.find((line) => line.startsWith("Roles could not be read"))
    expect(warning).toContain("the answer is not valid HTTP (HPE_HEADER_OVERFLOW)")
    expect(warning).toContain("The same address answered GET /users as the API describes, so --api-url is right")
    expect(warning).not.toContain("Check that --api-url")
  })

  it("judges users of a role whose entry in GET /roles cannot be read by its name, and every other role by permission", async () => {
    const roles = {
      results: [
        { id: "r-help", name: "Helpdesk", permissions: ["UserModify"] },
        // A role without permissions, its empty list left out as a Go service tagging it `omitempty` does.
        { id: "r-empty", name: "Empty" },
        { id: "r-ops", name: "Ops", permissions: ["UserModify", 7] }
      ]
    }
    const page = {
      results: [
        wire("helper", { role: { id: "r-help", name: "Helpdesk" }, lastLoggedInAt: daysAgo(200) }),
        wire("empty", { role: { id: "r-empty", name: "Empty" } }),
        wire("ops", { role: { id: "r-ops" } })
      ]
    }
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            request.path === "/roles" ? json(200, roles) : json(200, page)
          )
          return yield* audit(server.url, "token", parameters({ privilegedRoles: ["Ops"] }))
        })
      )
    )
    const { rows, json: report } = readReports(outcome)
    const found = rows.map((row) => `${row.finding} ${row.severity} ${row.user_id}: ${row.detail}`)
    expect(found).toEqual([
      'STALE_LOGIN high helper: last login 200 days ago (more than 90); privileged: role "Helpdesk" holds UserModify',
      'PRIVILEGED_ROLE info helper: role "Helpdesk" holds UserModify',
      'PRIVILEGED_ROLE info ops: role "Ops" is listed as privileged'
    ])
    expect(report.run.privilegeSource).toBe("role-permissions")
    expect(report.run.warnings).toEqual([
      "GET /roles sent 2 roles whose entry could not be read (Empty (r-empty): permissions: is missing; Ops (r-ops): " +
        "permissions[1]: Expected string, actual 7): users holding them were judged privileged or not by their name " +
        "and id only, not by permissions; every other role by its permissions."
    ])
  })

  it("cuts each role name and id of 100 KB a warning about GET /roles quotes, never between the halves of an emoji", async () => {
    // Typed by another system, or hostile: quoted whole, each warning was 100 KB a role, in every summary and email.
    const huge = (label: string) => `${label} ${"🦊".repeat(50_000)}`
    const roles = {
      results: [
        { id: "r-twin-a", name: huge("Twin"), permissions: [] },
        { id: "r-twin-b", name: huge("Twin"), permissions: [] },
        { id: huge("r-broken"), name: huge("Broken"), permissions: [7] }
      ]
    }
    const page = {
      results: [
        wire("twin", { role: { name: huge("Twin") } }),
        wire("broken", { role: { id: huge("r-broken"), name: huge("Broken") } })
      ]
    }
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            request.path === "/roles" ? json(200, roles) : json(200, page)
          )
          return yield* audit(server.url, "token")
        })
      )
    )
    const warnings = readReports(outcome).json.run.warnings
    // 119 UTF-16 units and an ellipsis: as many whole foxes (two units each) as fit after the label.
    const fox = (count: number) => "🦊".repeat(count)
    expect(warnings).toContain(
      `Users hold a role name that fits more than one role in GET /roles (Twin ${fox(57)}…): each such user is ` +
        "privileged if any of those roles is."
    )
    const unreadable = warnings.find((warning) => warning.startsWith("GET /roles sent 1 role whose entry"))
    expect(unreadable).toContain(
      `(Broken ${fox(56)}… (r-broken ${fox(55)}…): permissions[0]: Expected string, actual 7)`
    )
    for (const warning of warnings) expect(warning.length).toBeLessThan(1000)
  })

  it("records privilege as judged by role names only when no role in GET /roles could be read", async () => {
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            request.path === "/roles"
              ? json(200, { results: [{ id: "r-admin", name: "Admin" }] })
              : json(200, { results: [wire("admin", { role: { id: "r-admin" } })] })
          )
          return yield* audit(server.url, "token")
        })
      )
    )
    const { rows, json: report } = readReports(outcome)
    expect(report.run.privilegeSource).toBe("role-names-only")
    // Its name is still known from GET /roles, so the user of the listed role is privileged all the same.
    expect(rows.map((row) => `${row.finding} ${row.user_id}: ${row.detail}`)).toEqual([
      'PRIVILEGED_ROLE admin: role "Admin" is listed as privileged'
    ])
  })

  it("judges a record that failed validation as far as it can be read, besides its INVALID_RECORD", async () => {
    const page = {
      results: [
        // A compromised admin whose family name is missing: still critical.
        wire("hidden", {
          familyName: undefined,
          role: { name: "Admin" },
          status: "COMPROMISED",
          lastLoggedInAt: daysAgo(200)
        }),
        // A login time that is no text is a broken login, not none: no NEVER_LOGGED_IN.
        { ...wire("numeric"), lastLoggedInAt: 12345 },
        // An `enabled` that is no boolean: judged as able to sign in, reported as unknown.
        { ...wire("textual", { status: "COMPROMISED" }), enabled: "true" },
        // Deactivated: not judged, as any deactivated user; nor is a deactivated admin privileged.
        wire("off-broken", { email: undefined, enabled: false }),
        wire("off-admin", { role: { name: "Admin" }, enabled: false }),
        42
      ]
    }
    const outcome = await auditOnePageWithoutRoles(page)
    const { rows, json: report } = readReports(outcome)
    const of = (userId: string) => rows.filter((row) => row.user_id === userId)
    expect(of("hidden").map((row) => `${row.severity} ${row.finding}`)).toEqual([
      "critical COMPROMISED_ACCOUNT",
      "high INVALID_RECORD",
      "high STALE_LOGIN",
      "info PRIVILEGED_ROLE"
    ])
    expect(of("hidden")[0]).toMatchObject({ role_name: "Admin", status: "COMPROMISED", enabled: "true" })
    expect(of("hidden")[1]?.detail).toBe("familyName: is missing")
    expect(of("numeric").map((row) => row.finding)).toEqual(["INVALID_RECORD"])
    expect(of("numeric")[0]?.detail).toMatch(/^lastLoggedInAt: [^;]*12345[^;]*$/)
    expect(of("textual").map((row) => row.finding)).toEqual(["COMPROMISED_ACCOUNT", "INVALID_RECORD"])
    // Judged as able to sign in, and said so; its INVALID_RECORD names the field.
    expect(of("textual")[0]?.enabled).toBe("true")
    expect(of("textual")[1]?.detail).toContain("enabled: Expected boolean")
    expect(of("off-broken").concat(of("off-admin"))).toEqual([])
    expect(rows.filter((row) => row.user_id === "" && row.finding === "INVALID_RECORD")).toHaveLength(1)
    expect(report.run.users).toMatchObject({ seen: 6, enabled: 3, deactivated: 2, invalid: 4, privileged: 1 })
  })

  it("accounts in the summary for records that are not users, which are neither enabled nor deactivated", async () => {
    const outcome = await auditOnePageWithoutRoles({
      results: [wire("alice"), wire("off", { enabled: false }), 42, null]
    })
    expect(outcome.run.users).toMatchObject({ seen: 4, enabled: 1, deactivated: 1, invalid: 2 })
    // "4 (1 enabled, 1 deactivated, ...)" left two of the four users seen unaccounted for.
    const users = formatRunSummary(outcome.run, []).split("\n")[1]
    expect(users).toMatch(/^Users: 4 \(1 enabled, 1 deactivated, 2 records that are not users, 0 privileged, 2 invalid/)
    const one = await auditOnePageWithoutRoles({ results: [wire("alice"), "x"] })
    expect(formatRunSummary(one.run, []).split("\n")[1]).toContain(
      "1 enabled, deactivated not read without --include-deactivated, 1 record that is not a user,"
    )
    const none = await auditOnePageWithoutRoles({ results: [wire("alice")] })
    expect(formatRunSummary(none.run, []).split("\n")[1]).not.toContain("not a user")
  })

  it("counts every user sent with an empty id, on one page and across pages, instead of taking them for one", async () => {
    // An empty id is as good as none: it says nothing about which user a record is, so it cannot mark a repeat.
    const stale = (name: string) => wire("", { email: `${name}@example.com`, lastLoggedInAt: daysAgo(200) })
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            request.path === "/roles"
              ? json(200, {
                  results: [
                    { id: "role-admin", name: "Admin", permissions: [] },
                    { id: "role-analyst", name: "Analyst", permissions: [] }
                  ]
                })
              : request.query.get("cursor") === null
                ? json(200, { results: [stale("a"), stale("b")], next: "page-2" })
                : json(200, { results: [stale("c")] })
          )
          return yield* audit(server.url, "token")
        })
      )
    )
    const { rows, json: report } = readReports(outcome)
    expect(report.run.users.seen).toBe(3)
    expect(rows.map((row) => row.email).sort()).toEqual(["a@example.com", "b@example.com", "c@example.com"])
    // Each keeps an id of its own, by email, so the next run tells them apart.
    expect(new Set(report.findings.map((finding) => finding.id)).size).toBe(3)
    expect(report.run.warnings).toEqual([])
  })

  it("accounts for every repeated record, those the client drops at page boundaries too", async () => {
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) => {
            if (request.path === "/roles") return json(200, { results: [] })
            switch (request.query.get("cursor")) {
              case null: // u1 twice on one page
                return json(200, { results: [wire("u1"), wire("u1"), wire("u2")], next: "p2" })
              case "p2": // u2 again on the next page
                return json(200, { results: [wire("u2"), wire("u3")], next: "p3" })
              case "p3":
                return json(200, { results: [wire("u4")], next: "p4" })
              default: // u3 two pages later
                return json(200, { results: [wire("u3")] })
            }
          })
          return yield* audit(server.url, "token")
        })
      )
    )
    const { json: report } = readReports(outcome)
    expect(report.run.users.seen).toBe(4)
    // Named, those the client dropped first, so a reader can look up whether a repeat differed.
    expect(report.run.warnings).toContain(
      "3 records repeated a user id already seen (u1, u2, u3); each user was taken once, as first sent."
    )
  })

  it("says of one repeated record that it is one", async () => {
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            json(200, { results: request.path === "/roles" ? [] : [wire("u1"), wire("u2"), wire("u1")] })
          )
          return yield* audit(server.url, "token")
        })
      )
    )
    expect(readReports(outcome).json.run.warnings).toContain(
      "1 record repeated a user id already seen (u1); each user was taken once, as first sent."
    )
  })
})

describe("users without a role", () => {
  it("are counted in a warning, since their privilege cannot be judged; deactivated ones are not", async () => {
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            request.path === "/roles"
              ? json(200, { results: [{ id: "r1", name: "Admin", permissions: ["UserModify"] }] })
              : json(200, {
                  results: [
                    wire("u1", { role: {} }),
                    wire("u2", { role: { id: "", name: "" } }),
                    wire("u3", { role: {}, enabled: false }),
                    wire("u4", { role: { name: "Admin" } })
                  ]
                })
          )
          return yield* audit(server.url, "token")
        })
      )
    )
    expect(outcome.run.warnings).toContain(
      "2 enabled users have no role (neither id nor name): whether they are privileged could not be judged; check them in Panther."
    )
  })
})

/** An audit of one page of users, from a server that lists no roles. */
const auditOnePage = (results: ReadonlyArray<WireUser>, token = "token") =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* scriptedServer((_index, request) =>
          request.path === "/roles" ? json(200, { results: [] }) : json(200, { results })
        )
        return yield* audit(server.url, token)
      })
    )
  )

describe("warnings quoting the server", () => {
  it("show a role name's escape sequences as U+FFFD, so the printed summary cannot drive the terminal", async () => {
    const outcome = await auditOnePage([wire("u1", { role: { name: "Analyst\u001b]0;PWNED\u0007" } })])
    const warning = outcome.run.warnings.find((text) => text.startsWith("Users hold a role GET /roles did not list"))
    expect(warning).toContain("Analyst\uFFFD]0;PWNED\uFFFD")
    expect(warning).not.toMatch(/\p{Cc}/u)
  })
})

describe("a user record holding the API token", () => {
  it("is reported with the token replaced, and the run says where to look and to rotate it", async () => {
    const token = "pat-run-audit-9d2c7e41b0"
    const outcome = await auditOnePage(
      [wire("u1", { givenName: token, lastLoggedInAt: daysAgo(200) }), wire("u2")],
      token
    )
    const reports = readFileSync(outcome.reports.csv, "utf8") + readFileSync(outcome.reports.json, "utf8")
    expect(reports).not.toContain(token)
    // Still judged: a stale login is a finding whatever the name.
    const { rows } = readReports(outcome)
    expect(rows.find((row) => row.user_id === "u1")).toMatchObject({ finding: "STALE_LOGIN", given_name: "[redacted]" })
    expect(outcome.run.warnings).toContainEqual(
      expect.stringContaining("1 answer from Panther held the API token in its content")
    )
    expect(outcome.run.warnings.join("\n")).toContain("rotate the token")
  })
})

describe("suppressed findings", () => {
  it("are counted but not among the urgent findings an email lists, which need acting on", async () => {
    const users = [
      wire("accepted", { status: "COMPROMISED" }),
      wire("open", { status: "COMPROMISED" }),
      wire("quiet", { lastLoggedInAt: daysAgo(3) })
    ]
    const accepted = {
      entry: 1,
      user: "accepted@example.com",
      finding: "COMPROMISED_ACCOUNT" as const,
      reason: "break-glass account, watched by the SOC",
      owner: "secops",
      expires: "2099-01-01",
      expiresAt: Date.parse("2099-01-01T00:00:00Z")
    }
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            json(200, { results: request.path === "/roles" ? [] : users })
          )
          return yield* audit(server.url, "token", parameters({ suppressions: [accepted] }))
        })
      )
    )
    expect(outcome.run.findings.bySeverity.critical).toBe(2)
    expect(outcome.run.findings.unsuppressedBySeverity.critical).toBe(1)
    expect(outcome.urgent.map((finding) => [finding.userId, finding.finding])).toEqual([
      ["open", "COMPROMISED_ACCOUNT"]
    ])
  })
})

/** Two audits, one after the other, of a server that lists `users` (and no roles). */
const auditTwice = (users: ReadonlyArray<WireUser>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* scriptedServer((_index, request) =>
          json(200, { results: request.path === "/roles" ? [] : users })
        )
        const first = yield* audit(server.url, "token")
        return [first, yield* audit(server.url, "token")] as const
      })
    )
  )

describe("users without an id", () => {
  it("share a finding id by email, and every such finding stays unchanged on the next run", async () => {
    // The API's User makes id optional: two records without one, for the same address, share STALE_LOGIN's id.
    const stale = { lastLoggedInAt: daysAgo(200), email: "shared@example.com" }
    const users = [wire("a", { ...stale, id: undefined }), wire("b", { ...stale, id: undefined })]
    const twice = await auditTwice(users)
    const [first, second] = twice.map((outcome) => readReports(outcome).json)
    expect(first?.findings.map((finding) => finding.id)).toEqual([
      "STALE_LOGIN:email:shared@example.com",
      "STALE_LOGIN:email:shared@example.com"
    ])
    expect(second?.findings.map((finding) => finding.change)).toEqual(["unchanged", "unchanged"])
    expect(second?.run.changes).toMatchObject({ new: 0, resolved: [] })
  })
})

describe("records with neither an id nor an email", () => {
  it("give each user's findings ids of their own, kept from run to run, so one user's are never another's", async () => {
    // Two users whose records lost both id and email, told apart by what else they hold; and two records that are
    // not objects at all, alike.
    const nameless = (familyName: string) =>
      wire(familyName, { id: undefined, email: undefined, familyName, lastLoggedInAt: daysAgo(200) })
    let users: Array<unknown> = [nameless("Ames"), nameless("Bell"), 42, 42]
    const [first, second, third] = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) =>
            json(200, { results: request.path === "/roles" ? [] : users })
          )
          const runs: Array<AuditOutcome> = []
          runs.push(yield* audit(server.url, "token"))
          runs.push(yield* audit(server.url, "token"))
          // Bell's record is gone, and one of the two that are not objects.
          users = [nameless("Ames"), 42]
          runs.push(yield* audit(server.url, "token"))
          return runs.map((outcome) => readReports(outcome).json)
        })
      )
    )
    const findings = first?.findings ?? []
    // Ames and Bell: STALE_LOGIN and INVALID_RECORD each; the two non-objects: INVALID_RECORD each.
    expect(findings.map((finding) => finding.finding).sort()).toEqual([
      ...Array.from({ length: 4 }, () => "INVALID_RECORD"),
      "STALE_LOGIN",
      "STALE_LOGIN"
    ])
    expect(new Set(findings.map((finding) => finding.id)).size).toBe(findings.length)
    // The same records again: the same ids, every finding unchanged.
    expect(second?.findings.map((finding) => finding.id).sort()).toEqual(findings.map((finding) => finding.id).sort())
    expect(second?.findings.map((finding) => finding.change)).toEqual(findings.map(() => "unchanged"))
    // Bell's findings are resolved, not taken for Ames's; Ames's stay unchanged.
    const idsOf = (familyName: string) =>
      findings.filter((finding) => finding.familyName === familyName).map((finding) => finding.id)
    const resolved = third?.run.changes.resolved.map((finding) => finding.id) ?? []
    expect(resolved).toEqual(expect.arrayContaining(idsOf("Bell")))
    expect(resolved).toHaveLength(3)
    for (const id of idsOf("Ames")) expect(resolved).not.toContain(id)
    expect(third?.findings.map((finding) => finding.change)).toEqual(["unchanged", "unchanged", "unchanged"])
  })
})

describe("findings of one id in the previous report", () => {
  it("are not said to have changed severity: which of them a finding continues is not known", async () => {
    // Two records without an id, of one address: their STALE_LOGIN findings share an id, one high, one medium.
    const stale = { id: undefined, email: "shared@example.com", lastLoggedInAt: daysAgo(200) }
    const users = [wire("a", { ...stale, role: { name: "Admin" } }), wire("b", stale)]
    const twice = await auditTwice(users)
    const second = readReports(twice[1]).json
    expect(second.findings.map((finding) => [finding.finding, finding.severity, finding.change])).toEqual([
      ["STALE_LOGIN", "high", "unchanged"],
      ["STALE_LOGIN", "medium", "unchanged"],
      ["PRIVILEGED_ROLE", "info", "unchanged"]
    ])
    expect(second.run.changes).toMatchObject({ escalated: 0, deEscalated: 0 })
  })
})

/** An audit of the users with these ids, one to a page, in this order. */
const auditOnePerPage = (order: ReadonlyArray<string>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* scriptedServer((_index, request) => {
          if (request.path === "/roles") return json(200, { results: [] })
          const at = Number(request.query.get("cursor") ?? "0")
          const next = at + 1 < order.length ? { next: String(at + 1) } : {}
          return json(200, { results: [wire(order[at] ?? "")], ...next })
        })
        return yield* audit(server.url, "token")
      })
    )
  )

describe("a server that ignores the cursor", () => {
  it("is not taken for one when a finite list repeats users over many small pages (re-sorted while read)", async () => {
    const order = [
      ...Array.from({ length: 100 }, (_, index) => `u${index}`),
      ...Array.from({ length: 60 }, (_, index) => `u${index}`)
    ]
    const outcome = await auditOnePerPage(order)
    expect(outcome.run.users.seen).toBe(100)
    expect(outcome.run.warnings.join("\n")).toMatch(
      /^60 records repeated a user id already seen \(([^,()]+, ){5}\.\.\.\); each user was taken once, as first sent\.$/m
    )
  })

  it("is not taken for one when a few users come round several times, within the margin a shifting list may need", async () => {
    // Ten users, each sent five times on pages of one: 40 repeats, four times the users, yet far short of a loop.
    const order = Array.from({ length: 50 }, (_, index) => `u${index % 10}`)
    const outcome = await auditOnePerPage(order)
    expect(outcome.run.users.seen).toBe(10)
    expect(outcome.run.warnings.join("\n")).toMatch(/^40 records repeated a user id already seen/m)
  })

  /**
   * An audit against a server that answers page after page with `pages` in turn, each under a fresh cursor: it must
   * fail with a PaginationLoop saying `reason`, having asked for fewer than `mostPages` pages and written nothing.
   */
  const expectCycleStopped = async (
    pages: ReadonlyArray<ReadonlyArray<unknown>>,
    reason: string,
    mostPages: number
  ) => {
    let served = 0
    const exit = await Effect.runPromiseExit(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* scriptedServer((_index, request) => {
            if (request.path === "/roles") return json(200, { results: [] })
            served++
            return json(200, { results: pages[served % pages.length], next: `fresh-${served}` })
          })
          return yield* audit(server.url, "token")
        })
      ).pipe(Effect.timeout("20 seconds"))
    )
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) {
      const error = Cause.failureOption(exit.cause)
      expect(Option.map(error, (failure) => failure._tag)).toEqual(Option.some("PaginationLoop"))
      expect(Option.map(error, (failure) => failure.message).pipe(Option.getOrElse(() => ""))).toContain(reason)
    }
    expect(served).toBeLessThan(mostPages)
    expect(readdirSync(directory)).toEqual([])
  }

  it("and cycles through the same pages under fresh cursors fails the run instead of reading for ever", async () => {
    const page = (name: string) => Array.from({ length: 60 }, (_, index) => wire(`${name}${index}`))
    await expectCycleStopped(
      [page("a"), page("b")],
      "records repeated users already seen (more than the 120 distinct users it sent)",
      30
    )
  })

  it("and cycles through pages half of records without an id fails the run instead of reading for ever", async () => {
    // Each page's ids are new beside the page before, and the records without an id are counted as users taken, so
    // the repeats of ids alone never outnumber them.
    const page = (name: string) => [
      ...Array.from({ length: 30 }, (_, index) => wire(`${name}${index}`)),
      ...Array.from({ length: 30 }, (_, index) =>
        wire("", { id: undefined, email: `${name}-noid-${index}@example.com` })
      )
    ]
    await expectCycleStopped(
      [page("a"), page("b")],
      "records without an id repeated ones already sent (more than the 60 distinct ones)",
      60
    )
  })
})
