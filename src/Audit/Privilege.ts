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
  /**
   * Roles users hold that `GET /roles` did not list (by id, else name), judged by name and id only; empty when
   * roles could not be read at all, which the run reports on its own.
   */
  readonly unlistedRoles: () => ReadonlyArray<string>
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
  /** By name without case: only for a name no other role shares that way. */
  const byFoldedName = new Map<string, RoleWithPermissions | "ambiguous">()
  for (const role of roles ?? []) {
    byId.set(role.id, role)
    if (!byName.has(role.name)) byName.set(role.name, role)
    const folded = role.name.toLowerCase()
    byFoldedName.set(folded, byFoldedName.has(folded) ? "ambiguous" : role)
  }
  const unlisted = new Set<string>()

  /** The role as `GET /roles` lists it: by id, else by its exact name, else by a name that differs only in case. */
  const lookUp = (role: RoleRef): RoleWithPermissions | undefined => {
    const byIdFound = role.id !== undefined ? byId.get(role.id) : undefined
    if (byIdFound !== undefined || role.name === undefined) return byIdFound
    const folded = byName.get(role.name) ?? byFoldedName.get(role.name.toLowerCase())
    return folded === "ambiguous" ? undefined : folded
  }

  /** Listed in `--privileged-roles` by name (any case) or id (as given, or in any case). */
  const isListed = (name: string | undefined, id: string | undefined): boolean =>
    (name !== undefined && name !== "" && listed.has(name.toLowerCase())) ||
    // Ids are compared as given too: Panther's role ids are UUIDs, and a listed id should match exactly.
    (id !== undefined && (listed.has(id.toLowerCase()) || parameters.privilegedRoles.includes(id)))

  /** Verdicts by role id, then role name: no key string to build per user. */
  const verdicts = new Map<string | undefined, Map<string | undefined, PrivilegeVerdict>>()
  const judgeUncached = (role: RoleRef): PrivilegeVerdict => {
    const known = lookUp(role)
    // The user's record may carry only the role's id, or an old name: the listed role's own name counts too.
    if (isListed(role.name, undefined)) {
      return { privileged: true, reason: `role "${role.name}" is listed as privileged` }
    }
    if (known !== undefined && isListed(known.name, undefined)) {
      return { privileged: true, reason: `role "${known.name}" is listed as privileged` }
    }
    if (isListed(undefined, role.id)) return { privileged: true, reason: `role id ${role.id} is listed as privileged` }
    if (known === undefined) {
      if (roles !== undefined) unlisted.add(role.id ?? role.name ?? "(a role with neither id nor name)")
      return NOT_PRIVILEGED
    }
    const held = known.permissions.filter((permission) => wanted.has(permission))
    return held.length > 0
      ? { privileged: true, reason: `role "${known.name}" holds ${held.join(", ")}` }
      : NOT_PRIVILEGED
  }

  return {
    usesPermissions: roles !== undefined,
    unlistedRoles: () => [...unlisted],
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
