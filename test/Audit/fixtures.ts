import type { AuditParameters } from "../../src/Audit/AuditParameters.js"
import type { User } from "../../src/PantherApi/Schemas.js"

export const AS_OF = Date.parse("2026-06-30T12:00:00Z")
export const DAY = 24 * 60 * 60 * 1000

export const parameters = (overrides: Partial<AuditParameters> = {}): AuditParameters => ({
  asOf: AS_OF,
  staleDays: 90,
  pendingDays: 7,
  privilegedRoles: ["Admin"],
  // As a run without --privileged-roles has it.
  privilegedRolesGiven: false,
  privilegedPermissions: ["UserModify", "OrganizationAPITokenModify"],
  includeDeactivated: false,
  failOn: "none",
  policy: null,
  suppressionsFile: null,
  suppressions: [],
  ...overrides
})

/** An ISO timestamp `days` days (and `extraMs`) before the audit time. */
export const daysAgo = (days: number, extraMs = 0): string => new Date(AS_OF - days * DAY - extraMs).toISOString()

/** Overrides may set a field to `undefined` to leave it out, as the API does. */
export type UserOverrides = { [K in keyof User]?: User[K] | undefined }

export const user = (overrides: UserOverrides = {}): User => {
  const merged: Record<string, unknown> = { ...BASE_USER, ...overrides }
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]
  // The base user is a valid User and overrides only replace its fields with values of their own types.
  return merged as User
}

const BASE_USER: User = {
  id: "u-1",
  email: "ada@example.com",
  givenName: "Ada",
  familyName: "Lovelace",
  role: { id: "role-analyst", name: "Analyst" },
  enabled: true,
  status: "CONFIRMED",
  createdAt: daysAgo(400),
  lastLoggedInAt: daysAgo(1)
}
