/**
 * Method and path of each operation, read from the one `HttpApi` description in `UsersApi.ts`, so the client
 * never restates the API and cannot drift from the simulator built on the same description.
 */
import type * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import type * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import type * as HttpMethod from "@effect/platform/HttpMethod"
import { RolesGroup, UsersGroup } from "./UsersApi.js"

export interface Route {
  readonly method: HttpMethod.HttpMethod
  /** As the description has it, with `:id` placeholders. */
  readonly path: string
}

const routeOf = <Group extends HttpApiGroup.HttpApiGroup.Any>(
  group: Group & { readonly endpoints: { readonly [name: string]: Route | undefined } },
  name: HttpApiEndpoint.HttpApiEndpoint.Name<HttpApiGroup.HttpApiGroup.Endpoints<Group>>
): Route => {
  const endpoint = group.endpoints[name]
  // The name is checked against the group's type, so this only fires if the description changes shape: a bug.
  if (endpoint === undefined) throw new Error(`UsersApi.ts has no endpoint "${name}"`)
  return { method: endpoint.method, path: endpoint.path }
}

export const Routes = {
  listUsers: routeOf(UsersGroup, "listUsers"),
  getUser: routeOf(UsersGroup, "getUser"),
  createUser: routeOf(UsersGroup, "createUser"),
  updateUser: routeOf(UsersGroup, "updateUser"),
  deleteUser: routeOf(UsersGroup, "deleteUser"),
  listRoles: routeOf(RolesGroup, "listRoles"),
  getRole: routeOf(RolesGroup, "getRole")
} as const

/** The path with its `:id` filled in; ids are URL-encoded so an odd id cannot reach another path. */
export const pathWithId = (route: Route, id: string): string => route.path.replace(":id", encodeURIComponent(id))
