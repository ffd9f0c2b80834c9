/** How a row's computed values read, shared by the workbook, the HTML and the inventory so they cannot disagree. */
import { toIsoUtc, wholeDaysBetween } from "../Audit/Timestamps.js"
import { findingEntries } from "./FindingSet.js"
import type { ReviewRow, ReviewTimestamp, SuppressedFinding } from "./ReviewRow.js"

/** ISO 8601 UTC for a parsed timestamp; `null` when absent or unparseable (an INVALID_RECORD finding says which). */
export const isoOf = (timestamp: ReviewTimestamp): string | null =>
  typeof timestamp === "number" ? toIsoUtc(timestamp) : null

/** Whole days from the last login to the audit time; `null` when never logged in (or not a timestamp). */
export const daysSinceLogin = (row: ReviewRow, asOf: number): number | null =>
  typeof row.lastLoggedInAt === "number" ? wholeDaysBetween(row.lastLoggedInAt, asOf) : null

/** The row's suppressed findings in the order its findings are listed: most severe first, then by code. */
export const suppressedInOrder = (row: ReviewRow): ReadonlyArray<SuppressedFinding> =>
  row.suppressed.length < 2
    ? row.suppressed
    : findingEntries(row.findings).flatMap((entry) => row.suppressed.filter((item) => item.code === entry.code))

/** `COMPROMISED_ACCOUNT STALE_LOGIN`: the codes a suppression covers, space-separated as `findings` lists them. */
export const suppressedCodesText = (row: ReviewRow): string =>
  suppressedInOrder(row)
    .map((item) => item.code)
    .join(" ")

/** `STALE_LOGIN: Parental leave (owner …, expires …, entry 1)`, one per suppressed finding, separated by ` | `. */
export const suppressionReasonsText = (row: ReviewRow): string =>
  suppressedInOrder(row)
    .map((item) => `${item.code}: ${item.reason}`)
    .join(" | ")
