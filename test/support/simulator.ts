/**
 * Starting the simulator from a Promise-based test: `const sim = await startSimulator({ users: 50 })`, then
 * `fetch(`${sim.baseUrl}/users`, { headers: { "X-API-Key": sim.readToken } })`, and `await sim.close()` at the end.
 * It listens on a free loopback port unless `port` is given. Request logs are silenced unless SIMULATOR_TEST_LOGS
 * is set, so a failing test's output stays readable.
 */
import { Effect, Exit, Logger, LogLevel, Scope } from "effect"
import { type RunningSimulator, type SimulatorOptions, serveSimulator } from "../../src/Simulator/Server.js"

export interface StartedSimulator extends RunningSimulator {
  /** Stops the server; resolves when it no longer accepts connections. */
  readonly close: () => Promise<void>
}

export const startSimulator = async (options: SimulatorOptions = {}): Promise<StartedSimulator> => {
  const scope = Effect.runSync(Scope.make())
  const close = () => Effect.runPromise(Scope.close(scope, Exit.void))
  const logLevel = process.env.SIMULATOR_TEST_LOGS ? LogLevel.Info : LogLevel.Warning
  const exit = await Effect.runPromiseExit(
    serveSimulator(options).pipe(Scope.extend(scope), Logger.withMinimumLogLevel(logLevel))
  )
  if (Exit.isFailure(exit)) {
    await close()
    throw new Error(`the simulator did not start: ${exit.cause.toString()}`)
  }
  return { ...exit.value, close }
}
