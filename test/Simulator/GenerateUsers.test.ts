import { describe, expect, it } from "vitest"
import { formatTimestamp, generateUsers } from "../../src/Simulator/GenerateUsers.js"
import { makeRoles } from "../../src/Simulator/Roles.js"

const NOW = new Date("2025-06-30T12:00:00Z")
const DAY = 86_400_000
const users = generateUsers({ count: 5000, seed: 1, now: NOW })

const share = (predicate: (user: (typeof users)[number]) => boolean) => users.filter(predicate).length / users.length

describe("generated users", () => {
  it("are the same for the same count, seed and reference time, and differ for another seed", () => {
    expect(generateUsers({ count: 300, seed: 4, now: NOW })).toEqual(generateUsers({ count: 300, seed: 4, now: NOW }))
    expect(generateUsers({ count: 300, seed: 5, now: NOW })).not.toEqual(
      generateUsers({ count: 300, seed: 4, now: NOW })
    )
  })

  it("move with the reference time: the same people, every date shifted by the same amount", () => {
    const later = generateUsers({ count: 200, seed: 1, now: new Date(NOW.getTime() + 10 * DAY) })
    generateUsers({ count: 200, seed: 1, now: NOW }).forEach((user, index) => {
      const moved = later[index]
      expect(moved?.email).toBe(user.email)
      expect(Date.parse(moved?.createdAt ?? "") - Date.parse(user.createdAt ?? "")).toBe(10 * DAY)
      if (typeof user.lastLoggedInAt === "string" && user.lastLoggedInAt !== "") {
        expect(Date.parse(String(moved?.lastLoggedInAt)) - Date.parse(user.lastLoggedInAt)).toBe(10 * DAY)
      }
    })
  })

  it("have unique UUID ids and unique, ASCII, reserved-domain emails", () => {
    expect(new Set(users.map((user) => user.id)).size).toBe(users.length)
    for (const user of users)
      expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(new Set(users.map((user) => user.email.toLowerCase())).size).toBe(users.length)
    for (const user of users)
      expect(user.email).toMatch(/^[\x21-\x7e]+@(example\.(com|org)|corp\.example|eu\.example\.com)$/i)
    expect(users.some((user) => /[A-Z]/.test(user.email))).toBe(true)
  })

  it("have mostly CONFIRMED and EXTERNAL_PROVIDER statuses, some invited or reset, and rarely COMPROMISED", () => {
    expect(share((u) => u.status === "CONFIRMED" || u.status === "EXTERNAL_PROVIDER")).toBeGreaterThan(0.75)
    for (const status of ["FORCE_CHANGE_PASSWORD", "UNCONFIRMED", "RESET_REQUIRED"]) {
      expect(
        share((u) => u.status === status),
        status
      ).toBeGreaterThan(0.01)
    }
    expect(share((u) => u.status === "COMPROMISED")).toBeGreaterThan(0)
    expect(share((u) => u.status === "COMPROMISED")).toBeLessThan(0.02)
    // Status is optional in the spec; a few records leave it out.
    expect(users.some((user) => !("status" in user))).toBe(true)
  })

  it("have few Admins, the first user among them, and some custom-role users including Helpdesk", () => {
    expect(users[0]).toMatchObject({ role: { name: "Admin" }, status: "CONFIRMED", enabled: true })
    expect(share((u) => u.role.name === "Admin")).toBeLessThan(0.06)
    expect(share((u) => u.role.name === "Helpdesk")).toBeGreaterThan(0.01)
    const roleIds = new Map(makeRoles(NOW).map((role) => [role.name, role.id]))
    for (const user of users) expect(user.role.id).toBe(roleIds.get(user.role.name ?? ""))
  })

  it("have last logins 0 to 400 days back, never before creation, and some never (absent, null or empty)", () => {
    for (const user of users) {
      const created = Date.parse(user.createdAt ?? "")
      expect(created).toBeLessThanOrEqual(NOW.getTime())
      if (typeof user.lastLoggedInAt === "string" && user.lastLoggedInAt !== "") {
        const login = Date.parse(user.lastLoggedInAt)
        expect(NOW.getTime() - login).toBeGreaterThanOrEqual(0)
        expect(NOW.getTime() - login).toBeLessThanOrEqual(400 * DAY)
        expect(login).toBeGreaterThanOrEqual(created - 1)
      }
    }
    expect(users.some((user) => !("lastLoggedInAt" in user))).toBe(true)
    expect(users.some((user) => user.lastLoggedInAt === null)).toBe(true)
    expect(users.some((user) => user.lastLoggedInAt === "")).toBe(true)
    expect(
      share((u) => typeof u.lastLoggedInAt === "string" && NOW.getTime() - Date.parse(u.lastLoggedInAt) > 90 * DAY)
    ).toBeGreaterThan(0.05)
    for (const user of users.filter((u) => u.status === "FORCE_CHANGE_PASSWORD" || u.status === "UNCONFIRMED")) {
      expect(typeof user.lastLoggedInAt === "string" && user.lastLoggedInAt !== "").toBe(false)
    }
  })

  it("write timestamps with 0, 3 and 9 fractional digits, all in UTC", () => {
    const stamps = users.flatMap((user) => [user.createdAt, user.lastLoggedInAt]).filter((s): s is string => !!s)
    const digits = new Set(stamps.map((stamp) => /\.(\d+)Z$/.exec(stamp)?.[1]?.length ?? 0))
    expect(digits).toEqual(new Set([0, 3, 9]))
    for (const stamp of stamps) expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{9})?Z$/)
    expect(formatTimestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 678), 0)).toBe("2025-01-02T03:04:05Z")
    expect(formatTimestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 678), 3)).toBe("2025-01-02T03:04:05.678Z")
    expect(formatTimestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 678), 9)).toBe("2025-01-02T03:04:05.678000000Z")
  })

  it("deactivate some users", () => {
    expect(share((u) => !u.enabled)).toBeGreaterThan(0.03)
    expect(share((u) => !u.enabled)).toBeLessThan(0.12)
  })

  it("have names in Hangul, Cyrillic, Greek, Japanese, accented Latin and plain ASCII", () => {
    const names = users.map((user) => `${user.givenName} ${user.familyName}`)
    const scripts: ReadonlyArray<readonly [string, RegExp]> = [
      ["Hangul", /\p{Script=Hangul}/u],
      ["Cyrillic", /\p{Script=Cyrillic}/u],
      ["Greek", /\p{Script=Greek}/u],
      ["Japanese", /[\p{Script=Hiragana}\p{Script=Han}]/u],
      ["accented Latin", /[À-ɏ]/u],
      ["ASCII", /^[\x20-\x7e]+$/]
    ]
    for (const [script, pattern] of scripts)
      expect(
        names.some((name) => pattern.test(name)),
        script
      ).toBe(true)
  })
})
