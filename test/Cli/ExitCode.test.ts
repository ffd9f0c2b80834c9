import { HelpDoc, ValidationError } from "@effect/cli"
import { Cause } from "effect"
import { expect, it } from "vitest"
import { ConfigurationError } from "../../src/Cli/ConfigurationError.js"
import { ExitCode, exitCodeOfFailure } from "../../src/Cli/ExitCode.js"
import { failureAnnotations, failureText } from "../../src/Cli/FailureMessage.js"

it("takes a failure's own exit code", () => {
  expect(exitCodeOfFailure(new ConfigurationError({ message: "PANTHER_API_URL is not set" }))).toBe(ExitCode.Usage)
  expect(exitCodeOfFailure({ _tag: "Custom", exitCode: ExitCode.ApiFailure })).toBe(ExitCode.ApiFailure)
})

it("calls @effect/cli's usage errors usage errors", () => {
  expect(exitCodeOfFailure(ValidationError.invalidArgument(HelpDoc.p("bad")))).toBe(ExitCode.Usage)
})

it("calls a failure without a code a bug, not a usage error that would claim nothing was changed", () => {
  expect(exitCodeOfFailure(new Error("unexpected"))).toBe(ExitCode.Internal)
  expect(exitCodeOfFailure({ _tag: "SystemError", reason: "Unknown" })).toBe(ExitCode.Internal)
})

it("are the numbers the README documents", () => {
  expect(ExitCode).toEqual({
    Ok: 0,
    FindingsAtThreshold: 1,
    Usage: 2,
    ApiFailure: 3,
    OutputFailure: 4,
    Internal: 70
  })
})

it("says a defect is a bug to report, tagged Defect and ending with 70", () => {
  const cause = Cause.die(new TypeError("Cannot read properties of undefined (reading 'id')"))
  expect(failureText(cause)).toMatch(/^internal error \(please report it\):\n.*Cannot read properties of undefined/)
  expect(failureAnnotations(cause)).toEqual({ error: "Defect", exitCode: 70 })
})
