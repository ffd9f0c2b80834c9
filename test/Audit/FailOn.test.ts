/**
 * `--fail-on`: exit 1 once the reports are complete when findings not suppressed reach the threshold; never for
 * findings below it or suppressed ones. CI gates and nightly alerts rest on this.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { checkFailOn } from "../../src/Audit/AuditJob.js"
import type { AuditRun } from "../../src/Audit/AuditRun.js"
import type { FailOn } from "../../src/Audit/Severity.js"
import { finding, reportDirectory, writeOutcome } from "../Email/support/AuditOutcomeFixture.js"

const parameters = (failOn: FailOn): AuditRun["parameters"] => ({
  staleDays: 90,
  pendingDays: 7,
  privilegedRoles: ["Admin"],
  privilegedPermissions: [],
  includeDeactivated: false,
  failOn,
  policy: null,
  suppressionsFile: null
})

const failOnOutcome = (failOn: FailOn, findings: Parameters<typeof writeOutcome>[1]) =>
  Effect.flatMap(reportDirectory, (directory) =>
    Effect.flatMap(writeOutcome(directory, findings, { parameters: parameters(failOn) }), (outcome) =>
      Effect.either(checkFailOn(outcome))
    )
  )

describe("--fail-on", () => {
  it.scoped("fails for one finding at the threshold, and counts only those at or above it", () =>
    Effect.gen(function* () {
      const one = yield* failOnOutcome("high", [finding({ severity: "high" }), finding({ severity: "medium" })])
      expect(Either.isLeft(one) && one.left).toMatchObject({ _tag: "FindingsAtThreshold", count: 1, exitCode: 1 })
      const above = yield* failOnOutcome("medium", [finding({ severity: "critical", userId: "u-2" })])
      expect(Either.isLeft(above) && above.left).toMatchObject({ count: 1 })
    })
  )

  it.scoped("passes with findings only below the threshold, or suppressed, or with none", () =>
    Effect.gen(function* () {
      expect(Either.isRight(yield* failOnOutcome("high", [finding({ severity: "medium" })]))).toBe(true)
      const accepted = finding({ severity: "critical", suppressed: true, suppressionReason: "break-glass" })
      expect(Either.isRight(yield* failOnOutcome("high", [accepted]))).toBe(true)
      expect(Either.isRight(yield* failOnOutcome("none", [finding({ severity: "critical" })]))).toBe(true)
    })
  )
})
