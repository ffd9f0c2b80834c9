/**
 * The audit's settings checked and turned into its parameters: each bad value refused naming the flag that fixes it.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { describe, expect, it } from "vitest"
import { type AuditOptionValues, toAuditParameters } from "../../src/Audit/AuditOptions.js"
import { secretsOf } from "../../src/Cli/Redact.js"

const NOW = Date.parse("2026-06-30T00:00:00Z")

const values = (overrides: Partial<AuditOptionValues> = {}): AuditOptionValues => ({
  asOf: Option.none(),
  staleDays: Option.none(),
  pendingDays: 7,
  privilegedRoles: Option.none(),
  privilegedPermissions: "",
  includeDeactivated: false,
  failOn: "none",
  policy: Option.none(),
  suppressions: Option.none(),
  ...overrides
})

const parameters = (overrides: Partial<AuditOptionValues> = {}) =>
  Effect.runSync(Effect.either(toAuditParameters(values(overrides), NOW)))

const refusal = (overrides: Partial<AuditOptionValues>) =>
  Either.match(parameters(overrides), { onLeft: (error) => error.message, onRight: () => "taken" })

describe("toAuditParameters", () => {
  it("takes the values given, and days of 0", () => {
    const taken = Either.getOrThrow(
      parameters({
        staleDays: Option.some(0),
        pendingDays: 0,
        includeDeactivated: true,
        failOn: " High ",
        privilegedRoles: Option.some("Admin"),
        asOf: Option.some("2000-01-01T00:00:00Z")
      })
    )
    expect(taken).toMatchObject({
      staleDays: 0,
      pendingDays: 0,
      includeDeactivated: true,
      failOn: "high",
      privilegedRoles: ["Admin"],
      privilegedRolesGiven: true,
      asOf: Date.parse("2000-01-01T00:00:00Z")
    })
    expect(Either.getOrThrow(parameters())).toMatchObject({ privilegedRolesGiven: false, includeDeactivated: false })
  })

  it("takes a policy's stale days when --stale-days is not given, and --stale-days over it", () => {
    expect(Either.getOrThrow(parameters({ policy: Option.some("cis") })).staleDays).toBe(45)
    expect(Either.getOrThrow(parameters({ policy: Option.some("CIS"), staleDays: Option.some(30) })).staleDays).toBe(30)
  })

  it("refuses an as-of before 2000 or after 9999, and negative days of either kind", () => {
    expect(refusal({ asOf: Option.some("1999-12-31T23:59:59Z") })).toContain(
      '--as-of / AUDIT_AS_OF "1999-12-31T23:59:59Z" is before 2000'
    )
    // Past the year 9999 no report, email or review page can write the date in the form they share.
    expect(refusal({ asOf: Option.some("9999-12-31T23:59:59-23:00") })).toBe(
      '--as-of / AUDIT_AS_OF "9999-12-31T23:59:59-23:00" is after the year 9999, which the reports cannot write as ' +
        "a date; give the instant the audit is judged at, for example 2026-06-30T00:00:00Z"
    )
    expect(Either.getOrThrow(parameters({ asOf: Option.some("9999-12-31T23:59:59Z") })).asOf).toBe(
      Date.UTC(9999, 11, 31, 23, 59, 59)
    )
    expect(refusal({ pendingDays: -1 })).toBe(
      "--pending-days / AUDIT_PENDING_DAYS must be a whole number of days, 0 or more; got -1"
    )
    expect(refusal({ staleDays: Option.some(-1) })).toBe(
      "--stale-days / AUDIT_STALE_DAYS must be a whole number of days, 0 or more; got -1"
    )
  })

  it("refuses a secret pasted into the privileged permissions, which every report and email records", () => {
    const token = "pat-9f3a7c1e5b2d4f08"
    const said = Either.match(
      Effect.runSync(
        Effect.either(
          toAuditParameters(values({ privilegedPermissions: `UserModify,${token}` }), NOW, {
            secrets: secretsOf([token]),
            unread: false
          })
        )
      ),
      { onLeft: (error) => error.message, onRight: () => "taken" }
    )
    expect(said).toContain("--privileged-permissions / AUDIT_PRIVILEGED_PERMISSIONS holds the API token or a password")
    expect(said).not.toContain(token)
  })

  it("takes permission names as GET /roles spells them, CamelCase from the first letter, and refuses others", () => {
    expect(refusal({ privilegedPermissions: "UserModify, AIRunAsModify,NewPermission2" })).toBe("taken")
    expect(refusal({ privilegedPermissions: "UserModify,userModify" })).toBe(
      '--privileged-permissions / AUDIT_PRIVILEGED_PERMISSIONS: "userModify" is not a permission name; permissions ' +
        "are CamelCase names as GET /roles lists them, comma-separated, for example UserModify,OrganizationAPITokenModify"
    )
    expect(refusal({ privilegedPermissions: "user modify,2FA" })).toContain(
      '"user modify", "2FA" are not permission names'
    )
  })
})
