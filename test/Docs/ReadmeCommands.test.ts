/**
 * The README's commands, as a reader copies them. `npx panther-audit` run outside the checkout fetches whatever the
 * public registry holds under that name (this package is private and named panther-user-audit), so no example may
 * use it; the command the examples name must be the one package.json links.
 */
import { spawnSync } from "node:child_process"
import { accessSync, constants, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { VERSION } from "../../src/Version.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const README = readFileSync(join(ROOT, "README.md"), "utf8")

/** The lines of the README's sh and crontab blocks: what a reader pastes into a shell. */
const shellLines = (): ReadonlyArray<string> =>
  [...README.matchAll(/```(?:sh|crontab)\n([\s\S]*?)```/gu)].flatMap((block) => (block[1] ?? "").split("\n"))

describe("the README's commands", () => {
  it("run the command package.json links, never `npx panther-audit`", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> }
    expect(manifest.bin).toEqual({ "panther-audit": "dist/bin.js" })
    const bin = join(ROOT, "dist/bin.js")
    accessSync(bin, constants.X_OK)
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true)
    expect(shellLines().filter((line) => line.includes("npx "))).toEqual([])
    expect(README).toContain("`npm link`")
  })

  it("make the report directory they name, which the command requires to exist", () => {
    const named = shellLines().filter((line) => /panther-audit (run|review|export) .*--report-dir \.\//u.test(line))
    expect(named.length).toBeGreaterThan(0)
    for (const line of named) {
      const directory = /--report-dir (\S+)/u.exec(line)?.[1] ?? ""
      expect(line).toContain(`mkdir -p ${directory} && `)
    }
  })

  it("`npx panther-audit` inside the checkout runs this build, with nothing fetched", () => {
    const result = spawnSync("npx", ["--no", "--offline", "panther-audit", "--version"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }
    })
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe(VERSION)
  })
})

describe("the README on the simulator's tests", () => {
  it("names the OpenAPI document they check responses against, the one test/support/openApi.ts loads", () => {
    const support = readFileSync(join(ROOT, "test/support/openApi.ts"), "utf8")
    expect(support).toContain('new URL("../fixtures/panther-users.openapi.json"')
    const sentence = README.slice(README.indexOf("The simulator's tests"), README.indexOf("## Performance"))
    expect(sentence).toContain("`test/fixtures/panther-users.openapi.json`")
    expect(sentence).not.toMatch(/against `\.\.\/shared\/seed/u)
  })
})
