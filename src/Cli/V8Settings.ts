/**
 * The V8 settings the launcher (`bin.ts`) makes before the program is compiled.
 *
 * V8 compiles a function with its optimizing compiler once it has run long enough, on threads of its own. An audit
 * is over in seconds, and at 20,000 users that compiling took about 200 ms of processor time, more than a third of
 * the run's own, on a machine whose other core also serves the API (or the simulator). With four times V8's
 * default budget (Node 20's 67,584) before a function is optimized it took about 100 ms, and the run ended 40-50 ms
 * sooner; the 200,000-user run took no longer (bench/RESULTS.md). Hot code is still optimized, only later.
 *
 * Only on the V8 this was measured on (11.x, Node 20): later V8s tier up by other rules and flags. Node 22's V8
 * (12.x) has no `--interrupt-budget` and writes "unrecognized flag" to stderr on every start if given one; its own
 * thresholds were measured too, and left at their defaults (bench/RESULTS.md).
 *
 * The simulator is the exception: a server runs long enough for V8's default to pay off, and with the larger
 * budget it spent about a fifth more processor time per page over its first 200,000 users.
 *
 * The flags are part of what V8 checks a code cache against. The build makes the cache by running `run` through
 * the launcher, so every command that gets the same flags finds it usable; on Node 20 `simulate` does not, and
 * compiles afresh (a long-running process, once).
 */
const AUDIT_FLAGS: ReadonlyArray<string> = ["--interrupt-budget=270336"]

const MEASURED_V8_MAJOR = 11

/**
 * The flags for a command line (node, script, arguments...) on a V8 version. Any argument reading `simulate`
 * counts: the subcommand may follow logging flags, and an argument that merely says the word only loses the tuning.
 */
export const launcherV8Flags = (
  argv: ReadonlyArray<string>,
  v8Version: string = process.versions.v8
): ReadonlyArray<string> =>
  Number.parseInt(v8Version, 10) !== MEASURED_V8_MAJOR || argv.slice(2).includes("simulate") ? [] : AUDIT_FLAGS
