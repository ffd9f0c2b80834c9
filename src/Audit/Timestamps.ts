/**
 * Panther's timestamps are RFC 3339 in UTC, seen with 0, 3 and 9 fractional digits. This parser accepts any
 * precision and any offset, and nothing looser: `Date.parse` alone would accept "March 5". A timestamp without an
 * offset is read as UTC, as Panther documents its timestamps, never as this machine's local time.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?$/

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0)

/**
 * Milliseconds since the epoch, or `undefined` for text that is not a timestamp. Computed from the fields with
 * `Date.UTC` rather than by rebuilding a string for `Date.parse`: the audit reads two timestamps per user, and this
 * is a fifth of the cost (test/Audit/Timestamps.test.ts holds it to the `Date.parse` reading).
 */
export const parseTimestamp = (text: string): number | undefined => {
  const match = RFC3339.exec(text.trim())
  if (match === null) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  const hour = Number(match[4])
  const minute = Number(match[5])
  const second = match[6] === undefined ? 0 : Number(match[6])
  // Digits past the millisecond are dropped, not rounded: a report never shows a login later than it was.
  const fraction = match[7]
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"))
  // A calendar date that does not exist (2024-02-30) is not a timestamp, nor is a 24th hour or a 60th second.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  let offsetMinutes = 0
  const offset = match[8]
  if (offset !== undefined && offset !== "Z" && offset !== "z") {
    const offsetHours = Number(offset.slice(1, 3))
    const offsetMins = Number(offset.slice(-2))
    if (offsetHours > 23 || offsetMins > 59) return undefined
    offsetMinutes = (offset[0] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins)
  }
  // Date.UTC reads the years 0 to 99 as 1900 to 1999; setUTCFullYear takes the year as written.
  const local =
    year >= 100
      ? Date.UTC(year, month - 1, day, hour, minute, second, millis)
      : new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis)).setUTCFullYear(year)
  return local - offsetMinutes * 60_000
}

/** `2024-05-01T08:30:00.000Z` exactly: what `toIsoUtc` would write for the instant it names. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * The report form of a timestamp already read by `parseTimestamp`: the text itself when it is in that form (most
 * of Panther's are), saving a Date per timestamp; `toIsoUtc` otherwise.
 */
export const isoOf = (text: string, epoch: number): string => (CANONICAL.test(text) ? text : toIsoUtc(epoch))

export const DAY_MS = 24 * 60 * 60 * 1000

/** "More than N days" means strictly more than N x 24 hours before the audit instant. */
export const isMoreThanDaysBefore = (epoch: number, asOf: number, days: number): boolean => asOf - epoch > days * DAY_MS

/** Whole days from `epoch` to `asOf`, clamped at 0 for a timestamp in the future. */
export const wholeDaysBetween = (epoch: number, asOf: number): number =>
  Math.max(0, Math.floor((asOf - epoch) / DAY_MS))

/** ISO 8601 UTC with milliseconds, the one timestamp format the reports write. */
export const toIsoUtc = (epoch: number): string => new Date(epoch).toISOString()
