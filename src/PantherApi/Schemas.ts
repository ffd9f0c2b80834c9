/**
 * The Panther Users API's data shapes, as `shared/seed/panther-users.openapi.json` has them.
 * The simulator, the client and the conformance tests all use these. The client decodes typical records by hand
 * for speed (DecodeUser.ts) and the simulator checks create and update bodies by hand to word its 400s
 * (ModifyUserBody.ts); both stand aside for the schema on anything it knows and they do not.
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/** `UserAPI.Role`: either field may be left out (a modify sends exactly one of them). */
export const RoleRef = Schema.Struct({
  id: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String)
})
export type RoleRef = typeof RoleRef.Type

/**
 * An optional string that the live API may also send as `null` or `""` (notes: "Treat all three the same").
 * All three decode to absent, so no caller has to remember the difference.
 */
export const OptionalText = Schema.optionalToOptional(Schema.NullOr(Schema.String), Schema.String, {
  decode: (value) => Option.filter(value, (text): text is string => text !== null && text !== ""),
  encode: (value) => value
})

/** `UserAPI.User`. Unknown fields are tolerated: effect's decoding ignores excess properties by default. */
export const User = Schema.Struct({
  id: Schema.optional(Schema.String),
  email: Schema.String,
  givenName: Schema.String,
  familyName: Schema.String,
  role: RoleRef,
  enabled: Schema.Boolean,
  status: OptionalText,
  createdAt: OptionalText,
  lastLoggedInAt: OptionalText
})
export type User = typeof User.Type

/** `UserAPI.ModifyUser`: the body of create and update; the API needs every field. */
export const ModifyUser = Schema.Struct({
  email: Schema.String,
  givenName: Schema.String,
  familyName: Schema.String,
  role: RoleRef
})
export type ModifyUser = typeof ModifyUser.Type

/**
 * A list the documents make a required array (a page's `results`, a role's `permissions`), which the simulator
 * always sends as one: `null` is read as an empty list, as services written in Go send one, rather than fail a
 * whole run on it. Absent is still an error: `{}` is what a wrong address answers.
 */
const NullAsEmptyList = Schema.transform(Schema.Unknown, Schema.Unknown, {
  strict: true,
  decode: (results) => (results === null ? [] : results),
  encode: (results) => results
})
// Composed rather than `NullOr(Array(item))`: a union's error would quote the whole list as "not null" whenever one
// of its entries is wrong.
const ListOrNull = <Item extends Schema.Schema.Any>(item: Item) =>
  Schema.compose(NullAsEmptyList, Schema.Array(item), { strict: false })

/** `UserAPI.ListResp`, typed strictly. */
export const ListResp = Schema.Struct({
  results: ListOrNull(User),
  next: OptionalText
})
export type ListResp = typeof ListResp.Type

/**
 * The list page as the client first reads it: each result is kept raw so that one bad record becomes a
 * per-record problem instead of failing the whole page.
 */
export const ListRespEnvelope = Schema.Struct({
  results: ListOrNull(Schema.Unknown),
  next: OptionalText
})

/**
 * A `_tag` that exists only in memory: the four error bodies below are all `{"message": ...}` on the wire, so
 * without it HttpApi's error encoding cannot tell them apart (a Schema.Class encodes any value with the right
 * fields, so a NotFoundError would go out as the first member of the union, a 400). The tag is never sent, any
 * `_tag` a body carries is ignored on decoding, and constructors fill it in, so `catchTag` works on both sides.
 */
const inMemoryTag = <Tag extends string>(tag: Tag) =>
  Schema.optionalToRequired(Schema.Unknown, Schema.Literal(tag), {
    decode: () => tag,
    encode: () => Option.none()
  }).pipe(Schema.withConstructorDefault(() => tag))

/** `UserAPI.BadRequestError` (400). */
export class BadRequestError extends Schema.Class<BadRequestError>("BadRequestError")({
  _tag: inMemoryTag("BadRequestError"),
  message: Schema.String
}) {}

/** `UserAPI.NotFoundError` (404). */
export class NotFoundError extends Schema.Class<NotFoundError>("NotFoundError")({
  _tag: inMemoryTag("NotFoundError"),
  message: Schema.String
}) {}

/** Not in the seed document, but what the live API answers for a bad or missing key (401) or permission (403). */
export class UnauthorizedError extends Schema.Class<UnauthorizedError>("UnauthorizedError")({
  _tag: inMemoryTag("UnauthorizedError"),
  message: Schema.String
}) {}
export class ForbiddenError extends Schema.Class<ForbiddenError>("ForbiddenError")({
  _tag: inMemoryTag("ForbiddenError"),
  message: Schema.String
}) {}

/**
 * `GET /roles` and `GET /roles/{id}` (see `shared/panther-api-notes.md`): a role with its permissions. The log type
 * fields are read as any text or `null`: the audit never uses them, and one role with a kind Panther added later
 * must not cost every role its permissions. The notes name ALLOW, ALLOW_ALL, DENY and DENY_ALL.
 */
export const RoleWithPermissions = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  // Panther's roles may hold no permissions at all ("It is possible to create a role with no permissions", its RBAC
  // page), which a Go service may send as `null`: one such role must not cost every other role its permissions.
  permissions: ListOrNull(Schema.String),
  logTypeAccess: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  logTypeAccessKind: Schema.optional(Schema.NullOr(Schema.String)),
  createdAt: OptionalText,
  updatedAt: OptionalText
})
export type RoleWithPermissions = typeof RoleWithPermissions.Type

export const RoleListResp = Schema.Struct({
  results: ListOrNull(RoleWithPermissions),
  next: OptionalText
})
export type RoleListResp = typeof RoleListResp.Type

/** A page of roles as the client first reads it: each role kept raw, so one bad role is that role's problem alone. */
export const RoleListEnvelope = Schema.Struct({
  results: ListOrNull(Schema.Unknown),
  next: OptionalText
})
