/**
 * Deterministic, realistic users for the simulator: the same count, seed and reference time always give the same
 * users. Everything time-like is placed relative to the reference time, so a test or demo that pins it gets the
 * same "stale for 120 days" answers on any day it runs.
 */
import { EMAIL_DOMAINS, NAME_POOLS, type NamePool } from "./Names.js"
import { makeRoles } from "./Roles.js"
import { type SeededRandom, seededRandom } from "./SeededRandom.js"
import type { WireUser } from "./WireUser.js"

export interface GenerateOptions {
  readonly count: number
  readonly seed: number
  /** The reference "now": last logins fall 0 to 400 days before it, creation up to three years before it. */
  readonly now: Date
}

const DAY_MS = 86_400_000
const HISTORY_DAYS = 1095

const STATUS_WEIGHTS = [
  ["CONFIRMED", 52],
  ["EXTERNAL_PROVIDER", 33],
  ["RESET_REQUIRED", 4.5],
  ["FORCE_CHANGE_PASSWORD", 6],
  ["UNCONFIRMED", 3],
  ["COMPROMISED", 0.5],
  // Legacy and missing statuses are rare but real; clients must treat status as an open, optional string.
  ["ARCHIVED", 0.2],
  ["(absent)", 0.3]
] as const

const ROLE_WEIGHTS = [
  ["Admin", 3],
  ["Analyst", 42],
  ["AnalystReadOnly", 30],
  ["Detection Engineer", 10],
  ["SOC Tier 1", 6],
  ["Auditor", 5],
  ["Helpdesk", 4]
] as const

const FRACTION_WEIGHTS = [
  ["0", 40],
  ["3", 40],
  ["9", 20]
] as const

/**
 * An RFC 3339 UTC timestamp with 0, 3 or 9 fractional digits, the three precisions seen from the live API.
 * Nine digits extend the millisecond with random sub-millisecond digits, so the instant stays the same.
 */
export const formatTimestamp = (epochMs: number, fractionDigits: 0 | 3 | 9, random?: SeededRandom): string => {
  const iso = new Date(epochMs).toISOString() // always "YYYY-MM-DDTHH:mm:ss.sssZ"
  if (fractionDigits === 0) return `${iso.slice(0, 19)}Z`
  if (fractionDigits === 3) return iso
  const extra = random === undefined ? "000000" : String(random.int(1_000_000)).padStart(6, "0")
  return `${iso.slice(0, 23)}${extra}Z`
}

const stampWith = (random: SeededRandom) => (epochMs: number) => {
  const digits = random.weighted(FRACTION_WEIGHTS)
  return formatTimestamp(epochMs, digits === "0" ? 0 : digits === "3" ? 3 : 9, random)
}

/** Days since the last login: most people log in often, a long tail has drifted away (up to 400 days). */
const loginDaysAgo = (random: SeededRandom): number => {
  const band = random.next()
  if (band < 0.6) return random.next() * 30
  if (band < 0.85) return 30 + random.next() * 90
  return 120 + random.next() * 280
}

export const generateUsers = (options: GenerateOptions): Array<WireUser> => Array.from(usersOf(options))

/** The users one by one, so a caller can take a few at a time (FillDirectory.ts: a million take tens of seconds). */
export function* usersOf(options: GenerateOptions): Generator<WireUser, void, undefined> {
  const { count, now } = options
  const random = seededRandom(options.seed, "users")
  const stamp = stampWith(random)
  const roles = makeRoles(now)
  const roleByName = new Map(roles.map((role) => [role.name, role]))
  const nowMs = now.getTime()
  const historyStart = nowMs - HISTORY_DAYS * DAY_MS
  const spacing = count > 0 ? (HISTORY_DAYS * DAY_MS - DAY_MS) / count : 0
  const poolWeights = NAME_POOLS.map((pool, index) => [String(index), pool.weight] as const)
  const takenLocalParts = new Map<string, number>()

  for (let index = 0; index < count; index++) {
    const pool: NamePool = NAME_POOLS[Number(random.weighted(poolWeights))] ?? NAME_POOLS[0]
    const given = random.pick(pool.given)
    const family = random.pick(pool.family)

    const base = `${given[1]}.${family[1]}`
    const seen = takenLocalParts.get(base) ?? 0
    takenLocalParts.set(base, seen + 1)
    const localPart = seen === 0 ? base : `${base}${seen + 1}`
    // A few directories keep the capitals people typed; `contains` must still find them.
    const shownLocal =
      random.next() < 0.02
        ? localPart.replace(/(^|\.)([a-z])/g, (_m, dot, ch) => `${dot}${ch.toUpperCase()}`)
        : localPart
    const domain = random.next() < 0.85 ? EMAIL_DOMAINS[0] : random.pick(EMAIL_DOMAINS)

    // The first user is the instance's founding admin: password-based, active, and recently seen, as Panther requires.
    const founder = index === 0
    const status = founder ? "CONFIRMED" : random.weighted(STATUS_WEIGHTS)
    const roleName = founder ? "Admin" : random.weighted(ROLE_WEIGHTS)
    const role = roleByName.get(roleName)
    const enabled = founder ? true : status === "COMPROMISED" ? random.next() < 0.5 : random.next() >= 0.07

    const createdMs = Math.min(nowMs - DAY_MS / 2, historyStart + index * spacing + random.next() * spacing)
    const invited = status === "FORCE_CHANGE_PASSWORD" || status === "UNCONFIRMED"
    const neverLoggedIn = !founder && (invited || random.next() < 0.07)

    let lastLoggedInAt: string | null | undefined
    if (neverLoggedIn) {
      // Absent mostly; the live API has also been seen sending null and "" for the same thing.
      const form = random.next()
      lastLoggedInAt = form < 0.8 ? undefined : form < 0.9 ? null : ""
    } else {
      let loginMs = nowMs - (founder ? random.next() * 3 : loginDaysAgo(random)) * DAY_MS
      if (loginMs < createdMs) loginMs = createdMs + random.next() * (nowMs - createdMs)
      lastLoggedInAt = stamp(loginMs)
    }

    yield {
      id: random.uuid(),
      email: `${shownLocal}@${domain}`,
      givenName: given[0],
      familyName: family[0],
      role: role === undefined ? { name: roleName } : { id: role.id, name: role.name },
      enabled,
      ...(status === "(absent)" ? {} : { status }),
      createdAt: stamp(createdMs),
      ...(lastLoggedInAt === undefined ? {} : { lastLoggedInAt })
    }
  }
}
