/**
 * The roles a run reads before its users (GET /roles): by their permissions it decides who is privileged, and by
 * their ids and names a review matches a decision written with a role's id to the role.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { PantherClient } from "../PantherApi/PantherClient.js"
import type { RoleWithPermissions } from "../PantherApi/Schemas.js"
import type { UnreadableRole } from "./Privilege.js"
import { rolesUnreadLogReason, rolesUnreadWarning, unreadableRolesWarning } from "./RunWarnings.js"

export interface RolesRead {
  readonly roles: ReadonlyArray<RoleWithPermissions> | undefined
  readonly unreadable: ReadonlyArray<UnreadableRole>
  readonly warning?: string
}

/**
 * Roles decide privilege by permission; when they cannot be read the audit goes on by names and says so. A role whose
 * entry alone cannot be read costs only itself. A token refused outright (401) fails the run here: the list of users
 * would be refused the same way, and a warning that the audit goes on by names only came before that failure.
 */
export const readRoles = (client: PantherClient) =>
  client.listRoles().pipe(
    Stream.runCollect,
    Effect.map((collected): RolesRead => {
      const records = Chunk.toReadonlyArray(collected)
      const warning = unreadableRolesWarning(records)
      return {
        roles: records.flatMap((record) => (record._tag === "ValidRole" ? [record.role] : [])),
        unreadable: records.flatMap((record) =>
          record._tag === "UnreadableRole"
            ? [{ id: Option.getOrUndefined(record.id), name: Option.getOrUndefined(record.name) }]
            : []
        ),
        ...(warning === undefined ? {} : { warning })
      }
    }),
    Effect.catchAll((error) =>
      error._tag === "Unauthorized"
        ? Effect.fail(error)
        : Effect.logWarning("roles could not be read; privilege is decided by role names and ids only").pipe(
            // An annotation, not a second message part, which a JSON log line would write as an array. What failed
            // only: the usual advice is for the run's warning to give, once the users read show whether it holds.
            Effect.annotateLogs({ reason: rolesUnreadLogReason(error) }),
            Effect.as<RolesRead>({
              roles: undefined,
              unreadable: [],
              warning: rolesUnreadWarning(error)
            })
          )
    )
  )

/**
 * How many of Panther's roles a run could name: "all" when GET /roles was read and each role it listed gave its id
 * and name, "some" when one did not, "none" when it could not be read.
 */
export type RolesReadWhole = "all" | "some" | "none"

/** Whether the roles read, by id and name, are all GET /roles listed. */
export const rolesReadWhole = (read: RolesRead): RolesReadWhole =>
  read.roles === undefined
    ? "none"
    : read.unreadable.every(({ id, name }) => id !== undefined && name !== undefined)
      ? "all"
      : "some"

/** The roles read, by id and name, whose entries gave both. */
export const namedRoles = (read: RolesRead): ReadonlyArray<{ readonly id: string; readonly name: string }> => [
  ...(read.roles ?? []).map(({ id, name }) => ({ id, name })),
  ...read.unreadable.flatMap(({ id, name }) => (id === undefined || name === undefined ? [] : [{ id, name }]))
]
