/**
 * A client that follows no rules, with a fixed seed: creates, updates and deletes (good bodies, broken ones, odd
 * text, emails in another case), lists with malformed, repeated and forged parameters, and walks several cursors
 * while all that goes on, with requests node:http sends as they are (any method, `;` and `#` in paths, chunked
 * bodies, no key). After every answer: no 5xx, an answer at all, and a body the OpenAPI document allows for its
 * status (`conformanceProblems`). Along the way and at the end: a cursor walk neither skips nor repeats a user not
 * changed meanwhile, emails stay unique case-insensitively, every user this client made reads back as it was
 * answered, and an active password-based Admin remains. A failure names the seed and the request, to replay it.
 */
import { request } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { seededRandom } from "../support/seededRandom.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { conformanceProblems, type Reply, type WireUserShape } from "./SimulatorHttp.js"

const SEED = 20_251_201
const STEPS = 700
const NOW = new Date("2025-06-30T12:00:00Z")
const ROLE_NAMES = ["Analyst", "AnalystReadOnly", "Helpdesk", "Detection Engineer", "Auditor", "SOC Tier 1"]
const ODD_TEXT = ["\u0000", "\u202e", "\u200b", "\ufeff", "é", "e\u0301", "İ", "ß", "😀", "\t", "%", "+", "&", "#", '"']

let sim: StartedSimulator

beforeAll(async () => {
  sim = await startSimulator({ users: 60, seed: 5, now: NOW })
})
afterAll(() => sim.close())

interface Sent {
  readonly method: string
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Buffer
  readonly chunked?: boolean
}

/** One request sent as written (node:http keeps `#` and `;` in a path, which fetch would cut or refuse). */
const send = (sent: Sent): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const url = new URL(sim.baseUrl)
    const headers: Record<string, string> = { ...sent.headers }
    if (sent.body !== undefined && sent.chunked !== true)
      headers["content-length"] = String(Buffer.byteLength(sent.body))
    const req = request({ host: url.hostname, port: url.port, method: sent.method, path: sent.path, headers })
    req.setTimeout(5_000, () => req.destroy(new Error("no answer within 5 s")))
    req.on("response", (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8")
        const responseHeaders = new Headers()
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === "string") responseHeaders.set(name, value)
        }
        let body: unknown
        try {
          body = text === "" ? undefined : JSON.parse(text)
        } catch {
          body = text
        }
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, body })
      })
    })
    req.on("error", reject)
    if (sent.body !== undefined) {
      if (sent.chunked === true) {
        const bytes = Buffer.from(sent.body)
        for (let at = 0; at < bytes.length; at += 7) req.write(bytes.subarray(at, at + 7))
      } else req.write(sent.body)
    }
    req.end()
  })

describe(`the simulator against a client that follows no rules (seed ${SEED})`, () => {
  it("keeps every answer within the spec and every listing whole", { timeout: 60_000 }, async () => {
    const random = seededRandom(SEED)
    const chance = (share: number) => random(1000) < share * 1000
    const pick = <A>(items: ReadonlyArray<A>): A => {
      const item = items[random(items.length)]
      if (item === undefined) throw new Error("pick from an empty list")
      return item
    }
    const oddText = () =>
      Array.from({ length: 1 + random(6) }, () => (chance(0.5) ? pick(ODD_TEXT) : String.fromCharCode(97 + random(26))))
        .join("")
        .trim() || "x"

    /** Whether a JSON value holds a string with half of a surrogate pair, which no UTF-8 store can give back. */
    const holdsLoneSurrogate = (value: unknown): boolean =>
      typeof value === "string"
        ? /\p{Cs}/u.test(value)
        : typeof value === "object" && value !== null && Object.values(value).some(holdsLoneSurrogate)

    const log: Array<string> = []
    const exchange = async (sent: Sent): Promise<Reply> => {
      const reply = await send(sent)
      const what = `${sent.method} ${sent.path} -> ${reply.status} ${reply.text.slice(0, 300)}`
      log.push(what)
      expect(reply.status, `seed ${SEED}, step ${log.length}: ${what}`).toBeLessThan(500)
      if (sent.method !== "HEAD") {
        expect(conformanceProblems(sent.method, sent.path, reply), `seed ${SEED}: ${what}`).toEqual([])
      }
      expect(holdsLoneSurrogate(reply.body), `seed ${SEED}: ${what}`).toBe(false)
      for (const key of [sim.readToken, sim.adminToken]) {
        expect(reply.text.toLowerCase(), `seed ${SEED}: ${what}`).not.toContain(key.toLowerCase())
      }
      return reply
    }
    const read = { "x-api-key": sim.readToken }
    const admin = { "x-api-key": sim.adminToken, "content-type": "application/json" }

    /** Every user matching a query, page by page, with nothing changing in between. */
    const listAll = async (query: Readonly<Record<string, string>>): Promise<ReadonlyArray<WireUserShape>> => {
      const users: Array<WireUserShape> = []
      let cursor: string | undefined
      do {
        const params = new URLSearchParams(query)
        if (cursor !== undefined) params.set("cursor", cursor)
        const reply = await exchange({ method: "GET", path: `/users?${params}`, headers: read })
        expect(reply.status, reply.text).toBe(200)
        const page = reply.body as { results: ReadonlyArray<WireUserShape>; next?: string } // checked by `exchange`
        users.push(...page.results)
        cursor = page.next
      } while (cursor !== undefined)
      return users
    }

    const mine = new Map<string, WireUserShape>()
    const others = new Map<string, WireUserShape>(
      (await listAll({ "include-deactivated": "true" })).map((u) => [u.id, u])
    )
    let emails = 0
    const freshEmail = () => `${pick(["fz", "Fz", "FZ"])}.${++emails}@${pick(["example.com", "EXAMPLE.com"])}`

    interface Walk {
      readonly query: Readonly<Record<string, string>>
      readonly before: ReadonlyArray<WireUserShape>
      readonly changed: Set<string>
      readonly seen: Array<string>
      cursor: string | undefined
    }
    const walks: Array<Walk> = []
    const changedNow = (id: string) => {
      for (const walk of walks) walk.changed.add(id)
    }

    const body = (email: string): Record<string, unknown> => ({
      email,
      givenName: chance(0.7) ? `G${random(1000)}` : oddText(),
      familyName: chance(0.7) ? `F${random(1000)}` : oddText(),
      role: chance(0.8) ? { name: pick(ROLE_NAMES) } : { id: pick([...others.values()]).role.id }
    })
    const spoil = (good: Record<string, unknown>): Record<string, unknown> => {
      const field = pick(["email", "givenName", "familyName", "role"])
      switch (random(6)) {
        case 0: {
          const { [field]: _left, ...rest } = good
          return rest
        }
        case 1:
          return { ...good, [field]: pick<unknown>([null, 7, true, [], {}, "", "  ", "x".repeat(300)]) }
        case 2:
          return { ...good, id: "forged", enabled: false, status: "CONFIRMED", extra: { deep: [[[]]] } }
        case 3:
          return { ...good, role: pick<unknown>([{}, "Admin", { id: "x", name: "Admin" }, { name: "analyst" }]) }
        case 4:
          return { ...good, givenName: "half \ud800 pair" }
        default:
          return { ...good, email: pick(["no-at", "a@b", "a b@c.co", "@b.co", `${"x".repeat(250)}@e.co`]) }
      }
    }

    const create = async () => {
      const taken = [...mine.values(), ...others.values()]
      const email =
        chance(0.15) && taken.length > 0
          ? pick(taken).email[chance(0.5) ? "toUpperCase" : "toLowerCase"]()
          : freshEmail()
      const good = body(email)
      const sentAs = random(100)
      const payload =
        sentAs < 8
          ? pick(["", "null", "[]", "{", "\ufeff{}", '{"email":"a@b.co"}x', "x".repeat(70_000)])
          : sentAs < 13
            ? Buffer.from(JSON.stringify({ ...good, givenName: "Zoë" }), "latin1")
            : JSON.stringify(sentAs < 40 ? spoil(good) : good)
      const reply = await exchange({
        method: "POST",
        path: "/users",
        headers: admin,
        body: payload,
        chunked: chance(0.2)
      })
      if (reply.status !== 200) return
      const user = reply.body as WireUserShape // checked by `exchange`
      if (sentAs >= 40) {
        // As sent, space around the text aside.
        expect([user.email, user.givenName, user.familyName]).toEqual(
          [good.email, good.givenName, good.familyName].map((text) => String(text).trim())
        )
      }
      expect(user.givenName, `seed ${SEED}: a body not in UTF-8 was read`).not.toContain("\ufffd")
      expect(user.status).toBe("FORCE_CHANGE_PASSWORD")
      expect(user.id).not.toBe("forged")
      mine.set(user.id, user)
      changedNow(user.id)
    }

    const update = async () => {
      const pool = chance(0.3) ? [...others.values()] : [...mine.values()]
      const target = pool.length > 0 && chance(0.9) ? pick(pool) : undefined
      const id = target?.id ?? pick(["nope", "%20", "x".repeat(300), "a;b", sim.adminToken])
      const taken = [...mine.values(), ...others.values()]
      const email =
        target !== undefined && chance(0.3)
          ? target.email.toUpperCase()
          : chance(0.15)
            ? pick(taken).email.toUpperCase()
            : freshEmail()
      const good = body(email)
      if (target?.role.name === "Admin" && chance(0.5)) good.role = { name: pick(ROLE_NAMES) }
      const reply = await exchange({
        method: "POST",
        path: `/users/${target === undefined ? id : encodeURIComponent(id)}`,
        headers: admin,
        body: JSON.stringify(chance(0.2) ? spoil(good) : good),
        chunked: chance(0.2)
      })
      if (target === undefined) {
        expect(reply.status, reply.text).not.toBe(200)
        return
      }
      expect(reply.status, reply.text).not.toBe(404)
      if (reply.status !== 200) return
      const user = reply.body as WireUserShape // checked by `exchange`
      expect({ ...user, email: target.email, givenName: "", familyName: "", role: {} }).toEqual({
        ...target,
        givenName: "",
        familyName: "",
        role: {}
      })
      ;(mine.has(user.id) ? mine : others).set(user.id, user)
      changedNow(user.id)
    }

    const remove = async () => {
      const pool = chance(0.25) ? [...others.values()] : [...mine.values()]
      const target = pool.length > 0 && chance(0.9) ? pick(pool) : undefined
      // A ";" or "#" after the id is part of it, as on the live API: no such user, and nobody deleted.
      const suffix = chance(0.1) ? pick([";x", "#x"]) : ""
      const path = `/users/${target?.id ?? pick(["nope", "x".repeat(200), sim.readToken])}${suffix}`
      const reply = await exchange({ method: "DELETE", path, headers: admin })
      if (target === undefined || suffix !== "") {
        expect(reply.status, `seed ${SEED}: DELETE ${path}`).toBe(404)
        return
      }
      if (reply.status !== 200) return
      mine.delete(target.id)
      others.delete(target.id)
      changedNow(target.id)
      expect((await exchange({ method: "GET", path: `/users/${target.id}`, headers: read })).status).toBe(404)
    }

    const oddList = async () => {
      const values: Readonly<Record<string, ReadonlyArray<string>>> = {
        limit: ["0", "1", "60", "61", "-1", "1.5", "1e1", "%205", "abc", "99999999999", ""],
        "include-deactivated": ["true", "false", "TRUE", "1", "yes", ""],
        status: ["CONFIRMED", "FORCE_CHANGE_PASSWORD", "confirmed", ""],
        contains: ["a", "É", "e%CC%81", "%00", "%ED%A0%80", "%ZZ", ""],
        email: ["nope@example.com", "", "%"],
        ids: [",", "%20,%20", "x"],
        id: ["x", ""],
        cursor: ["", "abc", "++//", "%2B%2B%2F%2F", "A".repeat(200)],
        unknown: ["1", ""]
      }
      const names = Object.keys(values)
      const parts = Array.from({ length: random(5) }, () => {
        const name = pick(names)
        return `${name}=${pick(values[name] ?? [""])}`
      })
      const key = pick([sim.readToken, sim.adminToken, sim.readToken.toUpperCase(), "nope", ""])
      await exchange({
        method: "GET",
        path: `/users?${parts.join("&")}`,
        headers: key === "" ? {} : { "x-api-key": key }
      })
    }

    const oddRequest = async () => {
      const method = pick(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"])
      const path = pick([
        "/",
        "/users/",
        "/users/x/y",
        "/Users",
        "//users",
        "/users;x",
        "/users#x",
        "/roles;x",
        "/users%2Fx"
      ])
      const withBody = method === "POST" || method === "PUT" || method === "PATCH"
      await exchange({
        method,
        path,
        headers: chance(0.8) ? admin : {},
        ...(withBody ? { body: JSON.stringify(body(freshEmail())) } : {})
      })
    }

    const step = async () => {
      const walk = walks[random(walks.length)]
      if (walk === undefined) return
      const params = new URLSearchParams(walk.query)
      params.set("limit", String(1 + random(20)))
      if (walk.cursor !== undefined) params.set("cursor", walk.cursor)
      const reply = await exchange({ method: "GET", path: `/users?${params}`, headers: read })
      expect(reply.status, reply.text).toBe(200)
      const page = reply.body as { results: ReadonlyArray<WireUserShape>; next?: string } // checked by `exchange`
      walk.seen.push(...page.results.map((user) => user.id))
      walk.cursor = page.next
      if (walk.cursor !== undefined) return
      walks.splice(walks.indexOf(walk), 1)
      const after = new Set((await listAll(walk.query)).map((user) => user.id))
      const what = `seed ${SEED}, walk over ${JSON.stringify(walk.query)}`
      expect(walk.seen.length, `${what} repeated a user`).toBe(new Set(walk.seen).size)
      const known = new Set(walk.before.map((user) => user.id))
      expect(
        walk.seen.filter((id) => !known.has(id) && !walk.changed.has(id)),
        `${what} listed users it could not have`
      ).toEqual([])
      const unchanged = walk.before.filter((user) => !walk.changed.has(user.id) && after.has(user.id))
      expect(
        unchanged.filter((user) => !walk.seen.includes(user.id)).map((user) => user.id),
        `${what} skipped users`
      ).toEqual([])
    }

    const checkState = async () => {
      const all = await listAll({ "include-deactivated": "true" })
      const folded = all.map((user) => user.email.toLowerCase())
      expect(folded.length, `seed ${SEED}: emails are not unique`).toBe(new Set(folded).size)
      const byId = new Map(all.map((user) => [user.id, user]))
      for (const user of [...mine.values(), ...others.values()]) expect(byId.get(user.id)).toEqual(user)
      expect(
        all.filter((u) => u.enabled && u.role.name === "Admin" && u.status === "CONFIRMED").length
      ).toBeGreaterThan(0)
    }

    for (let index = 0; index < STEPS; index++) {
      const roll = random(100)
      if (roll < 20) await create()
      else if (roll < 32) await update()
      else if (roll < 40) await remove()
      else if (roll < 58) await oddList()
      else if (roll < 66) await oddRequest()
      else if (roll < 70 && walks.length < 4) {
        const query = pick([{}, { "include-deactivated": "true" }, { contains: "a" }, { status: "CONFIRMED" }])
        walks.push({ query, before: await listAll(query), changed: new Set(), seen: [], cursor: undefined })
        await step()
      } else await step()
      if (index % 100 === 99) await checkState()
    }
    while (walks.length > 0) await step()
    await checkState()
  })
})
