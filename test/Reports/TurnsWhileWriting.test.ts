/**
 * Report files are written synchronously, a batch of rows at a time. The event loop must turn between batches:
 * that is where a stop signal (SIGTERM, a Ctrl-C, a second one while stopping) and the stop's 5 s limit are seen.
 * Written in one go, an export of about 90,000 users held the loop for 5 s on a 2-core machine, and a `docker stop`
 * meanwhile waited all that time for the process even to notice it.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { FINDING_CODES, type FindingCode } from "../../src/Audit/Finding.js"
import { writeInventory } from "../../src/Export/WriteInventory.js"
import type { Review } from "../../src/Review/Review.js"
import { writeReview } from "../../src/Review/WriteReview.js"
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
 * The longest the event loop went without a turn while `write` ran, and how long it ran. Measured by a timer due
 * every millisecond, as a signal is seen: on a turn of the loop.
 */
const longestStall = <A, E>(write: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    let last = performance.now()
    let longest = 0
    const ticks = setInterval(() => {
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
    }, 1)
    const startedAt = performance.now()
    yield* write.pipe(Effect.ensuring(Effect.sync(() => clearInterval(ticks))))
    const took = performance.now() - startedAt
    longest = Math.max(longest, performance.now() - last)
    return { longest, took }
  })

describe("writing reports of many users", () => {
  for (const [name, write] of [
    ["the inventory", () => writeInventory({ directory, stem: "inventory-x", review })],
    ["the review workbook", () => writeReview({ directory, stem: "access-review-x", review, formats: ["csv"] })],
    ["the review page", () => writeReview({ directory, stem: "access-review-x", review, formats: ["html"] })]
  ] as const) {
    it.live(`lets the event loop turn between batches of rows while writing ${name}`, () =>
      Effect.gen(function* () {
        // Once before, so that compiling the code for the first batch is not taken for a stall.
        yield* write()
        const { longest, took } = yield* longestStall(write())
        // About one batch of the twenty at a time (a garbage collection may take longer); in one go, nearly all.
        expect(longest, `longest stall ${longest.toFixed(0)} ms of ${took.toFixed(0)} ms`).toBeLessThan(took / 3)
      })
    )
  }
})
