import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Option, Stream } from "effect"
import { MAX_EMPTY_PAGES_IN_A_ROW } from "../../src/PantherApi/Pagination.js"
import type { UserRecord } from "../../src/PantherApi/UserRecord.js"
import { hasIpv6Loopback, json, scriptedServer } from "../support/scriptedServer.js"
import { rawUser, readRoles, runWithClient, TOKEN } from "../support/testClient.js"

const collect = (baseUrl: string, filters = {}) =>
  runWithClient(baseUrl, (client) =>
    client.listUsers(filters).pipe(
      Stream.runCollect,
      Effect.map(Chunk.toArray),
      Effect.flatMap((records) => Effect.map(client.stats, (stats) => ({ records, stats })))
    )
  )

const ids = (records: ReadonlyArray<UserRecord>) =>
  records.map((record) => (record._tag === "ValidUser" ? record.user.id : Option.getOrUndefined(record.userId)))

/** Whether `done` comes true within a few seconds, checked every few milliseconds. */
const eventually = (done: () => boolean): Effect.Effect<boolean> =>
  Effect.gen(function* () {
    const deadline = Date.now() + 5_000
    while (!done()) {
      if (Date.now() > deadline) return false
      yield* Effect.sleep("5 millis")
    }
    return true
  })

describe("PantherClient.listUsers", () => {
  it.scopedLive("follows cursors to the end, with the token, limit 60 and the cursor intact", () =>
    Effect.gen(function* () {
      const cursor = "a+b/c==d&e"
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1"), rawUser("u2")], next: cursor }),
        json(200, { results: [rawUser("u3")] })
      ])
      const { records, stats } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1", "u2", "u3"])
      expect(server.requests.map((request) => request.path)).toEqual(["/users", "/users"])
      expect(server.requests[0]?.headers["x-api-key"]).toBe(TOKEN)
      expect(server.requests[0]?.headers.accept).toBe("application/json")
      expect(server.requests[0]?.query.get("limit")).toBe("60")
      expect(server.requests[0]?.query.has("cursor")).toBe(false)
      // `+` must arrive percent-encoded, or the server would read it as a space.
      expect(server.requests[1]?.query.get("cursor")).toBe(cursor)
      expect(server.requests[1]?.rawQuery).not.toContain("+")
      expect(stats).toEqual({
        requests: 2,
        pagesFetched: 2,
        retries: 0,
        repeatsDropped: 0,
        repeatsDroppedIds: [],
        answersQuotingSecrets: 0
      })
    })
  )

  it.scopedLive("sends a space in a filter as %20, which every server reads as a space, not as +", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(200, { results: [rawUser("u1", { givenName: "Ada Lovelace" })] })])
      yield* collect(server.url, { contains: "Ada Lovelace" })
      expect(server.requests[0]?.rawQuery).toContain("contains=Ada%20Lovelace")
      expect(server.requests[0]?.rawQuery).not.toContain("+")
      expect(server.requests[0]?.query.get("contains")).toBe("Ada Lovelace")
    })
  )

  it.scopedLive("reads a page whose results are null as an empty page, and still fails one without results", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1"), rawUser("u2")], next: "c1" }),
        json(200, { results: null, next: null })
      ])
      const { records } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1", "u2"])
      const wrong = yield* scriptedServer([json(200, {})])
      const error = yield* Effect.flip(collect(wrong.url))
      expect(error.message).toContain("results")
    })
  )

  it.scopedLive("keeps every role's permissions when a role has a log type kind Panther added, or null fields", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, {
          results: [
            { id: "r1", name: "Helpdesk", permissions: ["UserModify"], logTypeAccessKind: "ALLOW_SOME" },
            { id: "r2", name: "Analyst", permissions: ["UserRead"], logTypeAccess: null, logTypeAccessKind: null }
          ],
          next: "x"
        }),
        json(200, { results: null })
      ])
      const roles = yield* runWithClient(server.url, (client) => Stream.runCollect(client.listRoles()))
      expect(readRoles(roles).map((role) => [role.name, role.permissions])).toEqual([
        ["Helpdesk", ["UserModify"]],
        ["Analyst", ["UserRead"]]
      ])
    })
  )

  it.scopedLive("asks for roles with no limit, which Panther's GET /roles does not list, and follows next", () =>
    Effect.gen(function* () {
      const role = (id: string) => ({ id, name: `Role ${id}`, permissions: ["UserRead"] })
      const server = yield* scriptedServer([
        json(200, { results: [role("r1")], next: "a+b/c=" }),
        json(200, { results: [role("r2")] })
      ])
      const roles = yield* runWithClient(server.url, (client) => Stream.runCollect(client.listRoles()))
      expect(readRoles(roles).map((each) => each.id)).toEqual(["r1", "r2"])
      expect(server.requests.map((request) => [request.path, request.rawQuery])).toEqual([
        ["/roles", ""],
        ["/roles", "cursor=a%2Bb%2Fc%3D"]
      ])
    })
  )

  it.scopedLive("reads a role whose permissions are null as holding none, and every other role with its own", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, {
          results: [
            { id: "r1", name: "Empty", permissions: null },
            { id: "r2", name: "Helpdesk", permissions: ["UserModify"] }
          ]
        })
      ])
      const roles = yield* runWithClient(server.url, (client) => Stream.runCollect(client.listRoles()))
      expect(readRoles(roles).map((role) => [role.name, role.permissions])).toEqual([
        ["Empty", []],
        ["Helpdesk", ["UserModify"]]
      ])
    })
  )

  it.scopedLive("names a role whose permissions are missing or malformed, and keeps every other role whole", () =>
    Effect.gen(function* () {
      const roles = Array.from({ length: 40 }, (_, index) => ({
        id: `r${index}`,
        name: `Role number ${index}`,
        permissions: ["UserRead"]
      }))
      const server = yield* scriptedServer([
        json(200, {
          results: [
            ...roles.slice(0, 2),
            { id: "bad", name: "Bad", permissions: "UserRead" },
            { id: "omitted", name: "Omitted" },
            { name: "No id", permissions: [5] },
            ...roles.slice(2)
          ]
        })
      ])
      const records = [...(yield* runWithClient(server.url, (client) => Stream.runCollect(client.listRoles())))]
      expect(readRoles(records.filter((record) => record._tag === "ValidRole"))).toHaveLength(40)
      const unreadable = records.flatMap((record) =>
        record._tag === "UnreadableRole"
          ? [[Option.getOrNull(record.id), Option.getOrNull(record.name), record.reason]]
          : []
      )
      expect(unreadable).toEqual([
        ["bad", "Bad", 'permissions: Expected list of strings, actual "UserRead"'],
        ["omitted", "Omitted", "permissions: is missing"],
        [null, "No id", "id: is missing; permissions[0]: Expected string, actual 5"]
      ])
    })
  )

  it.scopedLive("sends every filter the API has", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(200, { results: [] })])
      yield* collect(server.url, {
        contains: "ann",
        status: "FORCE_CHANGE_PASSWORD",
        ids: ["a", "b"],
        includeDeactivated: true,
        email: ""
      })
      const query = server.requests[0]?.query
      expect(query?.get("contains")).toBe("ann")
      expect(query?.get("status")).toBe("FORCE_CHANGE_PASSWORD")
      expect(query?.get("ids")).toBe("a,b")
      expect(query?.get("include-deactivated")).toBe("true")
      // An empty filter counts as not given.
      expect(query?.has("email")).toBe(false)
    })
  )

  for (const last of [{ next: null }, { next: "" }, {}]) {
    it.scopedLive(`ends on next ${JSON.stringify(last.next ?? "absent")}`, () =>
      Effect.gen(function* () {
        const server = yield* scriptedServer([
          json(200, { results: [rawUser("u1")], next: "c1" }),
          json(200, { results: [rawUser("u2")], ...last }),
          json(500, { message: "must not be asked for a third page" })
        ])
        const { records } = yield* collect(server.url)
        expect(ids(records)).toEqual(["u1", "u2"])
        expect(server.requests).toHaveLength(2)
      })
    )
  }

  it.scopedLive("asks for more than a hundred ids in parts of a hundred, each part to its end", () =>
    Effect.gen(function* () {
      const wanted = Array.from({ length: 150 }, (_, index) => `u${index}`)
      const server = yield* scriptedServer((_index, request) =>
        json(200, { results: (request.query.get("ids") ?? "").split(",").map((id) => rawUser(id)) })
      )
      const { records } = yield* collect(server.url, { ids: wanted })
      expect(server.requests.map((request) => request.query.get("ids"))).toEqual([
        wanted.slice(0, 100).join(","),
        wanted.slice(100).join(",")
      ])
      expect(ids(records)).toEqual(wanted)
    })
  )

  it.scopedLive("finds a user by email in any case, deactivated ones too", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, {
          results: [
            rawUser("u1", { email: "kim.lee@example.com.au" }),
            rawUser("u2", { email: "Kim.Lee@Example.com", enabled: false })
          ]
        })
      ])
      const found = yield* runWithClient(server.url, (client) => client.findUserByEmail("kim.lee@example.com"))
      expect(Option.map(found, ({ record }) => (record._tag === "ValidUser" ? record.user.id : ""))).toEqual(
        Option.some("u2")
      )
      expect(server.requests[0]?.query.get("contains")).toBe("kim.lee@example.com")
      expect(server.requests[0]?.query.get("include-deactivated")).toBe("true")
    })
  )

  it.scopedLive("takes the user an email filter found with the address in another case", () =>
    Effect.gen(function* () {
      // A Panther whose email filter ignores case, as it compares emails: the filter was not ignored.
      const server = yield* scriptedServer([json(200, { results: [rawUser("u1", { email: "kim.lee@example.com" })] })])
      const { records } = yield* collect(server.url, { email: "Kim.Lee@Example.com" })
      expect(ids(records)).toEqual(["u1"])
    })
  )

  it.scopedLive("keeps a path prefix of the base URL", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(200, { results: [rawUser("u1")] })])
      const { records } = yield* collect(`${server.url}/panther/api`)
      expect(ids(records)).toEqual(["u1"])
      expect(server.requests[0]?.path).toBe("/panther/api/users")
    })
  )

  // Skipped on a machine without IPv6 loopback (containers often run with it off), where nothing listens on ::1.
  it.scopedLive.skipIf(!hasIpv6Loopback)("reads an API at an IPv6 address, which --api-url gives in brackets", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(200, { results: [rawUser("u1")] })], "::1")
      const { records } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1"])
      expect(server.requests[0]?.path).toBe("/users")
    })
  )

  it.scopedLive("passes a user sent at the end of one page and the start of the next on once", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1"), rawUser("u2")], next: "c1" }),
        json(200, { results: [rawUser("u2"), rawUser("u3")], next: "c2" }),
        json(200, { results: [rawUser("u4")] })
      ])
      const { records } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1", "u2", "u3", "u4"])
    })
  )

  it.scopedLive("passes a user sent twice on one page on once, and counts the repeat", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1"), rawUser("u2"), rawUser("u1")], next: "c1" }),
        json(200, { results: [rawUser("u3"), rawUser("u3")] })
      ])
      const { records, stats } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1", "u2", "u3"])
      expect(stats.repeatsDropped).toBe(2)
      expect(stats.repeatsDroppedIds).toEqual(["u1", "u3"])
    })
  )

  it.scopedLive("passes on a user sent again two pages later: only the page before is remembered", () =>
    Effect.gen(function* () {
      // The caller, which knows every id so far, judges such a repeat; the pager's memory stays one page.
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "c1" }),
        json(200, { results: [rawUser("u2")], next: "c2" }),
        json(200, { results: [rawUser("u1")] })
      ])
      const { records, stats } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1", "u2", "u1"])
      expect(stats.repeatsDropped).toBe(0)
    })
  )

  it.scopedLive("fails with PaginationLoop on a repeated cursor instead of looping", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "c1" }),
        json(200, { results: [rawUser("u2")], next: "c2" }),
        json(200, { results: [rawUser("u3")], next: "c1" })
      ])
      const error = yield* Effect.flip(collect(server.url))
      expect(error._tag).toBe("PaginationLoop")
      expect(error.message).toContain("a cursor came back a second time after 3 pages")
      expect(server.requests).toHaveLength(3)
    })
  )

  it.scopedLive(
    "knows a long cursor again, which it keeps by its digest, and tells apart two that differ at the end",
    () =>
      Effect.gen(function* () {
        const long = (end: string) => `${"c".repeat(10_000)}${end}`
        const server = yield* scriptedServer([
          json(200, { results: [rawUser("u1")], next: long("1") }),
          json(200, { results: [rawUser("u2")], next: long("2") }),
          json(200, { results: [rawUser("u3")], next: long("1") })
        ])
        const error = yield* Effect.flip(collect(server.url))
        expect(error.message).toContain("a cursor came back a second time after 3 pages")
        expect(server.requests[2]?.query.get("cursor")).toBe(long("2"))
      })
  )

  it.scopedLive("goes on through a long run of empty pages, as a search made after reading each page gives", () =>
    Effect.gen(function* () {
      // A rare match in a large instance: 300 pages (18,000 users' worth) with nothing on them before it.
      const server = yield* scriptedServer((index) =>
        index < 300 ? json(200, { results: [], next: `c${index}` }) : json(200, { results: [rawUser("u1")] })
      )
      const { records } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1"])
    })
  )

  it.scopedLive("counts only the empty pages in a row: runs of them a user breaks up may add up past the limit", () =>
    Effect.gen(function* () {
      // Two runs of 1,500 empty pages with a user between them: 3,000 empty pages in all, never 2,000 in a row.
      const run = (MAX_EMPTY_PAGES_IN_A_ROW * 3) / 4
      const server = yield* scriptedServer((index) =>
        index === run
          ? json(200, { results: [rawUser("u1")], next: `c${index}` })
          : index === 2 * run + 1
            ? json(200, { results: [rawUser("u2")] })
            : json(200, { results: [], next: `c${index}` })
      )
      const { records } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1", "u2"])
      expect(server.requests).toHaveLength(2 * run + 2)
    })
  )

  it.scopedLive("goes on through an empty page whose cursor is new", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "c1" }),
        json(200, { results: [], next: "c2" }),
        json(200, { results: [rawUser("u2")] })
      ])
      const { records } = yield* collect(server.url)
      expect(ids(records)).toEqual(["u1", "u2"])
    })
  )

  it.scopedLive("stops an endless run of empty pages with fresh cursors", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer((index) => json(200, { results: [], next: `c${index}` }))
      const error = yield* Effect.flip(collect(server.url))
      expect(error._tag).toBe("PaginationLoop")
      // 2,000 pages in a row with nothing on them, and not one more asked for.
      expect(server.requests).toHaveLength(MAX_EMPTY_PAGES_IN_A_ROW)
      expect(error.message).toContain("too many pages in a row brought nothing new after 2000 pages")
    })
  )

  it.scopedLive("stops an endless run of pages repeating the same users under fresh cursors", () =>
    Effect.gen(function* () {
      // Nothing new after the first page: as endless as empty pages, though none of them is empty.
      const server = yield* scriptedServer((index) => json(200, { results: [rawUser("u1")], next: `c${index}` }))
      const error = yield* Effect.flip(collect(server.url).pipe(Effect.timeout("30 seconds")))
      expect(error._tag).toBe("PaginationLoop")
      expect(server.requests.length).toBeLessThanOrEqual(MAX_EMPTY_PAGES_IN_A_ROW + 2)
    })
  )

  it.scopedLive("stops a server resending its first page under fresh cursors once repeats outnumber users", () =>
    Effect.gen(function* () {
      // A server or proxy ignoring the cursor: the same 60 users, page after page.
      const first = Array.from({ length: 60 }, (_, index) => rawUser(`u${index}`))
      const server = yield* scriptedServer((index) => json(200, { results: first, next: `fresh-${index}` }))
      const error = yield* Effect.flip(collect(server.url).pipe(Effect.timeout("30 seconds")))
      expect(error._tag).toBe("PaginationLoop")
      // Once the repeats outnumber the 60 users by the margin of 1,000, at the 19th page: not 2,000 requests to
      // Panther for a run of pages with nothing new.
      expect(error.message).toContain(
        "1080 records repeated ones already sent (more than the 60 distinct ones) after 19 pages"
      )
      expect(server.requests).toHaveLength(19)
    })
  )

  it.scopedLive("stops an endless run of pages repeating the same records without an id under fresh cursors", () =>
    Effect.gen(function* () {
      // Records without an id mark no repeat by id: they are compared by what they hold.
      const noId = rawUser("", { id: undefined })
      const server = yield* scriptedServer((index) => json(200, { results: [noId, "not a user"], next: `c${index}` }))
      const error = yield* Effect.flip(collect(server.url).pipe(Effect.timeout("30 seconds")))
      expect(error._tag).toBe("PaginationLoop")
      // Stopped by the count of repeats, long before 2,000 pages in a row with nothing new.
      expect(error.message).toContain("1004 records without an id repeated ones already sent (more than the 2 distinct")
    })
  )

  it.scopedLive(
    "counts a page of nothing but records without an id already sent toward the run of empty ones",
    () =>
      Effect.gen(function* () {
        // 1,200 distinct records without an id, then page after page resending one of them: too few repeats to
        // outnumber the records for 2,200 pages, so only the run of pages that brought nothing new stops it, at 2,000.
        const noId = (index: number) => rawUser("", { id: undefined, email: `n${index}@example.com` })
        const server = yield* scriptedServer((index) =>
          index < 20
            ? json(200, { results: Array.from({ length: 60 }, (_, at) => noId(index * 60 + at)), next: `c${index}` })
            : json(200, { results: [noId(index % 1200)], next: `c${index}` })
        )
        const error = yield* Effect.flip(collect(server.url).pipe(Effect.timeout("60 seconds")))
        expect(error._tag).toBe("PaginationLoop")
        expect(error.message).toContain("too many pages in a row brought nothing new after 2020 pages")
        expect(server.requests).toHaveLength(20 + MAX_EMPTY_PAGES_IN_A_ROW)
      }),
    // Two thousand requests, as the run of empty pages above: slack for a loaded machine.
    60_000
  )

  it.scopedLive("stops pages that cycle through records without an id, each new beside the page before", () =>
    Effect.gen(function* () {
      const page = (name: string) =>
        Array.from({ length: 60 }, (_, index) => rawUser("", { id: undefined, email: `${name}${index}@example.com` }))
      const pages = [page("a"), page("b")]
      const server = yield* scriptedServer((index) => json(200, { results: pages[index % 2], next: `c${index}` }))
      const error = yield* Effect.flip(collect(server.url).pipe(Effect.timeout("30 seconds")))
      expect(error._tag).toBe("PaginationLoop")
      // Stopped by the count of repeats once they outnumber the 120 records by the margin of 1,000: at the 21st page,
      // not by the run of 2,000 pages with nothing new, which would stop it too, only a hundred times later.
      expect(error.message).toContain(
        "1140 records without an id repeated ones already sent (more than the 120 distinct ones) after 21 pages"
      )
      expect(server.requests).toHaveLength(21)
    })
  )

  it.scopedLive("stops roles that go round under fresh cursors, each page new beside the one before", () =>
    Effect.gen(function* () {
      const role = (id: string) => ({ id, name: `Role ${id}`, permissions: ["UserRead"] })
      // Role r1, then r2, then r1 again...: no cursor repeats and no page repeats the one before it.
      const server = yield* scriptedServer((index) =>
        json(200, { results: [role(`r${index % 2}`)], next: `c${index}` })
      )
      const error = yield* Effect.flip(
        runWithClient(server.url, (client) => Stream.runCollect(client.listRoles())).pipe(Effect.timeout("30 seconds"))
      )
      expect(error._tag).toBe("PaginationLoop")
      expect(error.message).toContain(
        "GET /roles did not end: 1003 records repeated ones already sent (more than the 2 distinct ones) after 1005 pages"
      )
      expect(server.requests).toHaveLength(1005)
    })
  )

  it.scopedLive("passes a role listed again on a later page on once, in a list that ends", () =>
    Effect.gen(function* () {
      const role = (id: string) => ({ id, name: `Role ${id}`, permissions: ["UserRead"] })
      const server = yield* scriptedServer([
        json(200, { results: [role("r1")], next: "a" }),
        json(200, { results: [role("r2")], next: "b" }),
        json(200, { results: [role("r1"), role("r3")] })
      ])
      const roles = yield* runWithClient(server.url, (client) => Stream.runCollect(client.listRoles()))
      expect(readRoles(roles).map((each) => each.id)).toEqual(["r1", "r2", "r3"])
    })
  )

  it.scopedLive("stops a search by email whose pages go round under fresh cursors without the email", () =>
    Effect.gen(function* () {
      // A create's look-up: pages of others, A, B, A, B..., never the email looked for.
      const page = (name: string) => Array.from({ length: 60 }, (_, index) => rawUser(`${name}${index}`))
      const pages = [page("a"), page("b")]
      const server = yield* scriptedServer((index) => json(200, { results: pages[index % 2], next: `c${index}` }))
      const error = yield* Effect.flip(
        runWithClient(server.url, (client) => client.findUserByEmail("new@example.com")).pipe(
          Effect.timeout("30 seconds")
        )
      )
      expect(error._tag).toBe("PaginationLoop")
      expect(error.message).toContain("1140 records repeated ones already sent (more than the 120 distinct ones)")
      expect(server.requests).toHaveLength(21)
    })
  )

  it.scopedLive("stops a list asked for by id whose pages go round under fresh cursors", () =>
    Effect.gen(function* () {
      // `users delete --if-exists` confirms a user gone with such a list, and counts no repeats itself: pages A, B,
      // A, B..., each new beside the one before, were otherwise read for ever.
      const page = (name: string) => Array.from({ length: 50 }, (_, index) => rawUser(`${name}${index}`))
      const [a, b] = [page("a"), page("b")]
      const server = yield* scriptedServer((index) =>
        json(200, { results: index % 2 === 0 ? a : b, next: `c${index}` })
      )
      const error = yield* Effect.flip(
        runWithClient(server.url, (client) =>
          Stream.runDrain(client.listUsers({ ids: [...a, ...b].map((user) => String(user.id)) }))
        ).pipe(Effect.timeout("10 seconds"))
      )
      expect(error._tag).toBe("PaginationLoop")
      expect(error.message).toContain("1150 records repeated ones already sent (more than the 100 distinct ones)")
    })
  )

  it.scopedLive("passes on a record without an id sent again, in a list that ends", () =>
    Effect.gen(function* () {
      const noId = rawUser("", { id: undefined })
      const server = yield* scriptedServer([
        json(200, { results: [noId, rawUser("u1")], next: "c1" }),
        json(200, { results: [noId, rawUser("u2")] })
      ])
      const { records } = yield* collect(server.url)
      expect(ids(records)).toEqual([undefined, "u1", undefined, "u2"])
    })
  )

  it.scopedLive("passes on every record whose id is empty: an empty id names no user, so it marks no repeat", () =>
    Effect.gen(function* () {
      // Two records with an empty id on one page, and one more at the start of the next: three records, not one.
      const server = yield* scriptedServer([
        json(200, {
          results: [rawUser("", { email: "a@example.com" }), rawUser("", { email: "b@example.com" })],
          next: "c1"
        }),
        json(200, { results: [rawUser("", { email: "c@example.com" }), rawUser("u1")] })
      ])
      const { records, stats } = yield* collect(server.url)
      expect(records.map((record) => (record._tag === "ValidUser" ? record.user.email : record._tag))).toEqual([
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "u1@example.com"
      ])
      expect(stats.repeatsDropped).toBe(0)
    })
  )

  it.scopedLive("passes a record that breaks the schema on as InvalidUser, with its id and the field", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, {
          results: [
            rawUser("u1"),
            rawUser("u2", { email: 42 }),
            { givenName: "No", familyName: "Id", email: "noid@example.com" },
            "not a user",
            rawUser("u3", { status: "SOMETHING_NEW", lastLoggedInAt: null, createdAt: "" })
          ]
        })
      ])
      const { records } = yield* collect(server.url)
      expect(records.map((record) => record._tag)).toEqual([
        "ValidUser",
        "InvalidUser",
        "InvalidUser",
        "InvalidUser",
        "ValidUser"
      ])
      const bad = records[1]
      if (bad?._tag !== "InvalidUser") throw new Error("expected InvalidUser")
      expect(bad.userId).toEqual(Option.some("u2"))
      expect(bad.email).toEqual(Option.none())
      expect(bad.reason).toBe("email: Expected string, actual 42")
      const noId = records[2]
      if (noId?._tag !== "InvalidUser") throw new Error("expected InvalidUser")
      expect(noId.userId).toEqual(Option.none())
      expect(noId.email).toEqual(Option.some("noid@example.com"))
      expect(noId.reason).toContain("role: is missing")
      expect(noId.reason).toContain("enabled: is missing")
      // Unknown statuses are data, and null / "" timestamps mean "never".
      const odd = records[4]
      if (odd?._tag !== "ValidUser") throw new Error("expected ValidUser")
      expect(odd.user.status).toBe("SOMETHING_NEW")
      expect(odd.user.lastLoggedInAt).toBeUndefined()
      expect(odd.user.createdAt).toBeUndefined()
    })
  )

  it.scopedLive("fails the whole stream when a later page fails for good: no partial list passes as complete", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "c1" }),
        json(503, { message: "down" })
      ])
      const seen: Array<string> = []
      const error = yield* runWithClient(server.url, (client) =>
        client.listUsers().pipe(
          Stream.runForEach((record) => Effect.sync(() => seen.push(record._tag))),
          Effect.flip
        )
      )
      expect(seen).toEqual(["ValidUser"])
      expect(error._tag).toBe("ServerError")
      // One first page, then the second page three times (fastRetry allows 3 attempts).
      expect(server.requests).toHaveLength(4)
    })
  )

  it.scopedLive("is lazy: nothing is requested until the stream runs", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([json(200, { results: [rawUser("u1")] })])
      const records = yield* runWithClient(server.url, (client) =>
        Effect.gen(function* () {
          const stream = client.listUsers()
          // A request sent as the stream is made reaches a loopback server within a few milliseconds; checked at
          // once, the count was 0 whether or not one had gone out.
          yield* Effect.sleep("200 millis")
          expect(server.requests).toHaveLength(0)
          const runFrom = performance.now()
          const records = yield* Stream.runCollect(stream)
          // The one request there is went out when the stream ran, not before.
          expect(server.requests.map((request) => request.receivedAt >= runFrom)).toEqual([true])
          return Chunk.toArray(records)
        })
      )
      expect(ids(records)).toEqual(["u1"])
    })
  )

  it.scopedLive("asks for the next page before the caller has finished with the current one", () =>
    Effect.gen(function* () {
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "c1" }),
        json(200, { results: [rawUser("u2")], next: "c2" }),
        json(200, { results: [rawUser("u3")] })
      ])
      // While the caller holds each page, the request for the next one reaches the server (waited for, so a slow
      // machine cannot fail it; without the early request it never comes, and the wait gives up).
      const nextAskedWhileHeld: Array<boolean> = []
      const aheadAtMost: Array<boolean> = []
      let page = 0
      yield* runWithClient(server.url, (client) =>
        client.listUsers().pipe(
          Stream.runForEach(() => {
            page++
            const expected = Math.min(page + 1, 3)
            return Effect.map(
              eventually(() => server.requests.length >= expected),
              (asked) => void nextAskedWhileHeld.push(asked)
            ).pipe(
              // And no further: one page ahead is the only overlap there is (a buffer reading on would be caught).
              Effect.zipLeft(Effect.sleep("50 millis")),
              Effect.tap(() => Effect.sync(() => aheadAtMost.push(server.requests.length <= expected)))
            )
          })
        )
      )
      expect(nextAskedWhileHeld).toEqual([true, true, true])
      expect(aheadAtMost).toEqual([true, true, true])
    })
  )

  it.scopedLive("a caller that stops early leaves no request running", () =>
    Effect.gen(function* () {
      let aborted = 0
      const server = yield* scriptedServer([
        json(200, { results: [rawUser("u1")], next: "c1" }),
        // The next page never answers: only the client hanging up ends it.
        (_request, response) => {
          response.on("close", () => aborted++)
        }
      ])
      // Checked while the client is still in use (its connections open), and long before the request would time out:
      // the stream's end alone must give the page up.
      const { first, hungUp } = yield* runWithClient(
        server.url,
        (client) =>
          Effect.gen(function* () {
            const first = yield* Stream.runHead(client.listUsers())
            return { first, hungUp: yield* eventually(() => aborted === 1) }
          }),
        { requestTimeout: Duration.seconds(60) }
      )
      expect(Option.map(first, (record) => record._tag)).toEqual(Option.some("ValidUser"))
      expect(hungUp).toBe(true)
      expect(server.requests).toHaveLength(2)
    })
  )
})
