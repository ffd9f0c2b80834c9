/**
 * The roles the simulated instance knows, looked up by id or name. Users name their role by id or by name
 * (never both), so both lookups resolve to the same `{ id, name }` reference.
 */
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import type { RoleRef, RoleWithPermissions } from "../PantherApi/Schemas.js"

/** How a create or update names the role: exactly one of the two. */
export type RoleChoice = { readonly by: "id"; readonly id: string } | { readonly by: "name"; readonly name: string }

export class RoleCatalog {
  private readonly byId: ReadonlyMap<string, RoleWithPermissions>
  private readonly byName: ReadonlyMap<string, RoleWithPermissions>

  constructor(readonly roles: ReadonlyArray<RoleWithPermissions>) {
    this.byId = new Map(roles.map((role) => [role.id, role]))
    this.byName = new Map(roles.map((role) => [role.name, role]))
  }

  get(id: string): RoleWithPermissions | undefined {
    return this.byId.get(id)
  }

  /** The full reference for a chosen role, or the 400 message naming what was not found. */
  resolve(choice: RoleChoice): Either.Either<Required<RoleRef>, string> {
    const role = choice.by === "id" ? this.byId.get(choice.id) : this.byName.get(choice.name)
    if (role !== undefined) return Either.right({ id: role.id, name: role.name })
    const known = this.roles.map((r) => r.name).join(", ")
    return Either.left(
      choice.by === "id"
        ? `role.id "${choice.id}" is not the id of any role (GET /roles lists them)`
        : `role.name "${choice.name}" is not the name of any role; roles are: ${known}`
    )
  }

  /**
   * Completes a stored user's role reference from whichever half is known, leaving an unknown role as it is:
   * a data file may deliberately hold a role the instance no longer has.
   */
  complete(ref: RoleRef): RoleRef {
    const role =
      (ref.id !== undefined ? this.byId.get(ref.id) : undefined) ??
      (ref.name !== undefined ? this.byName.get(ref.name) : undefined)
    return role === undefined ? ref : { id: role.id, name: role.name }
  }
}

export class Roles extends Context.Tag("Simulator/Roles")<Roles, RoleCatalog>() {}
