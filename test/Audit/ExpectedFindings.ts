/**
 * The findings a set of raw user records must get, worked out from the README's table of findings and the API notes
 * alone, without any of the audit's own code: the independent answer IndependentFindings.test.ts holds the reports
 * to. Written plainly, for records as the API sends them (JSON values, not decoded users).
 */

export const DAY_MS = 86_400_000

export interface ExpectedSettings {
  readonly asOf: number
  readonly staleDays: number
  readonly pendingDays: number
  readonly privilegedRoles: ReadonlyArray<string>
  readonly privilegedPermissions: ReadonlyArray<string>
  readonly includeDeactivated: boolean
}

export interface ListedRole {
  readonly id?: string
  readonly name?: string
  readonly permissions?: ReadonlyArray<string> | null
}

export interface ExpectedFinding {
  /** The user's id, else `name:<familyName>` (the test data gives every user without an id a name of its own). */
  readonly key: string
  readonly finding: string
  readonly severity: string
  /** Whole days since the last login, null when none; for run-level findings null too. */
  readonly daysSinceLogin: number | null
  /** The last login as the reports write it (ISO 8601 UTC with milliseconds), null when none. */
  readonly lastLoggedInAt: string | null
}

export interface ExpectedAudit {
  readonly findings: ReadonlyArray<ExpectedFinding>
  readonly seen: number
  readonly enabled: number
  readonly deactivated: number
  readonly privileged: number
  readonly invalid: number
}

type Stamp =
  | { readonly kind: "absent" }
  | { readonly kind: "time"; readonly epoch: number }
  /** Text that stands for no time: blank, or a date before 2000. A data problem, and no login. */
  | { readonly kind: "placeholder" }
  /** Present but not a timestamp (or not text): a data problem, and not "never". */
  | { readonly kind: "unreadable" }

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/

const readStamp = (value: unknown): Stamp => {
  if (value === undefined || value === null || value === "") return { kind: "absent" }
  if (typeof value !== "string") return { kind: "unreadable" }
  if (value.trim() === "") return { kind: "placeholder" }
  const match = STAMP.exec(value)
  if (match === null) return { kind: "unreadable" }
  const [, y, mo, d, h, mi, s, fraction = "", zone = "Z"] = match
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)))
  // Date.UTC rolls an impossible day (February 30th) into the next month: such text is no timestamp.
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) return { kind: "unreadable" }
  date.setUTCFullYear(Number(y))
  const millis = Number(fraction.slice(0, 3).padEnd(3, "0"))
  const offset =
    zone === "Z" ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)))
  const epoch = date.getTime() + millis - offset * 60_000
  return epoch < Date.UTC(2000, 0, 1) ? { kind: "placeholder" } : { kind: "time", epoch }
}

const PENDING = new Set(["FORCE_CHANGE_PASSWORD", "UNCONFIRMED", "RESET_REQUIRED"])
const JUDGED = new Set(["CONFIRMED", "EXTERNAL_PROVIDER", "COMPROMISED", ...PENDING])

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/** The README: "The user's role is listed in --privileged-roles, or holds one of --privileged-permissions". */
const isPrivileged = (role: unknown, roles: ReadonlyArray<ListedRole>, settings: ExpectedSettings): boolean => {
  if (!isObject(role)) return false
  const listed = new Set(settings.privilegedRoles.map((entry) => entry.toLowerCase()))
  const named = (candidate: { readonly id?: unknown; readonly name?: unknown }) =>
    (typeof candidate.name === "string" && candidate.name !== "" && listed.has(candidate.name.toLowerCase())) ||
    (typeof candidate.id === "string" && listed.has(candidate.id.toLowerCase()))
  if (named(role)) return true
  // The role as GET /roles lists it: by id, else by its exact name, else by its name in another case.
  const byId = roles.filter((known) => typeof role.id === "string" && known.id === role.id)
  const name = text(role.name)
  const exact = roles.filter((known) => name !== undefined && known.name === name)
  const folded = roles.filter((known) => name !== undefined && known.name?.toLowerCase() === name.toLowerCase())
  const candidates = byId.length > 0 ? byId : exact.length > 0 ? exact : folded
  return candidates.some(
    (known) =>
      named(known) ||
      (known.permissions ?? []).some((permission) => settings.privilegedPermissions.includes(permission))
  )
}

const isValidUser = (record: Record<string, unknown>): boolean =>
  typeof record.email === "string" &&
  typeof record.givenName === "string" &&
  typeof record.familyName === "string" &&
  isObject(record.role) &&
  typeof record.enabled === "boolean" &&
  (record.id === undefined || typeof record.id === "string")

const keyOf = (record: unknown): string =>
  isObject(record) && typeof record.id === "string"
    ? record.id
    : `name:${isObject(record) ? String(record.familyName) : "?"}`

/** Records as listed, page after page; a user sent again under the same id is taken once, as first sent. */
export const expectedAudit = (
  listed: ReadonlyArray<unknown>,
  roles: ReadonlyArray<ListedRole>,
  settings: ExpectedSettings
): ExpectedAudit => {
  const ids = new Set<string>()
  const records = listed.filter((record) => {
    if (!isObject(record) || typeof record.id !== "string") return true
    if (ids.has(record.id)) return false
    ids.add(record.id)
    return true
  })
  const findings: Array<ExpectedFinding> = []
  let enabled = 0
  let deactivated = 0
  let privileged = 0
  let invalid = 0
  let withLogin = 0
  const neverLoggedIn: Array<ExpectedFinding> = []
  for (const record of records) {
    if (!isObject(record)) {
      invalid++
      findings.push({
        key: keyOf(record),
        finding: "INVALID_RECORD",
        severity: "high",
        daysSinceLogin: null,
        lastLoggedInAt: null
      })
      continue
    }
    if (record.enabled === false) {
      deactivated++
      continue
    }
    enabled++
    const created = readStamp(record.createdAt)
    const login = readStamp(record.lastLoggedInAt)
    const days = login.kind === "time" ? Math.max(0, Math.floor((settings.asOf - login.epoch) / DAY_MS)) : null
    const lastLoggedInAt = login.kind === "time" ? new Date(login.epoch).toISOString() : null
    const add = (finding: string, severity: string) =>
      findings.push({ key: keyOf(record), finding, severity, daysSinceLogin: days, lastLoggedInAt })
    const olderThan = (stamp: Stamp, limit: number) =>
      stamp.kind !== "time" || settings.asOf - stamp.epoch > limit * DAY_MS
    const status = text(record.status)?.trim().toUpperCase() || undefined
    const holdsPrivilege = isPrivileged(record.role, roles, settings)
    if (holdsPrivilege) privileged++
    const broken =
      !isValidUser(record) ||
      [created, login].some((stamp) => stamp.kind === "placeholder" || stamp.kind === "unreadable")
    if (broken) {
      invalid++
      add("INVALID_RECORD", "high")
    }
    if (status === "COMPROMISED") add("COMPROMISED_ACCOUNT", "critical")
    if (login.kind === "time") withLogin++
    if (login.kind === "unreadable") withLogin++
    if (login.kind === "time" && olderThan(login, settings.staleDays)) {
      add("STALE_LOGIN", holdsPrivilege ? "high" : "medium")
    }
    const noLogin = login.kind === "absent" || login.kind === "placeholder"
    if (noLogin && !(status !== undefined && PENDING.has(status)) && olderThan(created, settings.staleDays)) {
      neverLoggedIn.push({
        key: keyOf(record),
        finding: "NEVER_LOGGED_IN",
        severity: holdsPrivilege ? "high" : "medium",
        daysSinceLogin: null,
        lastLoggedInAt: null
      })
    }
    if (status !== undefined && PENDING.has(status)) {
      add("PENDING_STATUS", olderThan(created, settings.pendingDays) ? "medium" : "low")
    }
    if (status !== undefined && !JUDGED.has(status)) add("UNRECOGNIZED_STATUS", "low")
    if (holdsPrivilege) add("PRIVILEGED_ROLE", "info")
  }
  if (enabled >= 10 && withLogin === 0) {
    findings.push({
      key: "run",
      finding: "LOGIN_DATA_MISSING",
      severity: "high",
      daysSinceLogin: null,
      lastLoggedInAt: null
    })
  } else {
    findings.push(...neverLoggedIn)
  }
  return { findings, seen: records.length, enabled, deactivated, privileged, invalid }
}
