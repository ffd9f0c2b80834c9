import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { validateUsersData } from "../../src/Simulator/UsersData.js"
import { startSimulator } from "../support/simulator.js"
import { httpFor, pageOf } from "./SimulatorHttp.js"

let counter = 0
const newId = () => `assigned-${++counter}`
const good = (id: string, email: string) => ({
  id,
  email,
  givenName: "A",
  familyName: "B",
  role: { name: "Analyst" },
  enabled: true
})
const problem = (data: unknown) =>
  Either.getLeft(validateUsersData(data, newId))._tag === "Some"
    ? Either.getOrThrowWith(Either.flip(validateUsersData(data, newId)), () => new Error("valid"))
    : "valid"

describe("validateUsersData (--data)", () => {
  it("accepts an array, or a saved GET /users page, keeping null and empty last logins and dropping unknown fields", () => {
    const data = [
      { ...good("u1", "a@example.com"), lastLoggedInAt: null, extra: "dropped" },
      { ...good("u2", "b@example.com"), lastLoggedInAt: "", status: "SOMETHING_NEW" }
    ]
    const users = Either.getOrThrow(validateUsersData(data, newId))
    expect(users).toEqual([
      { ...good("u1", "a@example.com"), lastLoggedInAt: null },
      { ...good("u2", "b@example.com"), lastLoggedInAt: "", status: "SOMETHING_NEW" }
    ])
    expect(Either.getOrThrow(validateUsersData({ results: data }, newId))).toEqual(users)
  })

  it("names an entry nested thousands of levels deep, which the schema's message could not quote", () => {
    // JSON.parse reads it; quoting it in the message overflowed the stack, which ended simulate with exit 70.
    const deep: unknown = JSON.parse(`[${"[".repeat(100_000)}${"]".repeat(100_000)}]`)
    expect(problem(deep)).toBe("entry 1: a value is nested too deeply to read, as no user's is")
  })

  it("assigns an id to an entry without one", () => {
    const { id: _id, ...noId } = good("x", "c@example.com")
    const [user] = Either.getOrThrow(validateUsersData([noId], newId))
    expect(user?.id).toMatch(/^assigned-/)
  })

  it.each([
    [{ users: [] }, "expected a JSON array of users"],
    ["text", "expected a JSON array of users"],
    [
      [good("u1", "a@example.com"), { id: "u2", givenName: "A", familyName: "B", role: {}, enabled: true }],
      'entry 2 (id "u2"): email'
    ],
    [[{ ...good("u1", "a@example.com"), enabled: "yes" }], 'entry 1 (id "u1", email "a@example.com"): enabled'],
    [[{ ...good("u1", "a@example.com"), lastLoggedInAt: 5 }], "entry 1"],
    // Only a last login may be null, as the live API sends it; the document types these as strings.
    [[{ ...good("u1", "a@example.com"), status: null }], 'entry 1 (id "u1", email "a@example.com"): status'],
    [[{ ...good("u1", "a@example.com"), createdAt: null }], 'entry 1 (id "u1", email "a@example.com"): createdAt'],
    [
      [good("u1", "a@example.com"), good("u1", "b@example.com")],
      'entry 2 (id "u1", email "b@example.com"): the id is also used by entry 1'
    ],
    [[good("u1", "a@example.com"), good("u2", "A@Example.com")], "the email is also used by entry 1"],
    [[good("", "a@example.com")], "id must not be empty"],
    // The live API keeps users in Cognito's UTF-8, which cannot hold half of a surrogate pair: it never sends one.
    [
      [{ ...good("u1", "a@example.com"), givenName: "A\ud800" }],
      'entry 1 (id "u1", email "a@example.com"): givenName holds half of a UTF-16 surrogate pair (\\ud800)'
    ],
    [[{ ...good("u1", "a@example.com"), role: { name: "\udc00" } }], "role.name holds half of a UTF-16 surrogate"],
    [[null], "entry 1:"]
  ])("refuses %j, naming the entry counted from 1, as suppression entries are", (data, message) => {
    expect(problem(data)).toContain(message)
  })

  it("quotes an entry's id and email as a terminal can show them, and cut short", () => {
    // The file may be a saved GET /users page, whose text anyone who could name an account typed: its escape
    // sequences would retitle or clear the terminal the refusal is printed to, and a line break forge a line.
    const hostile = `x\u001b]0;owned\u0007\u202eevil\r\nFAKE LINE${"A".repeat(100_000)}`
    const message = problem([{ ...good(hostile, `e\u001b[2J${hostile}@example.com`), enabled: "yes" }])
    expect(message).toMatch(/^entry 1 \(id "x\uFFFD\]0;owned\uFFFD\uFFFDevil FAKE LINEA+…", email "e\uFFFD\[2Jx/)
    expect(message).not.toMatch(/[\p{Cc}\u202a-\u202e]/u)
    expect(message.length).toBeLessThan(400)
  })

  it("takes a user with an empty role, which the API's Role allows", () => {
    expect(problem([{ ...good("u1", "a@example.com"), role: {} }])).toBe("valid")
  })

  it("is served with role references completed from the simulator's roles", async () => {
    const sim = await startSimulator({
      data: [
        { ...good("u1", "a@example.com"), role: { name: "Helpdesk" } },
        { ...good("u2", "b@example.com"), role: { id: "e2c8b6a4-9d1f-4e3a-b5c7-0f2e4d6a8c19" } },
        { ...good("u3", "c@example.com"), role: { name: "Retired Role" }, lastLoggedInAt: null }
      ]
    })
    try {
      const page = pageOf(await httpFor(sim).get("/users"))
      expect(page.results.map((user) => user.role)).toEqual([
        { id: "5e1d9c3b-7a8f-4b2e-a6d4-93f0c1e7b285", name: "Helpdesk" },
        { id: "e2c8b6a4-9d1f-4e3a-b5c7-0f2e4d6a8c19", name: "Auditor" },
        { name: "Retired Role" }
      ])
      expect(page.results[2]?.lastLoggedInAt).toBeNull()
    } finally {
      await sim.close()
    }
  })
})
