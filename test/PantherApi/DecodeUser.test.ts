/**
 * `decodeUserRecord` decodes typical records by hand and leaves the rest to the `User` schema. Whatever path a
 * record takes, the result must be what the schema alone gives: the same user, with the same keys in the same
 * order (so `users list` prints the same JSON), or an InvalidUser where the schema fails.
 */
import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { decodeUserRecord, TYPICAL_ROLE_FIELDS, TYPICAL_USER_FIELDS } from "../../src/PantherApi/DecodeUser.js"
import { RoleRef, User } from "../../src/PantherApi/Schemas.js"
import { generateUsers } from "../../src/Simulator/GenerateUsers.js"

const bySchema = Schema.decodeUnknownEither(User, { errors: "all" })

/** JSON with undefined-valued keys kept, so `{ id: undefined }` and `{}` differ. */
const shape = (value: unknown): string =>
  JSON.stringify(value, (_key, field: unknown) => (field === undefined ? "<undefined>" : field))

const expectSameAsSchema = (raw: unknown) => {
  const expected = bySchema(raw)
  const actual = decodeUserRecord(raw)
  if (Either.isRight(expected)) {
    expect(actual._tag, shape(raw)).toBe("ValidUser")
    if (actual._tag === "ValidUser") expect(shape(actual.user), shape(raw)).toBe(shape(expected.right))
  } else {
    expect(actual._tag, shape(raw)).toBe("InvalidUser")
  }
}

const VALUES: ReadonlyArray<unknown> = ["", "text", "  ", null, 0, 1, true, false, {}, [], ["x"], { id: "r" }]
const ABSENT = Symbol("absent")

const withField = (base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...base }
  if (value === ABSENT) delete copy[key]
  else copy[key] = value
  return copy
}

const BASE: Record<string, unknown> = {
  id: "5f0c",
  email: "kim@example.com",
  givenName: "Kim",
  familyName: "Lee",
  role: { id: "r-1", name: "Admin" },
  enabled: true,
  status: "CONFIRMED",
  createdAt: "2024-01-02T03:04:05Z",
  lastLoggedInAt: "2025-01-02T03:04:05.123Z",
  unknownField: { nested: true }
}

describe("decodeUserRecord", () => {
  it("knows every field of User and of its role, in the schema's order (a field added to User must be added here)", () => {
    expect(Object.keys(User.fields)).toEqual([...TYPICAL_USER_FIELDS])
    expect(Object.keys(RoleRef.fields)).toEqual([...TYPICAL_ROLE_FIELDS])
  })

  it("makes a record nested thousands of levels deep an invalid record, not a crash of the whole run", () => {
    const depth = 20_000
    const deep: unknown = JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`)
    const record = decodeUserRecord({ ...BASE, role: deep })
    expect(record).toMatchObject({ _tag: "InvalidUser", reason: "a field holds a value nested too deeply to read" })
  })

  it("matches the schema on every generated user, null and empty last logins included", () => {
    for (const seed of [1, 2, 3]) {
      for (const raw of generateUsers({ count: 2000, seed, now: new Date("2025-06-30T12:00:00Z") })) {
        expectSameAsSchema(raw)
      }
    }
  })

  it("matches the schema for every field absent, undefined or of any JSON type, and keys in any order", () => {
    for (const key of Object.keys(BASE)) {
      for (const value of [...VALUES, undefined, ABSENT]) expectSameAsSchema(withField(BASE, key, value))
    }
    for (const key of ["id", "name", "extra"]) {
      for (const value of [...VALUES, undefined, ABSENT]) {
        expectSameAsSchema(withField(BASE, "role", withField({ id: "r-1", name: "Admin" }, key, value)))
      }
    }
    expectSameAsSchema(Object.fromEntries(Object.entries(BASE).reverse()))
    for (const raw of [null, undefined, 7, "user", [], [BASE], Object.assign([], BASE)]) expectSameAsSchema(raw)
  })
})

describe("an invalid record", () => {
  it("names each field once, the types a union would take joined", () => {
    const record = decodeUserRecord(withField({ ...BASE, id: 12345, lastLoggedInAt: 7 }, "givenName", ABSENT))
    expect(record).toMatchObject({
      _tag: "InvalidUser",
      reason:
        "id: Expected string, actual 12345; givenName: is missing; lastLoggedInAt: Expected string or null, actual 7"
    })
  })

  it("joins a union's types even when the value quoted holds the same words", () => {
    const record = decodeUserRecord({ ...BASE, lastLoggedInAt: { note: "x, actual y" } })
    expect(record).toMatchObject({
      reason: 'lastLoggedInAt: Expected string or null, actual {"note":"x, actual y"}'
    })
  })

  it("keeps what can be read for the rules, each field that failed left blank, absent or unreadable", () => {
    const record = decodeUserRecord({
      ...BASE,
      id: 12345,
      familyName: null,
      role: { id: 7, name: "Admin" },
      enabled: "yes",
      status: 3,
      createdAt: { at: "2024" },
      lastLoggedInAt: 7
    })
    if (record._tag !== "InvalidUser") throw new Error("expected an invalid record")
    expect(record.readable).toEqual({
      email: "kim@example.com",
      givenName: "Kim",
      familyName: "",
      role: { name: "Admin" },
      enabled: true,
      createdAt: "(not text)",
      lastLoggedInAt: "(not text: 7)"
    })
    expect(decodeUserRecord(42)).toMatchObject({ _tag: "InvalidUser", readable: undefined })
  })
})
