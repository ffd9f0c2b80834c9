/**
 * `users list --format csv` on a terminal and into a pipe: a person's terminal must not run what a name holds, and
 * a file or pipe must get the data as Panther sent it.
 */
import { spawn, spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { endWithTest } from "../support/ChildProcesses.js"
import { BIN, runCli } from "../support/cli.js"
import { json, startScriptedServer } from "../support/scriptedServer.js"
import { rawUser } from "../support/testClient.js"

const hasScript = spawnSync("script", ["--version"]).status === 0

/** A name that retitles the terminal (OSC ... BEL), clears it (CSI 2J) and shows the rest backwards (U+202E). */
const HOSTILE = "Eve\u001b]0;owned\u0007\u001b[2J\u202eevil"

/** What the terminal showed of `command`, run on a pseudo-terminal by util-linux's `script`. */
const onTerminal = (command: string, env: Record<string, string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = endWithTest(
      spawn("script", ["-qec", command, "/dev/null"], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TERM: "xterm", ...env }
      })
    )
    let shown = ""
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.stdout.on("data", (chunk: Buffer) => {
      shown += chunk.toString("utf8")
    })
    child.on("error", reject)
    child.on("close", () => {
      clearTimeout(timer)
      resolve(shown)
    })
  })

describe("users list --format csv", () => {
  it.skipIf(!hasScript)(
    "shows control characters as U+FFFD on a terminal, and writes them as sent to a pipe",
    async () => {
      const server = await startScriptedServer([json(200, { results: [rawUser("u1", { givenName: HOSTILE })] })])
      try {
        const env = { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
        // stderr aside: pretty logs on a terminal are coloured by this tool itself.
        const shown = await onTerminal(`"${process.execPath}" "${BIN}" users list --format csv 2>/dev/null`, env)
        expect(shown).toContain("u1,u1@example.com,Eve\uFFFD]0;owned\uFFFD\uFFFD[2J\uFFFDevil,Family-u1")
        for (const raw of ["\u0007", "\u001b", "\u202e"]) expect(shown).not.toContain(raw)

        const piped = await runCli(["users", "list", "--format", "csv"], { env })
        expect(piped.code).toBe(0)
        expect(piped.stdout).toContain(`u1,u1@example.com,${HOSTILE},Family-u1`)
      } finally {
        await server.close()
      }
    }
  )
})
