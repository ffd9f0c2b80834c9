/**
 * The temporary file every report is written into before it takes its final name: what is appended is what the
 * file holds, byte for byte, whatever the text's characters take in UTF-8.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import { openTempFile } from "../../src/Reports/TempFile.js"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "temp-file-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

/** Writes the pieces with `append` and returns what the file held once finished. */
const written = (pieces: ReadonlyArray<string | Uint8Array>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const file = yield* openTempFile(directory, "user-audit.csv")
        for (const piece of pieces) {
          yield* typeof piece === "string" ? file.append(piece) : file.appendAll([piece])
        }
        yield* file.finish
        return readFileSync(file.path, "utf8")
      })
    )
  )

it("holds every character of text that takes three bytes each in UTF-8, however the pieces fill its buffer", async () => {
  // A review of users named in Hangul is appended in batches of this kind: each piece fits the buffer counted in
  // characters, but not always in bytes. A piece written into what room was left lost its end without a word.
  const pieces = Array.from({ length: 12 }, (_, index) => `${index},${"정".repeat(30_000 + index)}\r\n`)
  const mixed = [...pieces.slice(0, 6), Buffer.from("bytes between\r\n"), ...pieces.slice(6)]
  const expected = [...pieces.slice(0, 6), "bytes between\r\n", ...pieces.slice(6)].join("")
  const text = await written(mixed)
  // The length first: a failure then says how much went missing, not two screens of Hangul.
  expect(text.length).toBe(expected.length)
  expect(text).toBe(expected)
})

it("is removed when the write fails or is stopped before its file is put in place, finished or not", async () => {
  // A run whose audit failed after its reports were begun must leave no hidden copy of every user's findings behind.
  const ends = [
    ["failed before it was finished", (_finish: Effect.Effect<void, unknown>) => Effect.fail("the API failed")],
    ["failed once finished", (finish: Effect.Effect<void, unknown>) => Effect.zipRight(finish, Effect.fail("no room"))],
    ["interrupted", (_finish: Effect.Effect<void, unknown>) => Effect.interrupt]
  ] as const
  for (const [how, end] of ends) {
    let path = ""
    const exit = await Effect.runPromiseExit(
      Effect.scoped(
        Effect.gen(function* () {
          const file = yield* openTempFile(directory, "user-audit.csv")
          path = file.path
          yield* file.append("severity,finding\r\n")
          return yield* end(file.finish)
        })
      )
    )
    expect(Exit.isFailure(exit), how).toBe(true)
    expect(path, how).not.toBe("")
    expect(existsSync(path), how).toBe(false)
    expect(readdirSync(directory), how).toEqual([])
  }
})
