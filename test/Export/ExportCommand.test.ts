import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { parse } from "csv-parse/sync"
import { Effect, Fiber, Logger, LogLevel } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { reportStamp } from "../../src/Audit/AuditRun.js"
import { runCommand as auditRunCommand } from "../../src/Audit/RunCommand.js"
import { ExitCode } from "../../src/Cli/ExitCode.js"
import { exportCommand } from "../../src/Export/ExportCommand.js"
import { INVENTORY_COLUMNS } from "../../src/Export/Inventory.js"
import type { Manifest } from "../../src/Export/Manifest.js"
import { verifyExport } from "../../src/Export/Verify.js"
import { EXPORT_FOLDER_PREFIX, EXPORT_MARK, EXPORT_MARK_TEXT } from "../../src/Reports/TempFile.js"
import { reviewCommand } from "../../src/Review/ReviewCommand.js"
import { VERSION } from "../../src/Version.js"
import { runCommand } from "../Review/commandHarness.js"
import { AS_OF, AS_OF_ISO, auditArgs, REVIEW_USERS, wire } from "../Review/fixtures.js"
import { jsonLogLines, runCli, stderrText } from "../support/cli.js"
import { json, startScriptedServer } from "../support/scriptedServer.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

let simulator: StartedSimulator
let directory = ""
beforeAll(async () => {
  simulator = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF) })
})
afterAll(() => simulator.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "export-test-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const exportArgs = (sim: StartedSimulator, ...extra: Array<string>) =>
  auditArgs(sim.baseUrl, sim.readToken, directory, ...extra)

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex")

describe("panther-audit export", () => {
  it("logs where the export ended up and its manifest's digest, under the run's id, after the audit's own line", async () => {
    const result = await runCli(["export", "--log-format", "json", ...exportArgs(simulator)])
    expect(result.code, result.stderr).toBe(0)
    const lines = jsonLogLines(result.stderr)
    const finished = lines.findIndex((line) => line.message === "audit finished")
    const written = lines.findIndex((line) => line.message === "export written")
    expect(finished).toBeGreaterThan(-1)
    expect(written).toBeGreaterThan(finished)
    const folder = join(directory, readdirSync(directory)[0] ?? "")
    expect(lines[written]?.annotations.folder).toBe(folder)
    expect(lines[written]?.annotations.runId).toBe(lines[finished]?.annotations.runId)
    // The digest to verify against, for logs kept where stdout is not.
    expect(lines[written]?.annotations.manifestSha256).toBe(sha256(join(folder, "manifest.json")))
    // Its temporary folder is gone, renamed into place: nothing is left of it to remove, nor to warn of.
    expect(lines.filter((line) => line.logLevel !== "INFO").map((line) => line.message)).toEqual([])
  })

  it("exits as run does with findings at --fail-on, the export written whole all the same", async () => {
    const result = await runCommand(exportCommand, exportArgs(simulator, "--fail-on", "info"))
    expect(result.code).toBe(ExitCode.FindingsAtThreshold)
    const [name, ...others] = readdirSync(directory)
    expect(others).toEqual([])
    const report = await Effect.runPromise(verifyExport(join(directory, name ?? "")))
    expect(report.problems).toEqual([])
    expect(result.stdout).toContain("SHA-256 of manifest.json: ")
  })

  it("writes one folder with the inventory, the findings reports, the review page and a manifest", async () => {
    const result = await runCommand(exportCommand, exportArgs(simulator))
    expect(result.error).toBe("")
    expect(result.code).toBe(0)
    // Nothing else is left in the report directory: no temporary folder, no report outside the export.
    const entries = readdirSync(directory)
    expect(entries).toHaveLength(1)
    const name = entries[0] ?? ""
    const stamp = /^export-(\d{8}T\d{6}Z)$/.exec(name)?.[1]
    expect(stamp).toBeDefined()
    const folder = join(directory, name)
    // Readable by the group, as reports are; the temporary folder it was built in was private.
    expect(statSync(folder).mode & 0o777).toBe(0o750)
    expect(readdirSync(folder).sort()).toEqual([
      `access-review-${stamp}.html`,
      `inventory-${stamp}.csv`,
      `inventory-${stamp}.json`,
      "manifest.json",
      `user-audit-${stamp}.csv`,
      `user-audit-${stamp}.json`
    ])

    const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as Manifest
    expect(manifest).toMatchObject({
      format: "panther-user-audit-export/1",
      asOf: AS_OF_ISO,
      tool: { name: "panther-user-audit", version: VERSION },
      apiHost: new URL(simulator.baseUrl).host,
      apiBaseUrl: simulator.baseUrl,
      parameters: { includeDeactivated: true, staleDays: 90 },
      counts: { files: 5, users: { seen: REVIEW_USERS.length, deactivated: 1, privileged: 2 } }
    })
    expect(manifest.files.map((file) => file.path)).toEqual(
      readdirSync(folder)
        .filter((file) => file !== "manifest.json")
        .sort()
    )
    for (const file of manifest.files) {
      const path = join(folder, file.path)
      expect(file.bytes).toBe(statSync(path).size)
      expect(file.sha256).toBe(sha256(path))
    }
    expect(result.stdout).toContain(`SHA-256 of manifest.json: ${sha256(join(folder, "manifest.json"))}`)
    expect(result.stdout).toContain(`panther-audit verify ${folder}`)
  })

  it("inventories every user with every API field and the computed columns, deactivated users flagged", async () => {
    await runCommand(exportCommand, exportArgs(simulator))
    const folder = join(directory, readdirSync(directory)[0] ?? "")
    const csvName = readdirSync(folder).find((file) => file.startsWith("inventory-") && file.endsWith(".csv")) ?? ""
    const raw = readFileSync(join(folder, csvName), "utf8")
    expect(raw.startsWith(`\uFEFF${INVENTORY_COLUMNS.join(",")}\r\n`)).toBe(true)
    const rows = parse(raw, { bom: true, columns: true, record_delimiter: "\r\n" }) as Array<Record<string, string>>
    expect(rows).toHaveLength(REVIEW_USERS.length)
    const byId = new Map(rows.map((row) => [row.user_id, row]))
    expect(byId.get("u-gone")).toMatchObject({
      enabled: "false",
      deactivated: "true",
      valid: "true",
      findings: "",
      days_since_login: "300"
    })
    expect(byId.get("u-helpdesk")).toMatchObject({
      email: "u-helpdesk@example.com",
      given_name: "Amy",
      family_name: "Brown",
      role_name: "Helpdesk",
      status: "CONFIRMED",
      privileged: "true",
      findings: "PRIVILEGED_ROLE",
      deactivated: "false"
    })
    expect(byId.get("u-helpdesk")?.role_id).not.toBe("")
    // A timestamp that is not one is kept as the API sent it.
    expect(byId.get("u-badtime")).toMatchObject({ created_at: "yesterday", findings: "INVALID_RECORD" })

    const jsonName = csvName.replace(/\.csv$/, ".json")
    const json = JSON.parse(readFileSync(join(folder, jsonName), "utf8")) as {
      inventory: { asOf: string; readAt: string }
      users: Array<Record<string, unknown>>
    }
    expect(json.inventory.asOf).toBe(AS_OF_ISO)
    // The same run, instance and counts as the manifest and the findings report, to tie the inventory to them.
    const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as Manifest
    const findingsReport = readdirSync(folder).find((file) => /^user-audit-.*\.json$/.test(file)) ?? ""
    const { run } = JSON.parse(readFileSync(join(folder, findingsReport), "utf8")) as { run: { users: unknown } }
    expect(json.inventory).toMatchObject({
      runId: manifest.runId,
      tool: manifest.tool,
      apiHost: new URL(simulator.baseUrl).host,
      apiBaseUrl: simulator.baseUrl,
      users: run.users
    })
    expect(run.users).toMatchObject({ seen: REVIEW_USERS.length, deactivated: 1 })
    // When the users were read: today, whatever --as-of said.
    expect(Math.abs(Date.parse(json.inventory.readAt) - Date.now())).toBeLessThan(5 * 60_000)
    expect(json.users).toHaveLength(REVIEW_USERS.length)
    expect(json.users.find((user) => user.userId === "u-gone")).toMatchObject({
      enabled: false,
      deactivated: true,
      daysSinceLogin: 300,
      findings: []
    })
    expect(json.users.find((user) => user.userId === "u-dekker")).toMatchObject({
      findings: ["STALE_LOGIN"],
      highestSeverity: "medium",
      privileged: false
    })
  })
})

describe("an export of more than a thousand users", () => {
  it("writes one inventory JSON document with every user, and a CSV row for each", async () => {
    const many = await startSimulator({ users: 1_500, seed: 3, now: new Date(AS_OF) })
    try {
      const result = await runCommand(exportCommand, exportArgs(many))
      expect(result.code, result.error).toBe(0)
      const folder = join(directory, readdirSync(directory)[0] ?? "")
      const json = readdirSync(folder).find((name) => name.startsWith("inventory-") && name.endsWith(".json")) ?? ""
      const inventory = JSON.parse(readFileSync(join(folder, json), "utf8")) as {
        inventory: { users: { seen: number } }
        users: Array<{ userId: string | null }>
      }
      expect(inventory.users).toHaveLength(inventory.inventory.users.seen)
      expect(inventory.users.length).toBeGreaterThan(1_000)
      expect(new Set(inventory.users.map((user) => user.userId)).size).toBe(inventory.users.length)
      const csv = parse(readFileSync(join(folder, json.replace(/\.json$/, ".csv")), "utf8"), {
        bom: true,
        columns: true
      })
      expect(csv).toHaveLength(inventory.users.length)
    } finally {
      await many.close()
    }
  })
})

describe("an export beside a folder already under its name", () => {
  it("never takes that folder's place, even an empty one: it is named -2", async () => {
    // Every name this export could take in the next minute, each an empty folder.
    const start = Date.now()
    for (let second = 0; second < 60; second++) {
      mkdirSync(join(directory, `export-${reportStamp(start + second * 1000)}`))
    }
    const result = await runCommand(exportCommand, exportArgs(simulator))
    expect(result.code, result.error).toBe(0)
    const made = readdirSync(directory).filter((name) => readdirSync(join(directory, name)).length > 0)
    expect(made).toHaveLength(1)
    expect(made[0]).toMatch(/^export-\d{8}T\d{6}Z-2$/)
  })
})

describe("the verify command an export prints", () => {
  it("names its folder as one shell word, whatever the report directory is called, to paste as it is", async () => {
    for (const name of ["reports", "audit reports", "Alice's reports", "$HOME `x`"]) {
      const reportDir = join(directory, name)
      mkdirSync(reportDir)
      const result = await runCommand(exportCommand, auditArgs(simulator.baseUrl, simulator.readToken, reportDir))
      expect(result.code, result.error).toBe(0)
      const folder = join(reportDir, readdirSync(reportDir)[0] ?? "")
      const word = /panther-audit verify (.+) --expect-sha256 [0-9a-f]{64}$/m.exec(result.stdout)?.[1] ?? ""
      // What a shell makes of the word: the folder itself, not a path cut at a space or a command run.
      const pasted = spawnSync("/bin/sh", ["-c", `printf '%s' ${word}`], { encoding: "utf8" })
      expect(pasted.stdout, word).toBe(folder)
      expect(word === folder, word).toBe(name === "reports")
    }
  })
})

describe("an earlier export's folder given as --report-dir", () => {
  it("is refused with exit 2 by export, run and review, and the export still verifies", async () => {
    const first = await runCommand(exportCommand, exportArgs(simulator))
    expect(first.code, first.error).toBe(0)
    const folder = join(directory, readdirSync(directory)[0] ?? "")
    const before = readdirSync(folder).sort()

    const intoExport = auditArgs(simulator.baseUrl, simulator.readToken, folder)
    for (const result of [
      await runCommand(exportCommand, intoExport),
      await runCommand(auditRunCommand, intoExport),
      await runCommand(reviewCommand, intoExport)
    ]) {
      expect(result.code, result.error).toBe(ExitCode.Usage)
      expect(result.error).toContain(`report directory ${folder}: it is a compliance export`)
      expect(result.error).toContain(`Pass the folder the exports are in, such as ${directory}, as --report-dir`)
    }
    expect(readdirSync(folder).sort()).toEqual(before)
    const verified = await Effect.runPromise(verifyExport(folder))
    expect(verified.problems).toEqual([])
  })
})

describe("the review page of an export", () => {
  it("asks for decisions where the export has room for them, not in a workbook it does not hold", async () => {
    const result = await runCommand(exportCommand, exportArgs(simulator))
    expect(result.code, result.error).toBe(0)
    const folder = join(directory, readdirSync(directory)[0] ?? "")
    expect(readdirSync(folder).some((name) => name.startsWith("access-review-") && name.endsWith(".csv"))).toBe(false)
    const page = readdirSync(folder).find((name) => name.startsWith("access-review-")) ?? ""
    const html = readFileSync(join(folder, page), "utf8")
    expect(html).not.toContain("in the review workbook")
    expect(html).toContain("Record a decision for every user in the Decision column of this page, printed:")
    expect(html).toContain("No review workbook came with this page; <code>panther-audit review</code>")
  })
})

describe("an export beside earlier reports", () => {
  it("says it is not compared with them, not that there are none", async () => {
    const nightly = await runCommand(auditRunCommand, exportArgs(simulator))
    expect(nightly.code, nightly.error).toBe(0)
    const earlier = readdirSync(directory).filter((name) => name.startsWith("user-audit-"))
    expect(earlier).toHaveLength(2)

    const result = await runCommand(exportCommand, exportArgs(simulator))
    expect(result.code, result.error).toBe(0)
    expect(result.stdout).toContain("Changes: everything is new (an export is not compared with earlier reports)")
    expect(result.stdout).not.toContain("no previous report")
    const folder = join(directory, readdirSync(directory).find((name) => name.startsWith("export-")) ?? "")
    const reportName = readdirSync(folder).find((name) => /^user-audit-.*\.json$/.test(name)) ?? ""
    const report = JSON.parse(readFileSync(join(folder, reportName), "utf8")) as {
      run: { changes: { previousReport: string | null; previousReportProblem: string | null } }
    }
    expect(report.run.changes).toMatchObject({
      previousReport: null,
      previousReportProblem: "an export is not compared with earlier reports"
    })
    // The nightly reports are left as they were.
    expect(readdirSync(directory).filter((name) => name.startsWith("user-audit-"))).toEqual(earlier)
  })
})

describe("an export with suppressions", () => {
  it("marks the same findings suppressed, with the same reasons, in the inventory and the review page", async () => {
    // Outside the report directory, which must hold the export alone.
    const suppressionsDirectory = mkdtempSync(join(tmpdir(), "export-suppressions-"))
    const suppressions = join(suppressionsDirectory, "supp.yaml")
    writeFileSync(
      suppressions,
      'suppressions:\n  - user: u-dekker\n    finding: "*"\n    reason: On sabbatical\n    owner: it@example.com\n    expires: 2027-01-31\n'
    )
    try {
      const result = await runCommand(exportCommand, exportArgs(simulator, "--suppressions", suppressions))
      expect(result.code, result.error).toBe(0)
      const folder = join(directory, readdirSync(directory)[0] ?? "")
      const named = (pattern: RegExp) => join(folder, readdirSync(folder).find((file) => pattern.test(file)) ?? "")
      const reason = "STALE_LOGIN: On sabbatical (owner it@example.com, expires 2027-01-31, entry 1)"

      const rows = parse(readFileSync(named(/^inventory-.*\.csv$/), "utf8"), {
        bom: true,
        columns: true,
        record_delimiter: "\r\n"
      }) as Array<Record<string, string>>
      expect(Object.keys(rows[0] ?? {}).slice(-2)).toEqual(["suppressed_findings", "suppression_reasons"])
      const byId = new Map(rows.map((row) => [row.user_id, row]))
      expect(byId.get("u-dekker")).toMatchObject({
        findings: "STALE_LOGIN",
        suppressed_findings: "STALE_LOGIN",
        suppression_reasons: reason
      })
      expect(byId.get("u-devries")).toMatchObject({ suppressed_findings: "", suppression_reasons: "" })

      const json = JSON.parse(readFileSync(named(/^inventory-.*\.json$/), "utf8")) as {
        users: Array<Record<string, unknown>>
      }
      expect(json.users.find((user) => user.userId === "u-dekker")).toMatchObject({
        findings: ["STALE_LOGIN"],
        suppressedFindings: [{ finding: "STALE_LOGIN", reason: reason.replace("STALE_LOGIN: ", "") }]
      })
      expect(json.users.find((user) => user.userId === "u-devries")).toMatchObject({ suppressedFindings: [] })

      const html = readFileSync(named(/^access-review-.*\.html$/), "utf8")
      expect(html).toContain(`Suppressed ${reason}`)
      expect(html).toContain(`<dt>Suppressions</dt><dd>${suppressions}: 1 finding suppressed (1 active entry);`)
    } finally {
      rmSync(suppressionsDirectory, { recursive: true, force: true })
    }
  })
})

describe("an export that does not finish", () => {
  it("leaves nothing behind when the API fails halfway", async () => {
    // Request 1 reads the roles, 2 the first page of users; the second page is refused.
    const failing = await startSimulator({
      data: Array.from({ length: 130 }, (_, index) => wire(`bulk-${index}`)),
      now: new Date(AS_OF),
      faults: { failRequests: [3], failStatus: 401 }
    })
    try {
      const result = await runCommand(exportCommand, exportArgs(failing))
      expect(result.code).toBe(3)
      expect(readdirSync(directory)).toEqual([])
    } finally {
      await failing.close()
    }
  })

  it("refused at the first page of users, does not send its reader to check filters an export never takes", async () => {
    // Request 1 reads the roles, 2 the first page of users, with include-deactivated as every export asks.
    const refusing = await startSimulator({
      data: REVIEW_USERS,
      now: new Date(AS_OF),
      faults: { failRequests: [2], failStatus: 400 }
    })
    try {
      const result = await runCommand(exportCommand, exportArgs(refusing))
      expect(result.code).toBe(3)
      expect(result.error).toContain("Panther rejected GET /users (400)")
      expect(result.error).toContain(
        "asked for with no filter, only the page size and whether deactivated users are included"
      )
      expect(result.error).toContain("check that --api-url / PANTHER_API_URL is the API")
      expect(result.error).not.toContain("Check the filters given")
      expect(readdirSync(directory)).toEqual([])
    } finally {
      await refusing.close()
    }
  })

  it("killed outright, leaves its folder, which the next export removes once it has been untouched for a minute", async () => {
    const slow = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF), faults: { latencyMs: 1_000 } })
    try {
      // Killed once its folder is made and its mark written, while the slow roles request is answered. The mark's
      // file is there before its text: killed in between, the folder would hold no proof (LeftoverFiles.ts).
      const exportFolders = () => readdirSync(directory).filter((name) => name.startsWith(EXPORT_FOLDER_PREFIX))
      const markWritten = (folder: string) => {
        try {
          return readFileSync(join(directory, folder, EXPORT_MARK), "utf8") === EXPORT_MARK_TEXT
        } catch {
          return false
        }
      }
      const marked = () => exportFolders().some(markWritten)
      const killed = await runCli(["export", ...exportArgs(slow)], { killWhen: marked })
      expect(killed.signal).toBe("SIGKILL")
      const left = exportFolders()
      expect(left).toHaveLength(1)
      const leftover = join(directory, left[0] ?? "")
      // What proves it an export's, so that it may be removed whole.
      expect(readdirSync(leftover)).toContain(EXPORT_MARK)
      // A folder of the user's named as earlier versions named an unfinished export's: never removed.
      const usersOwn = join(directory, ".export-backup")
      mkdirSync(usersOwn)
      writeFileSync(join(usersOwn, "notes.txt"), "keep me\n")

      // Touched a moment ago, it may be a live export's: the next export leaves it.
      const soon = await runCli(["export", ...exportArgs(simulator)])
      expect(soon.code, soon.stderr).toBe(0)
      expect(existsSync(leftover)).toBe(true)
      expect(soon.stderr).not.toContain("export folder")

      const minuteAgo = new Date(Date.now() - 61_000)
      utimesSync(leftover, minuteAgo, minuteAgo)
      utimesSync(usersOwn, minuteAgo, minuteAgo)
      const later = await runCli(["export", "--log-format", "json", ...exportArgs(simulator)])
      expect(later.code, later.stderr).toBe(0)
      expect(existsSync(leftover), later.stderr).toBe(false)
      expect(readFileSync(join(usersOwn, "notes.txt"), "utf8")).toBe("keep me\n")
      const lines = jsonLogLines(later.stderr)
      const removed = lines.find((line) => String(line.message).startsWith("Removed 1 unfinished export folder"))
      expect(removed?.message).toBe(
        `Removed 1 unfinished export folder (0.0 MB) left in ${directory} by an export that was killed before it ` +
          "could clean up; what it held was never put in place."
      )
      // Under the id of the export that removed it, as a run's lines about the report directory are.
      const runId = lines.find((line) => line.message === "audit started")?.annotations.runId
      expect(runId).toEqual(expect.any(String))
      expect(removed?.annotations.runId).toBe(runId)
      // The two finished exports, the user's folder, and nothing else.
      expect(readdirSync(directory).filter((name) => name.startsWith("."))).toEqual([".export-backup"])
    } finally {
      await slow.close()
    }
  })

  it("names another user's leftover folder it cannot list without giving it a size", async (context) => {
    // Root lists any folder: the export runs as nobody then, in a shared folder, beside root's leftover.
    if (process.getuid?.() !== 0) context.skip("needs root, to run the export as another user")
    chmodSync(directory, 0o1777)
    const name = `${EXPORT_FOLDER_PREFIX}Root01`
    const leftover = join(directory, name)
    // As an export leaves its folder once its mark is written: readable by its owner's group alone.
    mkdirSync(leftover)
    writeFileSync(join(leftover, EXPORT_MARK), "panther-audit: unfinished export\n")
    writeFileSync(join(leftover, "inventory-20260630T020000Z.csv"), Buffer.alloc(3_000_000))
    chmodSync(leftover, 0o750)
    const longAgo = new Date(Date.now() - 10 * 60_000)
    utimesSync(leftover, longAgo, longAgo)
    const result = await runCli(["export", ...exportArgs(simulator)], { uid: 65534 })
    expect(result.code, result.stderr).toBe(0)
    const said = stderrText(result.stderr)
    expect(said).toContain(`Left ${name} (uid 0, size unknown: this user cannot list it) in ${directory} alone`)
    expect(said).not.toContain("0.0 MB")
    expect(readdirSync(leftover).sort()).toEqual([EXPORT_MARK, "inventory-20260630T020000Z.csv"].sort())
  })

  it("removes its temporary folder when interrupted", async () => {
    const slow = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF), faults: { latencyMs: 400 } })
    try {
      const run = Command.run(exportCommand, { name: "panther-audit", version: "test" })
      const fiber = Effect.runFork(
        run(["node", "panther-audit", ...exportArgs(slow)]).pipe(
          Effect.provide(NodeContext.layer),
          Logger.withMinimumLogLevel(LogLevel.None)
        )
      )
      let started = false
      for (let attempt = 0; attempt < 200 && !started; attempt++) {
        started = readdirSync(directory).some((entry) => entry.startsWith(EXPORT_FOLDER_PREFIX))
        if (!started) await sleep(10)
      }
      expect(started).toBe(true)
      await Effect.runPromise(Fiber.interrupt(fiber))
      expect(readdirSync(directory)).toEqual([])
    } finally {
      await slow.close()
    }
  })

  it("whose folder cannot be put in place, the report directory made read-only meanwhile, leaves no user's data", async () => {
    // Root writes anywhere: the export runs as nobody then, in a folder of nobody's.
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    if (uid !== undefined) chownSync(directory, uid, uid)
    let asked: () => void = () => undefined
    const usersAsked = new Promise<void>((resolve) => {
      asked = resolve
    })
    let madeReadOnly: () => void = () => undefined
    const readOnly = new Promise<void>((resolve) => {
      madeReadOnly = resolve
    })
    const users = [wire("u-admin", { role: { id: "r-admin", name: "Admin" } }), wire("u-1")]
    // The users are answered only once the report directory is read-only, the export's folder already made in it.
    const server = await startScriptedServer((_index, request) =>
      request.path === "/roles"
        ? json(200, { results: [] })
        : (recorded, response) => {
            asked()
            void readOnly.then(() => json(200, { results: users })(recorded, response))
          }
    )
    try {
      const running = runCli(
        ["export", "--log-format", "json", ...auditArgs(server.url, "t0ken", directory)],
        uid === undefined ? {} : { uid }
      )
      await usersAsked
      chmodSync(directory, 0o555)
      madeReadOnly()
      const result = await running
      expect(result.code, result.stderr).toBe(ExitCode.OutputFailure)
      const said = stderrText(result.stderr)
      expect(said).toContain(`cannot put the export in ${directory}: permission denied`)
      // Its folder could not go: what it held did, and its mark is back for the next export or run to remove it by.
      const [folder, ...others] = readdirSync(directory)
      expect(others).toEqual([])
      expect(folder?.startsWith(EXPORT_FOLDER_PREFIX)).toBe(true)
      const path = join(directory, folder ?? "")
      expect(readdirSync(path)).toEqual([EXPORT_MARK])
      expect(said).toContain(`The unfinished export's folder ${path} could not be removed (permission denied)`)
      expect(said).toContain(`The next export or run in ${directory} removes it once this user may write there.`)
      // Under the id of the export that failed, which its other lines carry: a shared log ties the folder to it.
      const lines = jsonLogLines(result.stderr)
      const failed = lines.find((line) => String(line.message).startsWith("export failed"))
      const notRemoved = lines.find((line) => String(line.message).startsWith("The unfinished export's folder"))
      expect(failed?.annotations.runId).toEqual(expect.any(String))
      expect(notRemoved?.annotations.runId).toBe(failed?.annotations.runId)
    } finally {
      chmodSync(directory, 0o755)
      await server.close()
    }
  })
})
