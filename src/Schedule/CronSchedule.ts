/**
 * `--cron` and `--tz`, checked at start-up: a schedule that cannot fire must fail now, with exit code 2, not be
 * found out at two in the morning.
 */
import * as Cron from "effect/Cron"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { ConfigurationError } from "../Cli/ConfigurationError.js"

export const DEFAULT_CRON = "0 2 * * *"
export const DEFAULT_TIME_ZONE = "UTC"

export interface CronSchedule {
  /** As given, for log lines. */
  readonly expression: string
  /** The IANA name, as Intl spells it (`utc` becomes `UTC`). */
  readonly timeZone: string
  readonly cron: Cron.Cron
}

/** The shorthands of Vixie cron; Effect's parser takes only fields. */
const ALIASES: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *"
}

const FIELDS =
  "5 fields (minute hour day-of-month month day-of-week, e.g. 0 2 * * *), 6 with seconds first, or a shorthand such as @daily or @hourly"

const invalid = (message: string) => new ConfigurationError({ message })

/** `+02:00`, `-0500`, `−03`: an offset from UTC, with either minus sign. */
const FIXED_OFFSET = /^[+\-\u2212]\d/

/**
 * Zone names of one offset all year, made for no place: `Etc/GMT+2` (UTC-02:00, the sign reversed as in POSIX),
 * `EST`, `MST`, `HST` (which tzdata 2024b made links to America/Panama, America/Phoenix and Pacific/Honolulu, so
 * that Intl now spells them so), and System V's `SystemV/CST6`. Their neighbours `EST5EDT` and `SystemV/CST6CDT`
 * follow daylight saving time and are taken; so are `Etc/GMT+0` and the other names of UTC.
 */
const FIXED_OFFSET_NAME = /^(?:etc\/gmt[+-]0*[1-9]\d*|est|mst|hst|systemv\/[a-z]{3}\d+)$/i

/** The place whose time a fixed offset's name is mostly meant for. */
const PLACE_FOR: Readonly<Record<string, string>> = {
  EST: "America/New_York for US Eastern time",
  MST: "America/Denver for US Mountain time (America/Phoenix for Arizona, which keeps it all year)",
  HST: "Pacific/Honolulu for Hawaii (the same offset today, named for the place, so it follows any change of its law)"
}

/** `UTC-05:00`: the one offset of a fixed zone, from Intl. */
const offsetOf = (zone: DateTime.TimeZone.Named, now: number): string => {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone.id, timeZoneName: "longOffset" }).formatToParts(now)
  const offset = parts.find((part) => part.type === "timeZoneName")?.value ?? "GMT"
  return offset === "GMT" ? "UTC+00:00" : offset.replace(/^GMT/, "UTC")
}

/**
 * The first tick strictly after `after`. Effect's `Cron.next` (3.22) answers an instant in the hour a time zone
 * repeats as its clocks go back (01:10 EST on 1 November in New York) with the first occurrence of the next wall time
 * that matches, which has passed (01:30 EDT, 40 minutes before): a schedule started, or done with a run, in that hour
 * ran that tick again at once, and again after each run until the hour ended. From that passed tick `Cron.next` reads
 * right, so stepping on from it finds the first tick after `after`; those stepped over ran at their first occurrence.
 */
export const nextTickAfter = (schedule: CronSchedule, after: number): number => {
  let tick = Cron.next(schedule.cron, after).getTime()
  while (tick <= after) {
    const following = Cron.next(schedule.cron, tick).getTime()
    if (following <= tick) break
    tick = following
  }
  // Never seen: an answer that does not move on. Then a second at a time from `after`, to the hour's end at most.
  for (let from = after + 1_000; tick <= after; from += 1_000) tick = Cron.next(schedule.cron, from).getTime()
  return tick
}

/**
 * The zone's name without the spaces around it, or the colon in front of it: POSIX lets TZ start with one
 * (`TZ=:Europe/Berlin`, advice often given to spare glibc a look at /etc/localtime), and Node and glibc read it so,
 * so a value copied from TZ into AUDIT_TZ names the zone it names there.
 */
const zoneName = (timeZone: string): string => {
  const trimmed = timeZone.trim()
  return trimmed.startsWith(":") ? trimmed.slice(1) : trimmed
}

export const parseCronSchedule = (
  expression: string,
  timeZone: string,
  /** Checked to have a next run after this instant. */
  now: number
): Either.Either<CronSchedule, ConfigurationError> => {
  const name = zoneName(timeZone)
  // Node 22's Intl takes an offset (+02:00) as a zone, Node 20's does not: refused on both, since an offset keeps
  // to one side of daylight saving time and the nightly run would move by an hour for half the year.
  const offset = FIXED_OFFSET.test(name)
  const zone = offset ? Option.none() : DateTime.zoneMakeNamed(name)
  if (Option.isNone(zone)) {
    const path = name.startsWith("/") ? " A file's path, as TZ may give one after its colon, is not read here." : ""
    return Either.left(
      invalid(
        `--tz / AUDIT_TZ "${timeZone}" is not a time zone: give an IANA name such as UTC, Europe/Berlin or ` +
          `America/New_York.${offset ? " A fixed offset does not follow daylight saving time." : ""}${path}`
      )
    )
  }
  if (FIXED_OFFSET_NAME.test(name)) {
    const place = PLACE_FOR[name.toUpperCase()]
    return Either.left(
      invalid(
        `--tz / AUDIT_TZ "${timeZone}" is a fixed offset from UTC (${offsetOf(zone.value, now)} all year), which ` +
          "does not follow daylight saving time: the nightly run would move by an hour against local time for half " +
          `the year. Give the IANA name of the place instead, ${place ?? "such as Europe/Berlin or America/Chicago"}` +
          `${/^etc\//i.test(name) ? " (the sign of Etc/GMT+N is reversed: Etc/GMT+2 is UTC-02:00)" : ""}; or UTC.`
      )
    )
  }
  const fields = ALIASES[expression.trim().toLowerCase()] ?? expression
  const parsed = Cron.parse(fields, zone.value)
  if (Either.isLeft(parsed)) {
    const { input, message } = parsed.left
    const part = input !== undefined && input !== expression ? ` (at "${input}")` : ""
    return Either.left(
      invalid(
        `--cron / AUDIT_SCHEDULE "${expression}" is not a cron expression: ${message}${part}. Expected ${FIELDS}.`
      )
    )
  }
  // Effect's Cron.next gives up (throws) when no date matches, as for "0 0 30 2 *" (the 30th of February).
  try {
    Cron.next(parsed.right, now)
  } catch {
    return Either.left(invalid(`--cron / AUDIT_SCHEDULE "${expression}" never fires: no date matches it.`))
  }
  return Either.right({ expression, timeZone: zone.value.id, cron: parsed.right })
}
