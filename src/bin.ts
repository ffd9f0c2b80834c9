#!/usr/bin/env node
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { ExitCode, exitCodeOf } from "./Cli/ExitCode.js"
import { describeFailure } from "./Cli/FailureMessage.js"
import { defaultLogFormat, loggerLayer } from "./Cli/Logging.js"
import { runCli } from "./Cli/Main.js"

const main = runCli(process.argv).pipe(
  // The message of a failure is printed once, to stderr; secrets are never part of an error's message.
  Effect.tapErrorCause((cause) =>
    Cause.isInterruptedOnly(cause)
      ? Effect.void
      : Effect.sync(() => process.stderr.write(`${describeFailure(cause)}\n`))
  ),
  Effect.provide(Layer.merge(NodeContext.layer, loggerLayer(defaultLogFormat())))
)

NodeRuntime.runMain(main, {
  disablePrettyLogger: true,
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) return onExit(ExitCode.Ok)
    if (Cause.isInterruptedOnly(exit.cause)) return onExit(130)
    const failure = Cause.failureOption(exit.cause)
    const code = Option.flatMap(failure, (error) => Option.fromNullable(exitCodeOf(error)))
    onExit(Option.getOrElse(code, () => (Option.isSome(failure) ? ExitCode.Usage : ExitCode.Internal)))
  }
})
