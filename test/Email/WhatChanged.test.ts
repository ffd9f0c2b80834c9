import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { loginDataMissingFinding } from "../../src/Audit/Rules/LoginDataMissing.js"
import type { AuditOutcome } from "../../src/Audit/RunAudit.js"
import { LISTED_URGENT_LIMIT } from "../../src/Email/AuditEmailContent.js"
import { composeAuditMessage } from "../../src/Email/ComposeMessage.js"
import { scanFindingsCsv } from "../../src/Email/CsvAttachment.js"
import { decideEmail } from "../../src/Email/EmailPolicy.js"
import type { AttachmentLimits, MessageSettings } from "../../src/Email/EmailSettings.js"
import { escapeHtml } from "../../src/Email/RenderHtml.js"
import { finding, reportDirectory, writeOutcome } from "./support/AuditOutcomeFixture.js"

const LIMITS: AttachmentLimits = { plainMaxBytes: 1024 * 1024, hardCapBytes: 2 * 1024 * 1024 }
const SETTINGS: MessageSettings = {
  from: { name: "", address: "audit@acme.example" },
  to: [{ name: "", address: "security@acme.example" }],
  cc: [],
  subjectPrefix: "[Panther user audit]",
  attachment: LIMITS
}

const bodies = (outcome: AuditOutcome) =>
  Effect.map(scanFindingsCsv(outcome.reports.csv, LIMITS), (scanned) => {
    const message = composeAuditMessage(SETTINGS, { outcome, ...scanned }, { messageId: "<m@x>", date: new Date(0) })
    return {
      html: typeof message.html === "string" ? message.html : "",
      text: typeof message.text === "string" ? message.text : ""
    }
  })

const changes = (overrides: Partial<AuditRun["changes"]>): Partial<AuditRun> => ({
  changes: {
    previousReport: "/reports/user-audit-20260629T020000Z.json",
    previousReportProblem: null,
    new: 0,
    escalated: 0,
    deEscalated: 0,
    unchanged: 3,
    newUnsuppressed: 0,
    escalatedUnsuppressed: 0,
    deEscalatedUnsuppressed: 0,
    resolved: [],
    resolvedUnsuppressed: 0,
    notJudged: [],
    unsuppressedAgain: 0,
    ...overrides
  }
})

const RESOLVED = {
  id: "STALE_LOGIN:u-gone",
  finding: "STALE_LOGIN",
  severity: "medium",
  userId: "u-gone",
  email: "gone@acme.example",
  firstSeen: "2026-05-01T02:00:00.000Z",
  suppressed: false
} as const

describe("--email on-change", () => {
  it.scoped.each([
    [
      { newUnsuppressed: 0, resolvedUnsuppressed: 0 },
      "Skip",
      "nothing new, resolved or changed in severity since the previous report (--email on-change)"
    ],
    [{ new: 2, newUnsuppressed: 2 }, "Send", "2 new and 0 resolved since the previous report"],
    [{ resolved: [RESOLVED], resolvedUnsuppressed: 1 }, "Send", "0 new and 1 resolved since the previous report"],
    // Suppressed findings coming or going are accepted exceptions: no mail.
    [
      { new: 1, newUnsuppressed: 0, resolved: [{ ...RESOLVED, suppressed: true }] },
      "Skip",
      "nothing new, resolved or changed in severity since the previous report (--email on-change)"
    ],
    // A finding whose severity changed is news, either way; a suppressed one is not.
    [{ escalated: 1, escalatedUnsuppressed: 1 }, "Send", "0 new and 0 resolved since the previous report, 1 escalated"],
    // Alone, as the escalated one is: beside a new finding, the email went out whether it counted or not.
    [
      { deEscalated: 2, deEscalatedUnsuppressed: 2 },
      "Send",
      "0 new and 0 resolved since the previous report, 2 de-escalated"
    ],
    [
      { new: 1, newUnsuppressed: 1, deEscalated: 2, deEscalatedUnsuppressed: 2 },
      "Send",
      "1 new and 0 resolved since the previous report, 2 de-escalated"
    ],
    [
      { deEscalated: 1, deEscalatedUnsuppressed: 0 },
      "Skip",
      "nothing new, resolved or changed in severity since the previous report (--email on-change)"
    ],
    [
      { escalated: 1, escalatedUnsuppressed: 0 },
      "Skip",
      "nothing new, resolved or changed in severity since the previous report (--email on-change)"
    ]
  ] as const)("%o: %s", ([overrides, decision, reason]) =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, [finding()], changes(overrides))
      expect(decideEmail("on-change", outcome.run)).toEqual({ _tag: decision, reason })
    })
  )
})

describe("the 'what changed' section", () => {
  it.scoped("lists new and resolved findings in both parts, escaped", () =>
    Effect.gen(function* () {
      const fresh = finding({ userId: "u-new", email: "new@acme.example", givenName: "<b>New</b>" })
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [fresh],
        changes({ new: 1, newUnsuppressed: 1, resolved: [RESOLVED], resolvedUnsuppressed: 1 })
      )
      const { html, text } = yield* bodies(outcome)
      expect(html).toContain("What changed")
      expect(text).toContain("WHAT CHANGED")
      for (const part of [html, text]) {
        expect(part).toContain("user-audit-20260629T020000Z.json")
        expect(part).toContain("gone@acme.example")
        expect(part).toContain("2026-05-01 02:00 UTC")
        expect(part).toContain("new@acme.example")
      }
      expect(html).toContain(escapeHtml("<b>New</b>"))
      expect(html).not.toContain("<b>New</b>")
    })
  )

  it.scoped("marks a resolved finding so in the plain text too, where records have no heading over them", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [finding({ userId: "u-new", email: "new@acme.example" })],
        changes({
          new: 1,
          newUnsuppressed: 1,
          resolved: [{ ...RESOLVED, finding: "COMPROMISED_ACCOUNT", severity: "critical" }],
          resolvedUnsuppressed: 1
        })
      )
      const { text } = yield* bodies(outcome)
      // Not to be read as a critical finding raised by this run.
      expect(text).toMatch(/\[CRITICAL\] COMPROMISED_ACCOUNT \(resolved\)\n\s+User: gone@acme\.example/)
      expect(text).toMatch(/\[MEDIUM\] STALE_LOGIN\n\s+User: Ada Lovelace \(new@acme\.example\)/)
    })
  )

  // A resolved finding comes from the previous report, a file that may have been edited: its email is cleaned like
  // every other user-supplied text, so a line break or a direction override cannot reshape the message.
  it.scoped("cleans control characters out of a resolved finding's email", () =>
    Effect.gen(function* () {
      const edited = { ...RESOLVED, email: "gone@acme.example\r\nBcc: x\u202Egnp.exe" }
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [finding()],
        changes({ resolved: [edited], resolvedUnsuppressed: 1 })
      )
      for (const part of Object.values(yield* bodies(outcome))) {
        expect(part).toContain("gone@acme.example  Bcc: x gnp.exe")
        expect(part).not.toMatch(/[\r\u202E]/u)
      }
    })
  )

  it.scoped("names a resolved finding of a record with neither id nor email as such, not as the whole run's", () =>
    Effect.gen(function* () {
      const nameless = { ...RESOLVED, id: "STALE_LOGIN:record:0123456789abcdef", userId: null, email: null }
      const run = {
        ...RESOLVED,
        id: "LOGIN_DATA_MISSING",
        finding: "LOGIN_DATA_MISSING" as const,
        userId: null,
        email: null
      }
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [finding()],
        changes({ resolved: [nameless, run], resolvedUnsuppressed: 2 })
      )
      const { text } = yield* bodies(outcome)
      expect(text).toMatch(/STALE_LOGIN \(resolved\)\n\s+User: \(no id or email\)/)
      expect(text).toMatch(/LOGIN_DATA_MISSING \(resolved\)\n\s+User: \(whole run\)/)
    })
  )

  it.scoped("says a resolved finding's first sighting is unknown when the previous report's was not taken", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [finding()],
        changes({ resolved: [{ ...RESOLVED, firstSeen: null }], resolvedUnsuppressed: 1 })
      )
      for (const part of Object.values(yield* bodies(outcome))) {
        expect(part).toContain("gone@acme.example")
        expect(part).toContain("unknown")
      }
    })
  )

  it.scoped("counts and lists findings whose severity rose, apart from new ones", () =>
    Effect.gen(function* () {
      const escalated = finding({
        userId: "u-up",
        email: "up@acme.example",
        severity: "medium",
        change: "escalated",
        finding: "PENDING_STATUS"
      })
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [escalated, finding({ userId: "u-new", email: "new@acme.example" })],
        changes({ new: 1, newUnsuppressed: 1, escalated: 1, escalatedUnsuppressed: 1, deEscalated: 2 })
      )
      const { html, text } = yield* bodies(outcome)
      for (const part of [html, text]) {
        expect(part).toContain("up@acme.example")
        expect(part).toContain("De-escalated")
      }
      expect(text).toMatch(/\nNew: +1 \(1 not suppressed\)\nEscalated: +1 \(1 not suppressed\)\n/)
      expect(text).toMatch(/\nDe-escalated: +2 \(0 not suppressed\)\n/)
      // Under its own heading, not among the new ones; in plain text, where records have none, marked.
      expect(html.indexOf("up@acme.example")).toBeGreaterThan(html.indexOf("Escalated finding"))
      expect(html.indexOf("new@acme.example")).toBeLessThan(html.indexOf("Escalated finding"))
      expect(text).toContain("[MEDIUM] PENDING_STATUS (escalated)")
      expect(text).not.toContain("STALE_LOGIN (escalated)")
      const none = yield* writeOutcome(yield* reportDirectory, [finding()], changes({}))
      for (const part of Object.values(yield* bodies(none))) expect(part).not.toMatch(/escalated/i)
    })
  )

  it.scoped("says how many new and escalated findings it does not list, only when there are more", () =>
    Effect.gen(function* () {
      const many = Array.from({ length: LISTED_URGENT_LIMIT + 3 }, (_, index) =>
        finding({ userId: `u-${index}`, email: `user${index}@acme.example` })
      )
      const escalated = finding({ userId: "u-up", email: "up@acme.example", change: "escalated" })
      const total = many.length
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [...many, escalated],
        changes({ new: total, newUnsuppressed: total, escalated: 1, escalatedUnsuppressed: 1 })
      )
      for (const part of Object.values(yield* bodies(outcome))) {
        expect(part).toContain("…and 3 more new findings, see the CSV.")
        expect(part).toContain("up@acme.example")
        expect(part).not.toContain("more escalated")
      }
      const oneMore = many.slice(0, LISTED_URGENT_LIMIT + 1)
      const one = yield* writeOutcome(
        yield* reportDirectory,
        oneMore,
        changes({ new: oneMore.length, newUnsuppressed: oneMore.length })
      )
      expect((yield* bodies(one)).text).toContain("…and 1 more new finding, see the CSV.")
    })
  )

  it.scoped(
    "counts unchanged and resolved findings, suppressed ones too, and says how many resolved it leaves out",
    () =>
      Effect.gen(function* () {
        const resolved = Array.from({ length: LISTED_URGENT_LIMIT + 2 }, (_, index) => ({
          ...RESOLVED,
          id: `STALE_LOGIN:u-gone-${index}`,
          userId: `u-gone-${index}`,
          email: `gone${String(index).padStart(3, "0")}@acme.example`,
          suppressed: index === 0
        }))
        const outcome = yield* writeOutcome(
          yield* reportDirectory,
          [finding()],
          changes({ unchanged: 3, resolved, resolvedUnsuppressed: resolved.length - 1 })
        )
        const { html, text } = yield* bodies(outcome)
        expect(text).toMatch(/\nUnchanged: +3\nResolved: +52\n/)
        for (const part of [html, text]) {
          expect(part).toContain("gone049@acme.example")
          expect(part).not.toContain("gone050@acme.example")
          expect(part).toContain("…and 2 more resolved, see the JSON report.")
        }
        const few = yield* writeOutcome(yield* reportDirectory, [finding()], changes({ resolved: [RESOLVED] }))
        for (const part of Object.values(yield* bodies(few))) expect(part).not.toContain("more resolved")
        // One past the limit is said too: the reader would otherwise take the 50 listed for all of them.
        const oneOver = yield* writeOutcome(
          yield* reportDirectory,
          [finding()],
          changes({ resolved: resolved.slice(0, LISTED_URGENT_LIMIT + 1) })
        )
        for (const part of Object.values(yield* bodies(oneOver))) {
          expect(part).toContain("…and 1 more resolved, see the JSON report.")
        }
      })
  )

  it.scoped("says how many findings are no longer suppressed, only when some are", () =>
    Effect.gen(function* () {
      const again = yield* writeOutcome(yield* reportDirectory, [finding()], changes({ unsuppressedAgain: 2 }))
      for (const part of Object.values(yield* bodies(again))) expect(part).toContain("No longer suppressed")
      const none = yield* writeOutcome(yield* reportDirectory, [finding()], changes({}))
      for (const part of Object.values(yield* bodies(none))) expect(part).not.toContain("No longer suppressed")
    })
  )

  it.scoped("says once that everything is new when there was no previous report", () =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(
        yield* reportDirectory,
        [finding()],
        changes({ previousReport: null, previousReportProblem: "no previous report in the report directory" })
      )
      const { text } = yield* bodies(outcome)
      expect(text.match(/Everything is new/g)).toHaveLength(1)
    })
  )

  const parametersWithSuppressions = {
    staleDays: 90,
    pendingDays: 7,
    privilegedRoles: ["Admin"],
    privilegedPermissions: ["UserModify"],
    includeDeactivated: false,
    failOn: "none",
    policy: "cis",
    suppressionsFile: "/etc/audit/suppressions.yaml"
  } as const

  it.scoped("lists expired and unused suppressions", () =>
    Effect.gen(function* () {
      const entry = {
        entry: 2,
        user: "old@acme.example",
        finding: "*",
        owner: "secops",
        expires: "2026-06-01",
        reason: "contractor"
      }
      const outcome = yield* writeOutcome(yield* reportDirectory, [finding()], {
        parameters: parametersWithSuppressions,
        suppressions: {
          active: 1,
          applied: 0,
          expired: [entry],
          unused: [{ ...entry, entry: 3, user: "idle@acme.example" }]
        },
        // As the run words them: listed under Suppressions, they are not said again among the warnings.
        warnings: [
          "Suppression entry 2 (old@acme.example, *) expired on 2026-06-01 and no longer applies.",
          "Suppression entry 3 (idle@acme.example, *) matched no finding.",
          "Roles could not be read."
        ]
      })
      const { html, text } = yield* bodies(outcome)
      for (const part of [html, text]) {
        expect(part).toContain("Expired, so no longer suppressing")
        expect(part).toContain("entry 2: old@acme.example, *, owner secops, contractor (expires 2026-06-01)")
        expect(part).toContain("entry 3: idle@acme.example")
        expect(part).not.toContain("more unused")
        expect(part).not.toContain("Suppression entry")
        expect(part).toContain("Roles could not be read.")
      }
    })
  )

  it.scoped("says an unused login entry may still be needed when Panther sent no login times", () =>
    Effect.gen(function* () {
      const entry = (number: number, finding: string) => ({
        entry: number,
        user: `u${number}@acme.example`,
        finding,
        owner: "secops",
        expires: "2026-12-31",
        reason: "leave"
      })
      const unused = [entry(1, "STALE_LOGIN"), entry(2, "PENDING_STATUS"), entry(3, "*")]
      const noLogins = finding(loginDataMissingFinding(12))
      const withoutLogins = yield* writeOutcome(yield* reportDirectory, [noLogins], {
        parameters: parametersWithSuppressions,
        suppressions: { active: 3, applied: 0, expired: [], unused }
      })
      const keep = "; Panther sent no login times (LOGIN_DATA_MISSING): keep it until a run with them says"
      for (const part of Object.values(yield* bodies(withoutLogins))) {
        expect(part).toContain(`entry 1: u1@acme.example, STALE_LOGIN, owner secops, leave (expires 2026-12-31)${keep}`)
        expect(part).toContain("entry 2: u2@acme.example, PENDING_STATUS, owner secops, leave (expires 2026-12-31)")
        expect(part).not.toContain("PENDING_STATUS, owner secops, leave (expires 2026-12-31);")
        expect(part).toContain(`entry 3: u3@acme.example, *, owner secops, leave (expires 2026-12-31)${keep}`)
      }
      const withLogins = yield* writeOutcome(yield* reportDirectory, [finding()], {
        parameters: parametersWithSuppressions,
        suppressions: { active: 3, applied: 0, expired: [], unused }
      })
      for (const part of Object.values(yield* bodies(withLogins))) expect(part).not.toContain("keep it until")
    })
  )

  it.scoped("says how many findings the suppressions covered, and says nothing of them without a file", () =>
    Effect.gen(function* () {
      const one = yield* writeOutcome(yield* reportDirectory, [finding()], {
        parameters: parametersWithSuppressions,
        suppressions: { active: 1, applied: 1, expired: [], unused: [] }
      })
      for (const part of Object.values(yield* bodies(one))) {
        expect(part).toContain("1 finding suppressed (1 active entry). Suppressed findings stay in the reports.")
      }
      const several = yield* writeOutcome(yield* reportDirectory, [finding()], {
        parameters: parametersWithSuppressions,
        suppressions: { active: 3, applied: 2, expired: [], unused: [] }
      })
      for (const part of Object.values(yield* bodies(several))) {
        expect(part).toContain("2 findings suppressed (3 active entries).")
      }
      const without = yield* bodies(yield* writeOutcome(yield* reportDirectory, [finding()]))
      expect(without.text).not.toContain("SUPPRESSIONS")
      expect(without.html).not.toContain("Suppressions</h2>")
    })
  )

  it.scoped("names the first 20 unused suppressions and counts the rest", () =>
    Effect.gen(function* () {
      const unused = Array.from({ length: 23 }, (_, index) => ({
        entry: index + 1,
        user: `idle${index + 1}@acme.example`,
        finding: "STALE_LOGIN",
        owner: "secops",
        expires: "2027-06-01",
        reason: "contractor"
      }))
      const outcome = yield* writeOutcome(yield* reportDirectory, [finding()], {
        parameters: parametersWithSuppressions,
        suppressions: { active: 23, applied: 0, expired: [], unused }
      })
      const { html, text } = yield* bodies(outcome)
      for (const part of [html, text]) {
        expect(part).toContain("entry 20: idle20@acme.example")
        expect(part).not.toContain("idle21@acme.example")
        expect(part).toContain("…and 3 more unused entries: the JSON report")
        expect(part).toContain("suppressions.unused lists all.")
      }
    })
  )
})
