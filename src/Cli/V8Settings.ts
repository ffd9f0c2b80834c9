/**
 * The V8 settings the launcher (`bin.ts`) makes before the program is compiled.
 *
 * V8 compiles a function with its optimizing compiler once it has run long enough, on threads of its own. An audit
 * is over in seconds, and at 20,000 users that compiling took about 200 ms of processor time, more than a third of
 * the run's own, on a machine whose other core also serves the API (or the simulator). With four times V8's
 * default budget (Node 20's 67,584) before a function is optimized it took about 100 ms, and the run ended 40-50 ms
 * sooner; the 200,000-user run took no longer (bench/RESULTS.md). Hot code is still optimized, only later.
 *
 * The flags are part of what V8 checks a code cache against, so the build makes the cache under the same ones by
 * running the launcher.
 */
export const LAUNCHER_V8_FLAGS = "--interrupt-budget=270336"
