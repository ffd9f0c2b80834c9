/**
 * An account counted as added since the last review, though created before that review was judged, existed when it
 * listed the users: its absence from the workbook is said, with its possible causes, on the summary line and on
 * the page. Read from real workbooks on disk, as `review` reads the last one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import { compareWithLastReview, type SinceLastReview } from "../../src/Review/LastReview.js"
import { sinceLastReviewHtml } from "../../src/Review/LastReviewHtml.js"
import type { ReviewRow } from "../../src/Review/ReviewRow.js"
import { describeSinceLastReview } from "../../src/Review/SinceLastReviewText.js"
import { reviewRowOf } from "./fixtures.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "added-though-older-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const WORKBOOK = "access-review-20260701T000000Z.csv"
const HEADER = "privileged,role_name,enabled,user_id,email,decision,instance,as_of"

/** Compares `accounts` with a workbook of these rows: user id, enabled, as_of. */
const since = async (
  rows: ReadonlyArray<readonly [string, string, string]>,
  accounts: ReadonlyArray<ReviewRow>
): Promise<Extract<SinceLastReview, { _tag: "Compared" }>> => {
  const lines = [
    HEADER,
    ...rows.map(
      ([id, enabled, asOf]) => `false,Analyst,${enabled},${id},${id}@example.com,keep,api.acme.example,${asOf}`
    )
  ]
  writeFileSync(join(directory, WORKBOOK), `\uFEFF${lines.join("\r\n")}\r\n`)
  const compared = await Effect.runPromise(
    compareWithLastReview(directory, "access-review-20261001T000000Z", "https://api.acme.example", accounts)
  )
  if (compared._tag !== "Compared") throw new Error(`not compared: ${compared.reason}`)
  return compared
}

const AS_OF = "2026-07-01T00:00:00.000Z"
const account = (id: string, createdAt: string | null) =>
  reviewRowOf(id, { createdAt: createdAt === null ? null : Date.parse(createdAt) })

/** u1 on the workbook; u2 created before it was judged, u3 after it, u4 of unknown age: all three added. */
const ACCOUNTS = [
  account("u1", "2025-01-01T00:00:00Z"),
  account("u2", "2026-05-01T00:00:00Z"),
  account("u3", "2026-08-01T00:00:00Z"),
  account("u4", null)
]

const page = (compared: SinceLastReview, rows: ReadonlyArray<ReviewRow>) =>
  sinceLastReviewHtml({
    run: { parameters: { includeDeactivated: false } } as unknown as AuditRun,
    asOf: Date.parse("2026-10-01T00:00:00Z"),
    rows,
    sinceLastReview: compared
  })

it("says which of the accounts added existed when the last review was judged, and why they may be missing", async () => {
  const compared = await since([["u1", "true", AS_OF]], ACCOUNTS)
  expect(compared.addedAccounts).toBe(3)
  const expected =
    `1 account counted as added was created before the last review was judged (as of ${AS_OF}), yet is not on ` +
    "its workbook: deactivated then and enabled since (the workbook lists no deactivated account), its row deleted " +
    "from the workbook or the workbook cut short. Look it up in the workbook as it was signed off."
  const summary = describeSinceLastReview({ sinceLastReview: compared })
  expect(summary).toContain("3 accounts added, 0 removed")
  expect(summary).toContain(expected)
  const html = page(compared, ACCOUNTS)
  expect(html).toContain(expected)
  // The page shows each added account's creation beside the last review's instant.
  expect(html).toContain("<th>Created</th>")
  expect(html).toContain("<td>2026-05-01T00:00:00.000Z</td>")
})

it("leaves out deactivation as a cause when the workbook lists deactivated accounts, so asked for them", async () => {
  const compared = await since(
    [
      ["u1", "true", AS_OF],
      ["u9", "false", AS_OF]
    ],
    [...ACCOUNTS, account("u5", "2026-06-30T23:59:59Z")]
  )
  expect(describeSinceLastReview({ sinceLastReview: compared })).toContain(
    `2 accounts counted as added were created before the last review was judged (as of ${AS_OF}), yet are not on ` +
      "its workbook: their rows deleted from the workbook or the workbook cut short. Look them up in the workbook " +
      "as it was signed off."
  )
})

it("says nothing of it when the accounts added are newer, or the workbook gives no instant", async () => {
  const newer = await since([["u1", "true", AS_OF]], [account("u1", null), account("u3", "2026-08-01T00:00:00Z")])
  expect(newer.addedAccounts).toBe(1)
  expect(describeSinceLastReview({ sinceLastReview: newer })).not.toContain("counted as added")
  const undated = await since([["u1", "true", ""]], ACCOUNTS)
  expect(undated.addedAccounts).toBe(3)
  expect(describeSinceLastReview({ sinceLastReview: undated })).not.toContain("counted as added")
  expect(page(undated, ACCOUNTS)).not.toContain("counted as added")
})
