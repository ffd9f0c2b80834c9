/**
 * A review: every user the audit saw, in review order, with the run that produced it. Built by watching the audit
 * (its `onUser` hook), so the API is read once for the findings reports and the review together.
 */
import * as Effect from "effect/Effect"
import type { AuditHooks } from "../Audit/AuditJob.js"
import type { AuditRun } from "../Audit/AuditRun.js"
import type { FindingCode } from "../Audit/Finding.js"
import { hasFinding, withoutFinding } from "./FindingSet.js"
import type { SinceLastReview } from "./LastReview.js"
import { compareReviewRows } from "./ReviewOrder.js"
import { makeReviewRowBuilder, type ReviewRow } from "./ReviewRow.js"

export interface Review {
  readonly run: AuditRun
  /** Epoch ms of the run's `asOf`, the instant days since login are counted to. */
  readonly asOf: number
  readonly rows: ReadonlyArray<ReviewRow>
  /** Accounts added and removed since the last review; absent where there is none to look for (an export). */
  readonly sinceLastReview?: SinceLastReview
}

export interface ReviewCollector {
  readonly onUser: NonNullable<AuditHooks["onUser"]>
  /** Sorts the rows and makes their findings agree with the run's reports. Call once, after the run. */
  readonly finish: (run: AuditRun, excludedCodes: ReadonlySet<FindingCode>) => Review
}

export const makeReviewCollector = (): ReviewCollector => {
  const build = makeReviewRowBuilder()
  const rows: Array<ReviewRow> = []
  return {
    onUser: (record, judgement, findings) =>
      Effect.sync(() => {
        rows.push(build(record, judgement, findings))
      }),
    finish: (run, excludedCodes) => {
      // Codes the run left out of its reports (NEVER_LOGGED_IN, replaced by LOGIN_DATA_MISSING): a review listing
      // them anyway would contradict the findings report beside it.
      for (const code of excludedCodes) {
        for (let index = 0; index < rows.length; index++) {
          const row = rows[index]
          if (row !== undefined && hasFinding(row.findings, code)) {
            rows[index] = {
              ...row,
              findings: withoutFinding(row.findings, code),
              suppressed: row.suppressed.filter((suppressed) => suppressed.code !== code)
            }
          }
        }
      }
      rows.sort(compareReviewRows)
      return { run, asOf: Date.parse(run.asOf), rows }
    }
  }
}
