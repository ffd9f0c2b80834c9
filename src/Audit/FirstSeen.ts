/**
 * When a finding was first reported, as the previous report says. It is carried into every later report (and its
 * CSV's first_seen column), so only what this tool could have written there is taken: an RFC 3339 UTC timestamp no
 * later than the run that wrote the report. An edited report's "garbage", "2099-01-01T00:00:00Z" or
 * `=HYPERLINK(...)` would otherwise live on in every report after it; such a finding is taken as first seen now,
 * and the run warns.
 */
import { headOfCharacters } from "../Cli/CutShort.js"
import { printable } from "../PantherApi/Responses.js"
import { isStampedAhead } from "../Reports/ReportName.js"
import { readInstant } from "./Timestamps.js"

/** What a finding's firstSeen is checked against, from the previous report's run section. */
export interface FirstSeenBounds {
  /** Taken for a finding without firstSeen (reports written before first-seen tracking): that run's start. */
  readonly fallback: unknown
  /** The latest instant a finding of that report can have been first seen at (epoch ms). */
  readonly notAfter: number
  /** When this run started (epoch ms): nothing was first seen after it, whatever the report says of its own run. */
  readonly thisRunStartedAt: number
  /**
   * Readings already made, by value. A report's findings share few firstSeen values (one per run that raised new
   * ones), and reading each of thousands afresh, before the first page is asked for and with nothing warmed up yet,
   * took about 12 ms at 8,000 findings.
   */
  readonly readings: Map<string, FirstSeenReading>
}

const epochOf = (value: unknown): number | undefined =>
  typeof value === "string" ? readInstant(value)?.epoch : undefined

/**
 * The bounds for a report whose run section is `run`: no later than its run, by the later of the start and finish
 * it records (whichever are timestamps); unbounded by it when it records neither.
 */
export const firstSeenBounds = (run: Record<string, unknown>, thisRunStartedAt: number): FirstSeenBounds => {
  const recorded = [epochOf(run.startedAt), epochOf(run.finishedAt)].filter((epoch) => epoch !== undefined)
  return {
    fallback: run.startedAt,
    notAfter: recorded.length === 0 ? Number.POSITIVE_INFINITY : Math.max(...recorded),
    thisRunStartedAt,
    readings: new Map()
  }
}

/** A firstSeen as reports write it (`2026-01-01T00:00:00.000Z`), or why it is not taken. */
export type FirstSeenReading = { readonly iso: string } | { readonly problem: string }

/** Checks `value`, a finding's firstSeen (undefined when the finding has none). */
export const readFirstSeen = (value: unknown, bounds: FirstSeenBounds): FirstSeenReading => {
  const text = value === undefined ? bounds.fallback : value
  if (typeof text !== "string") return judge(text, bounds)
  let reading = bounds.readings.get(text)
  if (reading === undefined) {
    reading = judge(text, bounds)
    bounds.readings.set(text, reading)
  }
  return reading
}

const judge = (text: unknown, bounds: FirstSeenBounds): FirstSeenReading => {
  const instant = typeof text === "string" ? readInstant(text) : undefined
  // An offset other than Z is a timestamp, but not one this tool writes.
  if (typeof text !== "string" || instant === undefined || !UTC.test(text)) {
    return { problem: `${quote(text)} is not an RFC 3339 UTC timestamp` }
  }
  if (instant.epoch > bounds.notAfter) return { problem: `${quote(text)} is later than the run that wrote the report` }
  // Beyond the skew allowed between machines, as report stamps are judged.
  if (isStampedAhead(instant.epoch, bounds.thisRunStartedAt)) {
    return { problem: `${quote(text)} is later than this run's start` }
  }
  return { iso: instant.iso }
}

const UTC = /[Zz]\s*$/

/** The value as a warning shows it: the start of it, nothing in it that a terminal would run. */
const quote = (value: unknown): string => {
  if (typeof value !== "string") return `a ${value === null ? "null" : typeof value}`
  return `"${printable(headOfCharacters(value, 40))}${value.length > 40 ? "..." : ""}"`
}

/** The findings of one report whose firstSeen was not taken: how many, and the first, by id, with why. */
export interface RejectedFirstSeen {
  readonly count: number
  readonly example: string
}

/** Collects the findings whose firstSeen was not taken, keeping the first as an example. */
export const makeRejectedFirstSeen = () => {
  let count = 0
  let example = ""
  return {
    add: (id: string, problem: string) => {
      if (count === 0) example = `${printable(id.slice(0, 80))}: ${problem}`
      count++
    },
    result: (): RejectedFirstSeen | undefined => (count === 0 ? undefined : { count, example })
  }
}

/** The run's warning about them. */
export const rejectedFirstSeenWarning = (reportName: string, rejected: RejectedFirstSeen): string =>
  `The previous report (${reportName}) gives ${rejected.count === 1 ? "a finding" : `${rejected.count} findings`} ` +
  `a firstSeen this tool cannot have written (${rejected.example}): was it edited? ` +
  `${rejected.count === 1 ? "It is" : "They are"} taken as first seen by this run.`
