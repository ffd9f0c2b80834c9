/**
 * Runs `f` on every chunk of a stream, one after another, by pulling the chunks in a loop.
 *
 * What `Stream.runForEachChunk` does, without its cost in memory: in effect 3.22 the sink it runs through keeps
 * each chunk reachable a little past its use, long enough for the young-generation collector to move almost every
 * page of users to the old generation, where it stays until a full collection (at 200,000 users 52 MB promoted
 * against 8 MB in a loop: bench/RESULTS.md).
 */
import type * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

export const forEachChunk = <A, E, R, E2, R2>(
  stream: Stream.Stream<A, E, R>,
  f: (chunk: Chunk.Chunk<A>) => Effect.Effect<void, E2, R2>
): Effect.Effect<void, E | E2, R | R2> =>
  Effect.scoped(
    Effect.gen(function* () {
      const pull = yield* Stream.toPull(stream)
      for (;;) {
        const pulled = yield* Effect.either(pull)
        // The pull fails with none at the end of the stream, and with some(error) when the stream failed.
        if (Either.isLeft(pulled)) {
          if (Option.isNone(pulled.left)) return
          return yield* Effect.fail(pulled.left.value)
        }
        yield* f(pulled.right)
      }
    })
  )
