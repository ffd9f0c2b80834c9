import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { WireUser } from "../../src/Simulator/WireUser.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { httpFor, listAll, messageOf, pageOf, userOf } from "./SimulatorHttp.js"

const role = { name: "Analyst" }
const person = (id: string, email: string, givenName: string, familyName: string, extra: Partial<WireUser> = {}) => ({
  id,
  email,
  givenName,
  familyName,
  role,
  enabled: true,
  status: "CONFIRMED",
  ...extra
})

/** A small, hand-made directory, so every filter's expected answer can be written down. */
const DATA: ReadonlyArray<WireUser> = [
  person("u1", "ada.lovelace@example.com", "Ada", "Lovelace"),
  person("u2", "jose.garcia@example.com", "José", "García", { status: "EXTERNAL_PROVIDER" }),
  person("u3", "minjun.kim@example.com", "민준", "김"),
  person("u4", "Grace.Hopper@Example.com", "Grace", "Hopper", { enabled: false }),
  person("u5", "olga.ivanova@example.com", "Ольга", "Иванова", { status: "FORCE_CHANGE_PASSWORD" }),
  person("u6", "taro.sato@example.com", "太郎", "佐藤", { status: "COMPROMISED", enabled: false }),
  person("u7", "eleni.georgiou@example.com", "Ελένη", "Γεωργίου", { status: "EXTERNAL_PROVIDER" }),
  person("u8", "ada.byron@example.com", "Ada", "Byron", { status: "RESET_REQUIRED" })
]
const ENABLED = DATA.filter((user) => user.enabled).map((user) => user.id)

let sim: StartedSimulator
let http: ReturnType<typeof httpFor>

beforeAll(async () => {
  sim = await startSimulator({ data: DATA })
  http = httpFor(sim)
})
afterAll(() => sim.close())

const ids = async (query: string) => pageOf(await http.get(`/users?${query}`)).results.map((user) => user.id)

describe("GET /users parameters", () => {
  it("lists enabled users in creation order by default, with no next on the last page", async () => {
    const page = pageOf(await http.get("/users"))
    expect(page.results.map((user) => user.id)).toEqual(ENABLED)
    expect(page).not.toHaveProperty("next")
  })

  it("include-deactivated=true adds deactivated users in their place; false and empty leave them out", async () => {
    expect(await ids("include-deactivated=true")).toEqual(DATA.map((user) => user.id))
    expect(await ids("include-deactivated=TRUE")).toEqual(DATA.map((user) => user.id))
    expect(await ids("include-deactivated=false")).toEqual(ENABLED)
    expect(await ids("include-deactivated=")).toEqual(ENABLED)
    const bad = await http.get("/users?include-deactivated=yes")
    expect(bad.status).toBe(400)
    expect(messageOf(bad)).toContain("include-deactivated")
  })

  it("limit: default 60, 1..60 accepted, anything else a 400 naming limit", async () => {
    const big = await startSimulator({ users: 70, seed: 2 })
    try {
      const bigHttp = httpFor(big)
      expect(pageOf(await bigHttp.get("/users?include-deactivated=true")).results).toHaveLength(60)
      expect(pageOf(await bigHttp.get("/users?include-deactivated=true&limit=")).results).toHaveLength(60)
      expect(pageOf(await bigHttp.get("/users?include-deactivated=true&limit=60")).results).toHaveLength(60)
      expect(pageOf(await bigHttp.get("/users?limit=1")).results).toHaveLength(1)
      for (const bad of ["0", "61", "-1", "abc", "1.5", "1e1", "99999999999"]) {
        const reply = await bigHttp.get(`/users?limit=${bad}`)
        expect(reply.status, bad).toBe(400)
        expect(messageOf(reply)).toContain("limit")
      }
    } finally {
      await big.close()
    }
  })

  it("contains matches given name, family name and email, case-insensitively, in any script", async () => {
    expect(await ids("contains=ada")).toEqual(["u1", "u8"])
    expect(await ids("contains=LOVELACE")).toEqual(["u1"])
    expect(await ids("contains=garcía")).toEqual(["u2"])
    expect(await ids("contains=%EB%AF%BC%EC%A4%80")).toEqual(["u3"]) // 민준
    expect(await ids("contains=%CE%B5%CE%BB%CE%AD%CE%BD%CE%B7")).toEqual(["u7"]) // ελένη, lower case
    expect(await ids("contains=ada%20byron")).toEqual(["u8"])
    // The name and the email are searched apart: no match spans the end of one and the start of the other.
    expect(await ids("contains=byron")).toEqual(["u8"])
    expect(await ids("contains=byron%00ada.byron")).toEqual([])
    expect(await ids("contains=grace.hopper%40example&include-deactivated=true")).toEqual(["u4"])
    expect(await ids("contains=example.com")).toEqual(ENABLED)
    expect(await ids("contains=nobody")).toEqual([])
    expect(await ids("contains=")).toEqual(ENABLED)
  })

  it("contains finds a name whatever Unicode form the search arrives in", async () => {
    // "García" decomposed (NFD: "i" and a combining acute), as macOS file names and some keyboards send it.
    expect(await ids("contains=garci%CC%81a")).toEqual(["u2"])
    expect(await ids(`contains=${encodeURIComponent("JOSÉ".normalize("NFD"))}`)).toEqual(["u2"])
  })

  it("status filters by the exact Cognito status", async () => {
    expect(await ids("status=EXTERNAL_PROVIDER")).toEqual(["u2", "u7"])
    expect(await ids("status=COMPROMISED")).toEqual([])
    expect(await ids("status=COMPROMISED&include-deactivated=true")).toEqual(["u6"])
    expect(await ids("status=")).toEqual(ENABLED)
    // Exact means case too: Cognito's statuses are upper case, and a lower-cased one matches nobody.
    expect(await ids("status=external_provider")).toEqual([])
  })

  it("id repeats, ids is comma-separated, both combine, and other filters still apply", async () => {
    expect(await ids("id=u3&id=u1")).toEqual(["u1", "u3"])
    expect(await ids("ids=u5,u2")).toEqual(["u2", "u5"])
    expect(await ids("ids=u5,%20u2%20,,")).toEqual(["u2", "u5"])
    expect(await ids("id=u1&ids=u2,u1")).toEqual(["u1", "u2"])
    expect(await ids("id=u4")).toEqual([])
    expect(await ids("id=u4&include-deactivated=true")).toEqual(["u4"])
    expect(await ids("ids=u1,u2,u7&status=EXTERNAL_PROVIDER")).toEqual(["u2", "u7"])
    expect(await ids("id=missing")).toEqual([])
    expect(await ids("id=&ids=")).toEqual(ENABLED)
  })

  it("email is an exact match that makes every other parameter ignored", async () => {
    expect(await ids("email=ada.lovelace%40example.com")).toEqual(["u1"])
    // Deactivated, with a bad limit, a foreign cursor and a contradicting filter: all ignored.
    expect(await ids("email=Grace.Hopper%40Example.com&limit=0&cursor=junk&status=CONFIRMED&contains=zzz")).toEqual([
      "u4"
    ])
    expect(await ids("email=grace.hopper%40example.com")).toEqual([])
    expect(await ids("email=nobody%40example.com")).toEqual([])
    expect(await ids("email=&limit=2")).toEqual(ENABLED.slice(0, 2))
  })

  it("email makes other parameters ignored even when they are repeated", async () => {
    expect(
      await ids(
        "email=ada.lovelace%40example.com&limit=1&limit=2&cursor=a&cursor=b&include-deactivated=x&status=A&status=B"
      )
    ).toEqual(["u1"])
    // Without email, a repeated parameter is still refused, and so is email itself given twice.
    expect((await http.get("/users?limit=1&limit=2")).status).toBe(400)
    const twice = await http.get("/users?email=ada.lovelace%40example.com&email=ada.byron%40example.com")
    expect(twice.status).toBe(400)
    expect(messageOf(twice)).toBe("parameter email may be given only once")
  })

  it("empty values of every parameter count as not given", async () => {
    expect(await ids("cursor=&limit=&contains=&email=&id=&ids=&include-deactivated=&status=")).toEqual(ENABLED)
  })
})

describe("cursors", () => {
  const firstPage = async (query = "limit=2") => pageOf(await http.get(`/users?${query}`))

  it("are opaque base64 holding +, / and =, so they only work URL-encoded", async () => {
    const { next } = await firstPage()
    expect(next).toMatch(/\+/)
    expect(next).toMatch(/\//)
    expect(next).toMatch(/=$/)
    const encoded = pageOf(await http.get(`/users?limit=2&cursor=${encodeURIComponent(next ?? "")}`))
    expect(encoded.results.map((user) => user.id)).toEqual(ENABLED.slice(2, 4))
    // Unencoded, "+" arrives as a space: refused, never misread.
    const raw = await http.get(`/users?limit=2&cursor=${next}`)
    expect(raw.status).toBe(400)
    expect(messageOf(raw)).toContain("cursor")
  })

  it("refuse garbled, forged, foreign and other-query cursors with a 400", async () => {
    const { next } = await firstPage()
    const token = next ?? ""
    const flipped = `${token.slice(0, 10)}${token[10] === "A" ? "B" : "A"}${token.slice(11)}`
    const other = await startSimulator({ data: DATA })
    let foreign: string | undefined
    try {
      foreign = pageOf(await httpFor(other).get("/users?limit=2")).next
    } finally {
      await other.close()
    }
    for (const bad of ["junk", "++//", flipped, token.slice(0, -4), `${token}AAAA`, foreign ?? ""]) {
      const reply = await http.get(`/users?limit=2&cursor=${encodeURIComponent(bad)}`)
      expect(reply.status, bad).toBe(400)
      expect(messageOf(reply)).toContain("cursor is not valid")
    }
    // A cursor of this run's GET /roles is named as such, not taken for a forgery.
    const rolesNext = (await http.get("/roles?limit=1")).body as { readonly next?: string }
    const rolesCursor = await http.get(`/users?limit=2&cursor=${encodeURIComponent(rolesNext.next ?? "")}`)
    expect(rolesCursor.status).toBe(400)
    expect(messageOf(rolesCursor)).toContain("cursor was issued by another list than GET /users")
    for (const filter of ["status=CONFIRMED", "contains=example"]) {
      const otherQuery = await http.get(`/users?limit=2&${filter}&cursor=${encodeURIComponent(token)}`)
      expect(otherQuery.status, filter).toBe(400)
      expect(messageOf(otherQuery)).toContain("different query")
    }
  })

  it("are bound to include-deactivated, which changes the set being paged", async () => {
    const { next } = await firstPage("limit=2&include-deactivated=true")
    const cursor = encodeURIComponent(next ?? "")
    for (const query of [`limit=2&cursor=${cursor}`, `limit=2&include-deactivated=false&cursor=${cursor}`]) {
      const reply = await http.get(`/users?${query}`)
      expect(reply.status, query).toBe(400)
      expect(messageOf(reply)).toContain("different query")
    }
    // Spelled another way, the same value is the same query.
    const same = pageOf(await http.get(`/users?limit=2&include-deactivated=TRUE&cursor=${cursor}`))
    expect(same.results.map((user) => user.id)).toEqual(DATA.slice(2, 4).map((user) => user.id))
  })

  it("are bound to the ids asked for, however they are spelled", async () => {
    // A client asking for many ids in parts must page each part with its own cursors: one carried over to the next
    // part would return that part's users after the wrong position, some of them never.
    const { next } = await firstPage("limit=1&ids=u1,u3,u5")
    const cursor = encodeURIComponent(next ?? "")
    const otherIds = await http.get(`/users?limit=1&ids=u1,u7,u8&cursor=${cursor}`)
    expect(otherIds.status).toBe(400)
    expect(messageOf(otherIds)).toContain("different query")
    // The same ids, in another order or as repeated `id`, are the same query.
    const same = pageOf(await http.get(`/users?limit=1&id=u5&id=u3&ids=u1&cursor=${cursor}`))
    expect(same.results.map((user) => user.id)).toEqual(["u3"])
  })

  it("stay valid when the page size changes between pages", async () => {
    const { next } = await firstPage()
    const rest = pageOf(await http.get(`/users?limit=60&cursor=${encodeURIComponent(next ?? "")}`))
    expect(rest.results.map((user) => user.id)).toEqual(ENABLED.slice(2))
  })
})

describe("paging while users change", () => {
  it("returns every user present throughout exactly once when users are created and deleted between pages", async () => {
    const own = await startSimulator({ users: 150, seed: 11 })
    try {
      const ownHttp = httpFor(own)
      const everyone = (await listAll(own, { "include-deactivated": "true" })).users
      const seen: Array<string> = []
      let cursor: string | undefined
      let round = 0
      const deleted = new Set<string>()
      do {
        const query = `include-deactivated=true&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`
        const page = pageOf(await ownHttp.get(`/users?${query}`))
        seen.push(...page.results.map((user) => user.id))
        cursor = page.next
        // Between pages: delete one user already seen, one not yet seen, and the last one returned (the cursor's own
        // position), and create a new one, which sorts last.
        const last = page.results.at(-1)
        const ahead = everyone[seen.length + 5]
        for (const victim of [page.results[0], ahead, last]) {
          if (victim !== undefined && !deleted.has(victim.id) && victim.role.name !== "Admin") {
            expect((await ownHttp.del(`/users/${victim.id}`)).status).toBe(200)
            deleted.add(victim.id)
          }
        }
        userOf(
          await ownHttp.post("/users", {
            email: `paging.${round}@example.com`,
            givenName: "New",
            familyName: `Round ${round}`,
            role: { name: "Analyst" }
          })
        )
        round++
      } while (cursor !== undefined)
      expect(new Set(seen).size).toBe(seen.length)
      const stayed = everyone.filter((user) => !deleted.has(user.id)).map((user) => user.id)
      for (const id of stayed) expect(seen).toContain(id)
      // Users created while paging appear at the end, in order.
      const created = seen.filter((id) => !everyone.some((user) => user.id === id))
      expect(created.length).toBeGreaterThan(0)
    } finally {
      await own.close()
    }
  })
})
