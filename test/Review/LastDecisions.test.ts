/**
 * Whether the last review was carried through: how many of its workbook's rows were decided, and whether each
 * decision says who made it and when. Read from a real workbook on disk, as `review` reads the last one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { compareWithLastReview, type SinceLastReview } from "../../src/Review/LastReview.js"
import { sinceLastReviewHtml } from "../../src/Review/LastReviewHtml.js"
import { describeSinceLastReview } from "../../src/Review/SinceLastReviewText.js"
import { reviewRowOf } from "./fixtures.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "last-decisions-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const WORKBOOK = "access-review-20260701T000000Z.csv"

/** Compares accounts u1..uN, unchanged, with a workbook of these rows (user id, decision, reviewer, reviewed_at). */
const sinceWorkbook = (
  header: string,
  rows: ReadonlyArray<ReadonlyArray<string>>
): Promise<Extract<SinceLastReview, { _tag: "Compared" }>> => {
  const lines = [header, ...rows.map((cells) => ["false", "Analyst", "true", ...cells].join(","))]
  writeFileSync(join(directory, WORKBOOK), `\uFEFF${lines.join("\r\n")}\r\n`)
  const accounts = rows.map(([id = ""]) => reviewRowOf(id, { email: `${id}@example.com` }))
  return Effect.runPromise(
    compareWithLastReview(directory, "access-review-20261001T000000Z", "https://api.acme.example", accounts)
  ).then((since) => {
    if (since._tag !== "Compared") throw new Error(`not compared: ${since.reason}`)
    return since
  })
}

const HEADER = "privileged,role_name,enabled,user_id,email,decision,reviewer,reviewed_at"
const row = (id: string, decision: string, reviewer: string, reviewedAt: string) => [
  id,
  `${id}@example.com`,
  decision,
  reviewer,
  reviewedAt
]

it("counts the last review's decisions by kind, and the rows left without one", async () => {
  const since = await sinceWorkbook(HEADER, [
    row("u1", "keep", "Dana", "2026-07-03"),
    row("u2", " Keep ", "Dana", "2026-07-03"),
    row("u3", "revoke", "Dana", "2026-07-03"),
    row("u4", "change-role:Analyst", "Dana", "2026-07-03"),
    row("u5", "remove", "Dana", "2026-07-03"),
    row("u6", "", "", ""),
    row("u7", "", "Dana", "")
  ])
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    `The last review's decisions: 5 of 7 rows in ${WORKBOOK} decided (2 keep, 1 revoke, 1 change-role, ` +
      "1 written otherwise), 2 without one."
  )
  expect(describeSinceLastReview({ sinceLastReview: since })).not.toContain("reviewed_at (")
})

it("names the rows of decisions without a reviewer or a date, the first five, and counts the rest", async () => {
  const since = await sinceWorkbook(HEADER, [
    row("u1", "keep", "", "2026-07-03"),
    row("u2", "keep", "Dana", ""),
    row("u3", "revoke", "", ""),
    row("u4", "keep", "Dana", "2026-07-03"),
    row("u5", "keep", "", "2026-07-03"),
    row("u6", "keep", " ", "2026-07-03"),
    row("u7", "keep", "", "2026-07-03"),
    row("u8", "keep", "", "2026-07-03"),
    // Not a decision: nobody had to sign it.
    row("u9", "", "", "")
  ])
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "Of them, 6 name no reviewer and 2 have no reviewed_at (rows 2, 3, 4, 6, 7, and 2 more): as evidence of the " +
      "review each decision needs both, filled in on that workbook."
  )
})

it("says which one is missing, in the number it takes, when one decision lacks one of them", async () => {
  const since = await sinceWorkbook(HEADER, [row("u1", "keep", "Dana", ""), row("u2", "keep", "Dana", "2026-07-03")])
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(
    "Of them, 1 has no reviewed_at (row 2): as evidence"
  )
})

it("says a workbook holding no decision at all was not decided, and how to compare with the copy that was", async () => {
  const since = await sinceWorkbook(HEADER, [row("u1", "", "", ""), row("u2", "", "", "")])
  const expected =
    `${WORKBOOK} holds no decision: none of its 2 rows was decided. If the review was filled in on another copy, ` +
    "give that copy with --compare-with, and keep it as that review's evidence."
  expect(describeSinceLastReview({ sinceLastReview: since })).toContain(expected)
  // The page the manager signs off says it too.
  const run = { parameters: { includeDeactivated: false } } as unknown as AuditRun
  expect(
    sinceLastReviewHtml({ run, asOf: Date.parse("2026-10-01T00:00:00Z"), rows: [], sinceLastReview: since })
  ).toContain(expected.replace("review's", "review&#39;s"))
})

it("does not count a reviewer or a date as missing from a workbook without those columns", async () => {
  const since = await sinceWorkbook("privileged,role_name,enabled,user_id,email,decision", [
    ["u1", "u1@example.com", "keep"],
    ["u2", "u2@example.com", "revoke"]
  ])
  const summary = describeSinceLastReview({ sinceLastReview: since })
  expect(summary).toContain(`2 of 2 rows in ${WORKBOOK} decided (1 keep, 1 revoke, 0 change-role), 0 without one.`)
  expect(summary).not.toContain("Of them")
})
