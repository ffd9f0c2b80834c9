/**
 * The README's commands, as a reader copies them. `npx panther-audit` run outside the checkout fetches whatever the
 * public registry holds under that name (this package is private and named panther-user-audit), so no example may
 * use it; the command the examples name must be the one package.json links.
 */
import { spawnSync } from "node:child_process"
import { accessSync, constants, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { VERSION } from "../../src/Version.js"
import { type CliResult, runCli, runProcess } from "../support/cli.js"
import { startSimulator } from "../support/simulator.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const README = readFileSync(join(ROOT, "README.md"), "utf8")

/** The README's sh blocks in `text`, in order. */
const shellBlocks = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(/```sh\n([\s\S]*?)```/gu)].map((block) => block[1] ?? "")

/** The lines of the README's sh and crontab blocks: what a reader pastes into a shell. */
const shellLines = (): ReadonlyArray<string> =>
  [...README.matchAll(/```(?:sh|crontab)\n([\s\S]*?)```/gu)].flatMap((block) => (block[1] ?? "").split("\n"))

const hasCommand = (name: string) => spawnSync("sh", ["-c", `command -v ${name}`]).status === 0

/** Runs `script` in bash, stopping at the first command that fails, with `panther-audit` on PATH as npm link puts it. */
const runBash = async (script: string, env: Record<string, string> = {}): Promise<CliResult> => {
  const bin = mkdtempSync(join(tmpdir(), "readme-bin-"))
  try {
    symlinkSync(join(ROOT, "dist/bin.js"), join(bin, "panther-audit"))
    return await runProcess("bash", ["-e", "-o", "pipefail", "-c", script], {
      cwd: bin,
      env: { ...env, PATH: `${bin}:${process.env.PATH ?? ""}` }
    })
  } finally {
    rmSync(bin, { recursive: true, force: true })
  }
}

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

  it("make ./reports first where they leave --report-dir at its default, which must exist too", () => {
    const defaulted = shellLines().filter(
      (line) => /panther-audit (run|review|export)\b/u.test(line) && !/--report-dir|AUDIT_REPORT_DIR/u.test(line)
    )
    expect(defaulted.length).toBeGreaterThan(0)
    for (const line of defaulted) expect(line).toMatch(/^mkdir -p \.\/reports && panther-audit /u)
  })

  it("`npx panther-audit` inside the checkout runs this build, with nothing fetched", () => {
    // npx installs the checkout as a package, which runs its `prepare` script: `npm run build`, which replaces dist/.
    // In the checkout itself that pulled the code cache from under the tests reading it at the time, so npx runs in a
    // copy of the project, with an npm cache of its own, where the build it sets off touches nothing else.
    const folder = mkdtempSync(join(tmpdir(), "readme-npx-"))
    try {
      const project = join(folder, "project")
      for (const path of ["package.json", "package-lock.json", "tsconfig.json", "scripts", "src", "dist"]) {
        cpSync(join(ROOT, path), join(project, path), { recursive: true })
      }
      symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"))
      const result = spawnSync("npx", ["--no", "--offline", "panther-audit", "--version"], {
        cwd: project,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH ?? "",
          HOME: folder,
          npm_config_cache: join(folder, "npm-cache"),
          npm_config_update_notifier: "false"
        }
      })
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout.trim()).toBe(VERSION)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})

describe("the README's configuration table", () => {
  it("gives simulate's range of --users, the one the command and its help hold to", async () => {
    const row = README.split("\n").find((line) => line.startsWith("| `SIMULATOR_USERS`")) ?? ""
    const [, low = "", high = ""] = /(\d[\d,]*) to (\d[\d,]*)/u.exec(row) ?? []
    expect(row).toContain(`${low} to ${high}`)
    const most = Number(high.replaceAll(",", ""))
    const help = await runCli(["simulate", "--help"])
    expect(help.stdout).toContain(`${low} to ${most}`)
    const past = await runCli(["simulate", "--port", "0", "--users", String(most + 1)])
    expect(past.code).toBe(2)
    expect(past.stderr).toContain(`must be ${low} to ${most}`)
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

describe("the README's tour of the simulator", () => {
  it("runs top to bottom against the simulator it starts, each command as the README shows it", async (context) => {
    if (!hasCommand("curl") || !hasCommand("jq")) context.skip("needs curl and jq, which its examples use")
    const section = README.slice(
      README.indexOf("## The simulator: `panther-audit simulate`"),
      README.indexOf("How it behaves, where the spec leaves room")
    )
    const [start = "", ...blocks] = shellBlocks(section)
    // The simulator as the section's first command starts it, on a free port instead of 4010.
    const users = Number(/--users (\d+)/u.exec(start)?.[1])
    expect(start.trim()).toBe(`panther-audit simulate --users ${users} --port 4010`)
    const simulator = await startSimulator({ users })
    try {
      // The blocks after it, one after another, as a reader pastes them into one shell.
      const script = blocks.join("\n").replaceAll("http://127.0.0.1:4010", simulator.baseUrl)
      expect(script).not.toContain("4010")
      const result = await runBash(script)
      expect(result.code, result.stderr).toBe(0)
      // Every user paged through with curl, then the user created, updated and deleted with the admin key.
      const paged = result.stdout.split("\n").filter((line) => /^[0-9a-f-]{36}\t/u.test(line))
      expect(new Set(paged.map((line) => line.split("\t")[0])).size).toBeGreaterThanOrEqual(users)
      expect(result.stdout).toContain('"AnalystReadOnly"')
      expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("200")
    } finally {
      await simulator.close()
    }
  })
})

describe("the README's access review and compliance export", () => {
  it("run as an auditor pastes them, in an empty folder, and the export verifies", async () => {
    const between = (from: string, to: string) => README.slice(README.indexOf(from), README.indexOf(to))
    const [review = ""] = shellBlocks(
      between("## Access reviews: `panther-audit review`", "**`access-review-<stamp>.csv`**")
    )
    const [exported = ""] = shellBlocks(between("## Compliance exports: `panther-audit export`", "- **Inventory CSV**"))
    const [verify = ""] = shellBlocks(between("### How an auditor verifies an export", "- **Exit 0**"))
    expect(exported).toContain("panther-audit export")
    // The export's folder and digest are the ones this run made, in place of those the README shows.
    const verifyHere = verify
      .replaceAll("reports/export-20260630T020000Z", '"$made"')
      .replaceAll("<the digest export printed>", '"$digest"')
    const found = 'made=$(ls -d reports/export-*)\ndigest=$(sha256sum "$made/manifest.json" | cut -d " " -f 1)\n'
    const simulator = await startSimulator({ users: 40 })
    try {
      const result = await runBash([review, exported, found, verifyHere].join("\n"), {
        PANTHER_API_URL: simulator.baseUrl,
        PANTHER_API_TOKEN: simulator.readToken,
        LOG_LEVEL: "error"
      })
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain("Access review: ")
      expect(result.stdout).toContain("manifest.json is the one recorded")
    } finally {
      await simulator.close()
    }
  })
})
