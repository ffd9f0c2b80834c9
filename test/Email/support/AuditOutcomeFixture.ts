/**
 * A real audit outcome for the email tests: the findings go through the same spool and report writer as a run,
 * so the CSV the email attaches is a real report on disk.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, type Scope } from "effect"
import type { AuditRun } from "../../../src/Audit/AuditRun.js"
import { controlsFor } from "../../../src/Audit/Controls.js"
import { type Finding, NO_SUBJECT } from "../../../src/Audit/Finding.js"
import { type AnnotatedFinding, findingId } from "../../../src/Audit/FindingAnnotations.js"
import { type AuditOutcome, isNews, needsAction } from "../../../src/Audit/RunAudit.js"
import { severityRank } from "../../../src/Audit/Severity.js"
import { makeFindingSpool } from "../../../src/Reports/FindingSpool.js"
import type { ReportError } from "../../../src/Reports/ReportError.js"
import { writeFindingReports } from "../../../src/Reports/WriteFindingReports.js"

/** A finding as a run reports it, annotated as new and unsuppressed unless the overrides say otherwise. */
export const finding = (overrides: Partial<AnnotatedFinding> = {}): AnnotatedFinding => {
  const base: Finding = {
    ...NO_SUBJECT,
    severity: "medium",
    finding: "STALE_LOGIN",
    userId: "u-1",
    email: "ada@acme.example",
    givenName: "Ada",
    familyName: "Lovelace",
    roleId: "role-analyst",
    roleName: "Analyst",
    status: "CONFIRMED",
    enabled: true,
    createdAt: "2025-01-01T00:00:00Z",
    lastLoggedInAt: "2026-02-01T00:00:00Z",
    daysSinceLogin: 149,
    detail: "last login 149 days ago (more than 90)",
    ...overrides
  }
  return {
    id: findingId(base.finding, base),
    firstSeen: "2026-06-30T12:00:00.000Z",
    change: "new",
    suppressed: false,
    suppressionReason: null,
    controls: controlsFor(base.finding),
    ...base,
    ...overrides
  }
}

/** A temporary report directory, removed with the scope. */
export const reportDirectory: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "email-reports-"))),
  (directory) => Effect.sync(() => rmSync(directory, { recursive: true, force: true }))
)

const reportOrder = (a: Finding, b: Finding): number =>
  severityRank(b.severity) - severityRank(a.severity) ||
  a.finding.localeCompare(b.finding) ||
  (a.email ?? "").localeCompare(b.email ?? "") ||
  (a.userId ?? "").localeCompare(b.userId ?? "")

export const writeOutcome = (
  directory: string,
  findings: ReadonlyArray<AnnotatedFinding>,
  run: Partial<AuditRun> = {}
): Effect.Effect<AuditOutcome, ReportError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const spool = yield* makeFindingSpool(directory)
      for (const item of findings) yield* spool.add(item)
      const counts = spool.counts()
      const unsuppressedBySeverity = { info: 0, low: 0, medium: 0, high: 0, critical: 0 }
      for (const item of findings) if (!item.suppressed) unsuppressedBySeverity[item.severity]++
      const suppressed = findings.filter((item) => item.suppressed).length
      const fullRun: AuditRun = {
        runId: "run-0001",
        tool: { name: "panther-user-audit", version: "0.1.0" },
        asOf: "2026-06-30T12:00:00.000Z",
        startedAt: "2026-06-30T12:00:00.000Z",
        finishedAt: "2026-06-30T12:00:07.000Z",
        apiBaseUrl: "https://api.acme.example",
        parameters: {
          staleDays: 90,
          pendingDays: 7,
          privilegedRoles: ["Admin"],
          privilegedPermissions: ["UserModify", "OrganizationAPITokenModify"],
          includeDeactivated: false,
          failOn: "none",
          policy: null,
          suppressionsFile: null
        },
        users: { seen: 418, enabled: 410, deactivated: 0, privileged: 12, invalid: 0 },
        pagesFetched: 7,
        requests: 8,
        retries: 0,
        privilegeSource: "role-permissions",
        findings: { ...counts, suppressed, unsuppressedBySeverity },
        changes: {
          previousReport: null,
          previousReportProblem: null,
          new: counts.total,
          escalated: 0,
          deEscalated: 0,
          unchanged: 0,
          newUnsuppressed: counts.total,
          escalatedUnsuppressed: 0,
          deEscalatedUnsuppressed: 0,
          resolved: [],
          resolvedUnsuppressed: 0,
          notJudged: [],
          unsuppressedAgain: 0
        },
        suppressions: { active: 0, applied: 0, expired: [], unused: [] },
        warnings: [],
        email: "to-follow",
        ...run
      }
      const reports = yield* writeFindingReports({
        directory,
        stem: "user-audit-20260630T120000Z",
        run: fullRun,
        spool,
        exclude: new Set()
      })
      // By RunAudit's own rules (test/Audit/RunAudit.test.ts): accepted exceptions do not alert.
      const urgent = [...findings].filter(needsAction).sort(reportOrder)
      const fresh = [...findings].filter(isNews).sort(reportOrder)
      const freshCounts = {
        new: fresh.filter((news) => news.change === "new").length,
        escalated: fresh.filter((news) => news.change === "escalated").length
      }
      return {
        run: fullRun,
        reports,
        excludedCodes: new Set(),
        roles: [],
        rolesRead: "all",
        urgent,
        fresh,
        freshCounts
      }
    })
  )
