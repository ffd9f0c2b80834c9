/**
 * The one description of the Panther REST API endpoints this project uses. The simulator is built from it with
 * `HttpApiBuilder`, and the client takes its methods, paths, query names and schemas from it. The simulator answers
 * with its stored wire records (`handleRaw`, see UsersHttp.ts), so the successes declared here are not applied to
 * its answers by the framework: the simulator's tests hold every answer to them (test/Simulator/SimulatorHttp.ts),
 * and to the OpenAPI document.
 */
// Module paths, not the package index: the index loads all of @effect/platform, servers included, at start-up.
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import {
  BadRequestError,
  ForbiddenError,
  ListResp,
  ModifyUser,
  NotFoundError,
  RoleListResp,
  RoleWithPermissions,
  UnauthorizedError,
  User
} from "./Schemas.js"

/** The header Panther reads the API token from. */
export const API_KEY_HEADER = "X-API-Key"

/** The largest `limit` a list takes (the OpenAPI document's maximum), and its default. */
export const MAX_PAGE_SIZE = 60

/** Who made a request: the permissions of the token it carried. Provided by `ApiKeyAuth` on the server side. */
export class Caller extends Context.Tag("PantherApi/Caller")<Caller, { readonly permissions: ReadonlySet<string> }>() {}

/** `X-API-Key` authentication: 401 for a missing or unknown key, 403 for a key without the needed permission. */
export class ApiKeyAuth extends HttpApiMiddleware.Tag<ApiKeyAuth>()("PantherApi/ApiKeyAuth", {
  failure: Schema.Union(
    UnauthorizedError.annotations(HttpApiSchema.annotations({ status: 401 })),
    ForbiddenError.annotations(HttpApiSchema.annotations({ status: 403 }))
  ),
  provides: Caller,
  security: { apiKey: HttpApiSecurity.apiKey({ key: API_KEY_HEADER, in: "header" }) }
}) {}

/** A query parameter as the wire carries it: one value, or several when the parameter is repeated. */
const RawParam = Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String)))

/**
 * `GET /users` query parameters, kept as the raw strings the wire carries: the spec allows empty values
 * ("count as not given"), `email` makes every other parameter ignored (a repeated or malformed one too), and a
 * bad `limit` must be a 400 naming the parameter, so validation belongs to the handler, not to a generic decoder.
 */
export const ListUsersUrlParams = Schema.Struct({
  cursor: RawParam,
  limit: RawParam,
  contains: RawParam,
  email: RawParam,
  id: RawParam,
  ids: RawParam,
  "include-deactivated": RawParam,
  status: RawParam
})
export type ListUsersUrlParams = typeof ListUsersUrlParams.Type

/**
 * `GET /roles` query parameters (from the notes; not in the seed document), raw for the reason `GET /users`'s are:
 * `name` makes every other parameter ignored, a repeated one too.
 */
export const ListRolesUrlParams = Schema.Struct({
  cursor: RawParam,
  limit: RawParam,
  "name-contains": RawParam,
  name: RawParam,
  id: RawParam,
  ids: RawParam,
  "sort-dir": RawParam
})
export type ListRolesUrlParams = typeof ListRolesUrlParams.Type

const UserIdPath = Schema.Struct({ id: Schema.String })
const BadRequest = BadRequestError.annotations(HttpApiSchema.annotations({ status: 400 }))
const NotFound = NotFoundError.annotations(HttpApiSchema.annotations({ status: 404 }))

/** The five operations of the seed document, with its operation ids in the comments. */
export class UsersGroup extends HttpApiGroup.make("users")
  // user#create
  .add(HttpApiEndpoint.post("createUser", "/users").setPayload(ModifyUser).addSuccess(User).addError(BadRequest))
  // user#list
  .add(
    HttpApiEndpoint.get("listUsers", "/users")
      .setUrlParams(ListUsersUrlParams)
      .addSuccess(ListResp)
      .addError(BadRequest)
  )
  // user#get
  .add(
    HttpApiEndpoint.get("getUser", "/users/:id")
      .setPath(UserIdPath)
      .addSuccess(User)
      .addError(BadRequest)
      .addError(NotFound)
  )
  // user#update
  .add(
    HttpApiEndpoint.post("updateUser", "/users/:id")
      .setPath(UserIdPath)
      .setPayload(ModifyUser)
      .addSuccess(User)
      .addError(BadRequest)
      .addError(NotFound)
  )
  // user#delete: 200 with no body, as the seed document says (not 204).
  .add(
    HttpApiEndpoint.del("deleteUser", "/users/:id")
      .setPath(UserIdPath)
      .addSuccess(HttpApiSchema.Empty(200))
      .addError(BadRequest)
      .addError(NotFound)
  )
  .middleware(ApiKeyAuth) {}

/** Roles, for a role's real permissions (a custom "Helpdesk" role may hold UserModify). */
export class RolesGroup extends HttpApiGroup.make("roles")
  .add(
    HttpApiEndpoint.get("listRoles", "/roles")
      .setUrlParams(ListRolesUrlParams)
      .addSuccess(RoleListResp)
      .addError(BadRequest)
  )
  .add(
    HttpApiEndpoint.get("getRole", "/roles/:id")
      .setPath(UserIdPath)
      .addSuccess(RoleWithPermissions)
      .addError(BadRequest)
      .addError(NotFound)
  )
  .middleware(ApiKeyAuth) {}

export class PantherApi extends HttpApi.make("PantherApi").add(UsersGroup).add(RolesGroup) {}
