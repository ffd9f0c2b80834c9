/**
 * Reading Panther's timestamps. The parser computes the instant from the fields; the reading it must agree with is
 * the one `Date.parse` gives for the same fields, kept here as the oracle.
 */
import { describe, expect, it } from "@effect/vitest"
import { isNoTimePlaceholder, parseTimestamp, readInstant, toIsoUtc } from "../../src/Audit/Timestamps.js"
import { seededRandom } from "../support/seededRandom.js"

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/

/** The reading by string rebuilding and `Date.parse`, with the calendar checked separately. */
const oracle = (text: string): number | undefined => {
  const match = RFC3339.exec(text.trim())
  if (match === null) return undefined
  const [, year, month, day, hour, minute, second = "00", fraction = "", offset = "Z"] = match
  const millis = fraction.padEnd(3, "0").slice(0, 3)
  const normalizedOffset =
    offset.toUpperCase() === "Z"
      ? "Z"
      : offset.replace(/^([+-]\d{2}):?(\d{2})?$/, (_, hours, minutes = "00") => `${hours}:${minutes}`)
  // A leap second (23:59:60 UTC on a month's last day) is read as the millisecond before it.
  const leap = second === "60"
  const written = leap ? `59.999` : `${second}.${millis}`
  const epoch = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${written}${normalizedOffset}`)
  if (Number.isNaN(epoch)) return undefined
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return undefined
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) return undefined
  if (leap && new Date(epoch + 1).toISOString().slice(8, 23) !== "01T00:00:00.000") return undefined
  return epoch
}

const pad = (value: number, width: number) => String(value).padStart(width, "0")

/** Timestamps of every shape Panther and people write, valid and not: impossible dates and times included. */
const generated = (count: number): Array<string> => {
  const below = seededRandom(42)
  const next = () => below(1_000_000) / 1_000_000
  const pick = <A>(values: ReadonlyArray<A>): A => values[below(values.length)] as A
  const cases: Array<string> = []
  for (let index = 0; index < count; index++) {
    const year = 100 + Math.floor(next() * 9900)
    const date = `${pad(year, 4)}-${pad(1 + Math.floor(next() * 13), 2)}-${pad(Math.floor(next() * 33), 2)}`
    const time = `${pad(Math.floor(next() * 25), 2)}:${pad(Math.floor(next() * 61), 2)}`
    const seconds = pick(["", `:${pad(Math.floor(next() * 61), 2)}`])
    const fraction = seconds === "" ? "" : pick(["", ".1", ".12", ".123", ".123456", ".123456789", ",5", ",123"])
    const offset = pick([
      "",
      "Z",
      "z",
      "+00:00",
      "-05:30",
      "+0530",
      "+14:00",
      "-23:59",
      "+24:00",
      "+05:60",
      "+02",
      "-11",
      "+25"
    ])
    cases.push(`${date}${pick(["T", "t", " "])}${time}${seconds}${fraction}${offset}`)
  }
  return cases
}

describe("parseTimestamp", () => {
  it("agrees with the Date.parse reading on thousands of timestamps, valid and not", () => {
    const cases = generated(20_000)
    let valid = 0
    for (const text of cases) {
      const expected = oracle(text)
      if (expected !== undefined) valid++
      expect(parseTimestamp(text), text).toBe(expected)
    }
    // Both kinds are well represented, so agreement is not agreement on "undefined" alone.
    expect(valid).toBeGreaterThan(2_000)
    expect(cases.length - valid).toBeGreaterThan(2_000)
  })

  it("reads Panther's forms at every precision and offset", () => {
    expect(parseTimestamp("2024-05-01T08:30:00Z")).toBe(Date.UTC(2024, 4, 1, 8, 30))
    expect(parseTimestamp("2024-05-01T08:30:00.123456789Z")).toBe(Date.UTC(2024, 4, 1, 8, 30, 0, 123))
    expect(parseTimestamp("2024-05-01T10:30:00+02:00")).toBe(Date.UTC(2024, 4, 1, 8, 30))
    expect(parseTimestamp(" 2024-05-01T08:30:00.5Z ")).toBe(Date.UTC(2024, 4, 1, 8, 30, 0, 500))
    expect(parseTimestamp("2024-02-29T00:00:00Z")).toBe(Date.UTC(2024, 1, 29))
    // ISO 8601's hour-only offset and decimal comma.
    expect(parseTimestamp("2024-05-01T10:30:00+02")).toBe(Date.UTC(2024, 4, 1, 8, 30))
    expect(parseTimestamp("2024-05-01T08:30:00,25Z")).toBe(Date.UTC(2024, 4, 1, 8, 30, 0, 250))
  })

  it("rejects what is not an instant", () => {
    for (const text of ["", "March 5", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z"]) {
      expect(parseTimestamp(text), text).toBeUndefined()
    }
    expect(parseTimestamp("1900-02-29T00:00:00Z")).toBeUndefined()
    expect(parseTimestamp("2000-02-29T00:00:00Z")).toBe(Date.UTC(2000, 1, 29))
  })

  it("rejects a decimal point with no digits after it, in Panther's usual form as in any other", () => {
    for (const text of ["2024-05-01T08:30:00.Z", "2024-05-01T08:30:00.+02:00", "2024-05-01T08:30:00,Z"]) {
      expect(parseTimestamp(text), text).toBeUndefined()
    }
  })

  it("reads a leap second (RFC 3339's 23:59:60 UTC, at a month's end) as the last millisecond before midnight", () => {
    const lastOf2016 = Date.UTC(2016, 11, 31, 23, 59, 59, 999)
    // Written in UTC, with a fraction, or at the local time of an offset: the same leap second.
    for (const text of ["2016-12-31T23:59:60Z", "2016-12-31T23:59:60.5Z", "2016-12-31T15:59:60-08:00"]) {
      expect(readInstant(text), text).toEqual({ epoch: lastOf2016, iso: "2016-12-31T23:59:59.999Z" })
    }
    expect(parseTimestamp("2015-06-30T23:59:60.000000000Z")).toBe(Date.UTC(2015, 5, 30, 23, 59, 59, 999))
    // A 60th second anywhere else is no instant: not the last minute of a UTC day, or not of a month's last day.
    for (const text of [
      "2016-12-31T23:58:60Z",
      "2016-12-31T22:59:60Z",
      "2016-12-30T23:59:60Z",
      "2016-12-31T23:59:60+01:00"
    ]) {
      expect(parseTimestamp(text), text).toBeUndefined()
    }
  })

  it("takes years before 100 as written, not as 19xx", () => {
    expect(toIsoUtc(parseTimestamp("0050-03-01T00:00:00Z") ?? Number.NaN)).toBe("0050-03-01T00:00:00.000Z")
    // Year 0 is a leap year in the proleptic Gregorian calendar.
    expect(toIsoUtc(parseTimestamp("0000-02-29T12:00:00Z") ?? Number.NaN)).toBe("0000-02-29T12:00:00.000Z")
  })
})

describe("readInstant", () => {
  it("gives the report form toIsoUtc writes, whatever form the timestamp came in", () => {
    for (const text of generated(5_000)) {
      const instant = readInstant(text)
      if (instant !== undefined) expect(instant.iso, text).toBe(toIsoUtc(instant.epoch))
    }
    expect(readInstant("0050-03-01T00:00:00Z")?.iso).toBe("0050-03-01T00:00:00.000Z")
    expect(readInstant("2024-05-01T10:30:00.987654+02:00")?.iso).toBe("2024-05-01T08:30:00.987Z")
  })
})

describe("isNoTimePlaceholder", () => {
  it("takes blank text and an instant before 2000 for no time, and neither a real instant nor garbage", () => {
    for (const text of ["", "   ", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1999-12-31T23:59:59.999Z"]) {
      expect(isNoTimePlaceholder(text), text).toBe(true)
    }
    // A real login is a login, however old; text that is no timestamp is broken data, not a placeholder.
    for (const text of ["2000-01-01T00:00:00Z", "2024-05-01T08:30:00Z", "garbage", "0001-13-01T00:00:00Z"]) {
      expect(isNoTimePlaceholder(text), text).toBe(false)
    }
  })
})
