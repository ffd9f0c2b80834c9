/**
 * The simulator's users, in memory. Users are kept in creation order, each with a sequence number that never
 * changes and is never reused, so:
 * - the list order is stable across pages and across creates and deletes between pages;
 * - a cursor (the last sequence number a page returned) is found by binary search, O(log n), whatever the size.
 * Lookups by id and email are maps. Everything here is synchronous: one request's change is never interleaved
 * with another's.
 */
import * as Context from "effect/Context"
import type { WireUser } from "./WireUser.js"

interface Entry {
  readonly seq: number
  readonly user: WireUser
  /**
   * "given family" and the email, folded once at insert so `contains` costs no per-request work, separated by a
   * character no search can contain so that a match never spans the name and the email.
   */
  readonly search: string
  /**
   * The user's JSON as UTF-8, made when the user is stored: a list request then copies bytes instead of
   * serialising and encoding 60 records. A changed user gets a new entry, so this is never stale.
   */
  readonly wire: Buffer
}

const entryOf = (seq: number, user: WireUser): Entry => ({
  seq,
  user,
  search: searchText(user),
  wire: Buffer.from(JSON.stringify(user), "utf8")
})

const NON_ASCII = /[^\p{ASCII}]/u

/** Case folding for searches and email uniqueness: Unicode-normalised (needless for ASCII), then lower-cased. */
export const fold = (text: string): string => (NON_ASCII.test(text) ? text.normalize("NFC") : text).toLowerCase()

const SEPARATOR = "\u0000"

const searchText = (user: WireUser): string => fold(`${user.givenName} ${user.familyName}${SEPARATOR}${user.email}`)

/** Whether a user's names or email contain the (already folded) text. */
export const searchMatches = (search: string, foldedNeedle: string): boolean =>
  !foldedNeedle.includes(SEPARATOR) && search.includes(foldedNeedle)

export interface PageRequest {
  /** Return users created after this sequence number; 0 for the first page. */
  readonly afterSeq: number
  readonly limit: number
  /** Only these ids, when given. */
  readonly ids?: ReadonlyArray<string>
  readonly matches: (user: WireUser, search: string) => boolean
}

export interface Page {
  readonly users: ReadonlyArray<WireUser>
  /** The same users' JSON as UTF-8, `JSON.stringify` of each, in the same order. */
  readonly wire: ReadonlyArray<Buffer>
  /** The sequence number of the last user returned, when a further page exists. */
  readonly nextAfterSeq?: number
}

export class UserDirectory {
  private readonly entries: Array<Entry> = []
  private readonly byId = new Map<string, Entry>()
  private readonly byEmail = new Map<string, Entry>()
  private nextSeq = 1

  /** The users must already have unique ids and emails (the generator and the data-file loader guarantee it). */
  constructor(users: Iterable<WireUser>) {
    for (const user of users) this.insert(user)
  }

  get size(): number {
    return this.entries.length
  }

  get(id: string): WireUser | undefined {
    return this.byId.get(id)?.user
  }

  /** Every user, in list order (for tests and diagnostics; the HTTP layer pages instead). */
  all(): ReadonlyArray<WireUser> {
    return this.entries.map((entry) => entry.user)
  }

  /** The user with exactly this email, if any. */
  findByEmail(email: string): WireUser | undefined {
    const entry = this.byEmail.get(fold(email))
    return entry !== undefined && entry.user.email === email ? entry.user : undefined
  }

  /** Whether another user already has this email, compared case-insensitively as Cognito does. */
  emailTaken(email: string, exceptId?: string): boolean {
    const entry = this.byEmail.get(fold(email))
    return entry !== undefined && entry.user.id !== exceptId
  }

  insert(user: WireUser): WireUser {
    const entry = entryOf(this.nextSeq++, user)
    this.entries.push(entry)
    this.byId.set(user.id, entry)
    this.byEmail.set(fold(user.email), entry)
    return user
  }

  /** Replaces a user's record, keeping its place in the list. */
  replace(user: WireUser): WireUser | undefined {
    const previous = this.byId.get(user.id)
    if (previous === undefined) return undefined
    const entry = entryOf(previous.seq, user)
    const index = this.indexOfSeq(previous.seq)
    if (index >= 0) this.entries[index] = entry
    this.byId.set(user.id, entry)
    this.byEmail.delete(fold(previous.user.email))
    this.byEmail.set(fold(user.email), entry)
    return user
  }

  remove(id: string): boolean {
    const entry = this.byId.get(id)
    if (entry === undefined) return false
    const index = this.indexOfSeq(entry.seq)
    if (index >= 0) this.entries.splice(index, 1)
    this.byId.delete(id)
    this.byEmail.delete(fold(entry.user.email))
    return true
  }

  /** How many users satisfy a predicate (used for the rare "last admin" check, never per list request). */
  count(predicate: (user: WireUser) => boolean): number {
    let total = 0
    for (const entry of this.entries) if (predicate(entry.user)) total++
    return total
  }

  page(request: PageRequest): Page {
    const candidates = request.ids === undefined ? this.entries : this.entriesFor(request.ids)
    const users: Array<WireUser> = []
    const wire: Array<Buffer> = []
    let lastSeq = 0
    for (let index = firstAfter(candidates, request.afterSeq); index < candidates.length; index++) {
      const entry = candidates[index]
      if (entry === undefined || !request.matches(entry.user, entry.search)) continue
      // One match beyond the page means a next page exists: only then is a cursor handed out.
      if (users.length === request.limit) return { users, wire, nextAfterSeq: lastSeq }
      users.push(entry.user)
      wire.push(entry.wire)
      lastSeq = entry.seq
    }
    return { users, wire }
  }

  private entriesFor(ids: ReadonlyArray<string>): Array<Entry> {
    const found = new Map<number, Entry>()
    for (const id of ids) {
      const entry = this.byId.get(id)
      if (entry !== undefined) found.set(entry.seq, entry)
    }
    return [...found.values()].sort((a, b) => a.seq - b.seq)
  }

  private indexOfSeq(seq: number): number {
    const index = firstAfter(this.entries, seq - 1)
    return this.entries[index]?.seq === seq ? index : -1
  }
}

/** Binary search: the index of the first entry whose sequence number is greater than `seq`. */
const firstAfter = (entries: ReadonlyArray<Entry>, seq: number): number => {
  let low = 0
  let high = entries.length
  while (low < high) {
    const mid = (low + high) >>> 1
    const entry = entries[mid]
    if (entry !== undefined && entry.seq <= seq) low = mid + 1
    else high = mid
  }
  return low
}

/** The simulator's user state, provided to the HTTP handlers. */
export class Directory extends Context.Tag("Simulator/Directory")<Directory, UserDirectory>() {}
