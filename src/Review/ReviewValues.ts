/** How a row's computed values read, shared by the workbook, the HTML and the inventory so they cannot disagree. */
import { toIsoUtc, wholeDaysBetween } from "../Audit/Timestamps.js"
import type { ReviewRow, ReviewTimestamp } from "./ReviewRow.js"

/** ISO 8601 UTC for a parsed timestamp; `null` when absent or unparseable (an INVALID_RECORD finding says which). */
export const isoOf = (timestamp: ReviewTimestamp): string | null =>
  typeof timestamp === "number" ? toIsoUtc(timestamp) : null

/** Whole days from the last login to the audit time; `null` when never logged in (or not a timestamp). */
export const daysSinceLogin = (row: ReviewRow, asOf: number): number | null =>
  typeof row.lastLoggedInAt === "number" ? wholeDaysBetween(row.lastLoggedInAt, asOf) : null
