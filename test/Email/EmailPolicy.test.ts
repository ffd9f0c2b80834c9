import { readdirSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import type { AnnotatedFinding } from "../../src/Audit/FindingAnnotations.js"
import { deliverAuditEmail } from "../../src/Email/DeliverAuditEmail.js"
import { describeDelivery } from "../../src/Email/DeliveryResult.js"
import { decideEmail, type EmailPolicy } from "../../src/Email/EmailPolicy.js"
import type { EmailSettings, EmailTransport } from "../../src/Email/EmailSettings.js"
import { finding, reportDirectory, writeOutcome } from "./support/AuditOutcomeFixture.js"
import { startSmtpServer } from "./support/SmtpTestServer.js"

const settings = (policy: EmailPolicy, transport: EmailTransport): EmailSettings =>
  policy === "never"
    ? { _tag: "EmailOff", reason: "--email never" }
    : {
        _tag: "EmailOn",
        policy,
        transport,
        message: {
          from: { name: "", address: "audit@acme.example" },
          to: [{ name: "", address: "security@acme.example" }],
          cc: [],
          subjectPrefix: "[Panther user audit]",
          attachment: { plainMaxBytes: 1024 * 1024, hardCapBytes: 2 * 1024 * 1024 }
        }
      }

const NONE: ReadonlyArray<AnnotatedFinding> = []
const INFO_ONLY = [finding({ severity: "info", finding: "PRIVILEGED_ROLE" })]
const ONE_LOW = [...INFO_ONLY, finding({ severity: "low", finding: "PENDING_STATUS", userId: "u-2" })]

describe("--email", () => {
  it.scoped.each([
    ["always", NONE, "Send", "--email always"],
    ["always", INFO_ONLY, "Send", "--email always"],
    ["on-findings", NONE, "Skip", "no finding of severity low or above (--email on-findings)"],
    ["on-findings", INFO_ONLY, "Skip", "no finding of severity low or above (--email on-findings)"],
    ["on-findings", ONE_LOW, "Send", "1 finding of severity low or above"],
    ["never", ONE_LOW, "Skip", "--email never"]
  ] as const)("%s with %o findings: %s", ([policy, findings, decision, reason]) =>
    Effect.gen(function* () {
      const outcome = yield* writeOutcome(yield* reportDirectory, findings)
      expect(decideEmail(policy, outcome.run)).toEqual({ _tag: decision, reason })
    })
  )

  it.scoped("does not send on-findings for suppressed findings alone, which stay in the reports", () =>
    Effect.gen(function* () {
      const directory = yield* reportDirectory
      const counted = yield* writeOutcome(directory, ONE_LOW)
      const suppressed = {
        ...counted.run,
        findings: {
          ...counted.run.findings,
          suppressed: 1,
          unsuppressedBySeverity: { ...counted.run.findings.bySeverity, low: 0 }
        }
      }
      expect(decideEmail("on-findings", suppressed)).toEqual({
        _tag: "Skip",
        reason: "no finding of severity low or above (--email on-findings)"
      })
      expect(decideEmail("always", suppressed)._tag).toBe("Send")
    })
  )

  it.scopedLive("sends each policy's way through a real server, and a skipped email touches nothing", () =>
    Effect.gen(function* () {
      const server = yield* startSmtpServer()
      const transport: EmailTransport = {
        _tag: "Smtp",
        server: {
          host: "127.0.0.1",
          port: server.port,
          security: "starttls-if-offered",
          timeout: Duration.seconds(3),
          retry: { retries: 0, baseDelay: Duration.millis(10), maxDelay: Duration.millis(10) }
        }
      }
      const directory = yield* reportDirectory
      const quiet = yield* writeOutcome(directory, INFO_ONLY)
      const files = readdirSync(directory).sort()

      for (const policy of ["on-findings", "never"] as const) {
        const result = yield* deliverAuditEmail(settings(policy, transport), quiet)
        expect(result._tag).toBe("Skipped")
        expect(describeDelivery(result)).toMatch(/^Email not sent: /u)
      }
      // Skipped means skipped: no connection, no .eml, no file at all.
      expect(server.connections()).toBe(0)
      const eml = yield* deliverAuditEmail(settings("on-findings", { _tag: "EmlFile" }), quiet)
      expect(eml).toEqual({ _tag: "Skipped", reason: "no finding of severity low or above (--email on-findings)" })
      expect(readdirSync(directory).sort()).toEqual(files)

      expect(yield* deliverAuditEmail(settings("always", transport), quiet)).toMatchObject({ _tag: "Sent" })
      expect(server.received).toHaveLength(1)
      expect(yield* deliverAuditEmail({ _tag: "EmailOff", reason: "MAIL_TO is not set" }, quiet)).toEqual({
        _tag: "Skipped",
        reason: "MAIL_TO is not set"
      })
      expect(server.connections()).toBe(1)
    })
  )
})
