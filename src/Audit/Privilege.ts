/**
 * Who is privileged. A role is privileged when it is named (or its id given) in `--privileged-roles`, or when
 * `GET /roles` says it holds one of `--privileged-permissions`: a custom "Helpdesk" role holding UserModify is
 * as powerful as Admin, whatever it is called.
 */
import type { RoleRef, RoleWithPermissions } from "../PantherApi/Schemas.js"
import type { AuditParameters } from "./AuditParameters.js"

export interface PrivilegeVerdict {
  readonly privileged: boolean
  /** Why, for the finding's detail. */
  readonly reason: string
}

const NOT_PRIVILEGED: PrivilegeVerdict = { privileged: false, reason: "" }

export interface PrivilegePolicy {
  readonly judge: (role: RoleRef) => PrivilegeVerdict
  /** False when roles could not be read and only names and ids were compared. */
  readonly usesPermissions: boolean
}

/**
 * Builds the policy. `roles` is `undefined` when `GET /roles` could not be read; the audit then falls back to
 * names and ids and says so in the run summary.
 */
export const makePrivilegePolicy = (
  parameters: Pick<AuditParameters, "privilegedRoles" | "privilegedPermissions">,
  roles: ReadonlyArray<RoleWithPermissions> | undefined
): PrivilegePolicy => {
  const listed = new Set(parameters.privilegedRoles.map((role) => role.toLowerCase()))
  const wanted = new Set(parameters.privilegedPermissions)
  const byId = new Map<string, RoleWithPermissions>()
  const byName = new Map<string, RoleWithPermissions>()
  for (const role of roles ?? []) {
    byId.set(role.id, role)
    byName.set(role.name.toLowerCase(), role)
  }
  /** Verdicts by role id, then role name: no key string to build per user. */
  const verdicts = new Map<string | undefined, Map<string | undefined, PrivilegeVerdict>>()
  const judgeUncached = (role: RoleRef): PrivilegeVerdict => {
    const name = role.name ?? ""
    if (name !== "" && listed.has(name.toLowerCase())) {
      return { privileged: true, reason: `role "${name}" is listed as privileged` }
    }
    // Ids are compared as given: Panther's role ids are UUIDs, and a listed id should match exactly.
    if (role.id !== undefined && (listed.has(role.id.toLowerCase()) || parameters.privilegedRoles.includes(role.id))) {
      return { privileged: true, reason: `role id ${role.id} is listed as privileged` }
    }
    const known = (role.id !== undefined ? byId.get(role.id) : undefined) ?? byName.get(name.toLowerCase())
    if (known === undefined) return NOT_PRIVILEGED
    const held = known.permissions.filter((permission) => wanted.has(permission))
    return held.length > 0
      ? { privileged: true, reason: `role "${known.name}" holds ${held.join(", ")}` }
      : NOT_PRIVILEGED
  }

  return {
    usesPermissions: roles !== undefined,
    // Thousands of users share a handful of roles: judge each role once.
    judge: (role) => {
      let byName = verdicts.get(role.id)
      if (byName === undefined) {
        byName = new Map()
        verdicts.set(role.id, byName)
      }
      let verdict = byName.get(role.name)
      if (verdict === undefined) {
        verdict = judgeUncached(role)
        byName.set(role.name, verdict)
      }
      return verdict
    }
  }
}
