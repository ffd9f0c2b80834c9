/**
 * Validation of HTTP responses against Panther's OpenAPI document, with ajv. The document is kept in the
 * repository (test/fixtures/), so the suite runs from a clone anywhere; where the shared seed it was copied from
 * sits beside the repository, Conformance.test.ts checks the two are the same. Two checks per body:
 * - `open`: the document as written (extra fields allowed, as OpenAPI allows them);
 * - `closed`: the same schemas with `additionalProperties: false`, so a field the document does not list (a leaked
 *   `_tag`, a typo) is caught too.
 * One documented relaxation: `lastLoggedInAt` may be `null`, which the live API sends for "never logged in"
 * (`shared/panther-api-notes.md`) although the document types it as a plain string.
 */
import { readFileSync } from "node:fs"
import { Ajv, type ValidateFunction } from "ajv"

export const OPENAPI_URL = new URL("../fixtures/panther-users.openapi.json", import.meta.url)

/** The shared seed the copy was made from, where a workspace has it beside the repository. */
export const SEED_OPENAPI_URL = new URL("../../../shared/seed/panther-users.openapi.json", import.meta.url)

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

interface OperationResponse {
  readonly content?: { readonly "application/json"?: { readonly schema?: Json } }
}
interface OpenApiDocument {
  readonly components: { readonly schemas: Readonly<Record<string, Json>> }
  readonly paths: Readonly<
    Record<string, Readonly<Record<string, { readonly responses: Readonly<Record<string, OperationResponse>> }>>>
  >
}

const isObject = (value: Json): value is { readonly [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Adds `additionalProperties: false` to every object schema that lists its properties. */
const closeObjects = (schema: Json): Json => {
  if (Array.isArray(schema)) return schema.map(closeObjects)
  if (!isObject(schema)) return schema
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(schema)) out[key] = closeObjects(value)
  if (schema.type === "object" && isObject(schema.properties ?? null) && schema.additionalProperties === undefined) {
    out.additionalProperties = false
  }
  return out
}

/** The documented relaxation: `lastLoggedInAt` may be null. */
const allowNullLastLogin = (schemas: Readonly<Record<string, Json>>): Record<string, Json> => {
  const user = schemas["UserAPI.User"]
  if (user === undefined || !isObject(user)) throw new Error("the document has no UserAPI.User")
  const properties = user.properties
  if (properties === undefined || !isObject(properties)) throw new Error("UserAPI.User has no properties")
  return {
    ...schemas,
    "UserAPI.User": {
      ...user,
      properties: { ...properties, lastLoggedInAt: { type: "string", nullable: true } }
    }
  }
}

// A cast, not a decode: the file is the fixed seed document, and ajv reports any schema it cannot use.
export const loadOpenApiDocument = (): OpenApiDocument =>
  JSON.parse(readFileSync(OPENAPI_URL, "utf8")) as OpenApiDocument

export interface ResponseValidator {
  /**
   * Checks one response body. `path` is the document's path template (`/users/{id}`), `method` lower-case.
   * A status the document does not list for the operation (401, 403, 405, 413, 429, 5xx) must have the
   * document's error shape, `UserAPI.BadRequestError`. Returns the problems; empty means it conforms.
   */
  readonly problems: (method: string, path: string, status: number, body: unknown) => ReadonlyArray<string>
  /** Checks a body against one of the document's named schemas, e.g. "UserAPI.User". */
  readonly problemsWith: (schemaName: string, body: unknown) => ReadonlyArray<string>
}

export const makeResponseValidator = (): ResponseValidator => {
  const document = loadOpenApiDocument()
  const schemas = allowNullLastLogin(document.components.schemas)
  const ajv = new Ajv({ strict: false, allErrors: true })
  // Two copies of the schemas under their own ids; the document's "#/components/schemas/..." refs resolve in each.
  ajv.addSchema({ $id: "open", components: { schemas } })
  ajv.addSchema({ $id: "closed", components: { schemas: closeObjects(schemas) } })
  const cache = new Map<string, ValidateFunction>()
  /** The document's response schemas are all `$ref`s to components; each compiles once per variant. */
  const compile = (ref: string, variant: "open" | "closed"): ValidateFunction => {
    const key = `${variant}${ref}`
    const cached = cache.get(key)
    if (cached !== undefined) return cached
    const validate = ajv.compile({ $ref: key })
    cache.set(key, validate)
    return validate
  }
  const check = (schema: Json, body: unknown): ReadonlyArray<string> => {
    const ref = isObject(schema) ? schema.$ref : undefined
    if (typeof ref !== "string") return [`unsupported response schema ${JSON.stringify(schema)}`]
    return (["open", "closed"] as const).flatMap((variant) => {
      const validate = compile(ref, variant)
      return validate(body)
        ? []
        : (validate.errors ?? []).map((error) => `${variant}: ${error.instancePath || "/"} ${error.message ?? ""}`)
    })
  }
  const errorShape: Json = { $ref: "#/components/schemas/UserAPI.BadRequestError" }

  return {
    problemsWith: (schemaName, body) => check({ $ref: `#/components/schemas/${schemaName}` }, body),
    problems: (method, path, status, body) => {
      const operation = document.paths[path]?.[method.toLowerCase()]
      if (operation === undefined) return [`the document has no ${method} ${path}`]
      const response = operation.responses[String(status)]
      if (response === undefined) return check(errorShape, body)
      const schema = response.content?.["application/json"]?.schema
      if (schema === undefined) {
        return body === undefined ? [] : [`${method} ${path} ${status} has no body in the document, got one`]
      }
      return check(schema, body)
    }
  }
}
