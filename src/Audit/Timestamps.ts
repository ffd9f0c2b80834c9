/**
 * Panther's timestamps are RFC 3339 in UTC, seen with 0, 3 and 9 fractional digits. This parser accepts any
 * precision and any offset, ISO 8601's hour-only offset (`+02`) and decimal comma included, and nothing looser:
 * `Date.parse` alone would accept "March 5". A timestamp without an offset is read as UTC, as Panther documents its
 * timestamps, never as this machine's local time.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0)

/** An instant read from Panther's text: epoch milliseconds, and the form reports write (`toIsoUtc`'s). */
export interface Instant {
  readonly epoch: number
  readonly iso: string
}

const DIGIT_0 = 48

/** The number written by the digits at `from` up to `to`, or -1 if any of them is not a digit. */
const digitsAt = (text: string, from: number, to: number): number => {
  let value = 0
  for (let index = from; index < to; index++) {
    const digit = text.charCodeAt(index) - DIGIT_0
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

/**
 * Panther's usual form, `2024-05-01T08:30:00Z` with 0 or more fractional digits, read by character codes: no
 * regular expression, no substrings. Anything else (offsets, a space for the T, no seconds, a year before 100, an
 * impossible date) is left to the general reading, which also decides whether it is a timestamp at all.
 */
const readUsualUtc = (text: string): Instant | undefined => {
  const length = text.length
  if (length < 20 || text.charCodeAt(length - 1) !== 90 /* Z */) return undefined
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84) return undefined
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined
  if (length > 20 && (text.charCodeAt(19) !== 46 /* . */ || length === 21)) return undefined
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 7)
  const day = digitsAt(text, 8, 10)
  const hour = digitsAt(text, 11, 13)
  const minute = digitsAt(text, 14, 16)
  const second = digitsAt(text, 17, 19)
  const fractionDigits = length > 20 ? length - 21 : 0
  if (fractionDigits > 0 && digitsAt(text, 20, length - 1) < 0) return undefined
  const millis =
    fractionDigits === 0
      ? 0
      : digitsAt(text, 20, 20 + Math.min(3, fractionDigits)) * 10 ** (3 - Math.min(3, fractionDigits))
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined
  const epoch = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  const iso =
    fractionDigits === 3
      ? text
      : fractionDigits > 3
        ? `${text.slice(0, 23)}Z`
        : `${text.slice(0, 19)}.${String(millis).padStart(3, "0")}Z`
  return { epoch, iso }
}

/**
 * Whether `epoch` is the last millisecond of a UTC month, the one place a leap second is inserted (23:59:60 UTC on a
 * month's last day, in practice June's or December's).
 */
const isLastMillisecondOfMonth = (epoch: number): boolean => {
  const next = new Date(epoch + 1)
  return next.getUTCDate() === 1 && next.getUTCHours() === 0 && next.getUTCMinutes() === 0 && next.getUTCSeconds() === 0
}

/**
 * Reads an RFC 3339 timestamp, or gives `undefined` for text that is not one. The usual form is read by character
 * codes (above); the rest by a regular expression. The instant is computed from the fields with `Date.UTC` rather
 * than by rebuilding a string for `Date.parse`, and a UTC timestamp's report form is put together from the same
 * fields rather than by formatting a Date: the audit reads two timestamps per user, and this is a fifth of the cost.
 * test/Audit/Timestamps.test.ts holds both to the `Date.parse` and `toISOString` readings.
 */
export const readInstant = (text: string): Instant | undefined => {
  const usual = readUsualUtc(text)
  if (usual !== undefined) return usual
  const match = RFC3339.exec(text.trim())
  if (match === null) return undefined
  const [, yearText = "", monthText = "", dayText = "", hourText = "", minuteText = "", secondText = "00"] = match
  const year = Number(yearText)
  const month = Number(monthText)
  const day = Number(dayText)
  const hour = Number(hourText)
  const minute = Number(minuteText)
  const second = Number(secondText)
  // RFC 3339 allows a leap second, 23:59:60 UTC: it is read as the last millisecond before it, as neither Date nor
  // the reports can write it. Taken for garbage, it made a login INVALID_RECORD and never judged stale.
  const leapSecond = second === 60
  // Digits past the millisecond are dropped, not rounded: a report never shows a login later than it was.
  const millisText = leapSecond ? "999" : (match[7] ?? "").slice(0, 3).padEnd(3, "0")
  // A calendar date that does not exist (2024-02-30) is not a timestamp, nor is a 24th hour or a 61st second.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 60) return undefined
  const offset = match[8]
  const utc = offset === undefined || offset === "Z" || offset === "z"
  let offsetMinutes = 0
  if (!utc) {
    const offsetHours = Number(offset.slice(1, 3))
    const offsetMins = offset.length > 3 ? Number(offset.slice(-2)) : 0
    if (offsetHours > 23 || offsetMins > 59) return undefined
    offsetMinutes = (offset[0] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins)
  }
  const millis = Number(millisText)
  // Date.UTC reads the years 0 to 99 as 1900 to 1999; setUTCFullYear takes the year as written.
  const secondOfMinute = leapSecond ? 59 : second
  const local =
    year >= 100
      ? Date.UTC(year, month - 1, day, hour, minute, secondOfMinute, millis)
      : new Date(Date.UTC(2000, month - 1, day, hour, minute, secondOfMinute, millis)).setUTCFullYear(year)
  const epoch = local - offsetMinutes * 60_000
  if (leapSecond && !isLastMillisecondOfMonth(epoch)) return undefined
  const iso =
    utc && !leapSecond
      ? `${yearText}-${monthText}-${dayText}T${hourText}:${minuteText}:${secondText}.${millisText}Z`
      : toIsoUtc(epoch)
  return { epoch, iso }
}

/** Milliseconds since the epoch, or `undefined` for text that is not a timestamp. */
export const parseTimestamp = (text: string): number | undefined => readInstant(text)?.epoch

export const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Before any Panther existed: what a service sends for "no time" (Go's zero time, 0001-01-01, or the Unix epoch),
 * not a login. Taken as one, it made a STALE_LOGIN "739431 days ago" on a user created last week.
 */
export const EARLIEST_REAL_TIME = Date.UTC(2000, 0, 1)

/**
 * Text that stands for no time at all: blank (the `""` that means "never", padded) or a placeholder before 2000 (Go's
 * zero time). Shared by the run's judgement and the review's figures, so a login counted as none is charted as none.
 */
export const isNoTimePlaceholder = (text: string): boolean => {
  if (text.trim() === "") return true
  const instant = readInstant(text)
  return instant !== undefined && instant.epoch < EARLIEST_REAL_TIME
}

/** "More than N days" means strictly more than N x 24 hours before the audit instant. */
export const isMoreThanDaysBefore = (epoch: number, asOf: number, days: number): boolean => asOf - epoch > days * DAY_MS

/** Whole days from `epoch` to `asOf`, clamped at 0 for a timestamp in the future. */
export const wholeDaysBetween = (epoch: number, asOf: number): number =>
  Math.max(0, Math.floor((asOf - epoch) / DAY_MS))

/** ISO 8601 UTC with milliseconds, the one timestamp format the reports write. */
export const toIsoUtc = (epoch: number): string => new Date(epoch).toISOString()
