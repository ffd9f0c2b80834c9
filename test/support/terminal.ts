/**
 * Running a command on a pseudo-terminal, with util-linux's `script`, to see what a person at a terminal would: the
 * program writes differently there (the table, cleaned cells, prompts) than to a pipe.
 */
import { spawn, spawnSync } from "node:child_process"
import { endWithTest } from "./ChildProcesses.js"

/** Whether `script` is here to run the tests that need a terminal. */
export const hasScript = spawnSync("script", ["--version"]).status === 0

/**
 * Runs a shell command on a pseudo-terminal; everything the terminal showed. `answer`: keys typed once, as soon as
 * the terminal shows `when` (a confirmation question).
 */
export const onTerminal = (
  command: string,
  env: Record<string, string>,
  answer?: { readonly when: string; readonly keys: string }
): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = endWithTest(
      spawn("script", ["-qec", command, "/dev/null"], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TERM: "xterm", ...env }
      })
    )
    let shown = ""
    let typed = false
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.stdout.on("data", (chunk: Buffer) => {
      shown += chunk.toString("utf8")
      if (answer !== undefined && !typed && shown.includes(answer.when)) {
        typed = true
        child.stdin.write(answer.keys)
      }
    })
    child.on("error", reject)
    child.on("close", () => {
      clearTimeout(timer)
      resolve(shown)
    })
  })
