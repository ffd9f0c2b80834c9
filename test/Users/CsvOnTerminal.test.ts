/**
 * `users list --format csv` on a terminal and into a pipe: a person's terminal must not run what a name holds, and
 * a file or pipe must get the data as Panther sent it.
 */
import { describe, expect, it } from "vitest"
import { BIN, runCli } from "../support/cli.js"
import { json, startScriptedServer } from "../support/scriptedServer.js"
import { hasScript, onTerminal } from "../support/terminal.js"
import { rawUser } from "../support/testClient.js"

/** A name that retitles the terminal (OSC ... BEL), clears it (CSI 2J) and shows the rest backwards (U+202E). */
const HOSTILE = "Eve\u001b]0;owned\u0007\u001b[2J\u202eevil"

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
