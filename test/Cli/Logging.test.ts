import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { neverThrowing } from "../../src/Cli/Logging.js"

describe("the program's logger", () => {
  it.effect("drops a line it cannot write instead of failing the run (stderr on a full disk throws at once)", () =>
    Effect.gen(function* () {
      let attempts = 0
      const failingWrite = Logger.make(() => {
        attempts++
        throw new Error("ENOSPC: no space left on device, write")
      })
      const result = yield* Effect.logWarning("a line").pipe(
        Effect.zipRight(Effect.succeed("went on")),
        Effect.provide(Logger.replace(Logger.defaultLogger, neverThrowing(failingWrite))),
        Effect.exit
      )
      expect(attempts).toBe(1)
      expect(result).toEqual(Effect.runSync(Effect.exit(Effect.succeed("went on"))))
    })
  )
})
