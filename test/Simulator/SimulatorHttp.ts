/**
 * A small fetch-based caller for the simulator tests. Every response it sees is checked against the OpenAPI
 * document (user operations) or the shared Effect schemas (roles, which the document lacks), so each test doubles
 * as a conformance test and the simulator cannot drift from the spec unnoticed.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import { type SchemaAST as AST, Either, Option, type ParseResult, Schema } from "effect"
import { expect } from "vitest"
import { RoleListResp, RoleWithPermissions } from "../../src/PantherApi/Schemas.js"
import { API_KEY_HEADER, PantherApi } from "../../src/PantherApi/UsersApi.js"
import { makeResponseValidator } from "../support/openApi.js"
import type { StartedSimulator } from "../support/simulator.js"

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed body; undefined when the body is empty. */
  readonly body: unknown
}

export interface CallOptions {
  /** The API key; `null` sends none. Default: the admin key for POST/DELETE, the read key otherwise. */
  readonly key?: string | null
  /** A JSON value to send, or a raw string sent as is. */
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

const validator = makeResponseValidator()
// Roles are not in the OpenAPI document: their wire form is checked against the shared schemas, with no extra fields.
const strictRoles = { onExcessProperty: "error" } as const
const decodeRoleList = Schema.decodeUnknownEither(Schema.encodedSchema(RoleListResp))
const decodeRole = Schema.decodeUnknownEither(Schema.encodedSchema(RoleWithPermissions))
const rolesProblems = (result: Either.Either<unknown, ParseResult.ParseError>): ReadonlyArray<string> =>
  Either.isRight(result) ? [] : [String(result.left)]

/** The document's path template for a concrete path, or undefined for paths outside it. */
const templateOf = (path: string): string | undefined => {
  const pathname = path.split("?")[0] ?? path
  if (pathname === "/users") return "/users"
  if (/^\/users\/[^/]+$/.test(pathname)) return "/users/{id}"
  return undefined
}

/**
 * The successes the project's own description (UsersApi.ts) declares, by method and path template: the simulator
 * answers through `handleRaw`, so nothing but these checks holds its answers to what the description says.
 */
const described = new Map<string, ReadonlyMap<number, Option.Option<AST.AST>>>()
HttpApi.reflect(PantherApi, {
  onGroup: () => undefined,
  onEndpoint: ({ endpoint, successes }) => {
    described.set(
      `${endpoint.method} ${endpoint.path}`,
      new Map([...successes].map(([status, success]) => [status, success.ast]))
    )
  }
})

/** A success as UsersApi.ts describes it: a declared status, and a body of the declared schema (or none). */
const describedProblems = (method: string, pathname: string, reply: Reply): ReadonlyArray<string> => {
  const template = pathname.replace(/^\/(users|roles)\/[^/]+$/, "/$1/:id")
  const successes = described.get(`${method} ${template}`)
  if (successes === undefined) return [`${method} ${template} is not in UsersApi.ts`]
  const ast = successes.get(reply.status)
  if (ast === undefined) return [`UsersApi.ts declares ${[...successes.keys()].join(", ")}, not ${reply.status}`]
  if (Option.isNone(ast)) return reply.body === undefined ? [] : ["UsersApi.ts declares no body"]
  const decoded = Schema.decodeUnknownEither(Schema.encodedSchema(Schema.make(ast.value)))(reply.body)
  return Either.isRight(decoded) ? [] : [`not as UsersApi.ts describes it: ${String(decoded.left)}`]
}

/**
 * The document declares every body as `application/json`, a success's as an error's: a client that picks its parser
 * by the header would not read a page sent as anything else. A delete's 200 has no body, and so no type to declare.
 */
const mediaTypeProblems = (reply: Reply): ReadonlyArray<string> =>
  reply.text === "" || reply.headers.get("content-type")?.includes("application/json") === true
    ? []
    : [`content-type ${reply.headers.get("content-type")}`]

/** The spec problems of one reply; empty when it conforms. */
export const conformanceProblems = (method: string, path: string, reply: Reply): ReadonlyArray<string> => {
  const template = templateOf(path)
  const pathname = path.split("?")[0] ?? path
  const isError = reply.status >= 400
  if (isError) {
    return [...validator.problemsWith("UserAPI.BadRequestError", reply.body), ...mediaTypeProblems(reply)]
  }
  const ownDescription = [...describedProblems(method, pathname, reply), ...mediaTypeProblems(reply)]
  if (template !== undefined) {
    return [...validator.problems(method, template, reply.status, reply.body), ...ownDescription]
  }
  if (pathname === "/roles") return [...rolesProblems(decodeRoleList(reply.body, strictRoles)), ...ownDescription]
  if (pathname.startsWith("/roles/")) return [...rolesProblems(decodeRole(reply.body, strictRoles)), ...ownDescription]
  return [`unexpected success for ${method} ${path}`]
}

export const call = async (
  sim: Pick<StartedSimulator, "baseUrl" | "readToken" | "adminToken">,
  method: string,
  path: string,
  options: CallOptions = {}
): Promise<Reply> => {
  const defaultKey = method === "GET" ? sim.readToken : sim.adminToken
  const key = options.key === undefined ? defaultKey : options.key
  const headers: Record<string, string> = { ...options.headers }
  if (key !== null) headers[API_KEY_HEADER] = key
  let body: string | undefined
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body)
    headers["content-type"] ??= "application/json"
  }
  const response = await fetch(`${sim.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  const text = await response.text()
  const reply: Reply = {
    status: response.status,
    headers: response.headers,
    text,
    body: text === "" ? undefined : JSON.parse(text)
  }
  expect(conformanceProblems(method, path, reply), `${method} ${path} -> ${reply.status}: ${text}`).toEqual([])
  return reply
}

/** Shorthands bound to one simulator. */
export const httpFor = (sim: Pick<StartedSimulator, "baseUrl" | "readToken" | "adminToken">) => ({
  get: (path: string, options?: CallOptions) => call(sim, "GET", path, options),
  post: (path: string, body: unknown, options?: CallOptions) => call(sim, "POST", path, { ...options, body }),
  del: (path: string, options?: CallOptions) => call(sim, "DELETE", path, options),
  call: (method: string, path: string, options?: CallOptions) => call(sim, method, path, options)
})

/** The `message` of an error reply (every error has one). */
export const messageOf = (reply: Reply): string => {
  const body = reply.body
  if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string") {
    return body.message
  }
  throw new Error(`no message in ${reply.text}`)
}

export interface WireUserShape {
  readonly id: string
  readonly email: string
  readonly givenName: string
  readonly familyName: string
  readonly role: { readonly id?: string; readonly name?: string }
  readonly enabled: boolean
  readonly status?: string
  readonly createdAt?: string
  readonly lastLoggedInAt?: string | null
}

export interface ListPage {
  readonly results: ReadonlyArray<WireUserShape>
  readonly next?: string
}

/** A reply body that conformance already checked, typed for the assertions that follow. */
export const pageOf = (reply: Reply): ListPage => {
  expect(reply.status, reply.text).toBe(200)
  return reply.body as ListPage // shape verified by `call` against the OpenAPI document
}

export const userOf = (reply: Reply): WireUserShape => {
  expect(reply.status, reply.text).toBe(200)
  return reply.body as WireUserShape // shape verified by `call` against the OpenAPI document
}

/** Follows `next` until the last page, returning every user in order. */
export const listAll = async (
  sim: Pick<StartedSimulator, "baseUrl" | "readToken" | "adminToken">,
  query: Readonly<Record<string, string>> = {}
): Promise<{ readonly users: ReadonlyArray<WireUserShape>; readonly pages: number }> => {
  const users: Array<WireUserShape> = []
  let cursor: string | undefined
  let pages = 0
  do {
    const params = new URLSearchParams(query)
    if (cursor !== undefined) params.set("cursor", cursor)
    const page = pageOf(await call(sim, "GET", `/users?${params}`))
    users.push(...page.results)
    cursor = page.next
    pages++
    if (pages > 100_000) throw new Error("pagination does not end")
  } while (cursor !== undefined)
  return { users, pages }
}
