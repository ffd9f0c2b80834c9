/**
 * The program: reads the logging settings, runs the command line, prints a failure once and exits with its code.
 * Bundled into dist/program.cjs and started by `bin.ts`, which loads it with V8's code cache.
 */
// Module paths, not the package index, which would load every Node platform module (HTTP server included).
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ExitCode, exitCodeOfFailure } from "./Cli/ExitCode.js"
import { failureAnnotations, failureText, finalLine } from "./Cli/FailureMessage.js"
import { loggerLayer, resolveLogSettings } from "./Cli/Logging.js"
import { hidingUnknownValues, runCli } from "./Cli/Main.js"
import { hideSecretsFromProcessList } from "./Cli/ProcessTitle.js"
import { hideSecretsInMessage, secretArguments, withSecretArgumentsHidden } from "./Cli/SecretArguments.js"
import { secretFileValues } from "./Cli/SecretFiles.js"
import { secretVariableValues, takeSecretVariables, urlSecretValues } from "./Cli/SecretVariables.js"
import { signalExitCode, watchStopSignals } from "./Cli/StopSignals.js"
import { styledOn } from "./Cli/TerminalStyle.js"

// A secret flag given to a command that does not take it is read as an argument, and may be quoted back; so may a
// secret of the environment or of a token or password file, or the password in a URL, pasted where a value goes.
// Longest first, so one holding another is hidden whole.
const invocationSecrets = (secretFlagValues: ReadonlyArray<string>, args: ReadonlyArray<string>) =>
  [
    ...new Set([
      ...secretFlagValues,
      ...secretVariableValues(process.env),
      ...secretFileValues(args, process.env),
      ...urlSecretValues(process.env, secretFlagValues)
    ])
  ].sort((a, b) => b.length - a.length)

// --log-format and --log-level are taken out of the arguments before @effect/cli sees them (see Logging.ts).
const logging = resolveLogSettings(process.argv, process.env, process.stderr.isTTY === true)
// Every last word of the program goes through `finalLine`: a JSON line when the log lines are JSON.
const usageError = { error: "ConfigurationError", exitCode: ExitCode.Usage }
if (Either.isLeft(logging)) {
  const { reason, format } = logging.left
  // The value refused is quoted: a token pasted there (`--log-level "$PANTHER_API_TOKEN"`) is hidden as anywhere.
  const hidden = hideSecretsInMessage(invocationSecrets(secretArguments(process.argv), process.argv), `${reason}.`)
  process.stderr.write(`${finalLine(format, hidden, usageError)}\n`)
  process.exit(ExitCode.Usage)
}
const { argv, format, level } = logging.right

// @effect/cli's --wizard asks its questions on the terminal; with stdin a pipe or /dev/null it waited for ever.
if (argv.includes("--wizard") && process.stdin.isTTY !== true) {
  const text = "--wizard asks on a terminal, and stdin is not one: give the flags instead."
  process.stderr.write(`${finalLine(format, text, usageError)}\n`)
  process.exit(ExitCode.Usage)
}

// What the commands take from the platform: files, paths, and the terminal @effect/cli prompts on. Not
// NodeContext.layer, whose command executor and worker manager load child_process and worker_threads, which no
// command uses, on every start.
const platform = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)

const secretFlagValues = secretArguments(argv)
// Out of the command line `ps` shows every user of the machine, for the days a schedule runs (ProcessTitle.ts).
hideSecretsFromProcessList(secretFlagValues)
const secrets = invocationSecrets(secretFlagValues, argv)

// Out of process.env, where a diagnostic report of Node's would list them (SecretVariables.ts).
const configProvider = takeSecretVariables(process.env)

const stopSignals = watchStopSignals((text, exitCode) =>
  process.stderr.write(`${finalLine(format, text, { exitCode }, "WARN")}\n`)
)

const main = runCli(argv, format).pipe(
  Effect.withConfigProvider(configProvider),
  withSecretArgumentsHidden(secrets),
  // The message of a failure is printed once, to stderr; secrets are never part of an error's message, nor the
  // value of a flag the command does not know (a secret one mistyped), which a message may quote as an argument.
  Effect.tapErrorCause((cause) =>
    Cause.isInterruptedOnly(cause)
      ? Effect.void
      : Effect.flatMap(
          // The command tree is loaded by now; should it not load, the line is printed as it is rather than lost.
          Effect.promise(() => hidingUnknownValues(argv).catch(() => (text: string) => text)),
          (hideUnknown) =>
            Effect.sync(() =>
              process.stderr.write(
                `${finalLine(format, hideUnknown(hideSecretsInMessage(secrets, failureText(cause))), failureAnnotations(cause))}\n`
              )
            )
        )
  ),
  Effect.provide(
    Layer.merge(platform, loggerLayer(format, level, styledOn(process.stderr.isTTY === true, process.env)))
  ),
  // Printed above already; the runtime's own debug line at the fiber's end would repeat it, unscrubbed. Set for
  // good rather than locally, since that line is written after the program has returned.
  (program) => Effect.zipRight(FiberRef.set(FiberRef.unhandledErrorLogLevel, Option.none()), program),
  // Stopped at SIGHUP as runMain stops it at SIGINT and SIGTERM: by interrupting the fiber that runs it all.
  (program) =>
    Effect.withFiberRuntime<void, unknown>((fiber) => {
      stopSignals.onHangUp(() => fiber.unsafeInterruptAsFork(fiber.id()))
      return program
    })
)

// A reader that goes away (`panther-audit run | head -1`) closes stdout; the next write's EPIPE would end the
// process with a stack trace and exit 1, which means findings at --fail-on, after a run whose reports and email
// were complete. What was left to print is dropped; the command ends with its own exit code. Any other failure to
// write stdout (a full disk under `users list > file`, a terminal gone with its SSH session) is output lost: the
// command still finishes its work (the email of a run is sent after its summary is printed), then says so on
// stderr and exits 4 if it would have exited 0.
let stdoutFailure: string | undefined
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") stdoutFailure ??= error.code ?? error.message
})
// A stderr that cannot be written (a full disk, a closed pipe) leaves nowhere to say anything; its error must not
// end the process with exit 1 in place of the command's own code.
process.stderr.on("error", () => {})

/** The documented exit code for how the program ended. */
const exitCodeOf = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit)) return stdoutFailure === undefined ? ExitCode.Ok : ExitCode.OutputFailure
  const signal = stopSignals.received()
  if (signal !== undefined && Cause.isInterrupted(exit.cause)) return signalExitCode(signal)
  if (Cause.isInterruptedOnly(exit.cause)) return 130
  return Option.match(Cause.failureOption(exit.cause), { onNone: () => ExitCode.Internal, onSome: exitCodeOfFailure })
}

/**
 * The exit code, stdout's failure included. Said in the last line, as every failure's last line says it: a log
 * collector alerting on the exit code in it would otherwise miss output lost to a full disk, and after a failure
 * this line, the last, would not carry the code the process ends with.
 */
const exitCodeFor = (exit: Exit.Exit<unknown, unknown>): number => {
  const code = exitCodeOf(exit)
  const signal = stopSignals.received()
  // A container's logs say why it stopped (docker stop, an eviction), not only that a run was interrupted.
  if (signal !== undefined && code === signalExitCode(signal)) {
    process.stderr.write(`${finalLine(format, `stopped by ${signal}.`, { signal, exitCode: code }, "INFO")}\n`)
  }
  if (stdoutFailure !== undefined) {
    // Exit 4 alone reads as a failed command: one that created a user, or wrote a run's reports and sent its email,
    // would be run again for output that was all it lost.
    const text = Exit.isSuccess(exit)
      ? `could not write to stdout (${stdoutFailure}): what it shows is incomplete, but the command itself succeeded; ` +
        "only its output was lost."
      : `could not write to stdout (${stdoutFailure}): what it shows is incomplete.`
    // Named as the error only where it is what the exit code stands for.
    const annotations =
      code === ExitCode.OutputFailure ? { error: "StdoutWriteFailed", exitCode: code } : { exitCode: code }
    process.stderr.write(`${finalLine(format, text, annotations)}\n`)
  }
  return code
}

NodeRuntime.runMain(main, {
  // Our logger prints each line; runMain's own pretty logger would print every line a second time.
  disablePrettyLogger: true,
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    stopSignals.dispose()
    // A write to a file or terminal reports its failure on the next tick: the exit code is chosen after it.
    setImmediate(() => onExit(exitCodeFor(exit)))
  }
})
