/**
 * A user whose record has an unparseable timestamp is judged, but is an invalid record all the same: the review's
 * figures and the export's inventory must say so, as the run's findings do with INVALID_RECORD.
 */
import { Option } from "effect"
import { expect, it } from "vitest"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { judgeUser } from "../../src/Audit/JudgeUser.js"
import { makePrivilegePolicy } from "../../src/Audit/Privilege.js"
import { INVENTORY_COLUMNS, inventoryCsvRow, inventoryRecord } from "../../src/Export/Inventory.js"
import { UserRecord } from "../../src/PantherApi/UserRecord.js"
import { addFinding, NO_FINDINGS } from "../../src/Review/FindingSet.js"
import type { Review } from "../../src/Review/Review.js"
import { REVIEW_COLUMNS, reviewRow } from "../../src/Review/ReviewCsv.js"
import { reviewFigures } from "../../src/Review/ReviewFigures.js"
import { userRow } from "../../src/Review/ReviewHtml.js"
import { makeReviewRowBuilder } from "../../src/Review/ReviewRow.js"
import { suppressedCodesText, suppressionReasonsText } from "../../src/Review/ReviewValues.js"
import { AS_OF, daysAgo, parameters, user } from "../Audit/fixtures.js"
import { reviewRowOf } from "./fixtures.js"

const params = parameters()
const NO_CONTEXT = { instance: "api.acme.example", asOf: "2026-06-30T12:00:00.000Z", sinceLastReview: undefined }
const policy = makePrivilegePolicy(params, undefined)
const rowOf = (record: UserRecord) =>
  makeReviewRowBuilder()(record, record._tag === "ValidUser" ? judgeUser(record.user, params, policy) : undefined, [])

it("calls a user with an unparseable timestamp invalid, with the reason, in the inventory", () => {
  const broken = rowOf(UserRecord.ValidUser({ user: user({ lastLoggedInAt: "2023-02-29T10:00:00Z" }) }))
  expect(broken.invalidReason).toBe('lastLoggedInAt is not a timestamp: "2023-02-29T10:00:00Z"')
  expect(inventoryRecord(broken, AS_OF)).toMatchObject({
    valid: false,
    invalidReason: 'lastLoggedInAt is not a timestamp: "2023-02-29T10:00:00Z"',
    enabled: true,
    findings: ["INVALID_RECORD"]
  })
})

it("calls a sound user valid and a record that failed the schema invalid", () => {
  const sound = rowOf(UserRecord.ValidUser({ user: user({ lastLoggedInAt: daysAgo(3) }) }))
  expect(inventoryRecord(sound, AS_OF)).toMatchObject({ valid: true, invalidReason: null })
  const failed = rowOf(
    UserRecord.InvalidUser({
      userId: Option.some("u-9"),
      email: Option.none(),
      reason: "email: is missing",
      readable: undefined
    })
  )
  expect(inventoryRecord(failed, AS_OF)).toMatchObject({ valid: false, invalidReason: "email: is missing" })
})

it("says of a record that failed the schema that its privilege is unknown, not that it is unprivileged", () => {
  const failed = rowOf(
    UserRecord.InvalidUser({
      userId: Option.some("u-9"),
      email: Option.none(),
      reason: "enabled: is missing",
      readable: undefined
    })
  )
  expect(inventoryRecord(failed, AS_OF)).toMatchObject({ privileged: null, enabled: null })
  // Nothing was read of it but its id: every other field is absent (null), not empty text.
  expect(inventoryRecord(failed, AS_OF)).toMatchObject({
    userId: "u-9",
    email: null,
    givenName: null,
    familyName: null,
    roleName: null,
    deactivated: null
  })
  const column = (columns: ReadonlyArray<string>, cells: ReadonlyArray<string>) => cells[columns.indexOf("privileged")]
  expect(column(INVENTORY_COLUMNS, inventoryCsvRow(failed, AS_OF))).toBe("")
  expect(column(REVIEW_COLUMNS, reviewRow(failed, AS_OF, NO_CONTEXT))).toBe("")
  const sound = rowOf(UserRecord.ValidUser({ user: user({ lastLoggedInAt: daysAgo(3) }) }))
  expect(column(REVIEW_COLUMNS, reviewRow(sound, AS_OF, NO_CONTEXT))).toBe("false")
  // Nor that it can sign in.
  const enabled = (columns: ReadonlyArray<string>, cells: ReadonlyArray<string>) => cells[columns.indexOf("enabled")]
  expect(enabled(INVENTORY_COLUMNS, inventoryCsvRow(failed, AS_OF))).toBe("")
  expect(enabled(REVIEW_COLUMNS, reviewRow(failed, AS_OF, NO_CONTEXT))).toBe("")
  expect(enabled(REVIEW_COLUMNS, reviewRow(sound, AS_OF, NO_CONTEXT))).toBe("true")
})

it("neutralises in the workbook and the inventory an id a spreadsheet would run as a formula", () => {
  const record = UserRecord.ValidUser({
    user: user({ id: '=HYPERLINK("http://x.example")', lastLoggedInAt: daysAgo(3) })
  })
  const formula = rowOf(record)
  const cell = (columns: ReadonlyArray<string>, cells: ReadonlyArray<string>) => cells[columns.indexOf("user_id")]
  expect(cell(REVIEW_COLUMNS, reviewRow(formula, AS_OF, NO_CONTEXT))).toBe('\'=HYPERLINK("http://x.example")')
  expect(cell(INVENTORY_COLUMNS, inventoryCsvRow(formula, AS_OF))).toBe('\'=HYPERLINK("http://x.example")')
})

it("neutralises in the workbook and the inventory an email a spreadsheet would run as a formula", () => {
  // Valid addresses: a local part may start with + or -, which a spreadsheet takes for a formula (#NAME?).
  for (const email of ["+alerts@example.com", "-ops@example.com"]) {
    const row = rowOf(UserRecord.ValidUser({ user: user({ email, lastLoggedInAt: daysAgo(3) }) }))
    const cell = (columns: ReadonlyArray<string>, cells: ReadonlyArray<string>) => cells[columns.indexOf("email")]
    expect(cell(REVIEW_COLUMNS, reviewRow(row, AS_OF, NO_CONTEXT))).toBe(`'${email}`)
    expect(cell(INVENTORY_COLUMNS, inventoryCsvRow(row, AS_OF))).toBe(`'${email}`)
  }
})

it("neutralises in the workbook every column of API text a spreadsheet would run as a formula", () => {
  // Each from Panther: a role's id and name, names, email, status, and the reason quoting a role's name.
  const formula = reviewRowOf("=1+1", {
    email: "+x@example.com",
    givenName: "@SUM(1)",
    familyName: "-2+3",
    roleId: '=HYPERLINK("http://x.example")',
    roleName: "\uff1dcmd",
    status: "\t=1",
    privileged: true,
    privilegeReason: "=role"
  })
  const cells = reviewRow(formula, AS_OF, NO_CONTEXT)
  const columns: ReadonlyArray<(typeof REVIEW_COLUMNS)[number]> = [
    "user_id",
    "email",
    "given_name",
    "family_name",
    "role_id",
    "role_name",
    "status",
    "privilege_reason"
  ]
  for (const column of columns)
    expect([column, cells[REVIEW_COLUMNS.indexOf(column)]?.charAt(0)]).toEqual([column, "'"])
})

it("neutralises in the workbook and the inventory a formula after space, which a trimming spreadsheet runs", () => {
  for (const id of [' =HYPERLINK("http://x.example")', "\u00a0=1+1", "\u3000@x"]) {
    const row = rowOf(UserRecord.ValidUser({ user: user({ id, lastLoggedInAt: daysAgo(3) }) }))
    const cell = (columns: ReadonlyArray<string>, cells: ReadonlyArray<string>) => cells[columns.indexOf("user_id")]
    expect(cell(REVIEW_COLUMNS, reviewRow(row, AS_OF, NO_CONTEXT))).toBe(`'${id}`)
    expect(cell(INVENTORY_COLUMNS, inventoryCsvRow(row, AS_OF))).toBe(`'${id}`)
  }
})

it("gives a deactivated user's bad timestamp no finding, as the run does, but calls the record invalid", () => {
  const deactivated = rowOf(UserRecord.ValidUser({ user: user({ enabled: false, lastLoggedInAt: "nope" }) }))
  expect(deactivated.invalidReason).toBe('lastLoggedInAt is not a timestamp: "nope"')
  expect(inventoryRecord(deactivated, AS_OF)).toMatchObject({ valid: false, findings: [] })
})

it("shows what could be read of a record that failed the schema, as the run judged it", () => {
  const rowFor = (overrides: Parameters<typeof user>[0]) => {
    const readable = user({ familyName: "", status: "COMPROMISED", createdAt: "soon", ...overrides })
    const record = UserRecord.InvalidUser({
      userId: Option.some("u-9"),
      email: Option.some("kim@example.com"),
      reason: "familyName: is missing",
      readable
    })
    const failed = { reason: "familyName: is missing", userId: "u-9", email: "kim@example.com" }
    return makeReviewRowBuilder()(record, judgeUser(readable, params, policy, failed), [])
  }
  const reason = 'familyName: is missing; createdAt is not a timestamp: "soon"'
  // A compromised admin missing a name is privileged on the review as in the run, so it is listed first.
  const admin = rowFor({ role: { name: "Admin" } })
  expect(admin).toMatchObject({
    userId: "u-9",
    roleName: "Admin",
    status: "COMPROMISED",
    privileged: true,
    enabled: true,
    invalidReason: reason
  })
  expect(inventoryRecord(admin, AS_OF)).toMatchObject({ valid: false, privileged: true, enabled: true })
  // Without a role that could be read: not privileged, as the run judged it.
  expect(rowFor({ role: {} })).toMatchObject({ privileged: false, privilegeReason: "" })
  // Deactivated: still an invalid record in the inventory, with its reason.
  const off = rowFor({ role: { name: "Admin" }, enabled: false })
  expect(off).toMatchObject({ enabled: false, invalidReason: reason })
  expect(inventoryRecord(off, AS_OF)).toMatchObject({ valid: false, deactivated: true, invalidReason: reason })
})

it("keeps the good timestamps of a record that failed the schema for another field, in every view", () => {
  const readable = user({ familyName: "", createdAt: daysAgo(400), lastLoggedInAt: daysAgo(29) })
  const failed = { reason: "familyName: is missing", userId: "u-9", email: "kim@example.com" }
  const record = UserRecord.InvalidUser({
    userId: Option.some("u-9"),
    email: Option.some("kim@example.com"),
    reason: failed.reason,
    readable
  })
  const row = makeReviewRowBuilder()(record, judgeUser(readable, params, policy, failed), [])
  const created = new Date(readable.createdAt ?? "").toISOString()
  const lastLogin = new Date(readable.lastLoggedInAt ?? "").toISOString()
  expect(inventoryRecord(row, AS_OF)).toMatchObject({
    valid: false,
    createdAt: created,
    lastLoggedInAt: lastLogin,
    daysSinceLogin: 29
  })
  const workbook = Object.fromEntries(
    REVIEW_COLUMNS.map((column, index) => [column, reviewRow(row, AS_OF, NO_CONTEXT)[index]])
  )
  expect(workbook).toMatchObject({ created_at: created, last_logged_in_at: lastLogin, days_since_login: "29" })
  const page = userRow(row, 1, AS_OF)
  expect(page).toContain(`<td class="date">${created.slice(0, 10)}</td>`)
  expect(page).toContain(`<td class="date">${lastLogin.slice(0, 10)}</td>`)
  expect(page).not.toContain("invalid</td>")

  // A timestamp that is not text is shown as read, in the inventory, and as invalid on the page.
  const numeric = user({ familyName: "", lastLoggedInAt: "(not text: 12345)" })
  const numericRow = makeReviewRowBuilder()(
    UserRecord.InvalidUser({
      userId: Option.some("u-9"),
      email: Option.none(),
      reason: "lastLoggedInAt: Expected string or null, actual 12345",
      readable: numeric
    }),
    judgeUser(numeric, params, policy, { ...failed, reason: "lastLoggedInAt: Expected string or null, actual 12345" }),
    []
  )
  expect(inventoryRecord(numericRow, AS_OF)).toMatchObject({
    lastLoggedInAt: "(not text: 12345)",
    daysSinceLogin: null
  })
  expect(userRow(numericRow, 1, AS_OF)).toContain('<td class="date">invalid</td>')
})

it("writes a sound user's timestamps as ISO 8601 UTC in every view, whatever offset Panther sent them with", () => {
  const sound = rowOf(
    UserRecord.ValidUser({
      user: user({ createdAt: "2025-01-31T23:30:00-02:00", lastLoggedInAt: "2026-06-20T08:00:00+02:00" })
    })
  )
  const workbook = Object.fromEntries(
    REVIEW_COLUMNS.map((column, index) => [column, reviewRow(sound, AS_OF, NO_CONTEXT)[index]])
  )
  expect(workbook).toMatchObject({
    created_at: "2025-02-01T01:30:00.000Z",
    last_logged_in_at: "2026-06-20T06:00:00.000Z",
    days_since_login: "10"
  })
  expect(inventoryRecord(sound, AS_OF)).toMatchObject({
    createdAt: "2025-02-01T01:30:00.000Z",
    lastLoggedInAt: "2026-06-20T06:00:00.000Z"
  })
  const page = userRow(sound, 1, AS_OF)
  expect(page).toContain('<td class="date">2025-02-01</td>')
  expect(page).toContain('<td class="date">2026-06-20</td>')
})

it("counts whole days since the last login, rounding down, and a login ahead of the audit as 0", () => {
  const at = (lastLoggedInAt: string) =>
    inventoryRecord(rowOf(UserRecord.ValidUser({ user: user({ lastLoggedInAt }) })), AS_OF).daysSinceLogin
  expect(at(new Date(AS_OF - 10.9 * 86_400_000).toISOString())).toBe(10)
  expect(at(new Date(AS_OF + 3_600_000).toISOString())).toBe(0)
})

it("lists a user's suppressed findings most severe first, as its findings are listed, whatever order they came in", () => {
  const findings = addFinding(addFinding(NO_FINDINGS, "STALE_LOGIN", "medium"), "COMPROMISED_ACCOUNT", "critical")
  const row = reviewRowOf("u-1", {
    findings,
    suppressed: [
      { code: "STALE_LOGIN", reason: "on leave" },
      { code: "COMPROMISED_ACCOUNT", reason: "under investigation" }
    ]
  })
  expect(suppressedCodesText(row)).toBe("COMPROMISED_ACCOUNT STALE_LOGIN")
  expect(suppressionReasonsText(row)).toBe("COMPROMISED_ACCOUNT: under investigation | STALE_LOGIN: on leave")
})

it("bins a login placeholder (Go's zero time, a blank) under never, as the run judges it, not unreadable", () => {
  const run = {
    asOf: new Date(AS_OF).toISOString(),
    parameters: { staleDays: params.staleDays },
    findings: { byFinding: { LOGIN_DATA_MISSING: 0 } }
  } as unknown as AuditRun
  const old = daysAgo(400)
  const rows = [
    rowOf(
      UserRecord.ValidUser({ user: user({ id: "u-zero", createdAt: old, lastLoggedInAt: "0001-01-01T00:00:00Z" }) })
    ),
    rowOf(UserRecord.ValidUser({ user: user({ id: "u-blank", createdAt: old, lastLoggedInAt: "  " }) })),
    rowOf(
      UserRecord.ValidUser({ user: user({ id: "u-broken", createdAt: old, lastLoggedInAt: "2023-02-29T10:00:00Z" }) })
    )
  ]
  const figures = reviewFigures({ run, asOf: AS_OF, rows } satisfies Review)
  expect(figures.neverLoggedIn).toBe(2)
  const bins = figures.loginBins.filter((bin) => bin.users > 0).map((bin) => [bin.label, bin.users])
  // Both placeholders are NEVER_LOGGED_IN: the chart beside that figure shows them as never, the broken date apart.
  expect(bins).toEqual([
    ["never", 2],
    ["unreadable", 1]
  ])
})
