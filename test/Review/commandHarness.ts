/**
 * Runs one of this folder's commands in process, as `main.ts` would (same exit-code rule), capturing what it printed
 * on stdout. Log lines are silenced: they go to stderr in the real program and would mix with stdout here.
 */
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Cause, Effect, Exit, Logger, LogLevel, Option } from "effect"
import { vi } from "vitest"
import { ExitCode, exitCodeOfFailure } from "../../src/Cli/ExitCode.js"
import { describeFailure } from "../../src/Cli/FailureMessage.js"

export interface CommandResult {
  readonly code: number
  readonly stdout: string
  /** The one line `main.ts` would print on stderr for a failure; "" on success. */
  readonly error: string
}

export const runCommand = async <Name extends string, E, A>(
  command: Command.Command<Name, NodeContext.NodeContext, E, A>,
  args: ReadonlyArray<string>
): Promise<CommandResult> => {
  const printed: Array<string> = []
  const spy = vi.spyOn(console, "log").mockImplementation((...parts: Array<unknown>) => {
    printed.push(parts.map(String).join(" "))
  })
  try {
    const run = Command.run(command, { name: "panther-audit", version: "test" })
    const exit = await Effect.runPromiseExit(
      run(["node", "panther-audit", ...args]).pipe(
        Effect.provide(NodeContext.layer),
        Logger.withMinimumLogLevel(LogLevel.None)
      )
    )
    if (Exit.isSuccess(exit)) return { code: ExitCode.Ok, stdout: printed.join("\n"), error: "" }
    const code = Option.match(Cause.failureOption(exit.cause), {
      onNone: () => ExitCode.Internal,
      onSome: exitCodeOfFailure
    })
    return { code, stdout: printed.join("\n"), error: describeFailure(exit.cause) }
  } finally {
    spy.mockRestore()
  }
}
