/**
 * The lines the loggers write, as the console would print them: recorded where the program's console would write,
 * underneath the hiding of secrets, which wraps it as the program's entry point does.
 */
import { formatWithOptions } from "node:util"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { LogFormat } from "../../src/Cli/Logging.js"
import { loggerLayer } from "../../src/Cli/Logging.js"
import { withSecretArgumentsHidden } from "../../src/Cli/SecretArguments.js"

export const loggedLines = (format: LogFormat, secrets: ReadonlyArray<string>, effect: Effect.Effect<void>) =>
  Console.consoleWith((console) => {
    const lines: Array<string> = []
    const recording: Console.Console = {
      ...console,
      unsafe: {
        ...console.unsafe,
        error: (...args: ReadonlyArray<unknown>) => {
          lines.push(formatWithOptions({}, ...args))
        },
        group: () => {},
        groupEnd: () => {}
      }
    }
    return effect.pipe(
      withSecretArgumentsHidden(secrets),
      Effect.provide(loggerLayer(format)),
      Effect.withConsole(recording),
      Effect.as(lines)
    )
  })
