import { request } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rawAnswer } from "../support/rawAnswer.js"
import { sentOnSocket } from "../support/rawSocket.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { httpFor, messageOf, pageOf } from "./SimulatorHttp.js"

let sim: StartedSimulator
let http: ReturnType<typeof httpFor>

beforeAll(async () => {
  sim = await startSimulator({ users: 3, maxBodyBytes: 4096 })
  http = httpFor(sim)
})
afterAll(() => sim.close())

/** After each bad request, the server still answers a good one. */
const stillServing = async () => {
  const reply = await http.get("/users?limit=1")
  expect(reply.status).toBe(200)
}

/** Bytes sent as they are on a connection of their own, and everything that comes back until it closes. */
const raw = (request: string) => sentOnSocket(sim.baseUrl, request)

/** The JSON body of a raw answer sent with a Content-Length. */
const bodyOf = (answer: string): unknown => JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))

/** A request with its path sent exactly as given. */
const rawRequest = (method: string, path: string, key: string) => {
  const url = new URL(sim.baseUrl)
  const req = request({ host: url.hostname, port: url.port, method, path, headers: { "x-api-key": key } })
  const answer = rawAnswer(req)
  req.end()
  return answer
}

/** Sends a body in chunks with no Content-Length, which only the streaming limit can catch. */
const postChunked = (path: string, chunks: ReadonlyArray<string>) => {
  const req = request(new URL(path, sim.baseUrl), {
    method: "POST",
    headers: { "x-api-key": sim.adminToken, "content-type": "application/json", "transfer-encoding": "chunked" }
  })
  // The server may answer and close before the whole body is sent; that is the point.
  const answer = rawAnswer(req)
  for (const chunk of chunks) req.write(chunk)
  req.end()
  return answer
}

describe("bad requests get a JSON error and the server keeps serving", () => {
  it.each([
    ["malformed JSON", '{"email": ', "not valid JSON"],
    ["a truncated object", '{"email":"a@b.co"', "not valid JSON"],
    ["an empty body", "", "body is empty"],
    ["whitespace only", "   \n", "body is empty"],
    ["a JSON string", '"hello"', "must be a JSON object"],
    ["JSON null", "null", "must be a JSON object"]
  ])("POST /users with %s is a 400", async (_what, body, message) => {
    const reply = await http.post("/users", body)
    expect(reply.status).toBe(400)
    expect(messageOf(reply)).toContain(message)
    await stillServing()
  })

  it("a body that is not UTF-8 is a 400, not a user whose accents became U+FFFD", async () => {
    const latin1 = Buffer.from(
      '{"email":"zoe.latin1@example.com","givenName":"Zoë","familyName":"Ørsted","role":{"name":"Analyst"}}',
      "latin1"
    )
    const reply = await fetch(`${sim.baseUrl}/users`, {
      method: "POST",
      headers: { "x-api-key": sim.adminToken, "content-type": "application/json" },
      body: latin1
    })
    expect(reply.status).toBe(400)
    expect(await reply.json()).toEqual({ message: "the request body is not UTF-8: send the JSON in UTF-8 (RFC 8259)" })
    expect((await http.get("/users?email=zoe.latin1@example.com")).body).toEqual({ results: [] })
    await stillServing()
  })

  it("POST /users/{id} with malformed JSON is a 400, not a 500", async () => {
    const reply = await http.post("/users/whoever", "{oops")
    expect(reply.status).toBe(400)
    await stillServing()
  })

  it("wrong types and empty strings are 400s naming the field", async () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [{ email: ["a@b.co"], givenName: "A", familyName: "B", role: { name: "Analyst" } }, "email must be a string"],
      [{ email: "a@b.co", givenName: 1, familyName: "B", role: { name: "Analyst" } }, "givenName must be a string"],
      [{ email: "a@b.co", givenName: "A", familyName: true, role: { name: "Analyst" } }, "familyName must be a string"],
      [{ email: "a@b.co", givenName: "A", familyName: "B", role: { name: 7 } }, "role.name must be a string"],
      [{ email: "a@b.co", givenName: "A", familyName: "B", role: { id: {} } }, "role.id must be a string"],
      [{ email: "a@b.co", givenName: "", familyName: "B", role: { name: "Analyst" } }, "givenName must not be empty"],
      [{ email: "a@b.co", givenName: "A", familyName: "", role: { name: "Analyst" } }, "familyName must not be empty"],
      [
        { email: "a@b.co", givenName: "A", familyName: "B", role: { name: "" } },
        "role must give a non-empty id or name"
      ]
    ]
    for (const [body, message] of cases) {
      const reply = await http.post("/users", body)
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(messageOf(reply)).toContain(message)
    }
    await stillServing()
  })

  it("an oversized body is a 413, whether its length is declared or it arrives in chunks", async () => {
    const big = JSON.stringify({
      email: "a@b.co",
      givenName: "x".repeat(10_000),
      familyName: "B",
      role: { name: "Analyst" }
    })
    const declared = await http.post("/users", big)
    expect(declared.status).toBe(413)
    expect(messageOf(declared)).toContain("4096 bytes")
    await stillServing()
    const chunked = await postChunked(
      "/users",
      Array.from({ length: 10 }, () => "x".repeat(1000))
    )
    expect(chunked.status).toBe(413)
    expect(JSON.parse(chunked.body)).toEqual({ message: expect.stringContaining("larger than") })
    await stillServing()
  })

  it("a body of exactly the limit is read; one byte more is a 413", async () => {
    const body = JSON.stringify({
      email: "exact@example.com",
      givenName: "E",
      familyName: "X",
      role: { name: "Analyst" }
    })
    // JSON allows any amount of whitespace after the value: pad the body to the byte.
    const padded = (bytes: number) => `${body}${" ".repeat(bytes - Buffer.byteLength(body))}`
    const atLimit = await http.post("/users", padded(4096))
    expect(atLimit.status, atLimit.text).toBe(200)
    const over = await http.post("/users", padded(4097))
    expect(over.status).toBe(413)
    await stillServing()
  })

  it("an unknown path is a 404 with a message", async () => {
    // Paths are matched exactly, case and slashes included, as Panther's are.
    for (const path of [
      "/",
      "/nope",
      "/v1/users",
      "/users/a/b",
      "/public/graphql",
      "/Users",
      "/USERS/abc",
      "//users"
    ]) {
      const reply = await http.get(path)
      expect(reply.status, path).toBe(404)
      expect(messageOf(reply)).toContain("no such endpoint")
    }
    // With a trailing slash the path names an empty id, which no user or role has. Accepted as /users, it made an
    // update script with an empty id create a user.
    for (const path of ["/users/", "/roles/"]) expect((await http.get(path)).status, path).toBe(404)
    // Nor does an empty id make a method "not allowed" there: there is no such resource at all.
    for (const [method, path] of [
      ["PATCH", "/users/"],
      ["DELETE", "/roles/"]
    ] as const) {
      const reply = await http.call(method, path)
      expect(reply.status, `${method} ${path}`).toBe(404)
      expect(reply.headers.get("allow"), `${method} ${path}`).toBeNull()
    }
    const body = { email: "slash@example.com", givenName: "S", familyName: "L", role: { name: "Analyst" } }
    expect((await http.post("/users/", body)).status).toBe(404)
    expect((await http.get("/users?email=slash@example.com")).body).not.toContain("slash@example.com")
    await stillServing()
  })

  it("a ; or # in a path is part of it, not the start of a query: nothing is created, read or deleted", async () => {
    const body = { email: "semi@example.com", givenName: "S", familyName: "C", role: { name: "Analyst" } }
    const created = await http.post("/users;jsessionid=1", body)
    expect(created.status, created.text).toBe(404)
    expect(messageOf(created)).toBe("no such endpoint: POST /users;jsessionid=1")
    expect((await http.get("/users?email=semi@example.com")).body).toEqual({ results: [] })
    expect((await http.get("/users;x")).status).toBe(404)
    expect((await http.get("/roles;x")).status).toBe(404)
    const someone = pageOf(await http.get("/users?limit=1")).results[0]
    if (someone === undefined) throw new Error("the simulator has no users")
    for (const [method, path] of [
      ["GET", `/users/${someone.id};x`],
      ["DELETE", `/users/${someone.id};x`],
      ["DELETE", `/users/${someone.id}#x`]
    ] as const) {
      // fetch would take a "#" for the start of a fragment and not send it: node:http sends the path as it is.
      const reply = await rawRequest(method, path, sim.adminToken)
      expect(reply.status, `${method} ${path}`).toBe(404)
      expect(JSON.parse(reply.body), `${method} ${path}`).toEqual({
        message: `no user with id "${path.slice("/users/".length)}"`
      })
    }
    expect((await http.get(`/users/${someone.id}`)).status).toBe(200)
    expect((await rawRequest("GET", "/users#x", sim.readToken)).status).toBe(404)
  })

  it("a long id is looked up like any other: 401 without a key, 404 when unknown", async () => {
    const long = "a".repeat(300)
    expect((await http.get(`/users/${long}`, { key: null })).status).toBe(401)
    const reply = await http.get(`/users/${long}`)
    expect(reply.status).toBe(404)
    expect(messageOf(reply)).toContain("no user with id")
    expect((await http.get(`/roles/${long}`)).status).toBe(404)
    await stillServing()
  })

  it("a request Node's parser refuses still gets a JSON message", async () => {
    const badLength = await raw("POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    expect(badLength).toMatch(/^HTTP\/1\.1 400 /)
    expect(badLength.toLowerCase()).toContain("content-type: application/json")
    expect(bodyOf(badLength)).toEqual({ message: expect.stringContaining("not valid HTTP") })
    const hugeHeaders = await raw(`GET /users HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`)
    expect(hugeHeaders).toMatch(/^HTTP\/1\.1 431 /)
    expect(bodyOf(hugeHeaders)).toEqual({ message: expect.stringContaining("headers are larger") })
    await stillServing()
  })

  it("what Node's server refuses on its own gets a JSON message too: CONNECT, an odd Expect, no Host", async () => {
    // A client given the simulator as its proxy: Node closed the connection without a word.
    const connectAnswer = await raw("CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n")
    expect(connectAnswer).toMatch(/^HTTP\/1\.1 405 /)
    expect(connectAnswer.toLowerCase()).toContain("content-type: application/json")
    expect(connectAnswer).toContain("Allow: GET, POST, DELETE")
    expect(bodyOf(connectAnswer)).toEqual({ message: expect.stringContaining("not a proxy") })
    const expectation = await raw(
      `GET /users?limit=1 HTTP/1.1\r\nHost: x\r\nX-API-Key: ${sim.readToken}\r\nExpect: 200-ok\r\n\r\n`
    )
    expect(expectation).toMatch(/^HTTP\/1\.1 417 /)
    expect(bodyOf(expectation)).toEqual({ message: expect.stringContaining("only Expect: 100-continue") })
    const noHost = await raw(`GET /users?limit=1 HTTP/1.1\r\nX-API-Key: ${sim.readToken}\r\nConnection: close\r\n\r\n`)
    expect(noHost).toMatch(/^HTTP\/1\.1 400 /)
    expect(noHost.toLowerCase()).toContain("content-type: application/json")
    expect(bodyOf(noHost)).toEqual({ message: "the request has no Host header, which HTTP/1.1 requires" })
    // HTTP/1.0 has no Host header to require, and Expect: 100-continue is met.
    const old = await raw(`GET /users?limit=1 HTTP/1.0\r\nX-API-Key: ${sim.readToken}\r\n\r\n`)
    expect(old).toMatch(/^HTTP\/1\.1 200 /)
    const body = JSON.stringify({
      email: "cont@example.com",
      givenName: "C",
      familyName: "T",
      role: { name: "Analyst" }
    })
    const continued = await raw(
      `POST /users HTTP/1.1\r\nHost: x\r\nX-API-Key: ${sim.adminToken}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n${body}`
    )
    expect(continued).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /)
    await stillServing()
  })

  it("a wrong method is a 405 naming the allowed ones", async () => {
    const cases = [
      ["PUT", "/users", "POST, GET"],
      ["DELETE", "/users", "POST, GET"],
      ["PATCH", "/users/some-id", "GET, POST, DELETE"],
      ["POST", "/roles", "GET"],
      ["DELETE", "/roles/some-id", "GET"]
    ] as const
    for (const [method, path, allowed] of cases) {
      const reply = await http.call(method, path)
      expect(reply.status, `${method} ${path}`).toBe(405)
      expect(reply.headers.get("allow")).toBe(allowed)
      expect(messageOf(reply)).toContain(`${method} is not allowed`)
    }
    // A request line in absolute form, as a client sends to a proxy, names the same resource: the router takes a GET
    // of it as /users, and a PUT is not allowed there either, not a path that does not exist.
    const absolute = await raw(`PUT ${sim.baseUrl}/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    expect(absolute).toMatch(/^HTTP\/1\.1 405 /)
    expect(bodyOf(absolute)).toEqual({ message: "PUT is not allowed on /users; allowed: POST, GET" })
    await stillServing()
  })

  it("a scheme in capitals names the same resource in absolute form", async () => {
    // A scheme is case-insensitive (RFC 3986): `HTTP://host/users` is /users, as Go's server reads it.
    const authority = new URL(sim.baseUrl).host
    const key = `X-API-Key: ${sim.readToken}\r\n`
    for (const scheme of ["HTTP", "Http", "HTTPS"]) {
      const target = `${scheme}://${authority}/users`
      const listed = await raw(`GET ${target}?limit=2 HTTP/1.1\r\nHost: x\r\n${key}Connection: close\r\n\r\n`)
      expect(listed, target).toMatch(/^HTTP\/1\.1 200 /)
      expect(bodyOf(listed)).toMatchObject({ results: [expect.anything(), expect.anything()] })
      const put = await raw(`PUT ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
      expect(bodyOf(put), target).toEqual({ message: "PUT is not allowed on /users; allowed: POST, GET" })
    }
    // No path after the host is the root, in any case: a `/` in a query after it is no path, and neither the host
    // nor a password before it is quoted.
    for (const target of ["http://h?x/users", "HTTP://h?x/users", "hTtP://u:pw@h?x/y", `HTTP://${authority}`]) {
      const bare = await raw(`GET ${target} HTTP/1.1\r\nHost: x\r\n${key}Connection: close\r\n\r\n`)
      expect(bare, target).toMatch(/^HTTP\/1\.1 404 /)
      expect(bodyOf(bare), target).toEqual({ message: "no such endpoint: GET /" })
    }
    await stillServing()
  })

  it("a path that does not decode is a 400, and HEAD reads like GET", async () => {
    const reply = await http.get("/users/%ZZ")
    expect(reply.status).toBe(400)
    expect(messageOf(reply)).toContain("percent-encoding")
    const head = await fetch(`${sim.baseUrl}/users?limit=1`, {
      method: "HEAD",
      headers: { "x-api-key": sim.readToken }
    })
    expect(head.status).toBe(200)
    await stillServing()
  })

  it("repeating a single-valued parameter is a 400 with a message", async () => {
    for (const path of ["/users?limit=1&limit=2", "/roles?limit=1&limit=2"]) {
      const reply = await http.get(path)
      expect(reply.status).toBe(400)
      // The spec's error shape and nothing else, naming the parameter (not the framework's schema dump).
      expect(reply.body).toEqual({ message: "parameter limit may be given only once" })
    }
    await stillServing()
  })
})
