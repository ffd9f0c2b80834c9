/**
 * The simulated instance's roles: Panther's three defaults and a few custom roles of the kind real instances grow.
 * "Helpdesk" matters most to an audit: its name sounds harmless but it holds `UserModify` (full admin access).
 */
import type { Permission } from "../PantherApi/Permissions.js"
import { ALL_PERMISSIONS } from "../PantherApi/Permissions.js"
import type { RoleWithPermissions } from "../PantherApi/Schemas.js"

const DAY_MS = 86_400_000

interface RoleTemplate {
  readonly id: string
  readonly name: string
  readonly permissions: ReadonlyArray<Permission>
  readonly logTypeAccessKind?: "ALLOW" | "ALLOW_ALL" | "DENY" | "DENY_ALL"
  readonly logTypeAccess?: ReadonlyArray<string>
  /** Days before the reference time the role was created, and last changed. */
  readonly createdDaysAgo: number
  readonly updatedDaysAgo: number
}

const READ_ONLY: ReadonlyArray<Permission> = [
  "AlertRead",
  "CloudsecSourceRead",
  "DataAnalyticsRead",
  "DestinationRead",
  "LogSourceRead",
  "LookupRead",
  "PolicyRead",
  "ResourceRead",
  "RuleRead",
  "SummaryRead"
]

// Ids are fixed so a test, a data file or a demo script can refer to a role by id across runs.
const TEMPLATES: ReadonlyArray<RoleTemplate> = [
  {
    id: "3f0b5a7e-1c2d-4e8f-9a6b-0d1e2f3a4b5c",
    name: "Admin",
    permissions: ALL_PERMISSIONS,
    logTypeAccessKind: "ALLOW_ALL",
    createdDaysAgo: 1460,
    updatedDaysAgo: 1460
  },
  {
    id: "8a2c4e6f-3b5d-4f7a-8c9e-1a2b3c4d5e6f",
    name: "Analyst",
    permissions: [
      "AlertModify",
      "AlertRead",
      "BulkUploadValidate",
      "CloudsecSourceRead",
      "DataAnalyticsModify",
      "DataAnalyticsRead",
      "DestinationRead",
      "LogSourceRead",
      "LookupRead",
      "PolicyModify",
      "PolicyRead",
      "ResourceModify",
      "ResourceRead",
      "RuleModify",
      "RuleRead",
      "RunPantherAI",
      "SummaryRead"
    ],
    logTypeAccessKind: "ALLOW_ALL",
    createdDaysAgo: 1460,
    updatedDaysAgo: 1460
  },
  {
    id: "c5d7e9f1-4a6b-4c8d-9e0f-2b3c4d5e6f70",
    name: "AnalystReadOnly",
    permissions: READ_ONLY,
    logTypeAccessKind: "ALLOW_ALL",
    createdDaysAgo: 1460,
    updatedDaysAgo: 1460
  },
  {
    id: "5e1d9c3b-7a8f-4b2e-a6d4-93f0c1e7b285",
    name: "Helpdesk",
    permissions: ["SummaryRead", "UserModify", "UserRead"],
    logTypeAccessKind: "DENY_ALL",
    createdDaysAgo: 610,
    updatedDaysAgo: 95
  },
  {
    id: "b7a4f2e9-0c6d-4d1a-8e3b-5f9c2a7d4e16",
    name: "Detection Engineer",
    permissions: [
      "AlertRead",
      "BulkUpload",
      "BulkUploadValidate",
      "DataAnalyticsModify",
      "DataAnalyticsRead",
      "LogSourceRawDataRead",
      "LogSourceRead",
      "LookupModify",
      "LookupRead",
      "PolicyModify",
      "PolicyRead",
      "RuleModify",
      "RuleRead",
      "SummaryRead"
    ],
    logTypeAccessKind: "ALLOW_ALL",
    createdDaysAgo: 880,
    updatedDaysAgo: 240
  },
  {
    id: "e2c8b6a4-9d1f-4e3a-b5c7-0f2e4d6a8c19",
    name: "Auditor",
    permissions: [...READ_ONLY, "GeneralSettingsRead", "OrganizationAPITokenRead", "UserRead"],
    logTypeAccessKind: "ALLOW_ALL",
    createdDaysAgo: 540,
    updatedDaysAgo: 540
  },
  {
    id: "4c9e1a7b-2f5d-4a8c-9b3e-6d0f8a2c4e71",
    name: "SOC Tier 1",
    permissions: ["AlertModify", "AlertRead", "DataAnalyticsRead", "SummaryRead"],
    logTypeAccessKind: "ALLOW",
    logTypeAccess: ["AWS.CloudTrail", "Okta.SystemLog", "GSuite.Reports"],
    createdDaysAgo: 300,
    updatedDaysAgo: 12
  }
]

/** Role names and ids, for the generator and for data files that name a role. */
export const ADMIN_ROLE_NAME = "Admin"

/** Seconds-precision UTC timestamp, as Panther's role records carry. */
const stamp = (now: Date, daysAgo: number): string =>
  new Date(Math.floor((now.getTime() - daysAgo * DAY_MS) / 1000) * 1000).toISOString().replace(".000Z", "Z")

/** The roles, with timestamps placed relative to the reference time so the whole instance ages together. */
export const makeRoles = (now: Date): ReadonlyArray<RoleWithPermissions> =>
  TEMPLATES.map((template) => ({
    id: template.id,
    name: template.name,
    permissions: [...template.permissions].sort(),
    ...(template.logTypeAccessKind === undefined ? {} : { logTypeAccessKind: template.logTypeAccessKind }),
    ...(template.logTypeAccess === undefined ? {} : { logTypeAccess: template.logTypeAccess }),
    createdAt: stamp(now, template.createdDaysAgo),
    updatedAt: stamp(now, template.updatedDaysAgo)
  }))
