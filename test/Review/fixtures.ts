/** Users with known answers for review and export tests, served by the simulator as the API would send them. */
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { NO_FINDINGS } from "../../src/Review/FindingSet.js"
import type { ReviewRow } from "../../src/Review/ReviewRow.js"
import type { WireUser } from "../../src/Simulator/WireUser.js"

export const AS_OF_ISO = "2026-06-30T12:00:00.000Z"
export const AS_OF = Date.parse(AS_OF_ISO)

/** The flags of an audit command against `apiUrl` at AS_OF, into `directory`, failing at once on an API error. */
export const auditArgs = (apiUrl: string, token: string, directory: string, ...extra: Array<string>) => [
  "--api-url",
  apiUrl,
  "--api-token",
  token,
  "--report-dir",
  directory,
  "--as-of",
  AS_OF_ISO,
  "--max-retries",
  "0",
  ...extra
]
const DAY = 24 * 60 * 60 * 1000

export const daysAgo = (days: number): string => new Date(AS_OF - days * DAY).toISOString()

export const wire = (id: string, overrides: Partial<WireUser> = {}): WireUser => ({
  id,
  email: `${id}@example.com`,
  givenName: "Given",
  familyName: id,
  role: { name: "Analyst" },
  enabled: true,
  status: "CONFIRMED",
  createdAt: daysAgo(400),
  lastLoggedInAt: daysAgo(3),
  ...overrides
})

export const SCRIPT_NAME = "<script>alert(1)</script>"
export const FORMULA_NAME = "=SUM(1+1)*cmd|' /C calc'!A0"

/** In review order: privileged first (Admin before Helpdesk), then by role, then family name case-insensitively. */
export const REVIEW_USERS: ReadonlyArray<WireUser> = [
  wire("u-zimmer", { givenName: "Eve", familyName: "Zimmer" }),
  wire("u-helpdesk", { givenName: "Amy", familyName: "Brown", role: { name: "Helpdesk" } }),
  wire("u-dekker", { givenName: "Carl", familyName: "Dekker", lastLoggedInAt: daysAgo(200) }),
  wire("u-devries", { givenName: "Bob", familyName: "de Vries", lastLoggedInAt: null }),
  wire("u-admin", { givenName: "Zed", familyName: "Adams", role: { name: "Admin" } }),
  wire("u-formula", { givenName: FORMULA_NAME, familyName: "Evil", role: { name: "AnalystReadOnly" } }),
  wire("u-script", { givenName: SCRIPT_NAME, familyName: "Mallory", role: { name: "AnalystReadOnly" } }),
  wire("u-badtime", { givenName: "Tim", familyName: "Badtime", createdAt: "yesterday" }),
  wire("u-gone", { givenName: "Gina", familyName: "Gone", enabled: false, lastLoggedInAt: daysAgo(300) })
]

export const REVIEW_ORDER = [
  "u-admin",
  "u-helpdesk",
  "u-badtime",
  "u-devries",
  "u-dekker",
  "u-zimmer",
  "u-formula",
  "u-script"
]

/** The one file in `directory` whose name matches. */
export const fileMatching = (directory: string, pattern: RegExp): string => {
  const matches = readdirSync(directory).filter((name) => pattern.test(name))
  if (matches.length !== 1)
    throw new Error(`expected one file matching ${pattern} in ${directory}, found ${matches.join(", ")}`)
  return join(directory, matches[0] ?? "")
}

/** A review row with neutral values: no names, no timestamps, no findings; `overrides` set what a test needs. */
export const reviewRowOf = (userId: string, overrides: Partial<ReviewRow> = {}): ReviewRow => ({
  userId,
  email: `${userId}@example.com`,
  givenName: "",
  familyName: "",
  roleId: "",
  roleName: "Analyst",
  status: "CONFIRMED",
  enabled: true,
  privileged: false,
  privilegeReason: "",
  createdAt: null,
  lastLoggedInAt: null,
  findings: NO_FINDINGS,
  suppressed: [],
  invalidReason: "",
  ...overrides
})
