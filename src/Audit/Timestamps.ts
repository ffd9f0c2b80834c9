/**
 * Panther's timestamps are RFC 3339 in UTC, seen with 0, 3 and 9 fractional digits. This parser accepts any
 * precision and any offset, and nothing looser: `Date.parse` alone would accept "March 5". A timestamp without an
 * offset is read as UTC, as Panther documents its timestamps, never as this machine's local time.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?$/

/** Milliseconds since the epoch, or `undefined` for text that is not a timestamp. */
export const parseTimestamp = (text: string): number | undefined => {
  const match = RFC3339.exec(text.trim())
  if (match === null) return undefined
  const [, year, month, day, hour, minute, second = "00", fraction = "", offset = "Z"] = match
  const millis = fraction.padEnd(3, "0").slice(0, 3)
  const normalizedOffset = offset.toUpperCase() === "Z" ? "Z" : offset.replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2")
  const epoch = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${normalizedOffset}`)
  if (Number.isNaN(epoch)) return undefined
  // Date.parse rolls 2024-02-30 over to March; a calendar date that does not exist is not a timestamp.
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return undefined
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  return epoch
}

export const DAY_MS = 24 * 60 * 60 * 1000

/** "More than N days" means strictly more than N x 24 hours before the audit instant. */
export const isMoreThanDaysBefore = (epoch: number, asOf: number, days: number): boolean => asOf - epoch > days * DAY_MS

/** Whole days from `epoch` to `asOf`, clamped at 0 for a timestamp in the future. */
export const wholeDaysBetween = (epoch: number, asOf: number): number =>
  Math.max(0, Math.floor((asOf - epoch) / DAY_MS))

/** ISO 8601 UTC with milliseconds, the one timestamp format the reports write. */
export const toIsoUtc = (epoch: number): string => new Date(epoch).toISOString()
