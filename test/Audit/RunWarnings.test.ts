/**
 * The run's warnings say how many of a kind there were when they show only the first few, so a reader knows the list
 * goes on; and they read right for one as for many.
 */
import * as Option from "effect/Option"
import { describe, expect, it } from "vitest"
import { makePrivilegePolicy } from "../../src/Audit/Privilege.js"
import {
  asOfAheadWarning,
  NAMED_SUPPRESSION_ENTRIES,
  NOT_JUDGED_WITHOUT_LOGINS,
  privilegeWarnings,
  rolesUnreadWarning,
  suppressionWarnings,
  unreadableRolesWarning
} from "../../src/Audit/RunWarnings.js"
import type { SuppressionEntry } from "../../src/Audit/Suppressions.js"
import { BadRequest, NotFound } from "../../src/PantherApi/ClientErrors.js"
import { RoleRecord } from "../../src/PantherApi/RoleRecord.js"
import { parameters } from "./fixtures.js"

const suppression = (entry: number, user: string): SuppressionEntry => ({
  entry,
  user,
  finding: "STALE_LOGIN",
  reason: "on leave",
  owner: "secops@example.com",
  expires: "2026-12-31",
  expiresAt: Date.parse("2027-01-01T00:00:00Z")
})

describe("--as-of ahead of the run", () => {
  const started = Date.parse("2026-12-02T04:00:00Z")
  const ahead = (ms: number) => asOfAheadWarning(started + ms, started) ?? ""

  it("says how far ahead in minutes under an hour, never '0 hours', which read as nothing amiss", () => {
    expect(ahead(45 * 60_000)).toContain("is 45 minutes after this run started")
    expect(ahead(45 * 60_000)).toContain("every login is judged as if it were then, 45 minutes older than it is")
    expect(asOfAheadWarning(started + 5 * 60_000, started)).toBeUndefined()
  })

  it("says the minutes typed, though the run starts a moment after the --as-of was typed to the second", () => {
    expect(ahead(45 * 60_000 - 467)).toContain("is 45 minutes after this run started")
    expect(ahead(5.5 * 3_600_000 - 467)).toContain("is 5 hours 30 minutes after this run started")
    expect(ahead(2 * 3_600_000 - 467)).toContain("is 2 hours after this run started")
  })

  it("gives hours with their minutes, as a local time typed without its offset is ahead by that offset", () => {
    expect(ahead(60 * 60_000)).toContain("is 1 hour after this run started")
    expect(ahead(5.5 * 3_600_000)).toContain("is 5 hours 30 minutes after this run started")
    expect(ahead(40.5 * 86_400_000)).toContain("is 40 days 12 hours after this run started")
    expect(ahead(86_400_000)).toContain("is 24 hours after this run started")
    expect(ahead(48 * 3_600_000)).toContain("is 2 days after this run started")
  })

  it("gives days with their hours, to the nearest hour", () => {
    expect(ahead(71 * 3_600_000)).toContain("is 2 days 23 hours after this run started")
    expect(ahead(49 * 3_600_000 + 29 * 60_000)).toContain("is 2 days 1 hour after this run started")
    expect(ahead(71 * 3_600_000 + 31 * 60_000)).toContain("is 3 days after this run started")
  })
})

describe("privilege warnings", () => {
  it("name the first five roles GET /roles did not list, and how many more there are", () => {
    const policy = makePrivilegePolicy(parameters(), [{ id: "role-admin", name: "Admin", permissions: [] }])
    for (let index = 1; index <= 7; index++) policy.judge({ id: `r-${index}` })
    expect(privilegeWarnings(policy, 0, true)).toEqual([
      "Users hold roles GET /roles did not list (r-1, r-2, r-3, r-4, r-5 and 2 more): their privilege was judged by " +
        "role name and id only."
    ])
  })

  it("name the first five role names that fit more than one role, and how many more there are", () => {
    /** A policy whose users hold `count` role names, each of two roles in GET /roles. */
    const ambiguous = (count: number) => {
      const roles = Array.from({ length: count }, (_, index) => [
        { id: `r-${index}-a`, name: `Team ${index}`, permissions: [] },
        { id: `r-${index}-b`, name: `Team ${index}`, permissions: [] }
      ]).flat()
      const policy = makePrivilegePolicy(parameters(), [{ id: "role-admin", name: "Admin", permissions: [] }, ...roles])
      for (let index = 0; index < count; index++) policy.judge({ name: `Team ${index}` })
      return policy
    }
    expect(privilegeWarnings(ambiguous(7), 0, true)).toEqual([
      "Users hold role names that fit more than one role in GET /roles (Team 0, Team 1, Team 2, Team 3, Team 4 and " +
        "2 more): each such user is privileged if any of those roles is."
    ])
    expect(privilegeWarnings(ambiguous(5), 0, true)).toEqual([
      "Users hold role names that fit more than one role in GET /roles (Team 0, Team 1, Team 2, Team 3, Team 4): " +
        "each such user is privileged if any of those roles is."
    ])
  })

  it("say 'a role' of one role GET /roles did not list, and of one role name that fits more than one role", () => {
    const unlisted = makePrivilegePolicy(parameters(), [{ id: "role-admin", name: "Admin", permissions: [] }])
    unlisted.judge({ id: "r-1" })
    unlisted.judge({ id: "r-1" })
    expect(privilegeWarnings(unlisted, 0, true)).toEqual([
      "Users hold a role GET /roles did not list (r-1): their privilege was judged by role name and id only."
    ])
    const ambiguous = makePrivilegePolicy(parameters(), [
      { id: "role-admin", name: "Admin", permissions: [] },
      { id: "r-ops-a", name: "Ops", permissions: [] },
      { id: "r-ops-b", name: "Ops", permissions: [] }
    ])
    ambiguous.judge({ name: "Ops" })
    expect(privilegeWarnings(ambiguous, 0, true)).toEqual([
      "Users hold a role name that fits more than one role in GET /roles (Ops): each such user is privileged if any " +
        "of those roles is."
    ])
  })

  it("say nothing of the default list's Admin when the instance has no such role: the user set no list", () => {
    const policy = makePrivilegePolicy(parameters(), [{ id: "r-owner", name: "Owner", permissions: ["UserModify"] }])
    expect(policy.unknownListedRoles()).toEqual(["Admin"])
    expect(privilegeWarnings(policy, 0, false)).toEqual([])
  })

  it("count the enabled users without a role, in the singular for one", () => {
    const policy = makePrivilegePolicy(parameters(), [{ id: "role-admin", name: "Admin", permissions: [] }])
    expect(privilegeWarnings(policy, 1, true)).toEqual([
      "1 enabled user has no role (neither id nor name): whether they are privileged could not be judged; check them " +
        "in Panther."
    ])
    expect(privilegeWarnings(policy, 3, true)[0]).toMatch(/^3 enabled users have no role/)
  })

  it("name a listed privileged role that no role in GET /roles and no user's role is, once", () => {
    const policy = makePrivilegePolicy(parameters({ privilegedRoles: ["Admin", "Helpdesk", "helpdesk", "Old Ops"] }), [
      { id: "role-admin", name: "Admin", permissions: [] }
    ])
    policy.judge({ name: "old ops" })
    expect(policy.unknownListedRoles()).toEqual(["Helpdesk"])
    expect(privilegeWarnings(policy, 0, true)).toEqual([
      "--privileged-roles / AUDIT_PRIVILEGED_ROLES names Helpdesk, which is the name or id of no role in GET /roles " +
        "nor of any user's role: if the role was renamed or the name is mistyped, no user was judged privileged by " +
        "it. Check the roles in Panther's console."
    ])
    // Not when roles could not be read: the run says that on its own.
    expect(makePrivilegePolicy(parameters({ privilegedRoles: ["Helpdesk"] }), undefined).unknownListedRoles()).toEqual(
      []
    )
  })
})

describe("suppression warnings", () => {
  it("name an expired entry, which the JSON report and the email carry as well as the summary", () => {
    const warnings = suppressionWarnings(
      {
        active: 0,
        expired: [suppression(2, "old@example.com")],
        unused: [],
        shadowed: [],
        spread: []
      },
      false
    )
    expect(warnings).toEqual([
      "Suppression entry 2 (old@example.com, STALE_LOGIN) expired on 2026-12-31 and no longer applies."
    ])
  })

  it("say to keep an unused entry for a login finding or '*' when Panther sent no login times, and only those", () => {
    const entry = (number: number, finding: SuppressionEntry["finding"]) => ({
      ...suppression(number, "pat@example.com"),
      finding
    })
    const outcome = { active: 3, expired: [], shadowed: [], spread: [] }
    const unused = [entry(1, "STALE_LOGIN"), entry(2, "*"), entry(3, "PENDING_STATUS")]
    expect(suppressionWarnings({ ...outcome, unused }, true)).toEqual([
      `Suppression entry 1 (pat@example.com, STALE_LOGIN) matched no finding, but ${NOT_JUDGED_WITHOUT_LOGINS}.`,
      `Suppression entry 2 (pat@example.com, *) matched no finding, but ${NOT_JUDGED_WITHOUT_LOGINS}.`,
      "Suppression entry 3 (pat@example.com, PENDING_STATUS) matched no finding."
    ])
  })

  it("name an entry shadowed by an earlier one, with the earlier one's user, finding and expiry", () => {
    const earlier = { ...suppression(1, "*"), expires: "2027-03-31" }
    const later = { ...suppression(4, "pat@example.com"), finding: "NEVER_LOGGED_IN" as const }
    const warnings = suppressionWarnings(
      { active: 1, expired: [], unused: [], shadowed: [{ entry: later, by: earlier }], spread: [] },
      false
    )
    expect(warnings).toEqual([
      "Suppression entry 4 (pat@example.com, NEVER_LOGGED_IN) is never used while entry 1 (*, STALE_LOGIN, expires " +
        "2027-03-31) applies, which comes first: remove one of them."
    ])
  })

  it("name the first three accounts one entry suppressed findings of, and how many more there are", () => {
    const entry = suppression(1, "pat@example.com")
    const warnings = suppressionWarnings(
      {
        active: 1,
        expired: [],
        unused: [],
        shadowed: [],
        spread: [{ entry, accounts: ["u-1", "u-2", "u-3", "u-4", "u-5"] }]
      },
      false
    )
    expect(warnings).toEqual([
      "Suppression entry 1 (pat@example.com, STALE_LOGIN) suppressed findings of 5 accounts (u-1, u-2, u-3 and 2 more): " +
        "if only one is meant, name it by its user id."
    ])
  })
})

describe("unreadable roles warning", () => {
  const unreadable = (id: string | undefined, name: string | undefined, reason = "permissions: is missing") =>
    RoleRecord.UnreadableRole({ id: Option.fromNullable(id), name: Option.fromNullable(name), reason })
  const readable = RoleRecord.ValidRole({ role: { id: "role-admin", name: "Admin", permissions: [] } })
  const roles = (count: number) =>
    Array.from({ length: count }, (_, index) => unreadable(`r-${index}`, `Team ${index}`))

  it("names one role in the singular, and says nothing when every role was read", () => {
    expect(unreadableRolesWarning([readable, unreadable("r-ops", "Ops")])).toBe(
      "GET /roles sent 1 role whose entry could not be read (Ops (r-ops): permissions: is missing): users holding " +
        "it were judged privileged or not by its name and id only, not by permissions; every other role by its " +
        "permissions."
    )
    expect(unreadableRolesWarning([readable])).toBeUndefined()
  })

  it("names all of five roles, and the first five of six with how many more", () => {
    const five = unreadableRolesWarning(roles(5)) ?? ""
    expect(five).toContain("(Team 0 (r-0): permissions: is missing; ")
    expect(five).toContain("; Team 4 (r-4): permissions: is missing): users holding them were judged")
    expect(five).not.toContain("more")
    const six = unreadableRolesWarning(roles(6)) ?? ""
    expect(six).toMatch(/^GET \/roles sent 6 roles whose entry could not be read \(Team 0 \(r-0\)/)
    expect(six).toContain("; Team 4 (r-4): permissions: is missing; and 1 more): users holding them")
    expect(six).not.toContain("Team 5")
  })

  it("names a role by what it has of a name and an id, and cuts a long reason short", () => {
    const warning =
      unreadableRolesWarning([
        unreadable(undefined, "Ops"),
        unreadable("r-x", undefined),
        unreadable(undefined, undefined, `permissions: ${"x".repeat(500)}`)
      ]) ?? ""
    expect(warning).toContain("(Ops: permissions: is missing; r-x: permissions: is missing; a role with neither id ")
    expect(warning).toContain(
      `nor name: permissions: ${"x".repeat(200 - 14)}…): users holding those with an id or name were judged ` +
        "privileged or not by their name and id only, not by permissions; the one with neither cannot be matched to " +
        "a user's role, so such users' roles count as roles GET /roles did not list; every other role by its " +
        "permissions."
    )
  })

  it("does not say a role with neither id nor name judged its users by its name and id", () => {
    expect(unreadableRolesWarning([readable, unreadable(undefined, undefined)])).toBe(
      "GET /roles sent 1 role whose entry could not be read (a role with neither id nor name: permissions: is " +
        "missing): with neither id nor name it cannot be matched to a user's role, so such users' roles count as " +
        "roles GET /roles did not list; every other role by its permissions."
    )
    const two = unreadableRolesWarning([unreadable(undefined, undefined), unreadable(undefined, undefined)]) ?? ""
    expect(two).toContain("): with neither id nor name they cannot be matched to a user's role, so such users' ")
    const oneNamed = unreadableRolesWarning([unreadable("r-ops", "Ops"), unreadable(undefined, undefined)]) ?? ""
    expect(oneNamed).toContain(
      "): users holding the one with an id or name were judged privileged or not by its name and id only, not by " +
        "permissions; the one with neither cannot be matched"
    )
    const twoNameless = [unreadable("r-ops", "Ops"), unreadable(undefined, undefined), unreadable(undefined, undefined)]
    expect(unreadableRolesWarning(twoNameless)).toContain("not by permissions; those with neither cannot be matched")
  })

  it("is right that a user's role then counts as one GET /roles did not list", () => {
    const policy = makePrivilegePolicy(
      parameters(),
      [{ id: "role-admin", name: "Admin", permissions: [] }],
      [{ id: undefined, name: undefined }]
    )
    policy.judge({ id: "r-ghost", name: "Ghost" })
    expect(policy.unlistedRoles()).toEqual(["r-ghost"])
  })
})

describe("roles unread", () => {
  const prefix =
    "Roles could not be read (NotFound), so privilege was decided by role names and ids only, not by permissions: "

  it("says a later page's 404 as the error does: its cursor failed, not the address", () => {
    const atCursor = new NotFound({ method: "GET", path: "/roles", atCursor: true })
    expect(rolesUnreadWarning(atCursor)).toBe(prefix + atCursor.message)
  })

  it("takes a 300 for the redirect it is, as every 3xx", () => {
    const redirect = new BadRequest({ method: "GET", path: "/roles", status: 300 })
    expect(rolesUnreadWarning(redirect)).toContain(
      "Panther's address answered GET /roles with a redirect (300), which is not followed."
    )
  })
})

describe("suppression warnings at the limit of entries named", () => {
  const none = { active: 0, expired: [], unused: [], shadowed: [], spread: [] }
  const entries = (count: number) =>
    Array.from({ length: count }, (_, index) => suppression(index + 1, `u${index}@example.com`))

  it("name all of as many entries as the limit, with no line counting none more", () => {
    const warnings = suppressionWarnings({ ...none, unused: entries(NAMED_SUPPRESSION_ENTRIES) }, false)
    expect(warnings).toHaveLength(NAMED_SUPPRESSION_ENTRIES)
    expect(warnings.join("\n")).not.toContain("more")
  })

  it("count the expired entries past the limit, in the singular for one", () => {
    const warnings = suppressionWarnings({ ...none, expired: entries(NAMED_SUPPRESSION_ENTRIES + 1) }, false)
    expect(warnings).toHaveLength(NAMED_SUPPRESSION_ENTRIES + 1)
    expect(warnings.at(-1)).toBe("…and 1 more expired entry: the JSON report's suppressions.expired lists all.")
  })

  it("name all three accounts one entry suppressed findings of, with no 'and 0 more'", () => {
    const entry = suppression(1, "pat@example.com")
    expect(suppressionWarnings({ ...none, spread: [{ entry, accounts: ["u-1", "u-2", "u-3"] }] }, false)).toEqual([
      "Suppression entry 1 (pat@example.com, STALE_LOGIN) suppressed findings of 3 accounts (u-1, u-2, u-3): if only " +
        "one is meant, name it by its user id."
    ])
  })
})
