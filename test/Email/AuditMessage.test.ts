import { readFileSync } from "node:fs"
import { gunzipSync, gzipSync } from "node:zlib"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { FINDING_CODES, NO_SUBJECT } from "../../src/Audit/Finding.js"
import type { AuditOutcome } from "../../src/Audit/RunAudit.js"
import { formatRunSummary } from "../../src/Audit/RunSummary.js"
import { SEVERITIES } from "../../src/Audit/Severity.js"
import { cleanText, LISTED_URGENT_LIMIT } from "../../src/Email/AuditEmailContent.js"
import { composeAuditMessage, makeMessageId } from "../../src/Email/ComposeMessage.js"
import { encodedSize, formatBytes, scanFindingsCsv } from "../../src/Email/CsvAttachment.js"
import type { AttachmentLimits, MessageSettings } from "../../src/Email/EmailSettings.js"
import { makeMatrixCounter } from "../../src/Email/FindingMatrix.js"
import { escapeHtml } from "../../src/Email/RenderHtml.js"
import { emailSubject } from "../../src/Email/Subject.js"
import { finding, reportDirectory, writeOutcome } from "./support/AuditOutcomeFixture.js"
import { sampleFindings, XSS_NAME } from "./support/SampleFindings.js"

const LIMITS: AttachmentLimits = { plainMaxBytes: 5 * 1024 * 1024, hardCapBytes: 10 * 1024 * 1024 }

const settings = (attachment: AttachmentLimits = LIMITS): MessageSettings => ({
  from: { name: "Panther audit", address: "audit@acme.example" },
  to: [{ name: "", address: "security@acme.example" }],
  cc: [],
  subjectPrefix: "[Panther user audit]",
  attachment
})

const compose = (outcome: AuditOutcome, attachment: AttachmentLimits = LIMITS) =>
  Effect.map(scanFindingsCsv(outcome.reports.csv, attachment), (scanned) =>
    composeAuditMessage(
      settings(attachment),
      { outcome, ...scanned },
      { messageId: "<m@acme.example>", date: new Date("2026-06-30T12:00:08Z") }
    )
  )

const bodies = (message: { readonly html?: unknown; readonly text?: unknown }) => ({
  html: typeof message.html === "string" ? message.html : "",
  text: typeof message.text === "string" ? message.text : ""
})

describe("the message id", () => {
  it("takes the sender's domain, an internationalised one in its ASCII form, as the From header has it", () => {
    expect(makeMessageId("m1", { name: "", address: "audit@acme.example" })).toBe("<m1@acme.example>")
    expect(makeMessageId("m2", { name: "", address: "audit@bücher.example" })).toBe("<m2@xn--bcher-kva.example>")
  })
})

describe("the subject", () => {
  it.scoped("names the instance host and the counts, most severe first, and no user data", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, sampleFindings)
      const subject = emailSubject("[Panther user audit]", outcome.run)
      expect(subject).toBe("[Panther user audit] api.acme.example: 1 critical, 3 high, 10 medium, 1 low (418 users)")
      for (const item of sampleFindings) {
        for (const value of [item.email, item.givenName, item.familyName, item.userId]) {
          if (value !== null) expect(subject).not.toContain(value)
        }
      }
    })
  )

  it.scoped("counts only findings not suppressed by severity, then says how many are suppressed", () =>
    Effect.gen(function* () {
      const directory = yield* reportDirectory
      const accepted = { suppressed: true, suppressionReason: "break-glass account" }
      const mixed = yield* writeOutcome(directory, [
        finding({ severity: "high", userId: "u-1", ...accepted }),
        finding({ severity: "high", userId: "u-2" }),
        finding({ severity: "medium", userId: "u-3", ...accepted })
      ])
      expect(emailSubject("", mixed.run)).toBe("api.acme.example: 1 high, 2 suppressed (418 users)")
      const allAccepted = yield* writeOutcome(directory, [finding({ severity: "high", ...accepted })])
      expect(emailSubject("", allAccepted.run)).toBe("api.acme.example: nothing open, 1 suppressed (418 users)")
    })
  )

  it.scoped("says so when there is nothing to act on, keeps the port of a local API, and holds no line break", () =>
    Effect.gen(function* () {
      const directory = yield* reportDirectory
      const quiet = yield* writeOutcome(directory, [finding({ severity: "info", finding: "PRIVILEGED_ROLE" })], {
        apiBaseUrl: "http://127.0.0.1:4010",
        users: { seen: 1, enabled: 1, deactivated: 0, privileged: 1, invalid: 0 }
      })
      expect(emailSubject("[Audit]\r\nBcc: spy@evil.example", quiet.run)).toBe(
        "[Audit] Bcc: spy@evil.example 127.0.0.1:4010: no issues, 1 info (1 user)"
      )
      const empty = yield* writeOutcome(directory, [])
      expect(emailSubject("", empty.run)).toBe("api.acme.example: no findings (418 users)")
    })
  )
})

describe("the body", () => {
  it.scoped("escapes every string from the API in the HTML and keeps it readable in the text", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, sampleFindings)
      const { html, text } = bodies(yield* compose(outcome))
      expect(html).not.toContain("<script")
      expect(html).not.toContain("<b>Sons")
      expect(html).toContain(escapeHtml(XSS_NAME))
      expect(html).toContain("O&#39;Brien &#38; &#60;b&#62;Sons&#60;/b&#62;")
      expect(text).toContain(`${XSS_NAME} O'Brien & <b>Sons</b> (mallory@acme.example)`)
      expect(html).toContain("정민 김")
    })
  )

  it("turns control and bidirectional-override characters from the API into spaces", () => {
    expect(cleanText("Eve\r\nBcc: x\u202Egnp.exe\u0000")).toBe("Eve  Bcc: x gnp.exe ")
    // The isolates turn what they hold around as the overrides do.
    expect(cleanText("a\u2066b\u2067c\u2068d\u2069e")).toBe("a b c d e")
  })

  it.scoped("cleans a user's role and status as it cleans the name", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "critical", roleName: "Admin\u202Egnp.exe", status: "CONFIRMED\r\nBcc: x@evil.example" })
      ])
      const { html, text } = bodies(yield* compose(outcome))
      for (const part of [html, text]) {
        expect(part).not.toContain("\u202E")
        expect(part).not.toContain("CONFIRMED\r\nBcc")
      }
      expect(text).toContain("Admin gnp.exe (CONFIRMED  Bcc: x@evil.example)")
    })
  )

  it.scoped("keeps a name's line separators from starting lines of their own in the message", () =>
    Effect.gen(function* () {
      const forged = "Eve (eve@acme.example)\u2028   Role / status: AnalystReadOnly (CONFIRMED)\u2029"
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "critical", finding: "COMPROMISED_ACCOUNT", givenName: forged, roleName: "Admin" })
      ])
      const { html, text } = bodies(yield* compose(outcome))
      expect(text).not.toMatch(/[\u2028\u2029]/)
      expect(html).not.toMatch(/[\u2028\u2029]/)
      // The forged role is on the name's line, and the one line that says the role says Admin.
      expect(text).toContain("User: Eve (eve@acme.example)    Role / status: AnalystReadOnly (CONFIRMED)")
      expect(text.split(/\r?\n/).filter((line) => line.trimStart().startsWith("Role / status:"))).toEqual([
        "   Role / status: Admin (CONFIRMED)"
      ])
    })
  )

  it("shows an invisible character from the API as U+FFFD, where a space would be as invisible at an email's end", () => {
    expect(cleanText("ok@acme.example\u200b")).toBe("ok@acme.example\uFFFD")
    expect(cleanText("Bo\ufeffb \u{1F469}\u200D\u{1F467}")).toBe("Bo\uFFFDb \u{1F469}\u200D\u{1F467}")
  })

  it.scoped("cleans the run's warnings, escapes a user's email under the name, and cuts a long detail", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [
          finding({
            severity: "critical",
            finding: "COMPROMISED_ACCOUNT",
            email: "<b>eve</b>@acme.example",
            detail: `${"d".repeat(400)}TAIL`
          })
        ],
        { warnings: ["Roles could not be read\r\nBcc: x\u202Egnp.exe"] }
      )
      const { html, text } = bodies(yield* compose(outcome))
      for (const part of [html, text]) {
        expect(part).not.toMatch(/[\r\u202E]/u)
        expect(part).toContain("Roles could not be read  Bcc: x gnp.exe")
        // The detail is cut short: the CSV has it whole.
        expect(part).not.toContain("TAIL")
        expect(part).not.toContain("d".repeat(301))
      }
      expect(html).not.toContain("<b>eve")
      expect(html).toContain("&#60;b&#62;eve&#60;/b&#62;@acme.example")
      expect(text).toContain("<b>eve</b>@acme.example")
    })
  )

  it.scoped("gives each urgent finding in the text as a numbered entry, each field under its column's name", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "critical", finding: "COMPROMISED_ACCOUNT" })
      ])
      const { text } = bodies(yield* compose(outcome))
      expect(text).toContain(
        [
          "1. [CRITICAL] COMPROMISED_ACCOUNT",
          "   User: Ada Lovelace (ada@acme.example)",
          "   Role / status: Analyst (CONFIRMED)",
          "   Days since login: 149",
          "   Detail: last login 149 days ago (more than 90)"
        ].join("\n")
      )
    })
  )

  it.scoped("says a user never logged in only for NEVER_LOGGED_IN, not where a login time could not be read", () =>
    Effect.gen(function* () {
      // Both findings carry no login time: one as the audit found none, the other as the record's was unreadable.
      const noLogin = { lastLoggedInAt: null, daysSinceLogin: null }
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({ ...noLogin, severity: "high", finding: "NEVER_LOGGED_IN", detail: "never logged in" }),
        finding({
          ...noLogin,
          severity: "high",
          finding: "INVALID_RECORD",
          userId: "u-2",
          email: "bo@acme.example",
          detail: 'lastLoggedInAt is not a timestamp: "yesterday"'
        })
      ])
      const { text } = bodies(yield* compose(outcome))
      expect(text).toMatch(/NEVER_LOGGED_IN\n(.*\n){2} {3}Days since login: never\n/u)
      expect(text).toMatch(/INVALID_RECORD\n(.*\n){2} {3}Days since login: –\n/u)
    })
  )

  it.scoped("says a deactivated user's account is deactivated beside its status, and an enabled one's is not", () =>
    Effect.gen(function* () {
      // With --include-deactivated: whether a compromised admin can still sign in is what a reader asks first.
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "critical", finding: "COMPROMISED_ACCOUNT", roleName: "Admin", enabled: false }),
        finding({
          severity: "critical",
          finding: "COMPROMISED_ACCOUNT",
          userId: "u-2",
          email: "bo@acme.example",
          roleName: "Admin",
          enabled: true
        })
      ])
      const { html, text } = bodies(yield* compose(outcome))
      expect(text).toMatch(
        /User: Ada Lovelace \(ada@acme\.example\)\n {3}Role \/ status: Admin \(CONFIRMED, deactivated\)\n/
      )
      expect(text).toMatch(/User: Ada Lovelace \(bo@acme\.example\)\n {3}Role \/ status: Admin \(CONFIRMED\)\n/)
      expect(html.match(/CONFIRMED, deactivated/g)).toHaveLength(1)
    })
  )

  it.scoped("names a record with neither id nor email by what the report has of it, not as the whole run", () =>
    Effect.gen(function* () {
      // Records that failed validation: one missing its email, named in the CSV, and one that is not an object.
      const unnamed = { userId: null, email: null, roleId: null, status: null, lastLoggedInAt: null }
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({
          ...unnamed,
          severity: "high",
          finding: "INVALID_RECORD",
          givenName: "Nora",
          detail: "email: is missing"
        }),
        finding({
          ...NO_SUBJECT,
          severity: "high",
          finding: "INVALID_RECORD",
          detail: "Expected Struct (Encoded side), actual 42"
        }),
        finding({ ...NO_SUBJECT, severity: "high", finding: "LOGIN_DATA_MISSING", detail: "no enabled user has one" })
      ])
      const { text } = bodies(yield* compose(outcome))
      const urgent = text.split("CRITICAL AND HIGH FINDINGS")[1]?.split("WHAT CHANGED")[0] ?? ""
      expect(urgent).toMatch(
        /INVALID_RECORD\n\s+User: Nora Lovelace \(no id or email\)\n(.*\n){2}\s+Detail: email: is missing/
      )
      expect(urgent).toMatch(/INVALID_RECORD\n\s+User: \(no id or email\)\n(.*\n){2}\s+Detail: Expected Struct/)
      expect(urgent).toMatch(/LOGIN_DATA_MISSING\n\s+User: \(whole run\)/)
      expect(urgent.match(/\(whole run\)/g)).toHaveLength(1)
    })
  )

  it.scoped("lists each warning in the HTML as an item of its own", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [finding()], { warnings: ["first", "<second>"] })
      const { html } = bodies(yield* compose(outcome))
      expect(html).toMatch(/<ul[^>]*><li[^>]*>first<\/li><li[^>]*>&#60;second&#62;<\/li><\/ul>/)
    })
  )

  it.scoped("uses nothing outside the message: no remote images, stylesheets, fonts or scripts", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, sampleFindings)
      const { html } = bodies(yield* compose(outcome))
      for (const outside of [
        "<img",
        "<link",
        "<style",
        "<script",
        "src=",
        "href=",
        "url(",
        "@import",
        "http://",
        "https://"
      ]) {
        expect(html).not.toContain(outside)
      }
    })
  )

  it.scoped("holds the same content in both parts: counts, urgent users, warnings, parameters and report names", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, sampleFindings, {
        warnings: ["Roles could not be read (PantherApiError)"]
      })
      const { html, text } = bodies(yield* compose(outcome))
      for (const part of [html, text]) {
        expect(part).toContain("Roles could not be read (PantherApiError)")
        expect(part).toContain("user-audit-20260630T120000Z.csv")
        expect(part).toContain("user-audit-20260630T120000Z.json")
        expect(part).toContain("COMPROMISED_ACCOUNT")
        expect(part).toContain("kim@acme.example")
        expect(part).toContain("grace@acme.example")
        expect(part).toContain("212")
        expect(part).toContain("UserModify, OrganizationAPITokenModify")
        expect(part).toContain("2026-06-30 12:00 UTC")
        expect(part).toContain("run-0001")
        // Medium findings are counted, not listed.
        expect(part).not.toContain("analyst0@acme.example")
      }
      expect(text).toMatch(/STALE_LOGIN\s+–\s+1\s+9\s+–\s+–\s+10/u)
      expect(text).toMatch(/Total\s+1\s+3\s+10\s+1\s+2\s+17/u)
      expect(text).not.toContain("and more")
    })
  )

  it.scoped("lists at most the first urgent findings and says how many more the CSV holds", () =>
    Effect.gen(function* () {
      const many = Array.from({ length: LISTED_URGENT_LIMIT + 12 }, (_, index) =>
        finding({
          severity: "high",
          userId: `u-${index}`,
          email: `admin${String(index).padStart(3, "0")}@acme.example`
        })
      )
      const outcome = yield* writeOutcome(yield* reportDirectory, many)
      const { html, text } = bodies(yield* compose(outcome))
      for (const part of [html, text]) {
        expect(part).toContain("and 12 more critical or high findings, see the CSV.")
        expect(part).toContain("admin049@acme.example")
        expect(part).not.toContain("admin050@acme.example")
      }
      const oneMore = yield* writeOutcome(yield* reportDirectory, many.slice(0, LISTED_URGENT_LIMIT + 1))
      expect(bodies(yield* compose(oneMore)).text).toContain("…and 1 more critical or high finding, see the CSV.")
      // The run's own urgent list may itself be cut short: the count comes from the run, not the list.
      const cut = { ...outcome, urgent: outcome.urgent.slice(0, 3) }
      expect(bodies(yield* compose(cut)).text).toContain(
        `and ${LISTED_URGENT_LIMIT + 9} more critical or high findings`
      )
    })
  )

  it.scoped("lists at most the first new findings, however many the run hands over", () =>
    Effect.gen(function* () {
      const many = Array.from({ length: LISTED_URGENT_LIMIT + 12 }, (_, index) =>
        finding({
          severity: "medium",
          userId: `u-${index}`,
          email: `new${String(index).padStart(3, "0")}@acme.example`
        })
      )
      // Compared with a previous report, so that the new findings are listed.
      const outcome = yield* writeOutcome(yield* reportDirectory, many, {
        changes: {
          previousReport: "/reports/user-audit-20260629T020000Z.json",
          previousReportProblem: null,
          new: many.length,
          escalated: 0,
          deEscalated: 0,
          unchanged: 0,
          newUnsuppressed: many.length,
          escalatedUnsuppressed: 0,
          deEscalatedUnsuppressed: 0,
          resolved: [],
          resolvedUnsuppressed: 0,
          notJudged: [],
          unsuppressedAgain: 0
        }
      })
      expect(outcome.fresh.length).toBe(LISTED_URGENT_LIMIT + 12)
      const { html, text } = bodies(yield* compose(outcome))
      for (const part of [html, text]) {
        expect(part).toContain("new049@acme.example")
        expect(part).not.toContain("new050@acme.example")
      }
    })
  )

  it.scoped("lists no suppressed finding among the urgent ones, and says how many it leaves out", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "critical", finding: "COMPROMISED_ACCOUNT", email: "open@acme.example", userId: "u-1" }),
        finding({
          severity: "high",
          email: "accepted@acme.example",
          userId: "u-2",
          suppressed: true,
          suppressionReason: "break-glass account"
        })
      ])
      const { html, text } = bodies(yield* compose(outcome))
      for (const part of [html, text]) {
        expect(part).toContain("open@acme.example")
        expect(part).toContain("1 suppressed critical or high finding is not listed")
        expect(part).toContain("the CSV has it.")
        expect(part).not.toContain("more critical or high")
        // The figures count every finding, and the line above them says how many are suppressed.
        expect(part).toContain("2 findings, 1 of them suppressed.")
      }
      // The suppressed user is not in the urgent section (it is in the new findings the changes section lists).
      const urgentPart = text.split("CRITICAL AND HIGH FINDINGS")[1]?.split("WHAT CHANGED")[0]
      expect(urgentPart).toContain("open@acme.example")
      expect(urgentPart).not.toContain("accepted@acme.example")
    })
  )

  it.scoped("cuts a name or address too long for a table cell", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "high", givenName: "Ada".repeat(700), email: `${"a".repeat(2000)}@acme.example` })
      ])
      const { text } = bodies(yield* compose(outcome))
      const urgentPart = text.split("CRITICAL AND HIGH FINDINGS")[1]?.split("WHAT CHANGED")[0] ?? ""
      expect(urgentPart).toContain(`${"Ada".repeat(39)}Ad…`)
      expect(urgentPart).not.toContain("Ada".repeat(41))
      expect(urgentPart).not.toContain("a".repeat(121))
      // Never half an emoji: a name of emoji is cut between them.
      const emoji = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "high", givenName: "😀".repeat(100) })
      ])
      const emojiText = bodies(yield* compose(emoji)).text
      expect(emojiText).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
      expect(emojiText).toContain("😀…")
      // Nor half a joined emoji, a flag or an accented letter: each is cut before or after, whole.
      const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"
      const joined = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "high", givenName: family.repeat(30), roleName: "e\u0301\u0302".repeat(100) })
      ])
      const { html: joinedHtml, text: joinedText } = bodies(yield* compose(joined))
      for (const part of [joinedText, joinedHtml]) {
        expect(part).toContain(`${family.repeat(14)}…`)
        expect(part).not.toContain(`${family.repeat(14)}\u{1F468}`)
        expect(part).toContain(`${"e\u0301\u0302".repeat(39)}…`)
        expect(part).not.toContain("e\u0301…")
      }
    })
  )

  it.scoped(
    "cuts a role or status too long for a table cell, so 50 of them cannot make the message too big to send",
    () =>
      Effect.gen(function* () {
        const role = "R".repeat(100 * 1024)
        const urgent = Array.from({ length: LISTED_URGENT_LIMIT }, (_, index) =>
          finding({
            severity: "critical",
            finding: "COMPROMISED_ACCOUNT",
            userId: `u-${index}`,
            roleName: role,
            status: `COMPROMISED${"S".repeat(100 * 1024)}`
          })
        )
        const { html, text } = bodies(yield* compose(yield* writeOutcome(yield* reportDirectory, urgent)))
        for (const part of [html, text]) {
          expect(part).toContain(`${"R".repeat(119)}…`)
          expect(part).not.toContain("R".repeat(121))
          expect(part).not.toContain("S".repeat(121))
          expect(part.length).toBeLessThan(200_000)
        }
      })
  )

  it.scoped(
    "counts every finding in the figures and by code, most found first, right-aligned, as a list of warnings",
    () =>
      Effect.gen(function* () {
        const never = { finding: "NEVER_LOGGED_IN", lastLoggedInAt: null, daysSinceLogin: null } as const
        const outcome = yield* writeOutcome(
          yield* reportDirectory,
          [
            finding({ severity: "critical", finding: "COMPROMISED_ACCOUNT", userId: "u-2", email: "bob@acme.example" }),
            finding(),
            finding({ ...never, severity: "high", userId: "u-3", email: "cy@acme.example" }),
            finding({ ...never, userId: "u-4", email: "di@acme.example", suppressed: true })
          ],
          { warnings: ["first", "second"] }
        )
        const { html, text } = bodies(yield* compose(outcome))
        // Suppressed findings are counted in the figures: only the subject and the urgent list leave them out.
        expect(text).toContain("\n\ncritical: 1 | high: 1 | medium: 2 | low: 0 | info: 0\n\n")
        expect(text).toContain("WARNINGS\n\n- first\n- second\n\n")
        // Most findings first; a tie by code name, not in the order the codes are declared.
        expect(text).toContain(
          [
            "Finding              critical  high  medium  low  info  Total",
            "-------------------  --------  ----  ------  ---  ----  -----",
            "NEVER_LOGGED_IN             –     1       1    –     –      2",
            "COMPROMISED_ACCOUNT         1     –       –    –     –      1",
            "STALE_LOGIN                 –     –       1    –     –      1",
            "-------------------  --------  ----  ------  ---  ----  -----",
            "Total                       1     1       2    –     –      4"
          ].join("\n")
        )
        expect(text).toMatch(/2\. \[HIGH\] NEVER_LOGGED_IN\n.*\n.*\n {3}Days since login: never\n/)
        // The page gives each code its meaning, by the run's --stale-days, and a footer of totals.
        expect(html).toContain("last login more than 90 days ago")
        expect(html).toContain("never logged in, account older than 90 days")
        expect(html).toMatch(/<tr><td[^>]*border-top:2px[^>]*><strong>Total<\/strong><\/td>/)
      })
  )

  it.scoped("gives each severity a colour of its own, in the figures and the table's headings, and greys a zero", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [
        finding({ severity: "critical", finding: "COMPROMISED_ACCOUNT" }),
        finding({ severity: "high", userId: "u-2" })
      ])
      const { html } = bodies(yield* compose(outcome))
      const borders = [...html.matchAll(/border-top:4px solid (#[0-9a-f]{6});/g)].map((match) => match[1])
      // critical, high, medium, low, info: the last three have no findings.
      expect(borders).toHaveLength(5)
      expect(new Set(borders.slice(0, 2)).size).toBe(2)
      expect(new Set(borders.slice(2))).toEqual(new Set(["#e5e7eb"]))
      // A heading is the badge alone, not the badge over its own name again.
      const heading = /<th [^>]*><span style="[^"]*background:(#[0-9a-f]{6});[^"]*">(critical|high)<\/span><\/th>/g
      const headings = [...html.matchAll(heading)].map((match) => [match[2], match[1]])
      expect(headings).toEqual([
        ["critical", borders[0]],
        ["high", borders[1]]
      ])
    })
  )

  it.scoped("states the settings the run judged by and what it counted", () =>
    Effect.gen(function* () {
      const never = finding({ finding: "NEVER_LOGGED_IN", userId: "u-2", lastLoggedInAt: null, daysSinceLogin: null })
      const outcome = yield* writeOutcome(yield* reportDirectory, [finding(), never], {
        users: { seen: 418, enabled: 405, deactivated: 13, privileged: 12, invalid: 3 },
        privilegeSource: "role-names-only",
        parameters: {
          staleDays: 60,
          pendingDays: 14,
          privilegedRoles: [],
          privilegedPermissions: ["UserModify"],
          includeDeactivated: true,
          failOn: "high",
          policy: "cis",
          suppressionsFile: null
        }
      })
      const { html, text } = bodies(yield* compose(outcome))
      const facts = [
        ["Users", "418 (405 enabled, 13 deactivated, 12 privileged, 3 invalid records)"],
        ["Stale after", "60 days without a login"],
        ["Pending after", "14 days"],
        ["Privilege decided by", "role names and ids only"],
        ["Deactivated users", "included"],
        ["Fail on", "high"],
        ["Policy", "cis"],
        ["Privileged roles", "none"],
        ["Started", "2026-06-30 12:00 UTC (7 s)"]
      ]
      for (const [label, value] of facts) {
        expect(text).toContain(`\n${`${label}:`.padEnd(23)} ${value}\n`)
        expect(html).toContain(`${label}</td>`)
      }
      expect(html).toContain("last login more than 60 days ago")
      expect(html).toContain("never logged in, account older than 60 days")
      // The defaults, said as such.
      const defaults = bodies(yield* compose(yield* writeOutcome(yield* reportDirectory, [finding()]))).text
      expect(defaults).toContain(`\n${"Privilege decided by:".padEnd(23)} role permissions (GET /roles)\n`)
      expect(defaults).toContain(`\n${"Deactivated users:".padEnd(23)} not fetched\n`)
    })
  )

  it.scoped("counts one page, one retry and one invalid record in the singular, as an instance of few users has", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [finding()], {
        users: { seen: 12, enabled: 12, deactivated: 0, privileged: 1, invalid: 1 },
        requests: 3,
        pagesFetched: 1,
        retries: 1
      })
      const { text } = bodies(yield* compose(outcome))
      expect(text).toContain("1 privileged, 1 invalid record)\n")
      expect(text).toContain(`\n${"API calls:".padEnd(23)} 3 requests, 1 page, 1 retry\n`)
      const summary = formatRunSummary(outcome.run, [])
      expect(summary).toContain("1 privileged, 1 invalid record) in 1 page, 1 retry\n")
      const more = formatRunSummary({ ...outcome.run, pagesFetched: 2, retries: 0 }, [])
      expect(more).toContain("1 invalid record) in 2 pages, 0 retries\n")
    })
  )

  it.scoped("says there are no findings when there are none", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [])
      const { html, text } = bodies(yield* compose(outcome))
      for (const part of [html, text]) {
        expect(part).toContain("No findings.")
        expect(part).toContain("None.")
      }
    })
  )
})

describe("the attachment", () => {
  it.scoped("is the CSV byte for byte as on disk, as text/csv", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, sampleFindings)
      const message = yield* compose(outcome)
      expect(message.attachments).toHaveLength(1)
      const [attachment] = message.attachments ?? []
      expect(attachment?.filename).toBe("user-audit-20260630T120000Z.csv")
      expect(attachment?.contentType).toBe("text/csv; charset=utf-8")
      expect(attachment?.content).toEqual(readFileSync(outcome.reports.csv))
    })
  )

  it.scoped("is gzip-compressed above the plain size limit, and decompresses to the CSV on disk", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, sampleFindings)
      const limits = { plainMaxBytes: 100, hardCapBytes: LIMITS.hardCapBytes }
      const message = yield* compose(outcome, limits)
      const [attachment] = message.attachments ?? []
      expect(attachment?.filename).toBe("user-audit-20260630T120000Z.csv.gz")
      expect(attachment?.contentType).toBe("application/gzip")
      const content = attachment?.content
      if (!Buffer.isBuffer(content)) throw new Error("expected the attachment in memory")
      expect(gunzipSync(content)).toEqual(readFileSync(outcome.reports.csv))
      expect(bodies(message).text).toContain("attached gzip-compressed as user-audit-20260630T120000Z.csv.gz")
    })
  )

  it.scoped("is left out above the hard cap, with a note in both parts saying where the CSV is", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, sampleFindings)
      const message = yield* compose(outcome, { plainMaxBytes: 100, hardCapBytes: 200 })
      expect(message.attachments).toEqual([])
      const { html, text } = bodies(message)
      expect(text).toContain(`more than the 200 bytes limit for attachments. It is at ${outcome.reports.csv}`)
      // The size said is the one the limit is on: compressed and base64-encoded, larger than the gzip alone.
      const gzipBytes = gzipSync(readFileSync(outcome.reports.csv)).length
      expect(text).toContain(`(${formatBytes(encodedSize(gzipBytes))} compressed and encoded for mail)`)
      expect(html).toContain(`It is at ${escapeHtml(outcome.reports.csv)}`)
    })
  )
})

describe("the findings counted by code and severity from the CSV", () => {
  const csv = [
    "\uFEFFseverity,finding,user_id,detail",
    "high,STALE_LOGIN,u1,plain",
    'medium,STALE_LOGIN,u2,"quoted, with a comma"',
    // A quoted field holding a line that looks like a record must not be counted as one.
    'low,PENDING_STATUS,u3,"line one\r\ncritical,COMPROMISED_ACCOUNT,fake,""quoted"""',
    "bogus,STALE_LOGIN,u4,unknown severity",
    "high,NOT_A_CODE,u5,unknown code",
    "info,PRIVILEGED_ROLE,u6,no final line break"
  ].join("\r\n")

  it("counts records, not lines, whatever the chunk boundaries", () => {
    const bytes = Buffer.from(csv, "utf8")
    for (const size of [1, 2, 7, bytes.length]) {
      const counter = makeMatrixCounter()
      for (let start = 0; start < bytes.length; start += size) counter.feed(bytes.subarray(start, start + size))
      const matrix = counter.result()
      expect(matrix.STALE_LOGIN).toMatchObject({ high: 1, medium: 1, critical: 0 })
      expect(matrix.PENDING_STATUS.low).toBe(1)
      expect(matrix.COMPROMISED_ACCOUNT.critical).toBe(0)
      expect(matrix.PRIVILEGED_ROLE.info).toBe(1)
    }
  })

  it.scoped("agrees with the run's counts on a real report", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, sampleFindings)
      const { matrix } = yield* scanFindingsCsv(outcome.reports.csv, LIMITS)
      for (const code of FINDING_CODES) {
        const total = SEVERITIES.reduce((sum, severity) => sum + matrix[code][severity], 0)
        expect(total).toBe(outcome.run.findings.byFinding[code])
      }
      for (const severity of SEVERITIES) {
        const total = FINDING_CODES.reduce((sum, code) => sum + matrix[code][severity], 0)
        expect(total).toBe(outcome.run.findings.bySeverity[severity])
      }
    })
  )

  it.effect("fails with a DeliveryError naming the file when the CSV cannot be read", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(scanFindingsCsv("/nonexistent/user-audit.csv", LIMITS))
      expect(error._tag).toBe("DeliveryError")
      expect(error.exitCode).toBe(4)
      expect(error.message).toBe(
        "cannot read the findings CSV /nonexistent/user-audit.csv for the email: it does not exist"
      )
    })
  )
})
