/**
 * Every kind of response the simulator sends, checked against Panther's OpenAPI document. `call` checks each reply
 * (see SimulatorHttp.ts); this file makes sure every kind is produced at least once, and that the check itself
 * would catch a drift.
 */
import { existsSync, readFileSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeResponseValidator, OPENAPI_URL, SEED_OPENAPI_URL } from "../support/openApi.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { call, conformanceProblems, httpFor, pageOf, type Reply, userOf } from "./SimulatorHttp.js"

let sim: StartedSimulator
let limited: StartedSimulator
let http: ReturnType<typeof httpFor>

const quirky = [
  {
    id: "q1",
    email: "q1@example.com",
    givenName: "Q",
    familyName: "One",
    role: { name: "Admin" },
    enabled: true,
    status: "CONFIRMED",
    createdAt: "2024-01-01T00:00:00Z",
    lastLoggedInAt: "2025-01-01T00:00:00.123456789Z"
  },
  {
    id: "q2",
    email: "q2@example.com",
    givenName: "Q",
    familyName: "Two",
    role: { name: "Analyst" },
    enabled: true,
    lastLoggedInAt: null
  },
  {
    id: "q3",
    email: "q3@example.com",
    givenName: "Q",
    familyName: "Three",
    role: { name: "Gone" },
    enabled: false,
    lastLoggedInAt: ""
  }
]

beforeAll(async () => {
  sim = await startSimulator({ data: quirky, maxBodyBytes: 1024 })
  limited = await startSimulator({ users: 2, faults: { failRequests: [1], errorRate: 1, errorSeed: 3 } })
  http = httpFor(sim)
})
afterAll(async () => {
  await sim.close()
  await limited.close()
})

const body = { email: "c@example.com", givenName: "C", familyName: "D", role: { name: "Auditor" } }

describe("conformance to the OpenAPI document", () => {
  it.runIf(existsSync(SEED_OPENAPI_URL))("checks against the very document the shared seed holds", () => {
    expect(JSON.parse(readFileSync(OPENAPI_URL, "utf8"))).toEqual(JSON.parse(readFileSync(SEED_OPENAPI_URL, "utf8")))
  })

  it("holds for every success of the five user operations", async () => {
    const withNext = pageOf(await http.get("/users?limit=1&include-deactivated=true"))
    expect(withNext.next).toBeDefined()
    expect(pageOf(await http.get("/users?include-deactivated=true")).results).toHaveLength(3)
    expect(pageOf(await http.get("/users?contains=nobody")).results).toEqual([])
    expect(pageOf(await http.get("/users?email=q2%40example.com")).results).toHaveLength(1)
    const created = userOf(await http.post("/users", body))
    userOf(await http.get(`/users/${created.id}`))
    userOf(await http.post(`/users/${created.id}`, { ...body, role: { id: "3f0b5a7e-1c2d-4e8f-9a6b-0d1e2f3a4b5c" } }))
    expect((await http.del(`/users/${created.id}`)).status).toBe(200)
  })

  it("holds for every error: 400, 401, 403, 404, 405, 413 and the faults' 5xx", async () => {
    const replies: Array<Reply> = [
      await http.get("/users?limit=0"),
      await http.post("/users", "{"),
      await http.post("/users/q1", { ...body, role: {} }),
      await http.get("/users/none"),
      await http.post("/users/none", body),
      await http.del("/users/none"),
      await http.get("/users", { key: null }),
      await http.post("/users", body, { key: sim.readToken }),
      await http.get("/nowhere"),
      await http.call("PUT", "/users"),
      await http.post("/users", { ...body, givenName: "x".repeat(2000) }),
      await http.get("/roles?limit=x"),
      await http.get("/roles/none"),
      await call(limited, "GET", "/users"),
      await call(limited, "GET", "/users")
    ]
    const statuses = replies.map((reply) => reply.status)
    expect(statuses.slice(0, -1)).toEqual([400, 400, 400, 404, 404, 404, 401, 403, 404, 405, 413, 400, 404, 503])
    expect([500, 502, 503, 504]).toContain(statuses.at(-1))
    // 429 with Retry-After is produced, and checked the same way, in Faults.test.ts.
  })

  it("holds for the quirks the live API is known for: null and empty last logins, absent status, unknown role", async () => {
    const users = pageOf(await http.get("/users?include-deactivated=true")).results
    expect(users.map((user) => user.lastLoggedInAt)).toEqual(["2025-01-01T00:00:00.123456789Z", null, ""])
    expect(users[1]).not.toHaveProperty("status")
    expect(users[2]?.role).toEqual({ name: "Gone" })
  })

  it("would catch a drift: missing fields, wrong types, extra fields, a null next, a page not sent as JSON", () => {
    const validator = makeResponseValidator()
    const user = {
      id: "x",
      email: "e@example.com",
      givenName: "G",
      familyName: "F",
      role: { name: "Admin" },
      enabled: true
    }
    expect(validator.problems("get", "/users/{id}", 200, user)).toEqual([])
    const { email: _email, ...noEmail } = user
    expect(validator.problems("get", "/users/{id}", 200, noEmail)).not.toEqual([])
    expect(validator.problems("get", "/users/{id}", 200, { ...user, enabled: "true" })).not.toEqual([])
    expect(validator.problems("get", "/users/{id}", 200, { ...user, createdAt: 5 })).not.toEqual([])
    expect(validator.problems("get", "/users/{id}", 200, { ...user, role: { name: "Admin", level: 1 } })).not.toEqual(
      []
    )
    expect(validator.problems("get", "/users", 200, { results: [user], next: null })).not.toEqual([])
    expect(validator.problems("get", "/users/{id}", 404, { _tag: "NotFoundError", message: "m" })).not.toEqual([])
    expect(validator.problems("get", "/users/{id}", 404, { error: "not found" })).not.toEqual([])
    const html: Reply = {
      status: 502,
      headers: new Headers({ "content-type": "text/html" }),
      text: "<html>",
      body: undefined
    }
    expect(conformanceProblems("GET", "/users", html)).not.toEqual([])
    const page = { results: [user] }
    const pageAs = (contentType: string): Reply => ({
      status: 200,
      headers: new Headers({ "content-type": contentType }),
      text: JSON.stringify(page),
      body: page
    })
    expect(conformanceProblems("GET", "/users", pageAs("application/json"))).toEqual([])
    expect(conformanceProblems("GET", "/users", pageAs("text/plain"))).toEqual(["content-type text/plain"])
  })
})
