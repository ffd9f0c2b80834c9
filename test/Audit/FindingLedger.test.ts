/**
 * The ledger's totals, which it keeps as a tally by code, severity, suppression and change: every combination of
 * the four is counted apart, so that each total after exclusions is the one counting the findings themselves gives.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import { FINDING_CODES, type Finding, type FindingCode } from "../../src/Audit/Finding.js"
import { type AnnotatedFinding, FINDING_CHANGES } from "../../src/Audit/FindingAnnotations.js"
import { makeFindingLedger } from "../../src/Audit/FindingLedger.js"
import type { PreviousFinding } from "../../src/Audit/PreviousReport.js"
import { SEVERITIES } from "../../src/Audit/Severity.js"
import type { SuppressionEntry } from "../../src/Audit/Suppressions.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "ledger-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const RUN_STARTED_AT = "2026-06-30T02:00:00.000Z"

/** A finding of `code` at `severity` for the user `userId`. */
/** This run's ledger, after a previous report of `findings`, of which those of `sharedIds` it held several times. */
const ledgerAfter = (
  findings: Map<string, PreviousFinding>,
  suppressions: ReadonlyArray<SuppressionEntry>,
  sharedIds: Set<string> = new Set()
) =>
  makeFindingLedger({
    directory,
    runStartedAt: RUN_STARTED_AT,
    asOf: Date.parse(RUN_STARTED_AT),
    previous: {
      _tag: "Found",
      report: { path: "previous.json", runStartedAt: "2026-06-29T02:00:00.000Z", findings, sharedIds },
      notMailedSince: undefined,
      writtenByReview: false
    },
    suppressions
  })

const findingOf = (code: FindingCode, severity: Finding["severity"], userId: string): Finding => ({
  severity,
  finding: code,
  userId,
  email: `${userId}@example.com`,
  givenName: null,
  familyName: null,
  roleId: null,
  roleName: null,
  status: null,
  enabled: true,
  createdAt: null,
  lastLoggedInAt: null,
  daysSinceLogin: null,
  detail: ""
})

/** The totals `summarize` gives, counted from the findings one by one. */
const countedOneByOne = (findings: ReadonlyArray<AnnotatedFinding>, exclude: ReadonlySet<FindingCode>) => {
  const kept = findings.filter((finding) => !exclude.has(finding.finding))
  const bySeverity = (of: ReadonlyArray<AnnotatedFinding>) =>
    Object.fromEntries(SEVERITIES.map((severity) => [severity, of.filter((f) => f.severity === severity).length]))
  const unsuppressed = kept.filter((finding) => !finding.suppressed)
  const byChange = (of: ReadonlyArray<AnnotatedFinding>) =>
    Object.fromEntries(FINDING_CHANGES.map((change) => [change, of.filter((f) => f.change === change).length]))
  return {
    counts: {
      total: kept.length,
      bySeverity: bySeverity(kept),
      byFinding: Object.fromEntries(
        FINDING_CODES.map((code) => [code, kept.filter((finding) => finding.finding === code).length])
      ),
      suppressed: kept.length - unsuppressed.length,
      unsuppressedBySeverity: bySeverity(unsuppressed)
    },
    byChange: byChange(kept),
    unsuppressedByChange: byChange(unsuppressed)
  }
}

it("counts each code, severity, suppression and change apart, a different number of findings for each", async () => {
  const findings: Array<Finding> = []
  const previous = new Map<string, PreviousFinding>()
  const suppressions: Array<SuppressionEntry> = []
  let users = 0
  for (const code of FINDING_CODES) {
    for (const [rank, severity] of SEVERITIES.entries()) {
      for (const suppressed of [false, true]) {
        for (const change of FINDING_CHANGES) {
          // Before: none for a new finding, the same severity, one below (escalated) or one above (de-escalated).
          const before = { new: undefined, unchanged: rank, escalated: rank - 1, "de-escalated": rank + 1 }[change]
          const severityBefore = before === undefined ? undefined : SEVERITIES[before]
          if (before !== undefined && severityBefore === undefined) continue
          // Each combination a count of its own, so that two counted as one show in every total they reach.
          const count = 1 + (users % 3)
          for (let copy = 0; copy < count; copy++) {
            const userId = `u${users++}`
            findings.push(findingOf(code, severity, userId))
            if (severityBefore !== undefined) {
              const id = `${code}:${userId}`
              previous.set(id, {
                id,
                finding: code,
                severity: severityBefore,
                userId,
                email: null,
                firstSeen: null,
                suppressed: false
              })
            }
            if (suppressed) {
              suppressions.push({
                entry: suppressions.length + 1,
                user: userId,
                finding: code,
                reason: "accepted",
                owner: "security",
                expires: "2099-01-01",
                expiresAt: Date.parse("2099-01-01T00:00:00Z")
              })
            }
          }
        }
      }
    }
  }
  const { annotated, summaries } = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const ledger = yield* ledgerAfter(previous, suppressions)
        const annotated = yield* ledger.recordAll(findings)
        const excludes = [new Set<FindingCode>(), new Set<FindingCode>([FINDING_CODES[0] ?? "STALE_LOGIN"])]
        return { annotated, summaries: excludes.map((exclude) => ({ exclude, summary: ledger.summarize(exclude) })) }
      })
    )
  )
  // Every combination was made: the test is of them all.
  expect(new Set(annotated.map((f) => `${f.finding}|${f.severity}|${f.suppressed}|${f.change}`)).size).toBe(
    FINDING_CODES.length * 2 * (SEVERITIES.length * 4 - 2)
  )
  for (const { exclude, summary } of summaries) {
    const expected = countedOneByOne(annotated, exclude)
    expect(summary.counts).toEqual(expected.counts)
    expect(summary.changes).toMatchObject({
      new: expected.byChange.new,
      unchanged: expected.byChange.unchanged,
      escalated: expected.byChange.escalated,
      deEscalated: expected.byChange["de-escalated"],
      newUnsuppressed: expected.unsuppressedByChange.new,
      escalatedUnsuppressed: expected.unsuppressedByChange.escalated,
      deEscalatedUnsuppressed: expected.unsuppressedByChange["de-escalated"]
    })
  }
})

it("reads no change of severity into an id the previous report held several findings of", async () => {
  // Two users without an id share one by email; the previous report kept one of their two severities, so which
  // one this finding had is not known. An id held once changes as its severity did.
  const before = (userId: string): PreviousFinding => ({
    id: `STALE_LOGIN:${userId}`,
    finding: "STALE_LOGIN",
    severity: "high",
    userId,
    email: null,
    firstSeen: null,
    suppressed: false
  })
  const changes = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const previous = new Map([
          ["STALE_LOGIN:shared", before("shared")],
          ["STALE_LOGIN:single", before("single")]
        ])
        const ledger = yield* ledgerAfter(previous, [], new Set(["STALE_LOGIN:shared"]))
        const annotated = yield* ledger.recordAll([
          findingOf("STALE_LOGIN", "medium", "shared"),
          findingOf("STALE_LOGIN", "medium", "single")
        ])
        return annotated.map((finding) => [finding.userId, finding.change])
      })
    )
  )
  expect(changes).toEqual([
    ["shared", "unchanged"],
    ["single", "de-escalated"]
  ])
})

it("resolves a left-out code's previous finding of a user this run no longer has, and keeps one it found again", async () => {
  // A run with LOGIN_DATA_MISSING leaves NEVER_LOGGED_IN out of its reports: found again, such a finding was not
  // judged; not found at all, its user is gone, and that is news whatever this run could judge.
  const before = (userId: string): PreviousFinding => ({
    id: `NEVER_LOGGED_IN:${userId}`,
    finding: "NEVER_LOGGED_IN",
    severity: "medium",
    userId,
    email: null,
    firstSeen: "2026-06-01T02:00:00.000Z",
    suppressed: false
  })
  const changes = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const previous = new Map([
          ["NEVER_LOGGED_IN:kept", before("kept")],
          ["NEVER_LOGGED_IN:gone", before("gone")]
        ])
        const ledger = yield* ledgerAfter(previous, [])
        yield* ledger.recordAll([findingOf("NEVER_LOGGED_IN", "medium", "kept")])
        return ledger.summarize(new Set<FindingCode>(["NEVER_LOGGED_IN"])).changes
      })
    )
  )
  expect(changes.resolved.map((finding) => finding.id)).toEqual(["NEVER_LOGGED_IN:gone"])
  expect(changes.notJudged.map((finding) => finding.id)).toEqual(["NEVER_LOGGED_IN:kept"])
})
