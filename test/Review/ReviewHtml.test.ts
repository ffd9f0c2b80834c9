import { describe, expect, it } from "vitest"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { barChart, columnChart } from "../../src/Review/Charts.js"
import { addFinding, NO_FINDINGS } from "../../src/Review/FindingSet.js"
import type { Review } from "../../src/Review/Review.js"
import { reviewFigures } from "../../src/Review/ReviewFigures.js"
import {
  privilegedIntro,
  roleBars,
  suppressionsText,
  userRow,
  usersTableStart,
  usersWhen
} from "../../src/Review/ReviewHtml.js"
import type { ReviewRow } from "../../src/Review/ReviewRow.js"
import { REVIEW_CSS } from "../../src/Review/ReviewStyles.js"
import { AS_OF, AS_OF_ISO, reviewRowOf } from "./fixtures.js"

const DAY = 86_400_000

const row = (userId: string, overrides: Partial<ReviewRow> = {}): ReviewRow =>
  reviewRowOf(userId, {
    givenName: "Ada",
    familyName: "Lovelace",
    roleId: "r-1",
    createdAt: AS_OF - 400 * DAY,
    lastLoggedInAt: AS_OF - 3 * DAY,
    ...overrides
  })

const run = (staleDays: number) =>
  ({
    asOf: AS_OF_ISO,
    parameters: { staleDays },
    findings: { bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 }, byFinding: { LOGIN_DATA_MISSING: 0 } }
  }) as unknown as AuditRun

describe("the review page's pieces", () => {
  it("escapes every API string in a row, and shows what is known of an invalid record", () => {
    const html = userRow(
      row("u-1", {
        givenName: `<img src=x onerror="alert(1)">`,
        familyName: "O'Brien & Co",
        roleName: "<b>Role</b>",
        status: '"quoted"'
      }),
      1,
      AS_OF
    )
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; O&#39;Brien &amp; Co")
    expect(html).toContain("&lt;b&gt;Role&lt;/b&gt;")
    expect(html).toContain("&quot;quoted&quot;")
    expect(html).not.toContain("<img")

    const invalid = userRow(
      row("u-2", {
        enabled: null,
        givenName: "",
        familyName: "",
        roleName: "",
        roleId: "",
        status: "",
        createdAt: null,
        lastLoggedInAt: null,
        invalidReason: "email: is missing <here>",
        findings: addFinding(NO_FINDINGS, "INVALID_RECORD", "high")
      }),
      2,
      AS_OF
    )
    expect(invalid).toContain("Invalid record")
    expect(invalid).toContain("email: is missing &lt;here&gt;")
    expect(invalid).toContain('<span class="tag sev-high">INVALID_RECORD</span>')
  })

  it("shows a role without a name by its id, a deactivated user as such, no days for one never logged in", () => {
    const html = userRow(
      row("u-4", { roleName: "", roleId: "r-9", enabled: false, status: "CONFIRMED", lastLoggedInAt: null }),
      4,
      AS_OF
    )
    expect(html).toContain('<tr class="deactivated"><td class="num">4</td>')
    expect(html).toContain('<td>r-9</td><td>CONFIRMED <span class="tag">deactivated</span></td>')
    expect(html).toContain('<td class="date">—</td><td class="num">—</td>')
  })

  it("lists above the privileged users only the privileged roles, each with why", () => {
    const rows = [
      row("admin", { roleName: "Admin", privileged: true, privilegeReason: 'role "Admin" is listed as privileged' }),
      row("analyst", { roleName: "Analyst" })
    ]
    const intro = privilegedIntro(reviewFigures({ run: run(45), asOf: AS_OF, rows } satisfies Review))
    expect(intro).toContain(
      '<ul class="privileged-roles"><li><strong>Admin</strong> (1): ' +
        "role &quot;Admin&quot; is listed as privileged</li></ul>"
    )
    expect(intro).not.toContain("Analyst")
  })

  it("shows a name's bidirectional overrides and control characters as U+FFFD, so it cannot read as another's", () => {
    const html = userRow(
      row("u-3", {
        givenName: "\u202enimda\u202c",
        familyName: "Smith\u2067x\u2069\u001b[31m\u009b",
        roleName: "Analyst\u200f"
      }),
      3,
      AS_OF
    )
    expect(html).toContain("\ufffdnimda\ufffd Smith\ufffdx\ufffd\ufffd[31m\ufffd")
    expect(html).not.toMatch(/(?![\t\n\r])[\p{Cc}\u202a-\u202e\u2066-\u2069]/u)
    // A right-to-left mark only sets the direction of neutral characters around it, as names in Hebrew or Arabic
    // may need: kept.
    expect(html).toContain("Analyst\u200f")
  })

  it("says the users were read at another instant than judged only when the two are more than a day apart", () => {
    const readAt = (ms: number) => new Date(AS_OF + ms).toISOString()
    // Judged as of exactly a day before they were read: one instant is named.
    expect(usersWhen({ asOf: AS_OF_ISO, startedAt: readAt(DAY) })).toBe("users as of 2026-06-30 12:00 UTC")
    expect(usersWhen({ asOf: AS_OF_ISO, startedAt: readAt(DAY + 1) })).toBe(
      "users as read at 2026-07-01 12:00 UTC, judged as of 2026-06-30 12:00 UTC"
    )
    // Judged as of a quarter's end still ahead: the users are today's, not a snapshot of then.
    expect(usersWhen({ asOf: AS_OF_ISO, startedAt: readAt(-40 * DAY) })).toBe(
      "users as read at 2026-05-21 12:00 UTC, judged as of 2026-06-30 12:00 UTC"
    )
  })

  it("charts twelve roles by name and the rest as one bar, a thirteenth alone by its name", () => {
    const roles = (count: number) => ({
      byRole: Array.from({ length: count }, (_, index) => ({
        role: `Role ${index + 1}`,
        users: 1,
        privileged: false,
        reason: ""
      }))
    })
    const labels = (count: number) => roleBars(roles(count)).map((bar) => bar.label)
    expect(labels(13)).toEqual(Array.from({ length: 13 }, (_, index) => `Role ${index + 1}`))
    expect(labels(14).slice(11)).toEqual(["Role 12", "2 other roles"])
    expect(roleBars(roles(15)).at(-1)).toMatchObject({ label: "3 other roles", value: 3 })
  })

  it("gives a privileged role a bar of its own, in the privileged colour, however few users it has", () => {
    // As figures sort them: most users first, so an Admin role of two comes after twenty larger roles.
    const byRole = [
      ...Array.from({ length: 20 }, (_, index) => ({
        role: `Team ${index + 1}`,
        users: 50,
        privileged: false,
        reason: ""
      })),
      { role: "Admin", users: 2, privileged: true, reason: 'role "Admin" is listed as privileged' },
      { role: "Team 21", users: 1, privileged: false, reason: "" }
    ]
    const bars = roleBars({ byRole })
    expect(bars.filter((bar) => bar.tone === "tone-privileged")).toEqual([
      { label: "Admin", value: 2, tone: "tone-privileged" }
    ])
    expect(bars.at(-1)).toEqual({ label: "9 other roles", value: 401, tone: "tone-role" })
    // Every user is on one bar or another.
    expect(bars.reduce((sum, bar) => sum + bar.value, 0)).toBe(1003)
  })

  it("cuts long role labels in the middle, so names that differ at the end stay apart", () => {
    const svg = barChart("Users by role", [
      { label: "Custom Role Number 11", value: 1, tone: "tone-role" },
      { label: "Custom Role Number 12", value: 2, tone: "tone-role" },
      { label: "Analyst", value: 3, tone: "tone-role" }
    ])
    expect(svg).toContain(">Custom Rol…Number 11</text>")
    expect(svg).toContain(">Custom Rol…Number 12</text>")
    expect(svg).toContain(">Analyst</text>")
    // The whole name stays in the tooltip.
    expect(svg).toContain("<title>Custom Role Number 12: 2</title>")
    // A family emoji is one character, kept whole or left out, never cut.
    const family = "\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}"
    const emoji = barChart("Users by role", [{ label: family.repeat(25), value: 1, tone: "tone-role" }])
    expect(emoji).toContain(`>${family.repeat(10)}…${family.repeat(9)}</text>`)
  })

  it("wraps a long name anywhere, so that one unbroken name cannot push the Decision column off the printed page", () => {
    // "break-word" leaves a cell's narrowest width that of its longest word: a 500-letter name widened the User
    // column past the A4 page, and every column after it, Decision included, was cut off in print.
    const rule = (selector: string) =>
      new RegExp(`${selector.replace(/[().]/g, "\\$&")}[^{]*\\{[^}]*overflow-wrap: anywhere`).test(REVIEW_CSS)
    expect(rule(".users td:nth-child(2)")).toBe(true)
    expect(rule(".summary-table td:first-child")).toBe(true)
    // The selector counts on the name being the second column of the user tables.
    const headings = [...usersTableStart("Other users", 1, "").matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1])
    expect(headings.slice(0, 2)).toEqual(["#", "User"])
  })

  it("keeps the labels of nine login bins apart, and 'unreadable' whole, where eight fit on one line", () => {
    const bins = ["0–7", "8–30", "31–60", "61–90", "91–180", "181–365", "366+", "never", "unreadable"]
    const labels = (count: number) =>
      [
        ...columnChart(
          "Days",
          bins.slice(0, count).map((label) => ({ label, value: 1, tone: "tone-ok" }))
        ).matchAll(/<text class="axis" x="([\d.]+)" y="(\d+)"[^>]*>([^<]*)<\/text>/g)
      ].map((match) => [Number(match[2]), match[3], Number(match[1])] as const)
    const eight = labels(8)
    expect(new Set(eight.map(([y]) => y)).size).toBe(1)
    const nine = labels(9)
    expect(nine.map(([, text]) => text)).toEqual(bins)
    // Neighbours on different lines: "91–180" and "181–365" no longer run into each other.
    for (let index = 1; index < nine.length; index++) expect(nine[index]?.[0]).not.toBe(nine[index - 1]?.[0])
    // The last, centred on its column near the right edge of the 360-unit chart, ran past it and was cut.
    expect((nine[8]?.[2] ?? 0) + 5 * 5.8).toBeLessThanOrEqual(360)
  })

  it("draws the largest column to the top of the chart and the others in proportion, a zero as none", () => {
    const svg = columnChart("Findings by severity", [
      { label: "critical", value: 0, tone: "tone-critical" },
      { label: "high", value: 4, tone: "tone-high" },
      { label: "medium", value: 1, tone: "tone-medium" }
    ])
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((match) => Number(match[1]))
    // The plot is 144 units high, between the value above the tallest column and the labels below.
    expect(heights).toEqual([0, 144, 36])
    const widths = [
      ...barChart("Users by role", [
        { label: "Analyst", value: 6, tone: "tone-role" },
        { label: "Admin", value: 2, tone: "tone-privileged" }
      ]).matchAll(/<rect [^>]*width="([\d.]+)"/g)
    ].map((match) => Number(match[1]))
    expect(widths).toEqual([180, 60])
  })

  it("escapes chart labels too", () => {
    const svg = barChart("Users by role", [{ label: "<script>x</script>", value: 3, tone: "tone-role" }])
    expect(svg).not.toContain("<script")
    expect(svg).toContain("&lt;script&gt;x&lt;/script&gt;")
  })

  it("counts privileged users able to sign in, and invalid records, as the run does", () => {
    const admin = { roleName: "Admin", privileged: true, privilegeReason: "role Admin is listed" }
    const rows = [
      row("admin", admin),
      row("old-admin", { ...admin, enabled: false }),
      row("broken", { invalidReason: "familyName: is missing" }),
      row("broken-off", { enabled: false, invalidReason: "familyName: is missing" })
    ]
    const figures = reviewFigures({ run: run(45), asOf: AS_OF, rows } satisfies Review)
    expect(figures).toMatchObject({ privileged: 2, privilegedEnabled: 1, invalid: 1, enabled: 2, deactivated: 2 })
    expect(privilegedIntro(figures)).toContain("1 of them deactivated, marked so, and not in the figure above.")
  })

  it("counts a record that failed validation apart in the chart of roles, not as a user without a role", () => {
    const rows = [
      row("bad", { enabled: null, roleName: "", roleId: "", privileged: null }),
      // Two, so that the bars' counts tell which label went to which: one each read the same either way.
      row("roleless", { roleName: "", roleId: "" }),
      row("roleless-too", { roleName: "", roleId: "" })
    ]
    const figures = reviewFigures({ run: run(45), asOf: AS_OF, rows } satisfies Review)
    expect(figures.byRole.map((role) => [role.role, role.users])).toEqual([
      ["(no role)", 2],
      ["(invalid record)", 1]
    ])
  })

  it("bins days since the last login of enabled users, marking the bins past --stale-days", () => {
    const rows = [
      row("a", { lastLoggedInAt: AS_OF - 2 * DAY }),
      row("b", { lastLoggedInAt: AS_OF - 45 * DAY }),
      row("c", { lastLoggedInAt: AS_OF - 100 * DAY }),
      row("d", { lastLoggedInAt: AS_OF - 500 * DAY }),
      row("e", { lastLoggedInAt: null }),
      // Deactivated users cannot log in, so their last logins say nothing about dormant access.
      row("f", { enabled: false, lastLoggedInAt: AS_OF - 500 * DAY }),
      row("g", {
        lastLoggedInAt: "not a timestamp",
        invalidReason: 'lastLoggedInAt is not a timestamp: "not a timestamp"',
        findings: addFinding(NO_FINDINGS, "INVALID_RECORD", "high")
      }),
      // A record that is not an object: not known to be enabled, so in no bar, as it is not in the enabled figure.
      row("h", { enabled: null, privileged: null, roleName: "", lastLoggedInAt: null, invalidReason: "not an object" })
    ]
    const figures = reviewFigures({ run: run(45), asOf: AS_OF, rows } satisfies Review)
    expect(figures.loginBins.map((bin) => [bin.label, bin.users, bin.state])).toEqual([
      ["0–7", 1, "recent"],
      ["8–30", 0, "recent"],
      ["31–60", 1, "mixed"],
      ["61–90", 0, "stale"],
      ["91–180", 1, "stale"],
      ["181–365", 0, "stale"],
      ["366+", 1, "stale"],
      ["never", 1, "never"],
      // Every enabled user is in a bar, the one whose last login did not parse too.
      ["unreadable", 1, "never"]
    ])
    expect(figures).toMatchObject({ users: 8, enabled: 6, deactivated: 1, invalid: 2 })
  })

  it("marks a bin starting at --stale-days mixed, not stale: that many whole days may be under the limit", () => {
    const figures = reviewFigures({ run: run(91), asOf: AS_OF, rows: [] } satisfies Review)
    expect(figures.loginBins.slice(3, 6).map((bin) => [bin.label, bin.state])).toEqual([
      ["61–90", "recent"],
      ["91–180", "mixed"],
      ["181–365", "stale"]
    ])
  })

  it("puts a login of exactly --stale-days whole days in a mixed bin, and one of 7 days in the first", () => {
    const rows = [
      row("week", { lastLoggedInAt: AS_OF - 7 * DAY - 1000 }),
      row("limit", { lastLoggedInAt: AS_OF - 90 * DAY - 1000 })
    ]
    const figures = reviewFigures({ run: run(90), asOf: AS_OF, rows } satisfies Review)
    expect(figures.loginBins.slice(0, 5).map((bin) => [bin.label, bin.users, bin.state])).toEqual([
      ["0–7", 1, "recent"],
      ["8–30", 0, "recent"],
      ["31–60", 0, "recent"],
      // 90 days and a second is stale; 90 days and no more is not: the bin holds both.
      ["61–90", 1, "mixed"],
      ["91–180", 0, "stale"]
    ])
  })

  it("names a role by its id when it has no name, and keeps why it is privileged whatever its last user", () => {
    const rows = [
      row("ops-1", { roleName: "Ops", privileged: true, privilegeReason: 'role "Ops" holds UserModify' }),
      // Another role of the same name, holding nothing.
      row("ops-2", { roleName: "Ops", roleId: "r-2" }),
      row("nameless", { roleName: "", roleId: "r-9" })
    ]
    const figures = reviewFigures({ run: run(45), asOf: AS_OF, rows } satisfies Review)
    expect(figures.byRole).toEqual([
      { role: "Ops", users: 2, privileged: true, reason: 'role "Ops" holds UserModify' },
      { role: "r-9", users: 1, privileged: false, reason: "" }
    ])
  })

  it("counts users with a finding above info only: a privileged role alone is no problem", () => {
    const rows = [
      row("admin", { privileged: true, findings: addFinding(NO_FINDINGS, "PRIVILEGED_ROLE", "info") }),
      row("stale", { findings: addFinding(NO_FINDINGS, "STALE_LOGIN", "medium") }),
      row("fine")
    ]
    expect(reviewFigures({ run: run(45), asOf: AS_OF, rows } satisfies Review).withFindings).toBe(1)
  })
})

describe("the review page's suppressions line", () => {
  const entry = (user: string, finding: string) => ({ entry: 1, user, finding, owner: "o@example.com", expires: "" })
  const line = (loginDataMissing: number, unused: ReadonlyArray<ReturnType<typeof entry>>) =>
    suppressionsText({
      run: {
        parameters: { suppressionsFile: "supp.yaml" },
        suppressions: { applied: 0, active: unused.length, expired: [], unused },
        findings: { byFinding: { LOGIN_DATA_MISSING: loginDataMissing } }
      }
    } as unknown as Review)

  it("says which unused entries only went unjudged for want of login times, as the summary does", () => {
    const stale = entry("a", "STALE_LOGIN")
    const every = entry("b", "*")
    const breached = entry("c", "COMPROMISED_ACCOUNT")
    const keep = "Panther sent no login times (LOGIN_DATA_MISSING), so keep"
    expect(line(1, [stale, breached])).toContain(
      `0 expired, 2 unused (1 of them: ${keep} it until a run with them says whether it is used). Suppressed`
    )
    expect(line(1, [stale, every])).toContain(
      `2 unused (all: ${keep} them until a run with them says whether they are used).`
    )
    // With login times, or for a finding judged without them, unused is unused.
    expect(line(0, [stale, every])).toContain("0 expired, 2 unused. Suppressed findings stay listed")
    expect(line(1, [breached])).toContain("0 expired, 1 unused. Suppressed findings stay listed")
  })
})
