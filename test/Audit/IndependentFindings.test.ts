/**
 * The audit's findings held to an independent answer: the real command runs against a server on loopback (the
 * simulator, or a scripted one for records the simulator will not serve), and its JSON report, CSV report, summary
 * and email are each compared, user by user and count by count, with what ExpectedFindings.ts works out from the same
 * records and the README alone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { makeRoles } from "../../src/Simulator/Roles.js"
import type { WireUser } from "../../src/Simulator/WireUser.js"
import { runCli } from "../support/cli.js"
import { json, startScriptedServer } from "../support/scriptedServer.js"
import { startSimulator } from "../support/simulator.js"
import {
  DAY_MS,
  type ExpectedAudit,
  type ExpectedSettings,
  expectedAudit,
  type ListedRole
} from "./ExpectedFindings.js"

const TOKEN = "read-key-independent-5c1e07"
const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "independent-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const settingsOf = (asOf: number, overrides: Partial<ExpectedSettings> = {}): ExpectedSettings => ({
  asOf,
  staleDays: 90,
  pendingDays: 7,
  privilegedRoles: ["Admin"],
  privilegedPermissions: ["UserModify", "OrganizationAPITokenModify"],
  includeDeactivated: false,
  ...overrides
})

/** Every record a list gives, page by page, as the API sends them. */
const listAll = async (baseUrl: string, path: string, query: string): Promise<Array<unknown>> => {
  const records: Array<unknown> = []
  let cursor: string | undefined
  for (let page = 0; page < 100; page++) {
    const next = cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`
    const answer = await fetch(`${baseUrl}${path}?${query}${next}`, { headers: { "X-API-Key": TOKEN } })
    const body = (await answer.json()) as { results: Array<unknown>; next?: string | null }
    records.push(...body.results)
    if (!body.next) return records
    cursor = body.next
  }
  throw new Error(`${path} did not end`)
}

interface ReportedFinding {
  readonly [field: string]: unknown
  readonly finding: string
  readonly severity: string
  readonly userId: string | null
  readonly familyName: string | null
  readonly daysSinceLogin: number | null
  readonly lastLoggedInAt: string | null
}

interface Audited {
  readonly stdout: string
  readonly run: {
    readonly users: Record<string, number>
    readonly findings: { total: number; bySeverity: Record<string, number>; byFinding: Record<string, number> }
  }
  readonly findings: ReadonlyArray<ReportedFinding>
  readonly rows: ReadonlyArray<Record<string, string>>
  readonly csv: Buffer
  readonly eml: string
}

/** Runs `panther-audit run` as a user would, with the email written beside the reports. */
const audit = async (
  baseUrl: string,
  settings: ExpectedSettings,
  asOfText: string,
  env: Record<string, string> = {}
): Promise<Audited> => {
  const result = await runCli(
    [
      "run",
      "--as-of",
      asOfText,
      "--stale-days",
      String(settings.staleDays),
      "--pending-days",
      String(settings.pendingDays),
      "--privileged-roles",
      settings.privilegedRoles.join(", "),
      "--privileged-permissions",
      settings.privilegedPermissions.join(","),
      ...(settings.includeDeactivated ? ["--include-deactivated"] : [])
    ],
    {
      env: {
        PANTHER_API_URL: baseUrl,
        PANTHER_API_TOKEN: TOKEN,
        AUDIT_REPORT_DIR: directory,
        MAIL_TO: "audit@acme.example",
        ...env
      }
    }
  )
  expect(result.code, result.stderr).toBe(0)
  const named = (suffix: string) => join(directory, readdirSync(directory).find((name) => name.endsWith(suffix)) ?? "")
  const report = JSON.parse(readFileSync(named(".json"), "utf8"))
  const csv = readFileSync(named(".csv"))
  return {
    stdout: result.stdout,
    run: report.run,
    findings: report.findings,
    rows: parse(csv, { bom: true, columns: true }),
    csv,
    eml: readFileSync(named(".eml"), "latin1")
  }
}

const keyOf = (finding: ReportedFinding): string =>
  finding.finding === "LOGIN_DATA_MISSING" ? "run" : (finding.userId ?? `name:${finding.familyName ?? "?"}`)

const line = (finding: {
  readonly key: string
  readonly finding: string
  readonly severity: string
  readonly daysSinceLogin: unknown
  readonly lastLoggedInAt: unknown
}) => `${finding.key} ${finding.finding} ${finding.severity} days=${finding.daysSinceLogin} ${finding.lastLoggedInAt}`

const countBy = (findings: ReadonlyArray<ReportedFinding>, field: "finding" | "severity") => {
  const counts: Record<string, number> = {}
  for (const finding of findings) counts[finding[field]] = (counts[finding[field]] ?? 0) + 1
  return counts
}

const decodeQuotedPrintable = (body: string): string =>
  Buffer.from(
    body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    "latin1"
  ).toString("utf8")

/** The email's plain text, its attachment, and its subject, unfolded. */
const readEmail = (eml: string) => {
  const parts = eml.split(/\r?\n----_/)
  const bodyOf = (part: string | undefined) =>
    (part ?? "")
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join("\n\n")
  const plain = parts.find((part) => part.includes("Content-Type: text/plain"))
  const attached = parts.find((part) => part.includes("Content-Disposition: attachment"))
  return {
    subject: /^Subject: (.*(?:\r?\n .*)*)/m.exec(eml)?.[1]?.replace(/\r?\n /g, " ") ?? "",
    text: decodeQuotedPrintable(bodyOf(plain)),
    attachment: Buffer.from(bodyOf(attached).replace(/\s/g, ""), "base64")
  }
}

/** Every way the run told its findings agrees with the independent answer, and with each other. */
const expectAgreement = (audited: Audited, expected: ExpectedAudit) => {
  const { findings, rows, run } = audited
  // The JSON report, user by user.
  expect(findings.map((finding) => line({ ...finding, key: keyOf(finding) })).sort()).toEqual(
    expected.findings.map(line).sort()
  )
  // The CSV report, row by row against the JSON report.
  expect(
    rows.map((row) => `${row.finding} ${row.severity} ${row.user_id} ${row.email} ${row.days_since_login}`)
  ).toEqual(
    findings.map(
      (finding) =>
        `${finding.finding} ${finding.severity} ${finding.userId ?? ""} ${finding.email ?? ""} ${finding.daysSinceLogin ?? ""}`
    )
  )
  rows.forEach((row, index) => {
    const finding = findings[index]
    expect(row).toMatchObject({
      given_name: finding?.givenName ?? "",
      family_name: finding?.familyName ?? "",
      role_id: finding?.roleId ?? "",
      role_name: finding?.roleName ?? "",
      status: finding?.status ?? "",
      enabled: finding?.enabled === null ? "" : String(finding?.enabled),
      created_at: finding?.createdAt ?? "",
      last_logged_in_at: finding?.lastLoggedInAt ?? "",
      detail: finding?.detail,
      first_seen: finding?.firstSeen ?? "",
      change: finding?.change,
      suppressed: String(finding?.suppressed),
      controls: ((finding?.controls ?? []) as Array<string>).join("; ")
    })
  })
  // The run's counts.
  const bySeverity = countBy(findings, "severity")
  const byFinding = countBy(findings, "finding")
  expect(run.findings.total).toBe(findings.length)
  for (const severity of SEVERITIES) expect(run.findings.bySeverity[severity]).toBe(bySeverity[severity] ?? 0)
  for (const [code, count] of Object.entries(run.findings.byFinding)) expect(count).toBe(byFinding[code] ?? 0)
  expect(run.users).toMatchObject({
    seen: expected.seen,
    enabled: expected.enabled,
    deactivated: expected.deactivated,
    privileged: expected.privileged,
    invalid: expected.invalid
  })
  // The summary printed.
  const severities = SEVERITIES.map((severity) => `${bySeverity[severity] ?? 0} ${severity}`).join(", ")
  expect(audited.stdout).toContain(`Findings: ${findings.length} (${severities})`)
  for (const [code, count] of Object.entries(byFinding))
    expect(audited.stdout).toMatch(new RegExp(`^ +${code} +${count}$`, "m"))
  expect(audited.stdout).toContain(`Users: ${expected.seen} (${expected.enabled} enabled`)
  expect(audited.stdout).toContain(`${expected.privileged} privileged, ${expected.invalid} invalid record`)
  // The email: its counts, its table of findings by code and severity, and the CSV it attaches.
  const email = readEmail(audited.eml)
  expect(email.text).toContain(`${expected.seen} user`)
  expect(email.text).toContain(`${findings.length} finding`)
  // The most urgent are listed one by one, the first 50 of them.
  const urgent = (bySeverity.critical ?? 0) + (bySeverity.high ?? 0)
  expect(email.text.match(/^\d+\. \[(CRITICAL|HIGH)\] /gm)?.length ?? 0).toBe(Math.min(50, urgent))
  expect(email.text).toContain(SEVERITIES.map((severity) => `${severity}: ${bySeverity[severity] ?? 0}`).join(" | "))
  for (const code of Object.keys(byFinding)) {
    const cells = SEVERITIES.map((severity) => {
      const count = findings.filter((finding) => finding.finding === code && finding.severity === severity).length
      return count === 0 ? "–" : String(count)
    })
    expect(email.text).toMatch(new RegExp(`^${code} +${cells.join(" +")} +${byFinding[code]}$`, "m"))
  }
  for (const severity of ["critical", "high", "medium"] as const) {
    if ((bySeverity[severity] ?? 0) > 0) expect(email.subject).toContain(`${bySeverity[severity]} ${severity}`)
  }
  expect(email.attachment.equals(audited.csv)).toBe(true)
}

describe("findings against an independent answer", () => {
  it("agrees on users the simulator generates, for several seeds, sizes and settings", async () => {
    const asOf = Date.parse("2026-06-30T12:00:00Z")
    const cases: ReadonlyArray<readonly [number, number, Partial<ExpectedSettings>]> = [
      [3, 150, {}],
      [11, 400, { includeDeactivated: true, staleDays: 30, pendingDays: 3, privilegedRoles: ["auditor"] }],
      [29, 61, { staleDays: 45, privilegedPermissions: ["RuleModify"] }]
    ]
    for (const [seed, users, overrides] of cases) {
      const simulator = await startSimulator({ users, seed, now: new Date(asOf), readToken: TOKEN })
      try {
        const settings = settingsOf(asOf, overrides)
        const listed = await listAll(
          simulator.baseUrl,
          "/users",
          `limit=60&include-deactivated=${settings.includeDeactivated}`
        )
        const roles = (await listAll(simulator.baseUrl, "/roles", "")) as Array<ListedRole>
        const audited = await audit(simulator.baseUrl, settings, new Date(asOf).toISOString())
        expectAgreement(audited, expectedAudit(listed, roles, settings))
      } finally {
        await simulator.close()
        for (const name of readdirSync(directory)) rmSync(join(directory, name))
      }
    }
  })

  it("agrees on the edge cases: thresholds to the second, offsets, fractions, statuses, roles, across a DST change", async () => {
    // Clocks in Berlin went forward at 01:00 UTC that night: "days" are 24 hours whatever the local time zone.
    const asOf = Date.parse("2026-03-29T01:30:00Z")
    const settings = settingsOf(asOf, { includeDeactivated: true, privilegedRoles: ["Admin", "soc tier 1"] })
    const audited = await withSimulator(edgeUsers(asOf), async (baseUrl) => {
      const listed = await listAll(baseUrl, "/users", "limit=60&include-deactivated=true")
      const roles = (await listAll(baseUrl, "/roles", "")) as Array<ListedRole>
      const run = await audit(baseUrl, settings, "2026-03-29T03:30:00+02:00", { TZ: "Europe/Berlin" })
      return { run, expected: expectedAudit(listed, roles, settings) }
    })
    expectAgreement(audited.run, audited.expected)
    // The cases that decide, named, so a disagreement above reads as one of them.
    const got = (id: string) =>
      audited.run.findings
        .filter((finding) => finding.userId === id)
        .map((finding) => `${finding.finding} ${finding.severity}`)
    expect(got("login-at-threshold")).toEqual([])
    expect(got("login-past-threshold")).toEqual(["STALE_LOGIN medium"])
    expect(got("login-offset-past")).toEqual(["STALE_LOGIN medium"])
    expect(got("login-nanos-past")).toEqual(["STALE_LOGIN medium"])
    expect(got("login-nanos-at")).toEqual([])
    expect(got("created-past-threshold")).toEqual(["NEVER_LOGGED_IN medium"])
    expect(got("created-at-threshold")).toEqual([])
    expect(got("disabled-compromised")).toEqual([])
    expect(got("status-compromised-spaced")).toEqual(["COMPROMISED_ACCOUNT critical"])
    expect(got("role-admin-upper")).toEqual(["STALE_LOGIN high", "PRIVILEGED_ROLE info"])
  })

  it("agrees on records that fail validation and on users sent again on a later page", async () => {
    const asOf = Date.parse("2026-06-30T12:00:00Z")
    const ago = (days: number) => new Date(asOf - days * DAY_MS).toISOString()
    const valid = (id: string, fields: Record<string, unknown>) => ({
      id,
      email: `${id}@acme.example`,
      givenName: "Paged",
      familyName: id,
      role: { name: "Analyst" },
      enabled: true,
      status: "CONFIRMED",
      createdAt: ago(400),
      lastLoggedInAt: ago(1),
      ...fields
    })
    const pages: ReadonlyArray<ReadonlyArray<unknown>> = [
      [
        valid("u-stale", { lastLoggedInAt: ago(120) }),
        valid("u-compromised", { status: "COMPROMISED" }),
        // Neither an id nor an email that can be read: judged on the rest, reported by its names.
        {
          id: 42,
          givenName: "No",
          familyName: "nobody-compromised",
          role: { name: "Analyst" },
          enabled: true,
          status: "COMPROMISED"
        }
      ],
      [
        // Sent again, changed: the first is taken.
        valid("u-stale", { lastLoggedInAt: ago(2), status: "ARCHIVED" }),
        {
          familyName: "nobody-admin",
          givenName: "No",
          role: { name: "Admin" },
          enabled: true,
          lastLoggedInAt: ago(200)
        },
        "not a user"
      ],
      [
        valid("u-compromised", { enabled: false }),
        valid("u-deactivated", { enabled: false, status: "COMPROMISED" }),
        valid("u-created-not-text", { createdAt: 12345, lastLoggedInAt: undefined }),
        valid("u-enabled-not-boolean", { enabled: "yes", status: "UNCONFIRMED", lastLoggedInAt: undefined })
      ]
    ]
    const roles = makeRoles(new Date(asOf))
    const server = await startScriptedServer((_index, request) => {
      if (request.path === "/roles") return json(200, { results: roles })
      const page = Number(request.query.get("cursor") ?? "0")
      const deactivated = request.query.get("include-deactivated") === "true"
      const results = (pages[page] ?? []).filter(
        (record) =>
          deactivated ||
          typeof record !== "object" ||
          record === null ||
          !("enabled" in record) ||
          record.enabled !== false
      )
      return json(200, page + 1 < pages.length ? { results, next: String(page + 1) } : { results })
    })
    try {
      for (const includeDeactivated of [false, true]) {
        const settings = settingsOf(asOf, { includeDeactivated })
        const listed = await listAll(server.url, "/users", `limit=60&include-deactivated=${includeDeactivated}`)
        const audited = await audit(server.url, settings, new Date(asOf).toISOString())
        expectAgreement(audited, expectedAudit(listed, roles, settings))
        for (const name of readdirSync(directory)) rmSync(join(directory, name))
      }
    } finally {
      await server.close()
    }
  })

  it("agrees that no login at all among ten enabled users is one finding about the data, not ten", async () => {
    const asOf = Date.parse("2026-06-30T12:00:00Z")
    const users = Array.from(
      { length: 11 },
      (_unused, index): WireUser => ({
        id: `quiet-${index}`,
        email: `quiet-${index}@acme.example`,
        givenName: "Quiet",
        familyName: `quiet-${index}`,
        role: { name: "Analyst" },
        // The one deactivated user's login does not count: the ten enabled ones have none.
        enabled: index !== 10,
        status: "CONFIRMED",
        createdAt: new Date(asOf - 400 * DAY_MS).toISOString(),
        ...(index === 10 ? { lastLoggedInAt: new Date(asOf - DAY_MS).toISOString() } : {})
      })
    )
    for (const count of [10, 9]) {
      const data = [...users.slice(0, count), users[10] as WireUser]
      const settings = settingsOf(asOf, { includeDeactivated: true })
      const { audited, expected } = await withSimulator(data, async (baseUrl) => {
        const listed = await listAll(baseUrl, "/users", "limit=60&include-deactivated=true")
        const roles = (await listAll(baseUrl, "/roles", "")) as Array<ListedRole>
        return {
          audited: await audit(baseUrl, settings, new Date(asOf).toISOString()),
          expected: expectedAudit(listed, roles, settings)
        }
      })
      expectAgreement(audited, expected)
      expect(audited.run.findings.byFinding.LOGIN_DATA_MISSING).toBe(count === 10 ? 1 : 0)
      for (const name of readdirSync(directory)) rmSync(join(directory, name))
    }
  })
})

const withSimulator = async <A>(data: ReadonlyArray<WireUser>, use: (baseUrl: string) => Promise<A>): Promise<A> => {
  const simulator = await startSimulator({ data, readToken: TOKEN })
  try {
    return await use(simulator.baseUrl)
  } finally {
    await simulator.close()
  }
}

const ROLE = new Map(makeRoles(new Date()).map((role) => [role.name, role.id]))

/** A user's fields; one set to undefined is left out, as the API leaves it out. */
type Fields = { [K in keyof WireUser]?: WireUser[K] | undefined }

/** Users that sit on each rule's edges, as of `asOf`. */
const edgeUsers = (asOf: number): ReadonlyArray<WireUser> => {
  const ago = (ms: number) => new Date(asOf - ms).toISOString()
  const threshold = asOf - 90 * DAY_MS
  const withOffset = (epoch: number, minutes: number) => {
    const wall = new Date(epoch + minutes * 60_000).toISOString().slice(0, 19)
    const size = Math.abs(minutes)
    const hours = String(Math.floor(size / 60)).padStart(2, "0")
    return `${wall}${minutes < 0 ? "-" : "+"}${hours}:${String(size % 60).padStart(2, "0")}`
  }
  const nanos = (epoch: number, extra: string) => `${new Date(epoch).toISOString().slice(0, 23)}${extra}Z`
  const user = (id: string, fields: Fields = {}): Fields => ({
    id,
    email: `${id}@acme.example`,
    givenName: "Edge",
    familyName: id,
    role: { id: ROLE.get("Analyst") ?? "", name: "Analyst" },
    enabled: true,
    status: "CONFIRMED",
    createdAt: ago(400 * DAY_MS),
    lastLoggedInAt: ago(DAY_MS),
    ...fields
  })
  const noLogin = (id: string, fields: Fields) => user(id, { ...fields, lastLoggedInAt: undefined })
  return [
    user("login-at-threshold", { lastLoggedInAt: ago(90 * DAY_MS) }),
    user("login-past-threshold", { lastLoggedInAt: ago(90 * DAY_MS + 1000) }),
    user("login-before-threshold", { lastLoggedInAt: ago(90 * DAY_MS - 1000) }),
    user("login-offset-past", { lastLoggedInAt: withOffset(threshold - 1000, 330) }),
    user("login-offset-at", { lastLoggedInAt: withOffset(threshold, -480) }),
    user("login-nanos-past", { lastLoggedInAt: nanos(threshold - 1, "999999") }),
    user("login-nanos-at", { lastLoggedInAt: nanos(threshold, "000001") }),
    user("login-seconds-only", { lastLoggedInAt: `${ago(200 * DAY_MS).slice(0, 19)}Z` }),
    user("login-in-future", { lastLoggedInAt: ago(-3 * DAY_MS) }),
    user("login-go-zero-time", { lastLoggedInAt: "0001-01-01T00:00:00Z" }),
    user("login-impossible-date", { lastLoggedInAt: "2026-02-30T10:00:00Z" }),
    noLogin("created-today", { createdAt: ago(2 * 3600_000) }),
    user("created-at-threshold", { createdAt: ago(90 * DAY_MS), lastLoggedInAt: null }),
    user("created-past-threshold", { createdAt: ago(90 * DAY_MS + 1000), lastLoggedInAt: "" }),
    noLogin("created-unknown", { createdAt: undefined }),
    user("disabled-compromised", { enabled: false, status: "COMPROMISED", lastLoggedInAt: ago(300 * DAY_MS) }),
    user("status-confirmed"),
    user("status-external", { status: "EXTERNAL_PROVIDER" }),
    noLogin("status-invited-7d", { status: "FORCE_CHANGE_PASSWORD", createdAt: ago(7 * DAY_MS) }),
    noLogin("status-unconfirmed-7d1s", { status: "UNCONFIRMED", createdAt: ago(7 * DAY_MS + 1000) }),
    user("status-reset-today", {
      status: "RESET_REQUIRED",
      createdAt: ago(3600_000),
      lastLoggedInAt: ago(60_000)
    }),
    noLogin("status-invited-lower", { status: " force_change_password " }),
    noLogin("status-invited-no-created", { status: "FORCE_CHANGE_PASSWORD", createdAt: undefined }),
    user("status-compromised", { status: "COMPROMISED" }),
    user("status-compromised-spaced", { status: " compromised " }),
    user("status-archived", { status: "ARCHIVED" }),
    user("status-unknown", { status: "UNKNOWN" }),
    user("status-new", { status: "SUSPENDED" }),
    user("status-empty", { status: "" }),
    user("status-absent", { status: undefined }),
    user("role-admin-upper", { role: { name: "ADMIN" }, lastLoggedInAt: ago(100 * DAY_MS) }),
    user("role-helpdesk-lower", { role: { name: "helpdesk" } }),
    user("role-admin-id-spaced-name", { role: { id: ROLE.get("Admin") ?? "", name: " admin " } }),
    user("role-admin-trailing-space", { role: { name: "Admin " } }),
    user("role-soc-listed", { role: { id: ROLE.get("SOC Tier 1") ?? "", name: "SOC Tier 1" } }),
    noLogin("role-admin-never", {
      role: { id: ROLE.get("Admin") ?? "", name: "Admin" },
      createdAt: ago(100 * DAY_MS)
    }),
    user("role-analyst-stale", { lastLoggedInAt: ago(100 * DAY_MS) }),
    // A finding's days since login, a second short of whole days: 29, not 30.
    user("role-admin-day-short", { role: { name: "Admin" }, lastLoggedInAt: ago(30 * DAY_MS - 1000) })
  ].map((entry) => {
    const record: Record<string, unknown> = { ...entry }
    for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key]
    // Every entry is a whole user with only fields of their own types left out.
    return record as WireUser
  })
}
