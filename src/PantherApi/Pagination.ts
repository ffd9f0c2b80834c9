/**
 * Following Panther's `next` cursors to the end, with the guards `Stream.paginate*` lacks on its own: a cursor that
 * comes back a second time, or an endless run of empty pages, is an error rather than a hang; and an item sent at
 * the end of one page and again at the start of the next is passed on once.
 */
import { Chunk, Effect, Option, Stream } from "effect"

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** Absent, `null` and `""` all arrive here as none: the last page. */
  readonly next: Option.Option<string>
}

/**
 * No API pages through this many pages in a row with nothing new on them (empty, or repeating the page before);
 * past it, the cursors are going round without a repeat.
 */
export const MAX_EMPTY_PAGES_IN_A_ROW = 50

interface State {
  readonly cursor: Option.Option<string>
  readonly pages: number
  readonly emptyInARow: number
  /** Only the previous page's ids: a duplicate at a page boundary needs no more, and memory stays flat. */
  readonly previousIds: ReadonlySet<string>
}

export type LoopReason = "a cursor came back a second time" | "too many pages in a row brought nothing new"

export const paginate = <A, E>(options: {
  readonly fetchPage: (cursor: Option.Option<string>) => Effect.Effect<Page<A>, E>
  readonly idOf: (item: A) => Option.Option<string>
  readonly onLoop: (reason: LoopReason, pagesFetched: number) => E
}): Stream.Stream<A, E> =>
  Stream.suspend(() => {
    // Every cursor seen, one short string per page (a sixtieth of the users at most): the price of catching a
    // loop of any length, not only a cursor repeated at once.
    const seenCursors = new Set<string>()
    const start: State = { cursor: Option.none(), pages: 0, emptyInARow: 0, previousIds: new Set() }
    return Stream.paginateChunkEffect(start, (state) =>
      Effect.gen(function* () {
        const page = yield* options.fetchPage(state.cursor)
        const pages = state.pages + 1
        const currentIds = new Set<string>()
        const fresh = page.items.filter((item) =>
          Option.match(options.idOf(item), {
            onNone: () => true,
            onSome: (id) => {
              const seen = state.previousIds.has(id) || currentIds.has(id)
              currentIds.add(id)
              return !seen
            }
          })
        )
        if (fresh.length < page.items.length) {
          yield* Effect.logDebug(`Panther sent ${page.items.length - fresh.length} item(s) twice; passed on once`)
        }
        // A page of nothing but repeats brings no more than an empty one: both count toward the limit.
        const emptyInARow = fresh.length === 0 ? state.emptyInARow + 1 : 0
        if (Option.isSome(page.next)) {
          if (seenCursors.has(page.next.value)) {
            return yield* Effect.fail(options.onLoop("a cursor came back a second time", pages))
          }
          if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
            return yield* Effect.fail(options.onLoop("too many pages in a row brought nothing new", pages))
          }
          seenCursors.add(page.next.value)
        }
        const next = Option.map(
          page.next,
          (cursor): State => ({ cursor: Option.some(cursor), pages, emptyInARow, previousIds: currentIds })
        )
        return [Chunk.unsafeFromArray(fresh), next] as const
      })
    )
  })
