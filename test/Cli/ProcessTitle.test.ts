/**
 * What `ps` shows of a running command: a `schedule` runs for days, and its command line is readable by every user
 * of the machine (`ps aux`, and on a container's host `ps` lists the container's processes too), not only by its own
 * user as its environment is. Read here as `ps` reads it, from /proc/<pid>/cmdline, which only Linux has.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { scrubbedArguments } from "../../src/Cli/ProcessTitle.js"
import { endWithTest } from "../support/ChildProcesses.js"
import { BIN } from "../support/cli.js"

const TOKEN = "pat-PS-SECRET-3e8c1a9f5b7d"
const PASSWORD = "smtp-PS-SECRET-6b2d"

let directory = ""
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "process-title-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

/** The process's command line as `ps` shows it, once it has logged `line`; the process is then killed. */
const commandLineOnceLogged = async (args: ReadonlyArray<string>, line: string): Promise<string> => {
  const child = endWithTest(
    spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      stdio: ["ignore", "ignore", "pipe"]
    })
  )
  let stderr = ""
  const logged = new Promise<void>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
      if (stderr.includes(line)) resolve()
    })
    child.once("exit", (code) => reject(new Error(`exited with ${code} before logging "${line}":\n${stderr}`)))
  })
  try {
    await logged
    return readFileSync(`/proc/${child.pid}/cmdline`, "utf8").replaceAll("\0", " ")
  } finally {
    child.kill("SIGKILL")
  }
}

describe("the command line other users see", () => {
  it.skipIf(process.platform !== "linux")(
    "shows a schedule's command without the token and password given as flags",
    async () => {
      const shown = await commandLineOnceLogged(
        [
          "schedule",
          "--api-url",
          // Never contacted: the schedule's first audit is at 02:00.
          "http://127.0.0.1:9",
          "--api-token",
          TOKEN,
          "--smtp-url",
          `smtps://audit:${PASSWORD}@127.0.0.1:9`,
          "--mail-to",
          "security@example.com",
          "--mail-from=audit@example.com",
          `--report-dir=${directory}`
        ],
        "next audit at"
      )
      expect(shown).not.toContain(TOKEN)
      expect(shown).not.toContain(PASSWORD)
      // The rest is as typed, so an operator still finds the job in `ps` (and `pgrep -f`) by its command and flags.
      expect(shown).toContain(`${BIN} schedule --api-url http://127.0.0.1:9 --api-token [redacted] --smtp-url`)
      expect(shown).toContain(`--mail-from=audit@example.com --report-dir=${directory}`)
    },
    30_000
  )

  it("is left as typed when no secret is on it", () => {
    const argv = ["/usr/bin/node", "/app/dist/bin.js", "run", "--report-dir", "reports"]
    expect(scrubbedArguments(argv, [])).toBeUndefined()
  })

  it("has each secret flag's value replaced, in both forms", () => {
    expect(
      scrubbedArguments(
        ["node", "bin.js", "simulate", "--token", "sim-read-abcdef", "--admin-token=sim-admin-123456"],
        ["sim-admin-123456", "sim-read-abcdef"]
      )
    ).toEqual(["node", "bin.js", "simulate", "--token", "[redacted]", "--admin-token=[redacted]"])
  })
})
