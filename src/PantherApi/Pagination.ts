/**
 * Following Panther's `next` cursors to the end, with the guards `Stream.paginate*` lacks on its own: a cursor that
 * comes back a second time, an endless run of pages with nothing new on them, or items (with an id or without)
 * sent again far more often than a list shifting while read could, is an error rather than a hang; and an item sent
 * at the end of one page and again at the start of the next is passed on once. The next page is asked for as soon as
 * its cursor is known, before the current page is handed on, so the caller's work on one page overlaps the wait
 * for the next: pages come one after another, and this is the only overlap there is. The request goes out in the
 * same step that reads the page before it (no fiber in between), which measured about 0.2 ms a page sooner.
 */
import { createHash } from "node:crypto"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { counted } from "../Cli/Counted.js"

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** Absent, `null` and `""` all arrive here as none: the last page. */
  readonly next: Option.Option<string>
}

/**
 * No API pages through this many pages in a row with nothing new on them (empty, repeating the page before, or
 * holding only items without an id already sent); past it, the cursors are going round without a repeat. Empty
 * pages with a cursor are legitimate, and may come in long runs: Panther's `limit` (at most 60) matches that of
 * Amazon Cognito's user listing, which cannot search by `contains`; if Panther reads its users so, a search is made
 * page by page after reading, and a rare match in a large instance comes after many empty pages. 2,000 pages is
 * 120,000 users' worth.
 */
export const MAX_EMPTY_PAGES_IN_A_ROW = 2_000

/** Cursors, and items without an id, longer than this are remembered by their digest. */
const LONGEST_KEPT_KEY = 256

const keyOf = (text: string): string =>
  text.length <= LONGEST_KEPT_KEY ? text : `sha256:${createHash("sha256").update(text).digest("base64")}`

/**
 * What an item without an id is compared by: its JSON, as sent. One nested too deeply to be written again (a stack
 * overflow) is compared as one and the same.
 */
const contentKey = (item: unknown): string => {
  try {
    return keyOf(JSON.stringify(item) ?? "")
  } catch {
    return ""
  }
}

/** Repeats allowed beyond one per user taken, before a list counts as going round in circles. */
const REPEAT_MARGIN = 1000

/**
 * For a caller that knows every id of the stream so far: whether the records that repeated a user already taken
 * are more than a list shifting while it is read could send (each user at most once more, and a margin). The pager
 * compares a page with the one before only, so a server that ignores the cursor and cycles through the same pages
 * under fresh cursors would otherwise be read for ever; a legitimate list, however it shifts, always ends.
 */
export const repeatsOutnumberUsers = (repeated: number, taken: number): boolean => repeated > taken + REPEAT_MARGIN

/** A page asked for and on its way. */
export interface PendingPage<A, E> {
  /** Waits for the page (retrying as the client does); run it once. */
  readonly page: Effect.Effect<Page<A>, E>
  /** Gives the page up: the request is aborted and nothing more is tried. */
  readonly cancel: Effect.Effect<void>
}

/**
 * Resumes after the event loop has turned once (`setImmediate`). Node writes a request to its socket only once
 * the callbacks pending now have run; handing a page on at once would make the caller's work on it one of them,
 * and delay every request by a page's work.
 */
const nextTurn: Effect.Effect<void> = Effect.async<void>((resume) => {
  // Let go of the handle once it has run: whatever the runtime keeps of this wait then holds nothing more.
  let handle: NodeJS.Immediate | undefined = setImmediate(() => {
    handle = undefined
    resume(Effect.void)
  })
  return Effect.sync(() => {
    if (handle !== undefined) clearImmediate(handle)
  })
})

export type LoopReason =
  | "a cursor came back a second time"
  | "too many pages in a row brought nothing new"
  | `${number} records without an id repeated ones already sent (more than the ${number} distinct ones)`
  | `${number} records repeated ones already sent (more than the ${number} distinct ones)`

const withoutIdReason = (repeated: number, distinct: number): LoopReason =>
  `${repeated} records without an id repeated ones already sent (more than the ${distinct} distinct ones)`

const withIdReason = (repeated: number, distinct: number): LoopReason =>
  `${repeated} records repeated ones already sent (more than the ${distinct} distinct ones)`

export const paginate = <A, E>(options: {
  /** Sends the request for the page at `cursor` (none: the first) and returns without waiting for it. */
  readonly requestPage: (cursor: Option.Option<string>) => Effect.Effect<PendingPage<A, E>>
  readonly idOf: (item: A) => Option.Option<string>
  readonly onLoop: (reason: LoopReason, pagesFetched: number) => E
  /**
   * Told the ids of the items of a page left out as repeats (on the page itself or the one before; with
   * `remembersEveryId`, on any page before).
   */
  readonly onRepeats?: (ids: ReadonlyArray<string>) => Effect.Effect<void>
  /**
   * Remember every id, not only the previous page's: for a list whose caller does not count repeats against every
   * id it took (the roles; a search by email, which may match nobody). Pages that go round under fresh cursors,
   * each new beside the one before (A, B, A, B...), then stop once their repeats outnumber the items, as a caller
   * that knows every id stops them (`repeatsOutnumberUsers`); without it such a list was read for ever, a request
   * after another as fast as the server answered.
   */
  readonly remembersEveryId?: boolean
}): Stream.Stream<A, E> =>
  Stream.suspend(() => {
    // Every cursor seen, one short string per page (a sixtieth of the users at most): the price of catching a
    // loop of any length, not only a cursor repeated at once.
    // Cursors seen, a long one by its digest: 300 cursors of up to 3 MB each held 650 MB.
    const seenCursors = new Set<string>()
    // Items without an id can be told apart by what they hold only. Such items are rare (each is an invalid record),
    // so every one is remembered, not only the previous page's: a server that cycles through pages of them under
    // fresh cursors is caught whatever the cycle's length. Items with an id do no work here.
    const seenWithoutId = new Set<string>()
    let repeatedWithoutId = 0
    // Only for `remembersEveryId`: every id passed on.
    const everyId: Set<string> | undefined = options.remembersEveryId === true ? new Set() : undefined
    // Items with an id passed on, and those left out as repeats. A list that ends sends each user once more at
    // most, as it shifts while read; one whose repeats outnumber what it passed on is going round, even where each
    // page repeats the one before under a fresh cursor (a server or proxy ignoring the cursor), which otherwise ran
    // to 2,000 pages of nothing new, each a request to Panther.
    let passedWithId = 0
    let repeatedWithId = 0
    /** Only the previous page's ids: a duplicate at a page boundary needs no more, and memory stays flat. */
    let previousIds: ReadonlySet<string> = new Set()
    let pages = 0
    let emptyInARow = 0
    let finished = false
    /** The next page, on its way; cancelled by hand when the stream ends before it is read. */
    let inFlight: PendingPage<A, E> | undefined

    // Uninterruptible from sending to remembering: an interruption in between would leave a request nobody
    // can cancel.
    const ask = (cursor: Option.Option<string>) =>
      Effect.uninterruptible(
        Effect.map(options.requestPage(cursor), (pending) => {
          inFlight = pending
        })
      )

    const nextChunk: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>> = Effect.suspend(() => {
      if (finished) return Effect.fail(Option.none())
      const pending = inFlight
      if (pending === undefined) return Effect.zipRight(ask(Option.none()), nextChunk)
      return pending.page.pipe(
        Effect.mapError(Option.some),
        Effect.flatMap((page) => {
          inFlight = undefined
          pages++
          const currentIds = new Set<string>()
          const repeatedIds: Array<string> = []
          // Passed on all the same: two alike may be two users, and nothing tells which one a repeat would be.
          let sentBeforeWithoutId = 0
          const fresh = page.items.filter((item) => {
            const id = options.idOf(item)
            if (Option.isNone(id)) {
              const key = contentKey(item)
              if (seenWithoutId.has(key)) sentBeforeWithoutId++
              else seenWithoutId.add(key)
              return true
            }
            // Added first, so that one lookup also says whether this page sent it already.
            const held = currentIds.size
            currentIds.add(id.value)
            const seen = currentIds.size === held || previousIds.has(id.value)
            if (seen) repeatedIds.push(id.value)
            else if (everyId !== undefined) {
              const known = everyId.size
              everyId.add(id.value)
              if (everyId.size === known) {
                repeatedIds.push(id.value)
                return false
              }
            }
            if (!seen) passedWithId++
            return !seen
          })
          previousIds = currentIds
          repeatedWithId += repeatedIds.length
          repeatedWithoutId += sentBeforeWithoutId
          // A page of nothing but repeats brings no more than an empty one: both count toward the limit.
          emptyInARow = fresh.length === sentBeforeWithoutId ? emptyInARow + 1 : 0
          const repeats =
            repeatedIds.length === 0
              ? Effect.void
              : (
                  options.onRepeats ??
                  ((ids) => Effect.logDebug(`Panther sent ${counted(ids.length, "item")} twice; passed on once`))
                )(repeatedIds)
          const chunk = Chunk.unsafeFromArray(fresh)
          if (Option.isNone(page.next)) {
            finished = true
            return Effect.as(repeats, chunk)
          }
          const cursor = page.next.value
          const key = keyOf(cursor)
          if (seenCursors.has(key)) {
            return Effect.fail(Option.some(options.onLoop("a cursor came back a second time", pages)))
          }
          if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
            return Effect.fail(Option.some(options.onLoop("too many pages in a row brought nothing new", pages)))
          }
          // Pages each new beside the one before, going round through items without an id: stopped as a caller
          // stops a list whose repeated ids outnumber its users.
          if (repeatsOutnumberUsers(repeatedWithoutId, seenWithoutId.size)) {
            return Effect.fail(
              Option.some(options.onLoop(withoutIdReason(repeatedWithoutId, seenWithoutId.size), pages))
            )
          }
          if (repeatsOutnumberUsers(repeatedWithId, passedWithId)) {
            return Effect.fail(Option.some(options.onLoop(withIdReason(repeatedWithId, passedWithId), pages)))
          }
          seenCursors.add(key)
          return Effect.zipRight(ask(page.next), Effect.zipRight(nextTurn, Effect.as(repeats, chunk)))
        })
      )
    })

    return Stream.repeatEffectChunkOption(nextChunk).pipe(
      // A caller that stops early (the first match, an error downstream) leaves no request running.
      Stream.ensuring(Effect.suspend(() => (inFlight === undefined ? Effect.void : inFlight.cancel)))
    )
  })
