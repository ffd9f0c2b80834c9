import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { withStepLog } from "../../src/Cli/AuditRunLog.js"
import { ReportError } from "../../src/Reports/ReportError.js"
import { captureLogs } from "../support/testClient.js"

const logged = { runId: "run-7", phase: "review", leaves: "its findings reports were removed with it" }

describe("a step after the audit", () => {
  it.effect("logs its success with what it made, under the run's id", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      yield* Effect.succeed(["a.csv"]).pipe(
        withStepLog({ ...logged, done: (paths) => ({ message: "review written", annotations: { paths } }) }),
        Effect.provide(logs.layer)
      )
      expect(logs.lines).toHaveLength(1)
      expect(logs.lines[0]).toMatch(/message="review written".*runId=run-7.*phase=review/)
    })
  )

  it.effect("logs a failure, with its reason, and what it leaves", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      yield* Effect.fail(new ReportError({ message: "no space left on the device" })).pipe(
        withStepLog(logged),
        Effect.provide(logs.layer),
        Effect.flip
      )
      expect(logs.lines).toHaveLength(1)
      expect(logs.lines[0]).toContain("review failed; its findings reports were removed with it")
      expect(logs.lines[0]).toContain("no space left on the device")
      expect(logs.lines[0]).toContain("runId=run-7")
    })
  )

  it.effect("logs an interruption as one, not as a failure", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      const fiber = yield* Effect.fork(Effect.never.pipe(withStepLog(logged), Effect.provide(logs.layer)))
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      expect(logs.lines).toHaveLength(1)
      expect(logs.lines[0]).toContain("review interrupted; its findings reports were removed with it")
      expect(logs.lines[0]).toContain("level=WARN")
    })
  )
})
