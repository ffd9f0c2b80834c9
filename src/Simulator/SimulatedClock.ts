/**
 * The simulated instance's clock: it reads the reference time ("now" for generated data) at start-up and advances
 * in real time from there. A demo pinned to a past date therefore gives newly created users timestamps that fit
 * the generated ones, instead of dates in the data's future.
 */
import * as Context from "effect/Context"

export interface SimulatedClockService {
  /** Milliseconds since the epoch, on the simulated instance. */
  readonly nowMs: () => number
}

export class SimulatedClock extends Context.Tag("Simulator/SimulatedClock")<SimulatedClock, SimulatedClockService>() {}

export const simulatedClockFrom = (reference: Date): SimulatedClockService => {
  const offset = reference.getTime() - Date.now()
  return { nowMs: () => Date.now() + offset }
}
