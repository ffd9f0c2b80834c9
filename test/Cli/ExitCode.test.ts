import { HelpDoc, ValidationError } from "@effect/cli"
import { expect, it } from "vitest"
import { ConfigurationError } from "../../src/Cli/ConfigurationError.js"
import { ExitCode, exitCodeOfFailure } from "../../src/Cli/ExitCode.js"

it("takes a failure's own exit code", () => {
  expect(exitCodeOfFailure(new ConfigurationError({ message: "PANTHER_API_URL is not set" }))).toBe(ExitCode.Usage)
  expect(exitCodeOfFailure({ _tag: "Custom", exitCode: ExitCode.ApiFailure })).toBe(ExitCode.ApiFailure)
})

it("calls @effect/cli's usage errors usage errors", () => {
  expect(exitCodeOfFailure(ValidationError.invalidArgument(HelpDoc.p("bad")))).toBe(ExitCode.Usage)
})

it("calls a failure without a code a bug, not a usage error that would claim nothing was called", () => {
  expect(exitCodeOfFailure(new Error("unexpected"))).toBe(ExitCode.Internal)
  expect(exitCodeOfFailure({ _tag: "SystemError", reason: "Unknown" })).toBe(ExitCode.Internal)
})
