/** Panther's permission names (console name = API name), from `shared/panther-api-notes.md`. */
export const ALL_PERMISSIONS = [
  "AlertModify",
  "AlertRead",
  "AIRunAsModify",
  "BulkUpload",
  "BulkUploadValidate",
  "CloudsecSourceModify",
  "CloudsecSourceRead",
  "DataAnalyticsModify",
  "DataAnalyticsRead",
  "DestinationModify",
  "DestinationRead",
  "GeneralSettingsModify",
  "GeneralSettingsRead",
  "LogSourceModify",
  "LogSourceRawDataRead",
  "LogSourceRead",
  "LookupModify",
  "LookupRead",
  "OrganizationAPITokenModify",
  "OrganizationAPITokenRead",
  "PolicyModify",
  "PolicyRead",
  "ResourceModify",
  "ResourceRead",
  "RuleModify",
  "RuleRead",
  "RunPantherAI",
  "SummaryRead",
  "UserModify",
  "UserRead"
] as const
export type Permission = (typeof ALL_PERMISSIONS)[number]

/** What each operation needs: "Read User Info" for every GET, "Manage Users" for POST and DELETE. */
export const READ_USERS: Permission = "UserRead"
export const MANAGE_USERS: Permission = "UserModify"

/**
 * The permission a request by `method` needs, as Panther rules it: per method, not per operation. HEAD is a GET
 * without the body, so it reads too. The simulator enforces it; the client names it in a 403's message.
 */
export const permissionFor = (method: string): Permission =>
  method === "GET" || method === "HEAD" ? READ_USERS : MANAGE_USERS

/** The console's name for a permission, for error messages a human acts on. */
export const consoleName = (permission: string): string =>
  permission === READ_USERS ? "Read User Info" : permission === MANAGE_USERS ? "Manage Users" : permission
