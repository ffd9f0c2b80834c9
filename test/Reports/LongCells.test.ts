/**
 * A value from the API longer than a spreadsheet cell holds (Excel: 32,767 characters), in every CSV this tool
 * writes: cut with a mark, on a whole character, no row broken or shifted; the JSON report keeps it whole; and the
 * next review reads the cut workbook back as the same accounts, unchanged.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs"
import { mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { CELL_MAX_CHARS } from "../../src/Reports/Csv.js"
import { escapeHtml } from "../../src/Review/Html.js"
import { reviewCommand } from "../../src/Review/ReviewCommand.js"
import { runCommand } from "../Review/commandHarness.js"
import { AS_OF, auditArgs, fileMatching, wire } from "../Review/fixtures.js"
import { runCli } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

/** 100 KB of a name, all emoji (surrogate pairs) past its first word; a cut inside a pair is held by Csv.test.ts. */
const HUGE_NAME = `=Eve ${"😀".repeat(50_000)}`
const HUGE_ROLE = `Role ${"r".repeat(100_000)}`
const HUGE_ID = `u-${"9".repeat(40_000)}`

const USERS = [
  wire("u-short", { givenName: "Amy", familyName: "Brown" }),
  wire("u-huge", { givenName: HUGE_NAME, familyName: "Zimmer", role: { name: HUGE_ROLE }, lastLoggedInAt: null }),
  wire(HUGE_ID, { givenName: "Ida", familyName: "Long", role: { name: "Admin" } })
]

let simulator: StartedSimulator
let directory = ""
beforeAll(async () => {
  simulator = await startSimulator({ data: USERS, now: new Date(AS_OF) })
})
afterAll(() => simulator.close())
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "long-cells-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const rowsOf = (text: string): Array<Record<string, string>> =>
  parse(text, { bom: true, columns: true, record_delimiter: "\r\n" })

/** Every cell fits an Excel cell, and each cut one ends in the mark, on a whole character. */
const expectCellsFit = (rows: ReadonlyArray<Record<string, string>>) => {
  for (const row of rows) {
    for (const cell of Object.values(row)) {
      expect(cell.length).toBeLessThanOrEqual(CELL_MAX_CHARS)
      expect(cell).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/)
    }
  }
}

const cutMark = (length: number) => `…[cut: ${length.toLocaleString("en-US")} characters in all]`

describe("a value longer than a spreadsheet cell holds", () => {
  it("is cut with a mark in the findings CSV, whole in the JSON report", async () => {
    const result = await runCli(["run", ...auditArgs(simulator.baseUrl, simulator.readToken, directory)])
    expect(result.stderr).not.toContain("Error")
    const rows = rowsOf(readFileSync(fileMatching(directory, /^user-audit-.*\.csv$/), "utf8"))
    expectCellsFit(rows)
    const huge = rows.filter((row) => row.user_id === "u-huge")
    expect(huge.length).toBeGreaterThan(0)
    for (const row of huge) {
      expect(row.given_name).toHaveLength(CELL_MAX_CHARS)
      // The formula guard is part of the cell, but not of the name: the mark counts the name's characters.
      expect(row.given_name?.startsWith("'=Eve 😀😀")).toBe(true)
      expect(row.given_name?.endsWith(cutMark(HUGE_NAME.length))).toBe(true)
      expect(row.role_name?.endsWith(cutMark(HUGE_ROLE.length))).toBe(true)
      expect(row.family_name).toBe("Zimmer")
    }
    const report = readFileSync(fileMatching(directory, /^user-audit-.*\.json$/), "utf8")
    expect(report.includes(JSON.stringify(HUGE_NAME))).toBe(true)
  })

  it("is cut with a mark in export's inventory CSV", async () => {
    const result = await runCli(["export", ...auditArgs(simulator.baseUrl, simulator.readToken, directory)])
    expect(result.code, result.stderr).toBe(0)
    const folder = readdirSync(directory).find((name) => name.startsWith("export-")) ?? ""
    const rows = rowsOf(readFileSync(fileMatching(join(directory, folder), /^inventory-.*\.csv$/), "utf8"))
    expect(rows.map((row) => row.family_name).sort()).toEqual(["Brown", "Long", "Zimmer"])
    expectCellsFit(rows)
    const huge = rows.find((row) => row.family_name === "Zimmer")
    expect(huge?.given_name?.endsWith(cutMark(HUGE_NAME.length))).toBe(true)
  })

  it("is cut with a mark by users list --format csv; ndjson keeps it whole", async () => {
    const args = ["users", "list", "--api-url", simulator.baseUrl, "--api-token", simulator.readToken]
    const csv = await runCli([...args, "--format", "csv"])
    expect(csv.code, csv.stderr).toBe(0)
    const rows = rowsOf(csv.stdout.replaceAll("\n", "\r\n").replaceAll("\r\r\n", "\r\n"))
    expect(rows).toHaveLength(3)
    expectCellsFit(rows)
    const huge = Object.values(rows.find((row) => Object.values(row).includes("Zimmer")) ?? {})
    expect(huge.some((cell) => cell.endsWith(cutMark(HUGE_NAME.length)))).toBe(true)
    const ndjson = await runCli([...args, "--format", "ndjson"])
    const names = ndjson.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line).givenName)
    expect(names.includes(HUGE_NAME)).toBe(true)
  })

  it("is read back from the last review's workbook as the same account, unchanged, and found by a cut id", async () => {
    const review = () => runCommand(reviewCommand, auditArgs(simulator.baseUrl, simulator.readToken, directory))
    const first = await review()
    expect(first.code, first.error).toBe(0)
    const rows = rowsOf(readFileSync(fileMatching(directory, /^access-review-.*\.csv$/), "utf8"))
    expect(rows.map((row) => row.family_name)).toEqual(expect.arrayContaining(["Brown", "Long", "Zimmer"]))
    expect(rows).toHaveLength(3)
    expectCellsFit(rows)
    expect(rows.find((row) => row.family_name === "Long")?.user_id?.endsWith(cutMark(HUGE_ID.length))).toBe(true)
    // The name starts with a formula's "=": guarded with a "'", which the mark does not count as the name's.
    expect(rows.find((row) => row.family_name === "Zimmer")?.given_name?.endsWith(cutMark(HUGE_NAME.length))).toBe(true)
    const second = await review()
    expect(second.code, second.error).toBe(0)
    expect(second.stdout).toContain("0 accounts added, 0 removed, 0 changed")
  })
})

describe("a change of a 100 KB role since the last review", () => {
  it("is named in the workbook and on the page with both roles cut short, the new one included", async () => {
    const review = (sim: StartedSimulator) =>
      runCommand(reviewCommand, auditArgs(sim.baseUrl, sim.readToken, directory))
    expect((await review(simulator)).code).toBe(0)
    const renamed = await startSimulator({
      data: USERS.map((user) => (user.id === "u-huge" ? { ...user, role: { name: `${HUGE_ROLE}s` } } : user)),
      now: new Date(AS_OF)
    })
    try {
      const second = await review(renamed)
      expect(second.code, second.error).toBe(0)
      expect(second.stdout).toContain("0 accounts added, 0 removed, 1 changed")
      // The second review's workbook is the one compared with the first.
      const workbook =
        readdirSync(directory).find(
          (name) =>
            /^access-review-.*\.csv$/.test(name) &&
            rowsOf(readFileSync(join(directory, name), "utf8"))[0]?.new_since_last_review !== ""
        ) ?? ""
      const rows = rowsOf(readFileSync(join(directory, workbook), "utf8"))
      const changed = rows.find((row) => row.family_name === "Zimmer")?.changed_since_last_review ?? ""
      // Quoted whole, the old role alone filled the cell, and the new one was cut off.
      expect(changed.length).toBeLessThan(1000)
      expect(changed).toMatch(/^role Role r+…r+…\[cut: 100,005 characters in all\] -> Role r+…r+s$/)
      expect(
        readFileSync(join(directory, workbook.replace(/\.csv$/, ".html")), "utf8").includes(escapeHtml(changed))
      ).toBe(true)
    } finally {
      await renamed.close()
    }
  })
})

describe("role names of 100 KB quoted in a warning", () => {
  it("are each cut short in the summary and the JSON report, never between the halves of an emoji", async () => {
    // Five roles GET /roles does not list, each named with 100 KB: the warning quoted all five whole, 500 KB.
    const roles = Array.from({ length: 6 }, (_, index) => `Ghost ${index} ${"👻".repeat(50_000)}`)
    const ghosts = await startSimulator({
      data: roles.map((name, index) => wire(`u-ghost-${index}`, { role: { name } })),
      now: new Date(AS_OF)
    })
    try {
      const result = await runCli(["run", ...auditArgs(ghosts.baseUrl, ghosts.readToken, directory)])
      const report = JSON.parse(readFileSync(fileMatching(directory, /^user-audit-.*\.json$/), "utf8"))
      const warning: string = report.run.warnings.find((text: string) => text.startsWith("Users hold roles"))
      expect(warning.length).toBeLessThan(1000)
      expect(warning).toMatch(/^Users hold roles GET \/roles did not list \(Ghost 0 👻+…, Ghost 1 👻+…, /u)
      expect(warning).toContain("and 1 more")
      expect(warning).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/)
      expect(result.stdout.length + result.stderr.length).toBeLessThan(20_000)
    } finally {
      await ghosts.close()
    }
  })
})
