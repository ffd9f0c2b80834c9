import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ALL_PERMISSIONS } from "../../src/PantherApi/Permissions.js"
import type { RoleWithPermissions } from "../../src/PantherApi/Schemas.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { httpFor, messageOf, type Reply } from "./SimulatorHttp.js"

const NOW = new Date("2025-06-30T12:00:00Z")
let sim: StartedSimulator
let http: ReturnType<typeof httpFor>

beforeAll(async () => {
  sim = await startSimulator({ users: 5, now: NOW })
  http = httpFor(sim)
})
afterAll(() => sim.close())

interface RolePage {
  readonly results: ReadonlyArray<RoleWithPermissions>
  readonly next?: string
}
const rolesOf = (reply: Reply): RolePage => {
  expect(reply.status, reply.text).toBe(200)
  return reply.body as RolePage // shape verified by `call` against RoleListResp
}
const names = async (query: string) => rolesOf(await http.get(`/roles?${query}`)).results.map((role) => role.name)

describe("GET /roles", () => {
  it("lists the default roles and the custom ones, by name, with their permissions and dates", async () => {
    const { results, next } = rolesOf(await http.get("/roles"))
    expect(next).toBeUndefined()
    expect(results.map((role) => role.name)).toEqual([
      "Admin",
      "Analyst",
      "AnalystReadOnly",
      "Auditor",
      "Detection Engineer",
      "Helpdesk",
      "SOC Tier 1"
    ])
    const byName = new Map(results.map((role) => [role.name, role]))
    expect([...(byName.get("Admin")?.permissions ?? [])].sort()).toEqual([...ALL_PERMISSIONS].sort())
    expect(byName.get("Helpdesk")?.permissions).toContain("UserModify")
    expect(byName.get("AnalystReadOnly")?.permissions.every((p) => p.endsWith("Read"))).toBe(true)
    expect(byName.get("Auditor")?.permissions).not.toContain("UserModify")
    expect(byName.get("SOC Tier 1")).toMatchObject({ logTypeAccessKind: "ALLOW", logTypeAccess: expect.any(Array) })
    for (const role of results) {
      expect(role.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(Date.parse(role.createdAt ?? "")).toBeLessThanOrEqual(Date.parse(role.updatedAt ?? ""))
      expect(Date.parse(role.updatedAt ?? "")).toBeLessThanOrEqual(NOW.getTime())
    }
  })

  it("filters by name-contains, name, id and ids, and orders with sort-dir", async () => {
    expect(await names("name-contains=analyst")).toEqual(["Analyst", "AnalystReadOnly"])
    expect(await names("name=Analyst")).toEqual(["Analyst"])
    expect(await names("name=analyst")).toEqual([])
    const all = rolesOf(await http.get("/roles")).results
    const helpdesk = all.find((role) => role.name === "Helpdesk")
    const admin = all.find((role) => role.name === "Admin")
    expect(await names(`id=${helpdesk?.id}`)).toEqual(["Helpdesk"])
    expect(await names(`ids=${helpdesk?.id},${admin?.id}`)).toEqual(["Admin", "Helpdesk"])
    expect(await names(`id=${helpdesk?.id}&id=${admin?.id}&sort-dir=desc`)).toEqual(["Helpdesk", "Admin"])
    expect(await names("sort-dir=desc")).toEqual(all.map((role) => role.name).reverse())
    expect(await names("name-contains=&name=&id=&ids=&sort-dir=")).toEqual(all.map((role) => role.name))
    const bad = await http.get("/roles?sort-dir=sideways")
    expect(bad.status).toBe(400)
    expect(messageOf(bad)).toContain("sort-dir")
  })

  it("answers name with that role alone, every other parameter ignored, malformed ones too, as Panther's does", async () => {
    const all = rolesOf(await http.get("/roles")).results
    const helpdesk = all.find((role) => role.name === "Helpdesk")
    // Each of these would select nothing, or be a 400, without the name.
    expect(await names("name=Analyst&name-contains=zzz")).toEqual(["Analyst"])
    expect(await names(`name=Analyst&ids=${helpdesk?.id}`)).toEqual(["Analyst"])
    expect(await names("name=Analyst&sort-dir=sideways&limit=0&cursor=not-a-cursor")).toEqual(["Analyst"])
    const page = rolesOf(await http.get("/roles?name=Analyst&limit=0"))
    expect(page.next).toBeUndefined()
    expect(await names("name=analyst&name-contains=analyst")).toEqual([])
  })

  it("answers name with that role alone when other parameters are repeated, as GET /users does with email", async () => {
    expect(
      await names(
        "name=Analyst&limit=1&limit=2&cursor=a&cursor=b&sort-dir=asc&sort-dir=desc&name-contains=a&name-contains=b"
      )
    ).toEqual(["Analyst"])
    // Without name, a repeated parameter is still refused, and so is name itself given twice.
    const repeated = await http.get("/roles?sort-dir=asc&sort-dir=desc")
    expect(repeated.status).toBe(400)
    expect(messageOf(repeated)).toBe("parameter sort-dir may be given only once")
    const twice = await http.get("/roles?name=Analyst&name=Admin")
    expect(twice.status).toBe(400)
    expect(messageOf(twice)).toBe("parameter name may be given only once")
  })

  it("pages with limit and an opaque cursor", async () => {
    const first = rolesOf(await http.get("/roles?limit=3&sort-dir=desc"))
    expect(first.results).toHaveLength(3)
    const second = rolesOf(
      await http.get(`/roles?limit=3&sort-dir=desc&cursor=${encodeURIComponent(first.next ?? "")}`)
    )
    const third = rolesOf(
      await http.get(`/roles?limit=3&sort-dir=desc&cursor=${encodeURIComponent(second.next ?? "")}`)
    )
    expect(third.next).toBeUndefined()
    expect([...first.results, ...second.results, ...third.results].map((role) => role.name)).toEqual(
      await names("sort-dir=desc")
    )
    expect((await http.get("/roles?limit=61")).status).toBe(400)
    // A users cursor is not a roles cursor, and a cursor is bound to its sort order.
    const usersNext = (await http.get("/users?limit=1")).body as { next?: string }
    const usersCursor = await http.get(`/roles?cursor=${encodeURIComponent(usersNext.next ?? "")}`)
    expect(usersCursor.status).toBe(400)
    expect(messageOf(usersCursor)).toBe(
      "cursor was issued by another list than GET /roles: page GET /roles with the next of its own answers"
    )
    expect((await http.get(`/roles?limit=3&cursor=${encodeURIComponent(first.next ?? "")}`)).status).toBe(400)
  })
})

describe("GET /roles/{id}", () => {
  it("returns one role, and 404 with a message for an unknown id", async () => {
    const helpdesk = rolesOf(await http.get("/roles?name=Helpdesk")).results[0]
    const one = await http.get(`/roles/${helpdesk?.id}`)
    expect(one.status).toBe(200)
    expect(one.body).toEqual(helpdesk)
    const missing = await http.get("/roles/not-a-role")
    expect(missing.status).toBe(404)
    expect(messageOf(missing)).toContain("no role")
  })
})
