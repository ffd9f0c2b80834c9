/**
 * Report files are written synchronously, a batch of rows at a time. The event loop must turn between batches:
 * that is where a stop signal (SIGTERM, a Ctrl-C, a second one while stopping) and the stop's 5 s limit are seen.
 * Written in one go, an export of about 90,000 users held the loop for 5 s on a 2-core machine, and a `docker stop`
 * meanwhile waited all that time for the process even to notice it.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { FINDING_CODES, type FindingCode } from "../../src/Audit/Finding.js"
import { writeInventory } from "../../src/Export/WriteInventory.js"
import { makeFindingSpool } from "../../src/Reports/FindingSpool.js"
import { writeFindingReports } from "../../src/Reports/WriteFindingReports.js"
import type { Review } from "../../src/Review/Review.js"
import { writeReview } from "../../src/Review/WriteReview.js"
import { finding } from "../Email/support/AuditOutcomeFixture.js"
import { AS_OF, AS_OF_ISO, reviewRowOf } from "../Review/fixtures.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "turns-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const USERS = 20_000

const run: AuditRun = {
  runId: "run-0001",
  tool: { name: "panther-user-audit", version: "0.1.0" },
  asOf: AS_OF_ISO,
  startedAt: AS_OF_ISO,
  finishedAt: AS_OF_ISO,
  apiBaseUrl: "https://api.acme.example",
  parameters: {
    staleDays: 90,
    pendingDays: 7,
    privilegedRoles: ["Admin"],
    privilegedPermissions: ["UserModify"],
    includeDeactivated: false,
    failOn: "none",
    policy: null,
    suppressionsFile: null
  },
  users: { seen: USERS, enabled: USERS, deactivated: 0, privileged: 0, invalid: 0 },
  pagesFetched: 1,
  requests: 1,
  retries: 0,
  privilegeSource: "role-permissions",
  findings: {
    total: 0,
    bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
    byFinding: Object.fromEntries(FINDING_CODES.map((code) => [code, 0])) as Record<FindingCode, number>,
    suppressed: 0,
    unsuppressedBySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 }
  },
  changes: {
    previousReport: null,
    previousReportProblem: null,
    new: 0,
    escalated: 0,
    deEscalated: 0,
    unchanged: 0,
    newUnsuppressed: 0,
    escalatedUnsuppressed: 0,
    deEscalatedUnsuppressed: 0,
    resolved: [],
    resolvedUnsuppressed: 0,
    notJudged: [],
    unsuppressedAgain: 0
  },
  suppressions: { active: 0, applied: 0, expired: [], unused: [] },
  warnings: [],
  email: "none"
}

const review: Review = {
  run,
  asOf: AS_OF,
  rows: Array.from({ length: USERS }, (_, index) =>
    reviewRowOf(`u-${index}`, { givenName: "Given", familyName: `Family ${index}` })
  )
}

/**
 * The most bytes the files in the folder grew by between two turns of the event loop while `write` ran, and how
 * many they came to. Looked at on each turn, by a callback that asks for the next turn each time it runs, as a
 * signal's handler waits for one; files counted by inode, so that a finished file's second name adds nothing.
 * Counted in bytes, not timed, so that a busy machine changes nothing.
 */
const growthBetweenTurns = <A, E>(write: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const written = () => {
      const sizes = new Map<number, number>()
      for (const name of readdirSync(directory)) {
        const stats = statSync(join(directory, name), { throwIfNoEntry: false })
        if (stats?.isFile()) sizes.set(stats.ino, stats.size)
      }
      return [...sizes.values()].reduce((sum, size) => sum + size, 0)
    }
    let last = written()
    let most = 0
    let counting = true
    const look = () => {
      if (!counting) return
      const now = written()
      most = Math.max(most, now - last)
      last = now
      setImmediate(look)
    }
    setImmediate(look)
    yield* write.pipe(
      Effect.ensuring(
        Effect.sync(() => {
          counting = false
        })
      )
    )
    return { most, total: written() }
  })

describe("writing reports of many users", () => {
  for (const [name, write] of [
    ["the inventory", () => writeInventory({ directory, stem: "inventory-x", review })],
    ["the review workbook", () => writeReview({ directory, stem: "access-review-x", review, formats: ["csv"] })],
    ["the review page", () => writeReview({ directory, stem: "access-review-x", review, formats: ["html"] })]
  ] as const) {
    it.live(`lets the event loop turn between batches of rows while writing ${name}`, () =>
      Effect.gen(function* () {
        const { most, total } = yield* growthBetweenTurns(write())
        // A batch of the twenty, and a buffer's worth, at a time; written in one go, nearly all of it.
        expect(most, `grew ${most} bytes of ${total} between two turns`).toBeLessThan(total / 4)
      })
    )
  }

  it.live("lets the event loop turn between batches of findings while writing a run's CSV and JSON reports", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const spool = yield* makeFindingSpool(directory)
        yield* spool.addAll(
          Array.from({ length: USERS }, (_, index) =>
            finding({ userId: `u-${index}`, email: `user-${index}@acme.example` })
          )
        )
        const { most, total } = yield* growthBetweenTurns(
          writeFindingReports({ directory, stem: "user-audit-x", run, spool, exclude: new Set() })
        )
        expect(most, `grew ${most} bytes of ${total} between two turns`).toBeLessThan(total / 4)
      })
    )
  )
})
