/**
 * Who is privileged. A role is privileged when it is named (or its id given) in `--privileged-roles`, or when
 * `GET /roles` says it holds one of `--privileged-permissions`: a custom "Helpdesk" role holding UserModify is
 * as powerful as Admin, whatever it is called.
 */
import { ALL_PERMISSIONS } from "../PantherApi/Permissions.js"
import type { RoleRef, RoleWithPermissions } from "../PantherApi/Schemas.js"
import type { AuditParameters } from "./AuditParameters.js"

export interface PrivilegeVerdict {
  readonly privileged: boolean
  /** Why, for the finding's detail. */
  readonly reason: string
}

const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set(ALL_PERMISSIONS)

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
  /** Role names users hold that fit more than one role in `GET /roles`: judged by all of those roles. */
  readonly ambiguousRoles: () => ReadonlyArray<string>
  /**
   * Entries of `--privileged-roles` that are the name or id of no role in `GET /roles` and of no user's role: a role
   * renamed in Panther, or a typo. Empty when roles could not be read, which the run reports on its own.
   */
  readonly unknownListedRoles: () => ReadonlyArray<string>
}

/**
 * A role `GET /roles` sent whose entry could not be read (`RoleRecord`'s `UnreadableRole`): its id and name, where
 * they could be read, and no permissions.
 */
export interface UnreadableRole {
  readonly id: string | undefined
  readonly name: string | undefined
}

/** A role `GET /roles` listed; `permissions` undefined when its entry could not be read. */
interface KnownRole {
  readonly id: string | undefined
  readonly name: string | undefined
  readonly permissions: ReadonlyArray<string> | undefined
}

/** How a verdict names a role: by name, else by id. */
const roleLabel = (role: KnownRole): string => (role.name === undefined ? `id ${role.id}` : `"${role.name}"`)

/**
 * Builds the policy. `roles` is `undefined` when `GET /roles` could not be read; the audit then falls back to
 * names and ids and says so in the run summary. `unreadable` are the roles it listed whose entries could not be read:
 * their users are judged by those roles' names and ids only (the run names them), every other role by permission.
 */
export const makePrivilegePolicy = (
  parameters: Pick<AuditParameters, "privilegedRoles" | "privilegedPermissions">,
  roles: ReadonlyArray<RoleWithPermissions> | undefined,
  unreadable: ReadonlyArray<UnreadableRole> = []
): PrivilegePolicy => {
  const listed = new Set(parameters.privilegedRoles.map((role) => role.toLowerCase()))
  const wanted = new Set(parameters.privilegedPermissions)
  const byId = new Map<string, KnownRole>()
  const byName = new Map<string, Array<KnownRole>>()
  const byFoldedName = new Map<string, Array<KnownRole>>()
  const add = (map: Map<string, Array<KnownRole>>, key: string, role: KnownRole) => {
    const found = map.get(key)
    if (found === undefined) map.set(key, [role])
    else found.push(role)
  }
  const knownRoles: ReadonlyArray<KnownRole> =
    roles === undefined ? [] : [...roles, ...unreadable.map((role) => ({ ...role, permissions: undefined }))]
  for (const role of knownRoles) {
    if (role.id !== undefined) byId.set(role.id, role)
    if (role.name === undefined) continue
    add(byName, role.name, role)
    add(byFoldedName, role.name.toLowerCase(), role)
  }
  const unlisted = new Set<string>()
  const ambiguous = new Set<string>()
  /** Entries of `listed` that some user's role matched. */
  const matched = new Set<string>()

  /**
   * The roles `GET /roles` lists that the user's role may be: by id, else those of exactly its name, else those
   * whose name differs only in case. More than one when names repeat: the user is judged by all of them.
   */
  const lookUp = (role: RoleRef): ReadonlyArray<KnownRole> => {
    const byIdFound = role.id !== undefined ? byId.get(role.id) : undefined
    if (byIdFound !== undefined) return [byIdFound]
    if (role.name === undefined) return []
    return byName.get(role.name) ?? byFoldedName.get(role.name.toLowerCase()) ?? []
  }

  /** Listed in `--privileged-roles` by name (any case) or id (as given, or in any case). */
  const isListed = (name: string | undefined, id: string | undefined): boolean => {
    const key =
      name !== undefined && name !== "" && listed.has(name.toLowerCase())
        ? name.toLowerCase()
        : // Ids are compared as given too: Panther's role ids are UUIDs, and a listed id should match exactly.
          id !== undefined && (listed.has(id.toLowerCase()) || parameters.privilegedRoles.includes(id))
          ? id.toLowerCase()
          : undefined
    if (key !== undefined) matched.add(key)
    return key !== undefined
  }

  /** Verdicts by role id, then role name: no key string to build per user. */
  const verdicts = new Map<string | undefined, Map<string | undefined, PrivilegeVerdict>>()
  const judgeUncached = (role: RoleRef): PrivilegeVerdict => {
    const candidates = lookUp(role)
    if (candidates.length > 1 && role.name !== undefined) ambiguous.add(role.name)
    // The user's record may carry only the role's id, or an old name: the listed role's own name counts too.
    if (isListed(role.name, undefined)) {
      return { privileged: true, reason: `role "${role.name}" is listed as privileged` }
    }
    const listedCandidate = candidates.find((known) => isListed(known.name, undefined))
    if (listedCandidate !== undefined) {
      return { privileged: true, reason: `role ${roleLabel(listedCandidate)} is listed as privileged` }
    }
    if (isListed(undefined, role.id)) return { privileged: true, reason: `role id ${role.id} is listed as privileged` }
    // The record may carry only the role's name while the role is listed by its id: GET /roles links the two.
    const listedById = candidates.find((known) => isListed(undefined, known.id))
    if (listedById !== undefined) {
      const named = listedById.name === undefined ? "" : ` "${listedById.name}"`
      return { privileged: true, reason: `role${named} (id ${listedById.id}) is listed as privileged` }
    }
    if (candidates.length === 0) {
      const label = role.id || role.name
      if (roles !== undefined && label) unlisted.add(label)
      return NOT_PRIVILEGED
    }
    for (const known of candidates) {
      const held = known.permissions?.filter((permission) => wanted.has(permission)) ?? []
      if (held.length > 0) return { privileged: true, reason: `role ${roleLabel(known)} holds ${held.join(", ")}` }
    }
    return NOT_PRIVILEGED
  }

  return {
    // Every role listed but none readable: no one was judged by permission, whatever GET /roles answered.
    usesPermissions: roles !== undefined && (roles.length > 0 || unreadable.length === 0),
    unlistedRoles: () => [...unlisted],
    ambiguousRoles: () => [...ambiguous],
    unknownListedRoles: () => {
      if (roles === undefined) return []
      const known = new Set(
        knownRoles.flatMap((role) =>
          [role.name, role.id].flatMap((key) => (key === undefined ? [] : [key.toLowerCase()]))
        )
      )
      // One entry in two cases is one name, said once.
      const unknown = new Map<string, string>()
      for (const role of parameters.privilegedRoles) {
        const key = role.toLowerCase()
        if (!known.has(key) && !matched.has(key) && !unknown.has(key)) unknown.set(key, role)
      }
      return [...unknown.values()]
    },
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

export interface UnheldPermission {
  readonly name: string
  /** A known or held permission that differs only in case: what the name most likely meant. */
  readonly meant: string | undefined
}

/**
 * Configured permissions that no role in `GET /roles` holds and this tool does not know: most likely typos, which
 * would make no role privileged without a word. A known permission that no role holds is normal and not listed;
 * nor is anything when roles could not be read (the run warns about that on its own).
 */
export const unheldUnknownPermissions = (
  privilegedPermissions: ReadonlyArray<string>,
  roles: ReadonlyArray<RoleWithPermissions> | undefined
): ReadonlyArray<UnheldPermission> => {
  if (roles === undefined) return []
  const held = new Set(roles.flatMap((role) => role.permissions))
  const byFoldedName = new Map([...KNOWN_PERMISSIONS, ...held].map((name) => [name.toLowerCase(), name]))
  // A name given twice is one mistake, said once.
  return [...new Set(privilegedPermissions)]
    .filter((name) => !KNOWN_PERMISSIONS.has(name) && !held.has(name))
    .map((name) => ({ name, meant: byFoldedName.get(name.toLowerCase()) }))
}
