/**
 * The audit's way through the stream of users: every chunk once and in order, the stream's failure or the
 * caller's failure as the outcome, and the stream's finalizers run however it ends.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Ref, Stream } from "effect"
import { forEachChunk } from "../../src/Audit/ForEachChunk.js"

const chunks = [Chunk.make(1, 2, 3), Chunk.make(4), Chunk.make(5, 6)]

describe("forEachChunk", () => {
  it.effect("passes every chunk once, in order, and finalizes the stream once", () =>
    Effect.gen(function* () {
      const finalized = yield* Ref.make(0)
      const seen: Array<ReadonlyArray<number>> = []
      const stream = Stream.fromChunks(...chunks).pipe(Stream.ensuring(Ref.update(finalized, (count) => count + 1)))
      yield* forEachChunk(stream, (chunk) => Effect.sync(() => seen.push(Chunk.toReadonlyArray(chunk))))
      expect(seen).toEqual([[1, 2, 3], [4], [5, 6]])
      expect(yield* Ref.get(finalized)).toBe(1)
    })
  )

  it.effect("ends at once on an empty stream", () =>
    Effect.gen(function* () {
      let calls = 0
      yield* forEachChunk(Stream.empty, () => Effect.sync(() => calls++))
      expect(calls).toBe(0)
    })
  )

  it.effect("fails with the stream's error after the chunks before it", () =>
    Effect.gen(function* () {
      const seen: Array<number> = []
      const stream = Stream.concat(Stream.fromChunks(...chunks.slice(0, 2)), Stream.fail("page 3 failed" as const))
      const exit = yield* Effect.exit(
        forEachChunk(stream, (chunk) => Effect.sync(() => seen.push(...Chunk.toReadonlyArray(chunk))))
      )
      expect(exit).toEqual(Exit.fail("page 3 failed"))
      expect(seen).toEqual([1, 2, 3, 4])
    })
  )

  it.effect("stops pulling when the caller fails, and still finalizes the stream", () =>
    Effect.gen(function* () {
      const pulled = yield* Ref.make(0)
      const finalized = yield* Ref.make(0)
      const stream = Stream.fromChunks(...chunks).pipe(
        Stream.mapChunksEffect((chunk) =>
          Effect.as(
            Ref.update(pulled, (count) => count + 1),
            chunk
          )
        ),
        Stream.ensuring(Ref.update(finalized, (count) => count + 1))
      )
      const exit = yield* Effect.exit(
        forEachChunk(stream, (chunk) => (Chunk.size(chunk) === 1 ? Effect.fail("disk full" as const) : Effect.void))
      )
      expect(exit).toEqual(Exit.fail("disk full"))
      expect(yield* Ref.get(pulled)).toBe(2)
      expect(yield* Ref.get(finalized)).toBe(1)
    })
  )
})
