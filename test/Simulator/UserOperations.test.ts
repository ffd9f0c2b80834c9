import { request } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { revealsSecret, WITHHELD } from "../../src/Cli/Redact.js"
import { DEFAULT_ADMIN_TOKEN, DEFAULT_READ_TOKEN } from "../../src/Simulator/Tokens.js"
import type { WireUser } from "../../src/Simulator/WireUser.js"
import { rawAnswer } from "../support/rawAnswer.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { httpFor, listAll, messageOf, pageOf, userOf } from "./SimulatorHttp.js"

const NOW = new Date("2025-06-30T12:00:00Z")
const ADMIN_ROLE_ID = "3f0b5a7e-1c2d-4e8f-9a6b-0d1e2f3a4b5c"

let sim: StartedSimulator
let http: ReturnType<typeof httpFor>

beforeAll(async () => {
  sim = await startSimulator({ users: 40, seed: 3, now: NOW })
  http = httpFor(sim)
})
afterAll(() => sim.close())

const newUser = (email: string, role: { id?: string; name?: string } = { name: "Analyst" }) => ({
  email,
  givenName: "Zoë",
  familyName: "Øster",
  role
})

describe("POST /users (create)", () => {
  it("creates an invited user, with the role completed from its name, and lists it", async () => {
    const created = userOf(await http.post("/users", newUser("zoe.oster@example.com")))
    expect(created).toMatchObject({
      email: "zoe.oster@example.com",
      givenName: "Zoë",
      familyName: "Øster",
      role: { id: "8a2c4e6f-3b5d-4f7a-8c9e-1a2b3c4d5e6f", name: "Analyst" },
      enabled: true,
      status: "FORCE_CHANGE_PASSWORD"
    })
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
    // The simulated clock starts at the reference time, so a new user fits the generated data's timeline.
    expect(Date.parse(created.createdAt ?? "") - NOW.getTime()).toBeLessThan(60_000)
    expect(userOf(await http.get(`/users/${created.id}`))).toEqual(created)
    const { users } = await listAll(sim)
    expect(users.at(-1)).toEqual(created)
  })

  it("accepts the role by id", async () => {
    const created = userOf(await http.post("/users", newUser("by.id@example.com", { id: ADMIN_ROLE_ID })))
    expect(created.role).toEqual({ id: ADMIN_ROLE_ID, name: "Admin" })
  })

  it.each([
    ["a missing email", { givenName: "A", familyName: "B", role: { name: "Analyst" } }, "email is required"],
    ["a numeric email", { ...newUser("x"), email: 42 }, "email must be a string, not number"],
    ["an empty email", newUser(""), "email must not be empty"],
    ["a malformed email", newUser("not-an-address"), 'email "not-an-address" is not a valid email address'],
    ["an empty given name", { ...newUser("e1@example.com"), givenName: "  " }, "givenName must not be empty"],
    [
      "a missing family name",
      { email: "e2@example.com", givenName: "A", role: { name: "Analyst" } },
      "familyName is required"
    ],
    ["a null family name", { ...newUser("e3@example.com"), familyName: null }, "familyName must be a string, not null"],
    ["a missing role", { email: "e4@example.com", givenName: "A", familyName: "B" }, "role is required"],
    ["a role that is a string", { ...newUser("e5@example.com"), role: "Admin" }, "role must be an object"],
    ["an empty role", newUser("e6@example.com", {}), "role must give a non-empty id or name"],
    [
      "both id and name",
      newUser("e7@example.com", { id: ADMIN_ROLE_ID, name: "Admin" }),
      "either id or name, not both"
    ],
    ["an unknown role name", newUser("e8@example.com", { name: "Superuser" }), 'role.name "Superuser" is not the name'],
    ["an unknown role id", newUser("e9@example.com", { id: "nope" }), 'role.id "nope" is not the id'],
    ["an array body", [newUser("e10@example.com")], "must be a JSON object"],
    ["an email without a dot in its domain", newUser("e11@example"), 'email "e11@example" is not a valid email'],
    ["an email with an empty domain label", newUser("e12@example..com"), "is not a valid email"],
    [
      "a given name over 256 characters",
      { ...newUser("e13@example.com"), givenName: "x".repeat(257) },
      "givenName must be at most 256 characters"
    ],
    ["an email over 254 characters", newUser(`${"e".repeat(243)}@example.com`), "email must be at most 254"],
    // Role names are matched exactly, as GET /roles?name= matches them.
    ["a role name in the wrong case", newUser("e14@example.com", { name: "analyst" }), 'role.name "analyst"'],
    // JSON.stringify sends each lone half as an escape, "\ud800", as a client that cut a string in two would.
    [
      "half of a surrogate pair in a name",
      { ...newUser("e15@example.com"), givenName: "Zo\ud83d" },
      "givenName holds half of a UTF-16 surrogate pair (\\ud83d) with no other half"
    ],
    ["half of a surrogate pair in an email", newUser("\udc00e16@example.com"), "email holds half of a UTF-16"],
    [
      "half of a surrogate pair in a role name",
      newUser("e17@example.com", { name: "Analyst\ud800" }),
      "role.name holds"
    ]
  ])("refuses %s with a 400 that says so", async (_what, body, message) => {
    const reply = await http.post("/users", body)
    expect(reply.status).toBe(400)
    expect(messageOf(reply)).toContain(message)
  })

  it("accepts names of exactly 256 characters, trimmed, and a role half given as null", async () => {
    const created = userOf(
      await http.post("/users", {
        email: " long.names@example.com ",
        givenName: ` ${"g".repeat(256)} `,
        familyName: "f".repeat(256),
        role: { id: null, name: "Auditor" }
      })
    )
    expect(created).toMatchObject({
      email: "long.names@example.com",
      givenName: "g".repeat(256),
      familyName: "f".repeat(256),
      role: { id: "e2c8b6a4-9d1f-4e3a-b5c7-0f2e4d6a8c19", name: "Auditor" }
    })
  })

  it("counts a name's length in characters, as its 400 says, not in UTF-16 code units", async () => {
    // Each of these is one character and two code units: 256 of them are 512 code units.
    const emoji = "\u{1F600}"
    const atLimit = await http.post("/users", { ...newUser("emoji.names@example.com"), givenName: emoji.repeat(256) })
    expect(userOf(atLimit).givenName).toBe(emoji.repeat(256))
    const over = await http.post("/users", { ...newUser("emoji.over@example.com"), familyName: emoji.repeat(257) })
    expect(over.status).toBe(400)
    expect(messageOf(over)).toBe("familyName must be at most 256 characters; it has 257")
  })

  it("refuses a duplicate email, compared case-insensitively", async () => {
    const first = pageOf(await http.get("/users?limit=1")).results[0]
    const reply = await http.post("/users", newUser(first?.email.toUpperCase() ?? ""))
    expect(reply.status).toBe(400)
    expect(messageOf(reply)).toContain("already exists")
  })
})

describe("GET /users/{id}", () => {
  it("returns the user, and 404 with a message for an unknown id", async () => {
    const first = pageOf(await http.get("/users?limit=1")).results[0]
    expect(userOf(await http.get(`/users/${first?.id}`))).toEqual(first)
    const missing = await http.get("/users/00000000-0000-4000-8000-000000000000")
    expect(missing.status).toBe(404)
    expect(messageOf(missing)).toContain("no user with id")
  })
})

describe("POST /users/{id} (update)", () => {
  it("replaces email, names and role, keeping id, status, dates and list position", async () => {
    const before = await listAll(sim)
    const target = before.users[5]
    if (target === undefined) throw new Error("no user to update")
    const updated = userOf(
      await http.post(`/users/${target.id}`, {
        email: "renamed@example.com",
        givenName: "민준",
        familyName: "김",
        role: { name: "Helpdesk" }
      })
    )
    expect(updated).toEqual({
      ...target,
      email: "renamed@example.com",
      givenName: "민준",
      familyName: "김",
      role: { id: "5e1d9c3b-7a8f-4b2e-a6d4-93f0c1e7b285", name: "Helpdesk" }
    })
    const after = await listAll(sim)
    expect(after.users.map((u) => u.id)).toEqual(before.users.map((u) => u.id))
    // Pages are sent from each user's stored JSON: the list must show the record as changed, byte for byte the
    // compact JSON of the page (names in other scripts included).
    expect(after.users[5]).toEqual(updated)
    const page = await http.get("/users?limit=6")
    expect(pageOf(page).results[5]).toEqual(updated)
    expect(pageOf(page).next).toBeDefined()
    expect(page.text).toBe(JSON.stringify(page.body))
  })

  it("lets a user keep its own email, but not take another's", async () => {
    const [a, b] = pageOf(await http.get("/users?limit=2")).results
    if (a === undefined || b === undefined) throw new Error("need two users")
    const same = await http.post(`/users/${b.id}`, { ...newUser(b.email), role: { name: "Auditor" } })
    expect(same.status).toBe(200)
    const taken = await http.post(`/users/${b.id}`, newUser(a.email))
    expect(taken.status).toBe(400)
    expect(messageOf(taken)).toContain("already exists")
  })

  it("validates the body like create, and answers 404 for an unknown id", async () => {
    const first = pageOf(await http.get("/users?limit=1")).results[0]
    const bad = await http.post(`/users/${first?.id}`, { ...newUser("ok@example.com"), role: { id: "x", name: "y" } })
    expect(bad.status).toBe(400)
    expect(messageOf(bad)).toContain("not both")
    const missing = await http.post("/users/no-such-user", newUser("ok2@example.com"))
    expect(missing.status).toBe(404)
  })
})

describe("DELETE /users/{id}", () => {
  it("answers 200 with no body, then the user is gone; a second delete is a 404", async () => {
    const created = userOf(await http.post("/users", newUser("short.lived@example.com")))
    const deleted = await http.del(`/users/${created.id}`)
    expect(deleted.status).toBe(200)
    expect(deleted.text).toBe("")
    expect((await http.get(`/users/${created.id}`)).status).toBe(404)
    expect((await http.del(`/users/${created.id}`)).status).toBe(404)
  })
})

describe("a deleted or renamed user", () => {
  it("leaves the list, and frees its old email for lookups and for another user", async () => {
    const renamed = userOf(await http.post("/users", newUser("before.rename@example.com")))
    userOf(await http.post(`/users/${renamed.id}`, newUser("after.rename@example.com")))
    expect(pageOf(await http.get("/users?email=before.rename%40example.com")).results).toEqual([])
    expect(pageOf(await http.get("/users?email=after.rename%40example.com")).results.map((u) => u.id)).toEqual([
      renamed.id
    ])
    userOf(await http.post("/users", newUser("before.rename@example.com")))

    const gone = userOf(await http.post("/users", newUser("deleted.soon@example.com")))
    expect((await http.del(`/users/${gone.id}`)).status).toBe(200)
    expect(pageOf(await http.get("/users?email=deleted.soon%40example.com")).results).toEqual([])
    expect((await listAll(sim, { "include-deactivated": "true" })).users.map((u) => u.id)).not.toContain(gone.id)
    const again = userOf(await http.post("/users", newUser("deleted.soon@example.com")))
    expect(again.id).not.toBe(gone.id)
  })
})

describe("the last active password-based Admin", () => {
  it("can be neither deleted nor demoted, as Panther requires one to remain", async () => {
    const own = await startSimulator({
      data: [
        {
          id: "a1",
          email: "a1@example.com",
          givenName: "A",
          familyName: "One",
          role: { name: "Admin" },
          enabled: true,
          status: "CONFIRMED"
        },
        {
          id: "a2",
          email: "a2@example.com",
          givenName: "A",
          familyName: "Two",
          role: { name: "Admin" },
          enabled: true,
          status: "CONFIRMED"
        }
      ]
    })
    try {
      const ownHttp = httpFor(own)
      expect((await ownHttp.del("/users/a1")).status).toBe(200)
      const demote = await ownHttp.post("/users/a2", { ...newUser("a2@example.com"), role: { name: "Analyst" } })
      expect(demote.status).toBe(400)
      expect(messageOf(demote)).toContain("last active password-based Admin")
      // Only a demotion is refused: the last Admin's names and email may change, the role kept.
      const renamed = await ownHttp.post("/users/a2", newUser("a2@example.com", { name: "Admin" }))
      expect(renamed.status).toBe(200)
      expect(renamed.body).toMatchObject({ givenName: "Zoë", role: { name: "Admin" } })
      const remove = await ownHttp.del("/users/a2")
      expect(remove.status).toBe(400)
      expect((await ownHttp.get("/users/a2")).status).toBe(200)
    } finally {
      await own.close()
    }
  })

  it("is counted among enabled, CONFIRMED Admins only: a deactivated or SSO Admin does not stand in", async () => {
    const admin = (id: string, extra: Partial<WireUser>): WireUser => ({
      id,
      email: `${id}@example.com`,
      givenName: "A",
      familyName: id,
      role: { name: "Admin" },
      enabled: true,
      status: "CONFIRMED",
      ...extra
    })
    const own = await startSimulator({
      data: [
        admin("password", {}),
        admin("sso", { status: "EXTERNAL_PROVIDER" }),
        admin("deactivated", { enabled: false }),
        admin("invited", { status: "FORCE_CHANGE_PASSWORD" })
      ]
    })
    try {
      const ownHttp = httpFor(own)
      const demote = await ownHttp.post("/users/password", {
        ...newUser("password@example.com"),
        role: { name: "Analyst" }
      })
      expect(demote.status).toBe(400)
      expect(messageOf(demote)).toContain("last active password-based Admin")
      const remove = await ownHttp.del("/users/password")
      expect(remove.status).toBe(400)
      expect(messageOf(remove)).toContain("last active password-based Admin")
      // The others are not the anchor: each can be demoted, and each can go.
      for (const id of ["sso", "deactivated", "invited"]) {
        const demoted = await ownHttp.post(`/users/${id}`, {
          ...newUser(`${id}@example.com`),
          role: { name: "Analyst" }
        })
        expect(demoted.status, id).toBe(200)
        expect((await ownHttp.del(`/users/${id}`)).status, id).toBe(200)
      }
    } finally {
      await own.close()
    }
  })
})

describe("authentication and permissions", () => {
  const someId = "00000000-0000-4000-8000-000000000000"
  const operations = [
    ["GET", "/users"],
    ["GET", `/users/${someId}`],
    ["POST", "/users"],
    ["POST", `/users/${someId}`],
    ["DELETE", `/users/${someId}`],
    ["GET", "/roles"],
    ["GET", "/roles/some-role"]
  ] as const

  it.each(operations)("%s %s without a key, or with an unknown key, is a 401", async (method, path) => {
    for (const key of [null, "", "sim-read-wrong", `${DEFAULT_READ_TOKEN}x`]) {
      const reply = await http.call(method, path, {
        key,
        body: method === "POST" ? newUser("k@example.com") : undefined
      })
      expect(reply.status, `key ${JSON.stringify(key)}`).toBe(401)
      expect(messageOf(reply)).toMatch(/X-API-Key/)
      expect(reply.text).not.toContain(DEFAULT_READ_TOKEN)
    }
  })

  it.each(operations.filter(([method]) => method !== "GET"))(
    "%s %s with the read key is a 403 naming the missing permission",
    async (method, path) => {
      const reply = await http.call(method, path, { key: sim.readToken, body: newUser("r@example.com") })
      expect(reply.status).toBe(403)
      expect(messageOf(reply)).toContain("Manage Users")
    }
  )

  it("says whether the key was missing or wrong", async () => {
    for (const key of [null, ""]) {
      const reply = await http.get("/users", { key })
      expect(reply.status).toBe(401)
      expect(messageOf(reply), `key ${JSON.stringify(key)}`).toBe("missing X-API-Key header")
    }
    const wrong = await http.get("/users", { key: "sim-read-wrong" })
    expect(messageOf(wrong)).toBe("the X-API-Key is not a valid API key")
    // Sent twice, the header arrives as one value joined by ", ", which matched no key and was called not valid.
    for (const keys of [
      [sim.readToken, sim.readToken],
      [sim.readToken, "sim-read-wrong"]
    ]) {
      const req = request(`${sim.baseUrl}/users?limit=1`, { headers: { "X-API-Key": keys } })
      const answer = rawAnswer(req)
      req.end()
      const twice = await answer
      expect(twice.status).toBe(401)
      expect(JSON.parse(twice.body)).toEqual({ message: "the X-API-Key header was sent 2 times: send it once" })
    }
  })

  it("never quotes a key in an error, when a client sent one where an id, a path or a value goes", async () => {
    const admin = sim.adminToken
    const read = sim.readToken
    const replies = [
      [await http.get(`/users/${admin}`), 404, 'no user with id "[redacted]"'],
      [await http.post(`/users/${read}`, newUser("key.as.id@example.com")), 404, 'no user with id "[redacted]"'],
      [await http.del(`/users/${admin.toUpperCase()}`), 404, 'no user with id "[redacted]"'],
      [await http.get(`/roles/${read}`), 404, 'no role with id "[redacted]"'],
      [await http.get(`/${admin}`), 404, "no such endpoint: GET /[redacted]"],
      [await http.call("PATCH", `/users/${admin}`), 405, "PATCH is not allowed on /users/[redacted]"],
      [await http.get(`/users?limit=${read}`), 400, 'got "[redacted]"'],
      [await http.post("/users", newUser(admin)), 400, 'email "[redacted]" is not a valid email address'],
      [await http.post("/users", newUser("k.r@example.com", { id: read })), 400, 'role.id "[redacted]"']
    ] as const
    for (const [reply, status, quoted] of replies) {
      expect(reply.status, reply.text).toBe(status)
      expect(messageOf(reply)).toContain(quoted)
      expect(reply.text.toLowerCase()).not.toContain(admin.toLowerCase())
      expect(reply.text.toLowerCase()).not.toContain(read.toLowerCase())
    }
  })

  it("quotes nothing a key can be read out of: one character of it percent-encoded, or most of a short key", async () => {
    // The last character sent as %XX: no form of the key the server replaces, yet the key to whoever decodes it.
    const partlyEncoded = (key: string) => `${key.slice(0, -1)}%${key.charCodeAt(key.length - 1).toString(16)}`
    const replies = [
      await http.get(`/${partlyEncoded(sim.adminToken)}`),
      await http.call("PATCH", `/users/${partlyEncoded(sim.readToken)}`)
    ]
    for (const reply of replies) {
      expect(messageOf(reply)).toBe(WITHHELD)
      expect(revealsSecret(reply.text, sim.adminToken) || revealsSecret(reply.text, sim.readToken)).toBe(false)
    }
    // V8 quotes ten characters of a body that is not JSON: most of a key of sixteen.
    const short = await startSimulator({ users: 1, readToken: "Zq8rT2mWx9LkPv4s", adminToken: "Ab3dEf6hIj9kLm2n" })
    try {
      const reply = await httpFor(short).post("/users", "Ab3dEf6hIj9kLm2n, pasted where the body goes")
      expect(reply.status).toBe(400)
      expect(reply.text).not.toContain("Ab3dEf6hIj")
      expect(messageOf(reply)).toBe(WITHHELD)
    } finally {
      await short.close()
    }
  })

  it("refuses to start with one key for both roles, or a blank key", async () => {
    for (const [readToken, adminToken, message] of [
      ["same-key", "same-key", "must differ"],
      ["  ", "admin-key", "must not be empty"]
    ] as const) {
      await expect(startSimulator({ users: 1, readToken, adminToken })).rejects.toThrow(message)
    }
  })

  it("takes a key without the space around it, which no header can carry, as the client takes its token", async () => {
    // A key from an env file or a secret often ends in a space, CR or newline; HTTP drops space around a header's
    // value, so a key kept with it could never be presented, and every request was a 401.
    const own = await startSimulator({ users: 1, readToken: " reader-key \r\n", adminToken: "\tadmin-key " })
    try {
      expect([own.readToken, own.adminToken]).toEqual(["reader-key", "admin-key"])
      const ownHttp = httpFor(own)
      expect((await ownHttp.get("/users", { key: "reader-key" })).status).toBe(200)
      expect((await ownHttp.get("/users", { key: "admin-key" })).status).toBe(200)
    } finally {
      await own.close()
    }
    await expect(startSimulator({ users: 1, readToken: "same-key ", adminToken: "same-key" })).rejects.toThrow(
      "must differ"
    )
  })

  it("refuses to start with a key no HTTP header can carry, without quoting it", async () => {
    for (const [readToken, adminToken, which] of [
      ["rk-5f2a\nrk-9d41", "ak-7c3e", "the read key (--token / SIMULATOR_TOKEN)"],
      ["rk-5f2a", "ak-7c3e\u0000ak-b816", "the admin key (--admin-token / SIMULATOR_ADMIN_TOKEN)"],
      ["rk-5f2a", "ak-7c3e\u20acak-b816", "the admin key (--admin-token / SIMULATOR_ADMIN_TOKEN)"]
    ] as const) {
      const started = startSimulator({ users: 1, readToken, adminToken })
      await expect(started).rejects.toThrow(`${which} holds a character an HTTP header cannot carry`)
      await expect(started).rejects.not.toThrow(/5f2a|9d41|7c3e|b816/)
    }
  })

  it("refuses to start with a key longer than the client sends, without quoting it", async () => {
    // 4,096 characters is the most the client takes as a token: a longer key would work with curl and with no
    // command of this tool, which the README says every key set here does.
    const long = `rk-${"5f2a".repeat(1024)}`
    const started = startSimulator({ users: 1, readToken: long, adminToken: "ak-7c3e" })
    await expect(started).rejects.toThrow(
      `the read key (--token / SIMULATOR_TOKEN) is ${long.length} characters long, more than an API key is (at most 4096)`
    )
    await expect(started).rejects.not.toThrow(/5f2a/)
    const atLimit = await startSimulator({ users: 1, readToken: long.slice(0, 4096), adminToken: "ak-7c3e" })
    try {
      expect((await httpFor(atLimit).get("/users", { key: long.slice(0, 4096) })).status).toBe(200)
    } finally {
      await atLimit.close()
    }
  })

  it("lets the admin key read too", async () => {
    expect((await http.get("/users?limit=1", { key: sim.adminToken })).status).toBe(200)
  })

  it("uses the documented default keys when none are configured", () => {
    expect([sim.readToken, sim.adminToken]).toEqual([DEFAULT_READ_TOKEN, DEFAULT_ADMIN_TOKEN])
  })

  it("takes configured keys, and refuses the defaults then", async () => {
    const own = await startSimulator({ users: 1, readToken: "reader-secret", adminToken: "admin-secret" })
    try {
      const ownHttp = httpFor(own)
      expect((await ownHttp.get("/users")).status).toBe(200)
      expect((await ownHttp.get("/users", { key: DEFAULT_READ_TOKEN })).status).toBe(401)
      expect((await ownHttp.get("/users", { key: "admin-secret" })).status).toBe(200)
    } finally {
      await own.close()
    }
  })
})
