import { Option } from "effect"
import { describe, expect, it } from "vitest"
import type { FindingCode } from "../../src/Audit/Finding.js"
import { judgeUser } from "../../src/Audit/JudgeUser.js"
import { makePrivilegePolicy } from "../../src/Audit/Privilege.js"
import { invalidRecordFinding } from "../../src/Audit/Rules/InvalidRecord.js"
import { isLoginDataMissing } from "../../src/Audit/Rules/LoginDataMissing.js"
import type { RoleWithPermissions, User } from "../../src/PantherApi/Schemas.js"
import { AS_OF, daysAgo, parameters, user } from "./fixtures.js"

const ROLES: ReadonlyArray<RoleWithPermissions> = [
  { id: "role-admin", name: "Admin", permissions: ["UserModify", "UserRead", "OrganizationAPITokenModify"] },
  { id: "role-helpdesk", name: "Helpdesk", permissions: ["UserRead", "UserModify"] },
  { id: "role-analyst", name: "Analyst", permissions: ["AlertRead", "RuleRead"] }
]

const judge = (
  subject: User,
  overrides: Parameters<typeof parameters>[0] = {},
  roles: typeof ROLES | undefined = ROLES
) => {
  const params = parameters(overrides)
  return judgeUser(subject, params, makePrivilegePolicy(params, roles)).findings
}
const codes = (subject: User, overrides: Parameters<typeof parameters>[0] = {}) =>
  judge(subject, overrides).map((finding) => finding.finding)
const only = (subject: User, code: FindingCode, overrides: Parameters<typeof parameters>[0] = {}) => {
  const found = judge(subject, overrides).filter((finding) => finding.finding === code)
  expect(found).toHaveLength(1)
  const [first] = found
  if (first === undefined) throw new Error(`no ${code} finding`)
  return first
}

describe("STALE_LOGIN", () => {
  it("is not raised at exactly stale-days days, and is raised one second later", () => {
    expect(codes(user({ lastLoggedInAt: daysAgo(90) }))).toEqual([])
    expect(only(user({ lastLoggedInAt: daysAgo(90, 1000) }), "STALE_LOGIN")).toMatchObject({
      severity: "medium",
      daysSinceLogin: 90,
      detail: "last login over 90 days ago (more than 90)"
    })
    expect(only(user({ lastLoggedInAt: daysAgo(91) }), "STALE_LOGIN").detail).toBe(
      "last login 91 days ago (more than 90)"
    )
  })

  it("counts whole days since the login, rounding down: 120 days and 13 hours is 120", () => {
    const login = daysAgo(120, 13 * 60 * 60 * 1000)
    expect(only(user({ lastLoggedInAt: login }), "STALE_LOGIN")).toMatchObject({
      daysSinceLogin: 120,
      detail: "last login 120 days ago (more than 90)"
    })
  })

  it("is high for a privileged user and follows --stale-days", () => {
    expect(
      only(user({ lastLoggedInAt: daysAgo(50), role: { name: "Admin" } }), "STALE_LOGIN", { staleDays: 45 })
    ).toMatchObject({ severity: "high" })
    expect(codes(user({ lastLoggedInAt: daysAgo(50) }))).toEqual([])
  })

  it("says why a stale user is privileged, so the reviewer sees the role that makes it high", () => {
    expect(only(user({ lastLoggedInAt: daysAgo(100), role: { name: "Admin" } }), "STALE_LOGIN").detail).toBe(
      'last login 100 days ago (more than 90); privileged: role "Admin" is listed as privileged'
    )
  })

  it("takes a login at the audit instant itself as a login of today, not one after the audit time", () => {
    const now = user({ lastLoggedInAt: new Date(AS_OF).toISOString(), role: { name: "Admin" } })
    expect(only(now, "PRIVILEGED_ROLE")).toMatchObject({
      daysSinceLogin: 0,
      detail: 'role "Admin" is listed as privileged'
    })
  })

  it("accepts 0, 3 and 9 fractional digits and offsets", () => {
    for (const stamp of ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z", "2026-01-01T02:00:00.000000000+02:00"]) {
      expect(only(user({ lastLoggedInAt: stamp }), "STALE_LOGIN").lastLoggedInAt).toBe("2026-01-01T00:00:00.000Z")
    }
  })

  it("judges a last login at a leap second by its time, not as a broken record", () => {
    const leap = only(user({ lastLoggedInAt: "2016-12-31T23:59:60Z" }), "STALE_LOGIN")
    expect(leap).toMatchObject({ lastLoggedInAt: "2016-12-31T23:59:59.999Z", daysSinceLogin: 3467 })
    expect(codes(user({ lastLoggedInAt: "2016-12-31T23:59:60Z" }))).toEqual(["STALE_LOGIN"])
  })

  it("clamps a login in the future to 0 days and notes it, without a finding", () => {
    const future = user({ lastLoggedInAt: "2027-01-01T00:00:00Z", role: { name: "Admin" } })
    const [privileged] = judge(future)
    expect(privileged).toMatchObject({ finding: "PRIVILEGED_ROLE", daysSinceLogin: 0 })
    expect(privileged?.detail).toContain("after the audit time")
    expect(judge(user({ lastLoggedInAt: "2027-01-01T00:00:00Z" }))).toEqual([])
  })

  it("notes a login and a creation one millisecond after the audit time, not only those a day or more after it", () => {
    const justAfter = new Date(AS_OF + 1).toISOString()
    const admin = user({ lastLoggedInAt: justAfter, createdAt: justAfter, role: { name: "Admin" } })
    expect(only(admin, "PRIVILEGED_ROLE").detail).toBe(
      `role "Admin" is listed as privileged; createdAt ${justAfter} is after the audit time; counted as 0 days; ` +
        `lastLoggedInAt ${justAfter} is after the audit time; counted as 0 days`
    )
  })
})

describe("a login before the account's creation", () => {
  it("is noted on the user's findings, beyond a minute of clock difference, and raises nothing of its own", () => {
    const created = daysAgo(10)
    const login = daysAgo(200)
    const stale = only(user({ createdAt: created, lastLoggedInAt: login }), "STALE_LOGIN")
    expect(stale.detail).toBe(
      `last login 200 days ago (more than 90); lastLoggedInAt ${login} is before createdAt ${created}`
    )
    // Seconds apart: the clocks of the services stamping them, not a login before the account.
    const almost = user({ createdAt: daysAgo(100), lastLoggedInAt: daysAgo(100, 59_000), role: { name: "Admin" } })
    expect(only(almost, "PRIVILEGED_ROLE").detail).toBe('role "Admin" is listed as privileged')
    expect(codes(user({ createdAt: daysAgo(10), lastLoggedInAt: daysAgo(20) }))).toEqual([])
  })
})

describe("NEVER_LOGGED_IN", () => {
  it("treats an absent last login as never (null and empty decode to absent)", () => {
    expect(only(user({ lastLoggedInAt: undefined }), "NEVER_LOGGED_IN")).toMatchObject({
      severity: "medium",
      daysSinceLogin: null,
      lastLoggedInAt: null
    })
  })

  it("waits until the account is older than stale-days, strictly", () => {
    expect(codes(user({ lastLoggedInAt: undefined, createdAt: daysAgo(90) }))).toEqual([])
    expect(codes(user({ lastLoggedInAt: undefined, createdAt: daysAgo(90, 1000) }))).toEqual(["NEVER_LOGGED_IN"])
  })

  it("is raised when the account's age is unknown, and high when privileged", () => {
    expect(only(user({ lastLoggedInAt: undefined, createdAt: undefined }), "NEVER_LOGGED_IN").detail).toContain(
      "age unknown"
    )
    expect(only(user({ lastLoggedInAt: undefined, role: { id: "role-helpdesk" } }), "NEVER_LOGGED_IN").severity).toBe(
      "high"
    )
  })

  it("says how old the account is by --stale-days, and why a privileged one is high", () => {
    expect(only(user({ lastLoggedInAt: undefined }), "NEVER_LOGGED_IN").detail).toBe(
      "never logged in; created more than 90 days ago"
    )
    expect(only(user({ lastLoggedInAt: undefined, role: { id: "role-helpdesk" } }), "NEVER_LOGGED_IN").detail).toBe(
      'never logged in; created more than 90 days ago; privileged: role "Helpdesk" holds UserModify'
    )
  })

  it("leaves pending accounts to PENDING_STATUS", () => {
    for (const status of ["FORCE_CHANGE_PASSWORD", "UNCONFIRMED", "RESET_REQUIRED"]) {
      expect(codes(user({ lastLoggedInAt: undefined, status }))).toEqual(["PENDING_STATUS"])
    }
  })
})

describe("PENDING_STATUS", () => {
  it("is low while the account is at most pending-days old, medium after", () => {
    const pending = (createdAt: string | undefined) =>
      user({ status: "FORCE_CHANGE_PASSWORD", createdAt, lastLoggedInAt: undefined })
    expect(only(pending(daysAgo(7)), "PENDING_STATUS").severity).toBe("low")
    expect(only(pending(daysAgo(7, 1000)), "PENDING_STATUS").severity).toBe("medium")
    expect(only(pending(undefined), "PENDING_STATUS").severity).toBe("medium")
    expect(only(pending(daysAgo(2)), "PENDING_STATUS", { pendingDays: 1 }).severity).toBe("medium")
  })

  it("says what is outstanding and how old the account is, by --pending-days", () => {
    const pending = (status: string, createdAt: string | undefined) =>
      only(user({ status, createdAt, lastLoggedInAt: undefined }), "PENDING_STATUS").detail
    expect(pending("FORCE_CHANGE_PASSWORD", daysAgo(3))).toBe(
      "FORCE_CHANGE_PASSWORD: invitation not accepted (temporary password never changed); " +
        "created within the last 7 days"
    )
    expect(pending("UNCONFIRMED", daysAgo(8))).toBe(
      "UNCONFIRMED: account never confirmed; created more than 7 days ago"
    )
    expect(pending("RESET_REQUIRED", undefined)).toBe(
      "RESET_REQUIRED: password reset required but not done; account age unknown"
    )
  })

  it("ignores other statuses, leaving those it does not judge to UNRECOGNIZED_STATUS", () => {
    for (const status of ["CONFIRMED", "EXTERNAL_PROVIDER", undefined]) {
      expect(codes(user({ status }))).toEqual([])
    }
    for (const status of ["ARCHIVED", "UNKNOWN", "SOMETHING_NEW"]) {
      expect(codes(user({ status }))).toEqual(["UNRECOGNIZED_STATUS"])
    }
  })
})

describe("UNRECOGNIZED_STATUS", () => {
  it("is low, names the status, and is raised alongside the other rules' findings", () => {
    const legacy = only(user({ status: "UNKNOWN", lastLoggedInAt: daysAgo(200) }), "UNRECOGNIZED_STATUS")
    expect(legacy.severity).toBe("low")
    expect(legacy.detail).toContain('status "UNKNOWN" is a legacy Cognito status')
    expect(codes(user({ status: "UNKNOWN", lastLoggedInAt: daysAgo(200) }))).toEqual([
      "STALE_LOGIN",
      "UNRECOGNIZED_STATUS"
    ])
    expect(only(user({ status: "PASSWORD_EXPIRED" }), "UNRECOGNIZED_STATUS").detail).toContain(
      "check the account in Panther"
    )
  })

  it("is not raised for a status another rule judges, in any case, nor for a deactivated user", () => {
    for (const status of ["confirmed", "External_Provider", "COMPROMISED", "unconfirmed", "RESET_REQUIRED"]) {
      expect(codes(user({ status }))).not.toContain("UNRECOGNIZED_STATUS")
    }
    expect(codes(user({ status: "ARCHIVED", enabled: false }))).toEqual([])
  })

  it("calls a legacy status legacy in any case, with space around it, as the other rules read statuses", () => {
    expect(only(user({ status: " archived " }), "UNRECOGNIZED_STATUS").detail).toContain(
      'status " archived " is a legacy Cognito status'
    )
  })
})

describe("COMPROMISED_ACCOUNT", () => {
  it("is critical", () => {
    expect(only(user({ status: "COMPROMISED" }), "COMPROMISED_ACCOUNT").severity).toBe("critical")
  })

  it("reads a status in any case, with space around it, as Cognito's, rather than pass over a compromised account", () => {
    expect(only(user({ status: "compromised" }), "COMPROMISED_ACCOUNT").severity).toBe("critical")
    expect(only(user({ status: " COMPROMISED\t" }), "COMPROMISED_ACCOUNT").severity).toBe("critical")
    expect(codes(user({ status: " CONFIRMED " }))).toEqual([])
    expect(codes(user({ status: " " }))).toEqual([])
    expect(only(user({ status: "Force_Change_Password" }), "PENDING_STATUS").detail).toContain(
      "FORCE_CHANGE_PASSWORD: invitation not accepted"
    )
  })
})

describe("PRIVILEGED_ROLE", () => {
  it("matches a listed role name case-insensitively", () => {
    expect(only(user({ role: { name: "admin" } }), "PRIVILEGED_ROLE").severity).toBe("info")
  })

  it("matches a listed role id", () => {
    expect(codes(user({ role: { id: "role-analyst" } }), { privilegedRoles: ["role-analyst"] })).toEqual([
      "PRIVILEGED_ROLE"
    ])
  })

  it("matches a listed role id given in another case", () => {
    const finding = only(user({ role: { id: "role-analyst" } }), "PRIVILEGED_ROLE", {
      privilegedRoles: ["ROLE-ANALYST"]
    })
    expect(finding.detail).toBe("role id role-analyst is listed as privileged")
  })

  it("names every privileged permission the role holds", () => {
    const finding = only(user({ role: { id: "role-admin" } }), "PRIVILEGED_ROLE", { privilegedRoles: [] })
    expect(finding.detail).toBe('role "Admin" holds UserModify, OrganizationAPITokenModify')
  })

  it("matches a role by its permissions, whatever its name", () => {
    expect(only(user({ role: { id: "role-helpdesk", name: "Helpdesk" } }), "PRIVILEGED_ROLE").detail).toContain(
      "UserModify"
    )
    expect(codes(user({ role: { name: "Helpdesk" } }), { privilegedPermissions: ["RuleModify"] })).toEqual([])
  })

  it("matches a listed role id when the user's record gives the role by name only", () => {
    const finding = only(user({ role: { name: "Analyst" } }), "PRIVILEGED_ROLE", { privilegedRoles: ["role-analyst"] })
    expect(finding.detail).toContain('role "Analyst" (id role-analyst) is listed as privileged')
    // Unless GET /roles could not be read: then nothing links the name to the id.
    const params = parameters({ privilegedRoles: ["role-analyst"] })
    expect(makePrivilegePolicy(params, undefined).judge({ name: "Analyst" })).toMatchObject({ privileged: false })
  })

  it("matches a listed role name when the user's record gives the role by id only", () => {
    const finding = only(user({ role: { id: "role-analyst" } }), "PRIVILEGED_ROLE", { privilegedRoles: ["analyst"] })
    expect(finding.detail).toContain('role "Analyst" is listed as privileged')
  })

  it("tells apart roles whose names differ only in case, and judges a name that fits several by all of them", () => {
    const roles: ReadonlyArray<RoleWithPermissions> = [
      { id: "r-1", name: "Helpdesk", permissions: ["UserModify"] },
      { id: "r-2", name: "helpdesk", permissions: [] },
      { id: "r-3", name: "Ops", permissions: [] },
      { id: "r-4", name: "Ops", permissions: ["UserModify"] }
    ]
    const params = parameters()
    const policy = makePrivilegePolicy(params, roles)
    expect(policy.judge({ name: "Helpdesk" })).toMatchObject({ privileged: true })
    expect(policy.judge({ name: "helpdesk" })).toMatchObject({ privileged: false })
    // Fits both by case, and one of them holds UserModify; two roles of exactly one name, the same.
    expect(policy.judge({ name: "HELPDESK" })).toMatchObject({ privileged: true })
    expect(policy.judge({ name: "Ops" })).toMatchObject({ privileged: true, reason: 'role "Ops" holds UserModify' })
    expect(policy.ambiguousRoles()).toEqual(["HELPDESK", "Ops"])
    expect(policy.unlistedRoles()).toEqual([])
  })

  it("names the roles users hold that GET /roles did not list", () => {
    const params = parameters()
    const policy = makePrivilegePolicy(params, ROLES)
    expect(judgeUser(user({ role: { id: "r-ghost" } }), params, policy).findings).toEqual([])
    judgeUser(user({ role: { name: "Admin" } }), params, policy)
    expect(policy.unlistedRoles()).toEqual(["r-ghost"])
    // Not when roles could not be read at all: the run says that on its own.
    const fallback = makePrivilegePolicy(params, undefined)
    fallback.judge({ id: "r-ghost" })
    expect(fallback.unlistedRoles()).toEqual([])
  })

  it("names an unlisted role by its id when the user's record gives both id and name", () => {
    const params = parameters()
    const policy = makePrivilegePolicy(params, ROLES)
    policy.judge({ id: "r-ghost", name: "Ghost" })
    expect(policy.unlistedRoles()).toEqual(["r-ghost"])
  })

  it("falls back to names and ids when roles cannot be read", () => {
    const params = parameters()
    const policy = makePrivilegePolicy(params, undefined)
    expect(policy.usesPermissions).toBe(false)
    expect(judgeUser(user({ role: { name: "Helpdesk" } }), params, policy).findings).toEqual([])
    expect(judgeUser(user({ role: { name: "Admin" } }), params, policy).findings).toHaveLength(1)
  })

  it("says privilege was judged by permission when GET /roles listed no roles, and not when it listed only unreadable ones", () => {
    const params = parameters()
    // No role to hold a permission: the users' roles are named as unlisted, not the run as judged by names.
    const none = makePrivilegePolicy(params, [])
    expect(none.usesPermissions).toBe(true)
    none.judge({ id: "r-ghost", name: "Ghost" })
    expect(none.unlistedRoles()).toEqual(["r-ghost"])
    expect(makePrivilegePolicy(params, [], [{ id: "r-x", name: "Broken" }]).usesPermissions).toBe(false)
  })

  it("takes a role GET /roles listed but could not read for a listed role, neither unlisted nor unknown", () => {
    const params = parameters({ privilegedRoles: ["Admin", "Broken"] })
    const policy = makePrivilegePolicy(params, ROLES, [{ id: "r-x", name: "Broken" }])
    // The user's record gives the role by id only: GET /roles links it to the listed name.
    expect(policy.judge({ id: "r-x" })).toEqual({ privileged: true, reason: 'role "Broken" is listed as privileged' })
    expect(policy.unlistedRoles()).toEqual([])
    expect(policy.unknownListedRoles()).toEqual([])
  })
})

describe("LOGIN_DATA_MISSING", () => {
  it("needs at least 10 enabled users, none of them with a login", () => {
    expect(isLoginDataMissing(10, 0)).toBe(true)
    expect(isLoginDataMissing(9, 0)).toBe(false)
    expect(isLoginDataMissing(10, 1)).toBe(false)
  })
})

describe("INVALID_RECORD for unparseable timestamps", () => {
  it("reports the field and value, and still judges the rest of the record", () => {
    const broken = judge(user({ lastLoggedInAt: "last Tuesday", status: "COMPROMISED" }))
    expect(broken.map((finding) => finding.finding)).toEqual(["INVALID_RECORD", "COMPROMISED_ACCOUNT"])
    expect(broken[0]).toMatchObject({ severity: "high", userId: "u-1", lastLoggedInAt: null })
    expect(broken[0]?.detail).toContain('lastLoggedInAt is not a timestamp: "last Tuesday"')
  })

  it("gives one finding naming both fields when both timestamps are bad, since a finding's id is its code and user", () => {
    const broken = judge(user({ createdAt: "soon", lastLoggedInAt: "last Tuesday" }))
    expect(broken.map((finding) => finding.finding)).toEqual(["INVALID_RECORD"])
    expect(broken[0]?.detail).toBe(
      'createdAt is not a timestamp: "soon"; lastLoggedInAt is not a timestamp: "last Tuesday"'
    )
  })

  it("takes a time before 2000 (Go's zero time, the Unix epoch) for the placeholder it is, not for a login", () => {
    for (const placeholder of ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"]) {
      const broken = judge(user({ lastLoggedInAt: placeholder, createdAt: daysAgo(30) }))
      expect(broken.map((finding) => finding.finding)).toEqual(["INVALID_RECORD"])
      expect(broken[0]?.detail).toBe(
        `lastLoggedInAt "${placeholder}" is before 2000: a placeholder for "no time", not a real one`
      )
      expect(broken[0]?.daysSinceLogin).toBeNull()
    }
    expect(codes(user({ lastLoggedInAt: "2000-01-01T00:00:00Z" }))).toEqual(["STALE_LOGIN"])
    expect(codes(user({ lastLoggedInAt: "1999-12-31T23:59:59.999Z", createdAt: daysAgo(30) }))).toEqual([
      "INVALID_RECORD"
    ])
  })

  it("judges an old account whose only login is such a placeholder, or blank, as never logged in, as with null", () => {
    // Go's zero time is how a service in Go writes "no login": the dormant account was reported only as a data
    // problem, with no control to file it under, and passed the dormant-account review.
    for (const placeholder of ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"]) {
      expect(codes(user({ lastLoggedInAt: placeholder, createdAt: daysAgo(400) }))).toEqual([
        "INVALID_RECORD",
        "NEVER_LOGGED_IN"
      ])
      const admin = user({ lastLoggedInAt: placeholder, createdAt: daysAgo(400), role: { name: "Admin" } })
      expect(only(admin, "NEVER_LOGGED_IN")).toMatchObject({ severity: "high", lastLoggedInAt: null })
      expect(codes(user({ lastLoggedInAt: placeholder, createdAt: daysAgo(90) }))).toEqual(["INVALID_RECORD"])
      expect(codes(user({ lastLoggedInAt: placeholder, status: "FORCE_CHANGE_PASSWORD" }))).toEqual([
        "INVALID_RECORD",
        "PENDING_STATUS"
      ])
    }
    // Blank is the "" that means never, padded: no login either, though not the form Panther documents.
    for (const blank of [" ", "\t \n"]) {
      expect(codes(user({ lastLoggedInAt: blank, createdAt: daysAgo(400) }))).toEqual([
        "INVALID_RECORD",
        "NEVER_LOGGED_IN"
      ])
    }
    // Text that is not a timestamp is a login that could not be read, not the lack of one.
    expect(codes(user({ lastLoggedInAt: "last Tuesday", createdAt: daysAgo(400) }))).toEqual(["INVALID_RECORD"])
  })

  it("names a field the validation failure already names once, wherever in the reason it comes", () => {
    const params = parameters()
    // After another field's problem, and first: a record whose only fault is a login that is not text.
    for (const reason of [
      "familyName: is missing; lastLoggedInAt: Expected string, actual 12345",
      "lastLoggedInAt: Expected string, actual 12345"
    ]) {
      const failed = { reason, userId: "u-1", email: "ada@example.com" }
      const findings = judgeUser(
        user({ lastLoggedInAt: "(not text: 12345)" }),
        params,
        makePrivilegePolicy(params, ROLES),
        failed
      ).findings
      expect(findings.map((finding) => finding.finding)).toEqual(["INVALID_RECORD"])
      expect(findings[0]?.detail).toBe(reason)
    }
  })

  it("is high for a record that is not an object at all, like every other invalid record", () => {
    expect(
      invalidRecordFinding({ userId: Option.none(), email: Option.none(), reason: "not an object" })
    ).toMatchObject({
      severity: "high",
      finding: "INVALID_RECORD",
      userId: null,
      email: null,
      detail: "not an object"
    })
  })

  it("rejects impossible dates and loose formats", () => {
    for (const bad of ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "March 5, 2026", "2026-01-01T25:00:00Z"]) {
      expect(codes(user({ createdAt: bad }))).toEqual(["INVALID_RECORD"])
    }
  })
})

describe("deactivated users", () => {
  it("get no findings", () => {
    expect(judge(user({ enabled: false, status: "COMPROMISED", lastLoggedInAt: undefined }))).toEqual([])
  })
})

describe("finding rows", () => {
  it("carry the user's columns, normalised to ISO 8601 UTC", () => {
    const [finding] = judge(user({ status: "COMPROMISED", createdAt: "2025-01-01T09:00:00.5+09:00" }))
    expect(finding).toEqual({
      severity: "critical",
      finding: "COMPROMISED_ACCOUNT",
      userId: "u-1",
      email: "ada@example.com",
      givenName: "Ada",
      familyName: "Lovelace",
      roleId: "role-analyst",
      roleName: "Analyst",
      status: "COMPROMISED",
      enabled: true,
      createdAt: "2025-01-01T00:00:00.500Z",
      lastLoggedInAt: daysAgo(1),
      daysSinceLogin: 1,
      detail: "Cognito status COMPROMISED: disable the account and rotate its credentials"
    })
  })
})
