/**
 * SIGTERM (docker stop, Kubernetes) and SIGINT (Ctrl-C). `NodeRuntime.runMain` interrupts the main fiber on the
 * first of either: the run in progress stops, its scoped resources are released (temporary report files deleted,
 * the SMTP connection closed) and no report is left under a final name. This module remembers which signal came,
 * so the exit code can say it the conventional way (128 + the signal's number: 143 for SIGTERM, 130 for SIGINT),
 * and ends the process anyway if winding down takes longer than `STOP_GRACE_MS`, well inside Docker's 10 s
 * before SIGKILL.
 *
 * A second signal ends the process at once, with the code of that signal. It is not left to Node's default, which
 * killed the process outright: the `exit` listeners still run, so the report directory's lock is removed
 * (DirectoryLock.ts) rather than keep the next run waiting a minute for a holder that is gone. Ctrl-C pressed twice
 * in a row sends the second within the few milliseconds of winding down, and had left the lock behind that way.
 *
 * Either way out is said (`say`): the logs would otherwise end at "audit interrupted", as if the run had wound
 * down, when a temporary file of its may be left for the next run to remove.
 *
 * SIGHUP (a closed terminal, a dropped ssh session under a run started by hand) stops the run as the others do, with
 * 129; `runMain` does not interrupt the program on it, so the program asks to be told (`onHangUp`). Left to Node,
 * it killed the process outright: the report directory stayed locked, and the next run, the nightly one perhaps,
 * waited a minute for it and took it over with a warning.
 */

export const STOP_GRACE_MS = 5_000

export const signalExitCode = (signal: NodeJS.Signals): number =>
  signal === "SIGINT" ? 130 : signal === "SIGHUP" ? 129 : 143

const STOP_SIGNALS: ReadonlyArray<NodeJS.Signals> = ["SIGINT", "SIGTERM", "SIGHUP"]

export interface StopSignals {
  /** The first stop signal received, if any. */
  readonly received: () => NodeJS.Signals | undefined
  /** What stops the program at a first SIGHUP, as `runMain` stops it at a first SIGINT or SIGTERM. */
  readonly onHangUp: (stop: () => void) => void
  readonly dispose: () => void
}

export const watchStopSignals = (say: (text: string, exitCode: number) => void): StopSignals => {
  let received: NodeJS.Signals | undefined
  let stopAtHangUp = () => {}
  const dispose = () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal)
  }
  function onSignal(signal: NodeJS.Signals) {
    if (received !== undefined) {
      endAtOnce(signal, `${signal} again while stopping: ended at once, without winding down`)
    }
    received = signal
    if (signal === "SIGHUP") stopAtHangUp()
    // unref: this timer alone does not keep the process up once the run has wound down.
    setTimeout(
      () =>
        endAtOnce(signal, `still winding down ${STOP_GRACE_MS / 1000} s after ${signal}: ended without waiting more`),
      STOP_GRACE_MS
    ).unref()
  }
  function endAtOnce(signal: NodeJS.Signals, text: string): never {
    const code = signalExitCode(signal)
    say(`${text}.`, code)
    process.exit(code)
  }
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal)
  return {
    received: () => received,
    onHangUp: (stop) => {
      stopAtHangUp = stop
    },
    dispose
  }
}
