import { spawn } from "node:child_process"
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { parse } from "csv-parse/sync"
import { stringify } from "csv-stringify/sync"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest"
import { escapeHtml } from "../../src/Review/Html.js"
import { reviewCommand } from "../../src/Review/ReviewCommand.js"
import { REVIEW_COLUMNS } from "../../src/Review/ReviewCsv.js"
import { reviewStem } from "../../src/Review/RunReview.js"
import { endWithTest } from "../support/ChildProcesses.js"
import { BIN, runCli, runCliWithFileLimit } from "../support/cli.js"
import { json, startScriptedServer } from "../support/scriptedServer.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { swapPipeAndFile } from "../support/swapper.js"
import { runCommand } from "./commandHarness.js"
import {
  AS_OF,
  AS_OF_ISO,
  daysAgo,
  FORMULA_NAME,
  fileMatching,
  REVIEW_ORDER,
  REVIEW_USERS,
  SCRIPT_NAME,
  wire
} from "./fixtures.js"

let simulator: StartedSimulator
let directory = ""
beforeAll(async () => {
  simulator = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF) })
})
afterAll(() => simulator.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "review-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const review = (sim: StartedSimulator, ...extra: Array<string>) =>
  runCommand(reviewCommand, [
    "--api-url",
    sim.baseUrl,
    "--api-token",
    sim.readToken,
    "--report-dir",
    directory,
    "--as-of",
    AS_OF_ISO,
    ...extra
  ])

/** The review workbooks in the report directory but `lastQuarter` (its full path), each by its full path. */
const workbooksOtherThan = (lastQuarter: string): Array<string> =>
  readdirSync(directory)
    .filter((name) => /^access-review-.*\.csv$/.test(name) && join(directory, name) !== lastQuarter)
    .map((name) => join(directory, name))

/** `review` of a scripted server's users, its token any the server takes. */
const reviewOfScripted = (server: { readonly url: string }) =>
  runCommand(reviewCommand, [
    "--api-url",
    server.url,
    "--api-token",
    "scripted-token-1234",
    "--report-dir",
    directory,
    "--as-of",
    AS_OF_ISO
  ])

/**
 * A scripted Panther, closed with the test: GET /roles answers the roles, every other request the users, each as the
 * test holds them when asked (a test changes them between two reviews).
 */
const scriptedPanther = async (roles: () => ReadonlyArray<unknown>, users: () => ReadonlyArray<unknown>) => {
  const server = await startScriptedServer((_index, request) =>
    json(200, { results: request.path === "/roles" ? roles() : users() })
  )
  onTestFinished(() => server.close())
  return server
}

const readWorkbookRows = (path: string): Array<Record<string, string>> =>
  parse(readFileSync(path, "utf8"), { bom: true, columns: true, record_delimiter: "\r\n" })

const readWorkbook = (): Array<Record<string, string>> =>
  readWorkbookRows(fileMatching(directory, /^access-review-.*\.csv$/))

/** Each workbook row's changed_since_last_review that says something, with its user id. */
const changesIn = (rows: ReadonlyArray<Record<string, string>>) =>
  rows.filter((row) => row.changed_since_last_review !== "").map((row) => [row.user_id, row.changed_since_last_review])

/** The review users a quarter later: Dekker gone, Nia new, Zimmer promoted to Admin, Adams no longer one. */
const aQuarterLater = () =>
  startSimulator({
    data: [
      ...REVIEW_USERS.filter((user) => user.id !== "u-dekker").map((user) =>
        user.id === "u-zimmer"
          ? { ...user, role: { name: "Admin" } }
          : user.id === "u-admin"
            ? { ...user, role: { name: "AnalystReadOnly" } }
            : user
      ),
      wire("u-newadmin", { givenName: "Nia", familyName: "New", role: { name: "Admin" } })
    ],
    now: new Date(AS_OF)
  })

/** `review` in its own process, no file it writes larger than `limitBlocks` 512-byte blocks. */
const reviewWithFileLimit = (limitBlocks: number) =>
  runCliWithFileLimit(
    ["review", "--api-url", simulator.baseUrl, "--report-dir", directory, "--as-of", AS_OF_ISO],
    limitBlocks,
    { PANTHER_API_TOKEN: simulator.readToken }
  )

/**
 * Fills in the review workbook's decisions by user id, the rest left blank, and saves it again as a spreadsheet
 * would (CRLF lines). Returns its path.
 */
const decideInWorkbook = (decisions: Readonly<Record<string, string>>): string => {
  const path = fileMatching(directory, /^access-review-.*\.csv$/)
  const decided = readWorkbook().map((row) => ({ ...row, decision: decisions[row.user_id ?? ""] ?? "" }))
  writeFileSync(path, stringify(decided, { header: true, record_delimiter: "\r\n" }))
  return path
}

describe("panther-audit review", () => {
  it("writes the findings reports and the review workbook and page under one stamp, and exits 0", async () => {
    const result = await review(simulator)
    expect(result.error).toBe("")
    expect(result.code).toBe(0)
    const files = readdirSync(directory).sort()
    expect(files).toHaveLength(4)
    const stamp = /^access-review-(\d{8}T\d{6}Z)\.csv$/.exec(files[0] ?? "")?.[1]
    expect(files).toEqual([
      `access-review-${stamp}.csv`,
      `access-review-${stamp}.html`,
      `user-audit-${stamp}.csv`,
      `user-audit-${stamp}.json`
    ])
    for (const file of files) expect(result.stdout).toContain(join(directory, file))
    // Judged as of a past quarter's end, but read now: the page says both, so it is not taken for a snapshot then.
    const page = readFileSync(join(directory, `access-review-${stamp}.html`), "utf8")
    expect(page).toMatch(/users as read at \d{4}-\d\d-\d\d[^,]*, judged as of 2026-06-30/)
    expect(page).toContain("Users read at")
  })

  it("counts the users to review in its closing line, one as one", async () => {
    expect((await review(simulator)).stdout).toMatch(/^Access review: \d+ users\. Fill in decision/m)
    const alone = await startSimulator({ data: REVIEW_USERS.slice(0, 1), now: new Date(AS_OF) })
    try {
      expect((await review(alone)).stdout).toMatch(/^Access review: 1 user\. Fill in decision/m)
    } finally {
      await alone.close()
    }
  })

  it("counts the page's figures as its closing line counts, one user or one invalid record as one", async () => {
    const figure = (html: string, label: string) =>
      new RegExp(`<span class="n">1</span><span class="l">${label}</span>`).test(html)
    expect((await review(simulator)).code).toBe(0)
    const all = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    expect(figure(all, "invalid record")).toBe(true)
    expect(figure(all, "invalid records")).toBe(false)
    rmSync(directory, { recursive: true, force: true })
    mkdirSync(directory)
    const alone = await startSimulator({ data: REVIEW_USERS.slice(0, 1), now: new Date(AS_OF) })
    try {
      expect((await review(alone)).code).toBe(0)
    } finally {
      await alone.close()
    }
    const one = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    expect(figure(one, "user in scope")).toBe(true)
    expect(figure(one, "users in scope")).toBe(false)
  })

  it("leaves nothing under a final name when the review itself cannot be written", async () => {
    const sizes = async () => {
      expect((await review(simulator)).code).toBe(0)
      const size = (pattern: RegExp) => statSync(fileMatching(directory, pattern)).size
      const result = {
        findings: Math.max(
          size(/^user-audit-.*\.json$/),
          size(/^user-audit-.*\.csv$/),
          size(/^access-review-.*\.csv$/)
        ),
        page: size(/^access-review-.*\.html$/)
      }
      for (const file of readdirSync(directory)) rmSync(join(directory, file))
      return result
    }
    // A file size limit the findings reports and the workbook fit under and the page does not: the disk "fills up"
    // after the findings reports are in place.
    const { findings, page } = await sizes()
    // In 512-byte blocks, as POSIX sh counts them.
    const limitBlocks = Math.ceil(findings / 512) + 2
    expect(page).toBeGreaterThan(limitBlocks * 512)
    const limited = await reviewWithFileLimit(limitBlocks)
    expect(limited.code, limited.stderr).toBe(4)
    expect(limited.stderr).toMatch(
      /cannot write .*access-review\.html.*: the file grew past the largest size this process may write \(a file size limit/
    )
    expect(readdirSync(directory)).toEqual([])

    // With an earlier report whose email was not delivered, the review carries that mark with its reports; failing,
    // it takes the carried mark away too, and the earlier report's own mark stays to tell the next run.
    expect((await review(simulator)).code).toBe(0)
    const earlier = fileMatching(directory, /^user-audit-.*\.json$/).replace(/\.json$/, ".undelivered")
    writeFileSync(earlier, "the audit email was not sent: test\n")
    const before = readdirSync(directory).sort()
    const again = await reviewWithFileLimit(limitBlocks)
    expect(again.code, again.stderr).toBe(4)
    expect(readdirSync(directory).sort()).toEqual(before)
  })

  it("never waits on a pipe given the last review's workbook name after it was looked at, as a swap in a loop does", async () => {
    const earlier = "access-review-20260331T000000Z.csv"
    const swapper = swapPipeAndFile(directory, earlier, `${REVIEW_COLUMNS.join(",")}\r\n`)
    try {
      for (let attempt = 1; attempt <= 6; attempt++) {
        const result = await runCli(
          ["review", "--api-url", simulator.baseUrl, "--report-dir", directory, "--as-of", AS_OF_ISO],
          { env: { PANTHER_API_TOKEN: simulator.readToken }, timeoutMs: 15_000 }
        )
        expect(result.signal, "the review waited on the pipe until it was killed").toBe(null)
        expect(result.code, result.stderr).toBe(0)
        // So that the swapped name stays the newest workbook, the one the next review compares with.
        for (const written of readdirSync(directory).filter((file) => !file.startsWith("."))) {
          if (written !== earlier) rmSync(join(directory, written))
        }
      }
    } finally {
      swapper.kill("SIGKILL")
    }
    // Six reviews beside a swapper that takes a core: on a busy 2-core machine they outlasted 30 s, none stuck.
  }, 120_000)

  it("leaves nothing under a final name when stopped while comparing with the last review", async () => {
    // An earlier workbook of 100,000 accounts, deactivated then (so none is listed as removed): reading it takes about
    // a second once the audit has finished, and the review is stopped then.
    const cells = (index: number) =>
      REVIEW_COLUMNS.map((column) =>
        column === "user_id"
          ? `old-${index}`
          : column === "email"
            ? `old-${index}@example.com`
            : column === "enabled"
              ? "false"
              : ""
      ).join(",")
    const earlier = "access-review-20260331T000000Z.csv"
    const rows = Array.from({ length: 100_000 }, (_, index) => `${cells(index)}\r\n`).join("")
    writeFileSync(join(directory, earlier), `\uFEFF${REVIEW_COLUMNS.join(",")}\r\n${rows}`)
    const child = endWithTest(
      spawn(
        process.execPath,
        [BIN, "review", "--api-url", simulator.baseUrl, "--report-dir", directory, "--as-of", AS_OF_ISO],
        {
          env: {
            PATH: process.env.PATH ?? "",
            PANTHER_API_TOKEN: simulator.readToken,
            LOG_LEVEL: "info",
            LOG_FORMAT: "json"
          }
        }
      )
    )
    let stderr = ""
    let stopped = false
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
      // The findings reports are in place: what follows is the comparison with the earlier workbook.
      if (!stopped && stderr.includes('"message":"audit finished"')) {
        stopped = true
        child.kill("SIGTERM")
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    expect(stopped).toBe(true)
    expect(code, stderr).toBe(143)
    expect(stderr).toContain("review interrupted")
    expect(readdirSync(directory)).toEqual([earlier])
  })

  it("run and review started together in one directory take turns, and each review pairs with its own reports", async () => {
    // Held by this test until all three wait for it, so that the commands meet at the lock however slowly each
    // starts on a busy machine.
    const lock = join(directory, ".panther-audit.lock")
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: "test", command: "the test", startedAt: AS_OF_ISO }))
    const waiting = new Set<number>()
    let allWaiting: () => void = () => undefined
    const allWait = new Promise<void>((resolve) => {
      allWaiting = resolve
    })
    const start = (command: string, index: number) =>
      runCli([command, "--api-url", simulator.baseUrl, "--report-dir", directory, "--as-of", AS_OF_ISO], {
        env: { PANTHER_API_TOKEN: simulator.readToken, LOG_LEVEL: "info" },
        onStderr: (stderr) => {
          if (stderr.includes("Waiting for the test (pid ")) waiting.add(index)
          if (waiting.size === 3) allWaiting()
        }
      })
    const running = Promise.all([start("run", 0), start("review", 1), start("review", 2)])
    // Should one never wait (the test then fails below), the lock still goes, so that the others finish.
    let giveUp: NodeJS.Timeout | undefined
    await Promise.race([allWait, running, new Promise((resolve) => (giveUp = setTimeout(resolve, 30_000)))])
    clearTimeout(giveUp)
    rmSync(lock)
    const results = await running
    for (const result of results) expect(result.code, result.stderr).toBe(0)
    for (const result of results) expect(result.stderr).toContain("Waiting for the test (pid ")
    const files = readdirSync(directory)
    expect(files).not.toContain(".panther-audit.lock")
    const pages = files.filter((file) => file.endsWith(".html"))
    expect(pages).toHaveLength(2)
    for (const page of pages) {
      // The page and the findings report of one review carry one run id.
      const stem = page.replace(/^access-review-/, "").replace(/\.html$/, "")
      const report = JSON.parse(readFileSync(join(directory, `user-audit-${stem}.json`), "utf8").replace(/^\uFEFF/, ""))
      expect(readFileSync(join(directory, page), "utf8")).toContain(report.run.runId)
    }
    expect(files.filter((file) => /^user-audit-.*\.json$/.test(file))).toHaveLength(3)
  })

  it("says which accounts came and went since the last review, on the page, in the workbook and the summary", async () => {
    const first = await review(simulator)
    expect(first.stdout).toContain(
      "Since the last review: not compared (no earlier review workbook in the report directory; to compare with " +
        "last quarter's, kept in another folder, give it with --compare-with)."
    )
    const before = readWorkbook()
    expect(before.map((row) => row.new_since_last_review)).toEqual(before.map(() => ""))
    expect(before[0]).toMatchObject({ instance: `127.0.0.1:${simulator.port}`, as_of: AS_OF_ISO })
    const pages = () => readdirSync(directory).filter((file) => file.endsWith(".html"))
    const firstPage = pages()[0] ?? ""

    const later = await aQuarterLater()
    try {
      const second = await review(later)
      expect(second.code, second.error).toBe(0)
      const firstWorkbook = firstPage.replace(/\.html$/, ".csv")
      expect(second.stdout).toContain(`Since the last review (${firstWorkbook}): 1 account added, 1 removed, 2 changed`)
      const page = readFileSync(join(directory, pages().find((name) => name !== firstPage) ?? ""), "utf8")
      expect(page).toContain("Since the last review: 1 added")
      expect(page).toContain("<td>Nia New</td><td>u-newadmin@example.com</td><td>Admin</td><td>yes</td>")
      expect(page).toContain("<td>Carl Dekker</td><td>u-dekker@example.com</td><td>u-dekker</td><td>no</td>")
      const workbooks = readdirSync(directory).filter((file) => file.endsWith(".csv") && file !== firstWorkbook)
      const rows: Array<Record<string, string>> = parse(readFileSync(join(directory, workbooks[0] ?? ""), "utf8"), {
        bom: true,
        columns: true,
        record_delimiter: "\r\n"
      })
      expect(rows.filter((row) => row.new_since_last_review === "true").map((row) => row.user_id)).toEqual([
        "u-newadmin"
      ])
      expect(rows.filter((row) => row.new_since_last_review === "false")).toHaveLength(rows.length - 1)
      // Access that changed on an account both reviews have: a promotion to Admin above all.
      expect(changesIn(rows)).toEqual([
        ["u-zimmer", "role Analyst -> Admin; now privileged"],
        ["u-admin", "role Admin -> AnalystReadOnly; no longer privileged"]
      ])
      expect(page).toContain("2 changed")
      expect(page).toContain(
        "<td>Eve Zimmer</td><td>u-zimmer@example.com</td><td>role Analyst -&gt; Admin; now privileged</td>"
      )
    } finally {
      await later.close()
    }
  })

  it("names the last workbook's enabled and privileged cells it reads as neither true nor false, not guessing", async () => {
    // The last review listed the deactivated too: Gina Gone was deactivated then.
    expect((await review(simulator, "--include-deactivated")).code).toBe(0)
    const path = fileMatching(directory, /^access-review-.*\.csv$/)
    const workbook = basename(path)
    // Saved again by a Russian Excel as plain CSV: ИСТИНА and ЛОЖЬ in Windows-1251, read as Windows-1252 is.
    const inWindows1251 = { true: "\xC8\xD1\xD2\xC8\xCD\xC0", false: "\xCB\xCE\xC6\xDC" }
    const resaved = readWorkbook().map((row) => ({
      ...row,
      enabled: inWindows1251[row.enabled === "true" ? "true" : "false"],
      privileged: inWindows1251[row.privileged === "true" ? "true" : "false"]
    }))
    writeFileSync(path, Buffer.from(stringify(resaved, { header: true, record_delimiter: "\r\n" }), "latin1"))
    const again = await review(simulator)
    expect(again.code, again.error).toBe(0)
    const cells = resaved.length * 2
    expect(again.stdout).toContain(
      `${cells} enabled or privileged cells in ${workbook} are neither TRUE nor FALSE as this review reads them ` +
        '(row 2 enabled "\u00C8\u00D1\u00D2\u00C8\u00CD\u00C0", row 2 privileged '
    )
    expect(again.stdout).toContain(`, and ${cells - 5} more), so whether`)
    // The page says so too: it may be all an auditor reads.
    const page = readdirSync(directory).find(
      (name) => /^access-review-.*\.html$/.test(name) && name !== workbook.replace(/\.csv$/, ".html")
    )
    expect(readFileSync(join(directory, page ?? ""), "utf8")).toContain(
      `${cells} enabled or privileged cells in ${workbook} are neither TRUE nor FALSE`
    )
    expect(again.stdout).toContain(
      "so whether their accounts could sign in, or were privileged, then is not known: one unable to sign in then " +
        "and gone since is counted as removed, and no change of sign-in or privilege is said. Write TRUE or FALSE " +
        "there, or save the workbook as CSV UTF-8, and review again."
    )
  })

  it("counts an account unable to sign in then as removed by nobody, and one able to again as reactivated", async () => {
    // The last review listed the deactivated too: Gina Gone was deactivated then.
    expect((await review(simulator, "--include-deactivated")).code).toBe(0)
    const stillOff = await review(simulator)
    expect(stillOff.stdout).toContain("0 accounts added, 0 removed, 0 changed")
    const reactivated = await startSimulator({
      data: REVIEW_USERS.map((user) => (user.id === "u-gone" ? { ...user, enabled: true } : user)),
      now: new Date(AS_OF)
    })
    const newestWorkbook = () =>
      join(
        directory,
        readdirSync(directory)
          .filter((name) => /^access-review-.*\.csv$/.test(name))
          .sort((a, b) => statSync(join(directory, a)).mtimeMs - statSync(join(directory, b)).mtimeMs)
          .at(-1) ?? ""
      )
    try {
      // Compared with the first review again, which listed Gina deactivated.
      rmSync(newestWorkbook())
      const back = await review(reactivated)
      expect(back.stdout).toContain("0 accounts added, 0 removed, 1 changed")
      const workbook: Array<Record<string, string>> = parse(readFileSync(newestWorkbook(), "utf8"), {
        bom: true,
        columns: true
      })
      expect(changesIn(workbook)).toEqual([["u-gone", "reactivated"]])
    } finally {
      await reactivated.close()
    }
  })

  it("names the last review's decisions that were not carried out: a revoke, a role change", async () => {
    expect((await review(simulator)).code).toBe(0)
    // The reviewer fills in decisions, and a spreadsheet saves the workbook again.
    const path = decideInWorkbook({
      "u-zimmer": "revoke",
      "u-helpdesk": "change-role:AnalystReadOnly",
      "u-admin": "keep"
    })
    const again = await review(simulator)
    expect(again.stdout).toContain("0 accounts added, 0 removed, 2 changed")
    const newest = workbooksOtherThan(path)
    const rows: Array<Record<string, string>> = parse(readFileSync(newest[0] ?? "", "utf8"), {
      bom: true,
      columns: true
    })
    expect(changesIn(rows)).toEqual([
      ["u-helpdesk", "change-role:AnalystReadOnly decided at the last review, role still Helpdesk"],
      ["u-zimmer", "revoke decided at the last review, still able to sign in"]
    ])
  })

  it("says a role change names no role Panther has, which one comes closest and the row to fix", async () => {
    expect((await review(simulator)).code).toBe(0)
    // A typo where AnalystReadOnly was meant: told apart from a role change not made, where it was "role still".
    const path = decideInWorkbook({ "u-helpdesk": "change-role:AnalystReadOnyl" })
    const row = readWorkbookRows(path).findIndex((each) => each.user_id === "u-helpdesk") + 2
    const again = await review(simulator)
    expect(again.code, again.error).toBe(0)
    const said =
      "change-role:AnalystReadOnyl decided at the last review, role still Helpdesk: no role in Panther has that " +
      "name or id (the closest: AnalystReadOnly), so write the role as Panther names it, or its id, in the decision " +
      `on row ${row} of the last review's workbook and review again`
    const newest = workbooksOtherThan(path)[0] ?? ""
    expect(changesIn(readWorkbookRows(newest))).toEqual([["u-helpdesk", said]])
    expect(readFileSync(newest.replace(/\.csv$/, ".html"), "utf8")).toContain(escapeHtml(said))
  })

  it("says a role change not carried out left the role as it was only when it did, not of an account moved elsewhere", async () => {
    expect((await review(simulator)).code).toBe(0)
    // Both to be made AnalystReadOnly; a quarter later Eve is an Admin instead, and Amy still Helpdesk.
    const path = decideInWorkbook({
      "u-zimmer": "change-role:AnalystReadOnly",
      "u-helpdesk": "change-role:AnalystReadOnly"
    })
    const later = await aQuarterLater()
    try {
      expect((await review(later)).code).toBe(0)
    } finally {
      await later.close()
    }
    const newest = workbooksOtherThan(path)
    const changes = changesIn(readWorkbookRows(newest[0] ?? ""))
    expect(changes).toContainEqual([
      "u-zimmer",
      "role Analyst -> Admin; now privileged; change-role:AnalystReadOnly decided at the last review, role now Admin"
    ])
    expect(changes).toContainEqual([
      "u-helpdesk",
      "change-role:AnalystReadOnly decided at the last review, role still Helpdesk"
    ])
  })

  it("reads a role change decided by the role's id, in any case, as carried out once the account has that role", async () => {
    const ids = { admin: "3f0b5a7e-1c2d-4e8f-9a6b-0d1e2f3a4b5c", readOnly: "c5d7e9f1-4a6b-4c8d-9e0f-2b3c4d5e6f70" }
    expect((await review(simulator)).code).toBe(0)
    // The ids copied from GET /roles or the workbook's role_id column, one of them upper-cased by a spreadsheet.
    const path = decideInWorkbook({
      "u-helpdesk": `change-role:${ids.readOnly.toUpperCase()}`,
      "u-zimmer": `change-role:${ids.readOnly}`,
      "u-admin": `change-role:${ids.admin}`
    })
    // Amy's role was changed as decided; Eve's was not.
    const later = await startSimulator({
      data: REVIEW_USERS.map((user) =>
        user.id === "u-helpdesk" ? { ...user, role: { name: "AnalystReadOnly" } } : user
      ),
      now: new Date(AS_OF)
    })
    try {
      expect((await review(later)).code).toBe(0)
    } finally {
      await later.close()
    }
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? "")).sort()).toEqual([
      ["u-helpdesk", "role Helpdesk -> AnalystReadOnly; no longer privileged"],
      ["u-zimmer", `change-role:${ids.readOnly} (AnalystReadOnly) decided at the last review, role still Analyst`]
    ])
  })

  it("matches a role change decided with a role's exact name first, and names one that fits two roles", async () => {
    const role = (id: string, name: string) => ({ id, name, permissions: ["AlertRead"] })
    // Two roles whose names differ in case alone, and one named as another's id.
    const roles = [
      role("r-reader", "Reader"),
      role("r-upper", "Auditor"),
      role("r-lower", "auditor"),
      role("r-ops", "Ops"),
      role("r-2", "r-ops")
    ]
    const held = (id: string) => {
      const { name } = roles.find((each) => each.id === id) ?? { name: "" }
      return { role: { id, name } }
    }
    let users = ["u-amy", "u-bob", "u-cy", "u-dan"].map((id) => wire(id, held("r-reader")))
    const server = await scriptedPanther(
      () => roles,
      () => users
    )
    expect((await reviewOfScripted(server)).code).toBe(0)
    const path = decideInWorkbook({
      "u-amy": "change-role:auditor",
      "u-bob": "change-role:AUDITOR",
      "u-cy": "change-role:r-ops",
      "u-dan": "change-role:Auditor"
    })
    users = [
      wire("u-amy", held("r-upper")),
      wire("u-bob", held("r-lower")),
      wire("u-cy", held("r-2")),
      wire("u-dan", held("r-upper"))
    ]
    const again = await reviewOfScripted(server)
    expect(again.code, again.error).toBe(0)
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? "")).sort()).toEqual([
      // Decided to the role named auditor exactly, moved to Auditor: not what was decided.
      ["u-amy", "role Reader -> Auditor; change-role:auditor decided at the last review, role now Auditor"],
      [
        "u-bob",
        "role Reader -> auditor; change-role:AUDITOR decided at the last review fits 2 roles (Auditor, id r-upper; " +
          "auditor, id r-lower) and the account now holds one, auditor: whether it was carried out is not known; " +
          "decide by the role's id"
      ],
      [
        "u-cy",
        "role Reader -> r-ops; change-role:r-ops decided at the last review fits 2 roles (Ops, id r-ops; " +
          "r-ops, id r-2) and the account now holds one, r-ops: whether it was carried out is not known; " +
          "decide by the role's id"
      ],
      ["u-dan", "role Reader -> Auditor"]
    ])
  })

  it("quotes a change-role decision not carried out without a secret the reviewer pasted into it", async () => {
    const users = [wire("u-amy", { role: { name: "Reader" } })]
    const server = await startScriptedServer(() => json(200, { results: users }))
    onTestFinished(() => server.close())
    expect((await reviewOfScripted(server)).code).toBe(0)
    // The API token pasted where the role's name was meant to go; the role is not changed.
    const path = decideInWorkbook({ "u-amy": "change-role:scripted-token-1234" })
    const again = await reviewOfScripted(server)
    expect(again.code, again.error).toBe(0)
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? ""))).toEqual([
      [
        "u-amy",
        "change-role:[not shown: it quoted a secret] decided at the last review, role still Reader: whether " +
          "Panther has a role of that name or id is not known, as not all of its roles could be read, so check the " +
          "decision on row 2 of the last review's workbook against Panther's roles"
      ]
    ])
    const page = readFileSync((newest[0] ?? "").replace(/\.csv$/, ".html"), "utf8")
    expect(page).toContain("change-role:[not shown: it quoted a secret] decided")
    expect(readFileSync(newest[0] ?? "", "utf8") + page + again.stdout).not.toContain("scripted-token-1234")
  })

  it("does not take an account left with no role for a role change carried out, unless no role was decided", async () => {
    const reader = { role: { id: "r-reader", name: "Reader" } }
    const roles = [
      { id: "r-reader", name: "Reader", permissions: ["AlertRead"] },
      { id: "r-analyst", name: "Analyst", permissions: ["AlertRead"] }
    ]
    let users = [wire("u-amy", reader), wire("u-bob", reader), wire("u-cy", reader), wire("u-eve", { role: {} })]
    const server = await scriptedPanther(
      () => roles,
      () => users
    )
    expect((await reviewOfScripted(server)).code).toBe(0)
    const path = decideInWorkbook({
      "u-amy": "change-role:Analyst",
      "u-bob": "change-role:(no role)",
      "u-cy": "change-role:(No Role)",
      "u-eve": "change-role:Analyst"
    })
    // Amy's role taken away rather than changed; Bob's taken away as decided; Cy and Eve left as they were.
    users = [
      wire("u-amy", { role: {} }),
      wire("u-bob", { role: {} }),
      wire("u-cy", reader),
      wire("u-eve", { role: {} })
    ]
    const again = await reviewOfScripted(server)
    expect(again.code, again.error).toBe(0)
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? "")).sort()).toEqual([
      ["u-amy", "role Reader -> (no role); change-role:Analyst decided at the last review, role now (no role)"],
      ["u-bob", "role Reader -> (no role)"],
      ["u-cy", "change-role:(No Role) decided at the last review, role still Reader"],
      ["u-eve", "change-role:Analyst decided at the last review, role still (no role)"]
    ])
  })

  it("shows the accounts added and removed on the page with names, roles and ids of 100 KB cut short", async () => {
    const long = (start: string, end: string) => `${start}${"x".repeat(100_000)}${end}`
    let users = [
      wire("u-amy"),
      wire(long("u-gone-", "-1"), {
        givenName: "Ann",
        familyName: long("Gone", "Ann"),
        role: { name: long("Role", "One") }
      })
    ]
    const server = await startScriptedServer((_index, request) =>
      request.path === "/roles" ? json(404, { message: "not found" }) : json(200, { results: users })
    )
    onTestFinished(() => server.close())
    expect((await reviewOfScripted(server)).code).toBe(0)
    const lastQuarter = fileMatching(directory, /^access-review-.*\.csv$/)
    users = [
      wire("u-amy"),
      wire("u-new", { givenName: "Ned", familyName: long("New", "Ned"), role: { name: long("Role", "Two") } })
    ]
    const again = await reviewOfScripted(server)
    expect(again.code, again.error).toBe(0)
    expect(again.stdout).toContain("1 account added, 1 removed, 0 changed")
    const page = readFileSync(workbooksOtherThan(lastQuarter)[0]?.replace(/\.csv$/, ".html") ?? "", "utf8")
    const section = /<h3>Since the last review.*?<\/section>/s.exec(page)?.[0] ?? ""
    expect(section).toMatch(/<td>Ned Newx+…x+Ned<\/td>/)
    expect(section).toMatch(/<td>Rolex+…x+Two<\/td>/)
    // As the last workbook holds them: cut at a cell's limit, with the mark that says so.
    expect(section).toMatch(/<td>Ann Gonex+…x+…\[cut: 100,007 characters in all\]<\/td>/)
    expect(section).toMatch(/<td>u-gone-x+…x+…\[cut: 100,009 characters in all\]<\/td>/)
    expect(section.length).toBeLessThan(5_000)
  })

  it("quotes no secret pasted into the last workbook's role, email or a removed account's cells", async () => {
    const users = [wire("u-amy", { role: { name: "Reader" } }), wire("u-bob", { role: { name: "Reader" } })]
    let sent = users
    const server = await startScriptedServer(() => json(200, { results: sent }))
    onTestFinished(() => server.close())
    expect((await reviewOfScripted(server)).code).toBe(0)
    // The API token pasted over Amy's role and email, and Bob's email and name; Bob is deleted before the next review.
    const path = fileMatching(directory, /^access-review-.*\.csv$/)
    const pasted = readWorkbook().map((row) =>
      row.user_id === "u-amy"
        ? { ...row, role_name: "scripted-token-1234", email: "scripted-token-1234" }
        : { ...row, email: "scripted-token-1234", given_name: "scripted-token-1234" }
    )
    writeFileSync(path, stringify(pasted, { header: true, record_delimiter: "\r\n" }))
    sent = [users[0] ?? wire("u-amy"), { ...(users[1] ?? wire("u-bob")), id: "u-carl" }]
    const again = await reviewOfScripted(server)
    expect(again.code, again.error).toBe(0)
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? ""))).toEqual([
      [
        "u-amy",
        "role [not shown: it quoted a secret] -> Reader; email [not shown: it quoted a secret] -> u-amy@example.com"
      ]
    ])
    const page = readFileSync((newest[0] ?? "").replace(/\.csv$/, ".html"), "utf8")
    expect(page).toContain("<td>u-bob</td>")
    expect(readFileSync(newest[0] ?? "", "utf8") + page + again.stdout + again.error).not.toContain(
      "scripted-token-1234"
    )
  })

  it("names the roles a decision fits without a secret the last workbook gave one of them as its name", async () => {
    const roles = [
      { id: "r-reader", name: "Reader", permissions: ["AlertRead"] },
      { id: "r-2", name: "r-ops", permissions: ["AlertRead"] }
    ]
    let users = ["u-amy", "u-bob"].map((id) => wire(id, { role: { id: "r-reader", name: "Reader" } }))
    const server = await scriptedPanther(
      () => roles,
      () => users
    )
    expect((await reviewOfScripted(server)).code).toBe(0)
    // Bob's role given as r-ops, its name the API token pasted over it; Amy decided to r-ops, which now fits both.
    const path = decideInWorkbook({ "u-amy": "change-role:r-ops" })
    const pasted = readWorkbook().map((row) =>
      row.user_id === "u-bob" ? { ...row, role_id: "r-ops", role_name: "scripted-token-1234" } : row
    )
    writeFileSync(path, stringify(pasted, { header: true, record_delimiter: "\r\n" }))
    users = [wire("u-amy", { role: { id: "r-2", name: "r-ops" } }), users[1] ?? wire("u-bob")]
    const again = await reviewOfScripted(server)
    expect(again.code, again.error).toBe(0)
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? "")).sort()).toEqual([
      [
        "u-amy",
        "role Reader -> r-ops; change-role:r-ops decided at the last review fits 2 roles (r-ops, id r-2; " +
          "[not shown: it quoted a secret], id r-ops) and the account now holds one, r-ops: whether it was carried " +
          "out is not known; decide by the role's id"
      ],
      ["u-bob", "role [not shown: it quoted a secret] -> Reader"]
    ])
    const page = readFileSync((newest[0] ?? "").replace(/\.csv$/, ".html"), "utf8")
    expect(readFileSync(newest[0] ?? "", "utf8") + page + again.stdout).not.toContain("scripted-token-1234")
  })

  it("matches a role change decided by id with a role Panther sends by name alone, by GET /roles", async () => {
    const users = [
      wire("u-amy", { role: { name: "Reader" } }),
      wire("u-bob", { role: { name: "Analyst" } }),
      wire("u-cy", { role: { id: "r-reader" } })
    ]
    const roles = [
      { id: "r-reader", name: "Reader", permissions: ["UserRead"] },
      { id: "r-analyst", name: "Analyst", permissions: ["AlertRead"] }
    ]
    const server = await scriptedPanther(
      () => roles,
      () => users
    )
    const againstScripted = () => reviewOfScripted(server)
    expect((await againstScripted()).code).toBe(0)
    // Decided by id for an account sent with the role's name, and by name for one sent with the role's id.
    const path = decideInWorkbook({
      "u-amy": "change-role:r-reader",
      "u-bob": "change-role:r-reader",
      "u-cy": "change-role:reader"
    })
    expect((await againstScripted()).code).toBe(0)
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? ""))).toEqual([
      ["u-bob", "change-role:r-reader (Reader) decided at the last review, role still Analyst"]
    ])
  })

  it("tells a role renamed in Panther, same id, from a change of role, and names the rename once", async () => {
    const analyst = { id: "r-analyst", name: "Analyst", permissions: ["AlertRead"] }
    const admin = { id: "r-admin", name: "Admin", permissions: ["UserModify"] }
    let roles = [analyst, admin]
    let users = [
      wire("u-amy", { role: { id: "r-analyst", name: "Analyst" } }),
      wire("u-bob", { role: { id: "r-analyst", name: "Analyst" } }),
      wire("u-cy", { role: { id: "r-analyst", name: "Analyst" } }),
      wire("u-dan", { role: { id: "r-admin" } })
    ]
    const server = await scriptedPanther(
      () => roles,
      () => users
    )
    const againstScripted = () => reviewOfScripted(server)
    expect((await againstScripted()).code).toBe(0)
    const lastQuarter = fileMatching(directory, /^access-review-.*\.csv$/)
    // Between the reviews an admin renames Analyst to "SOC Analyst"; Cy is made an Admin; Dan, sent by his role's
    // id alone then, is sent by its name alone now.
    roles = [{ ...analyst, name: "SOC Analyst" }, admin]
    users = [
      wire("u-amy", { role: { id: "r-analyst", name: "SOC Analyst" } }),
      wire("u-bob", { role: { id: "r-analyst", name: "SOC Analyst" } }),
      wire("u-cy", { role: { id: "r-admin", name: "Admin" } }),
      wire("u-dan", { role: { name: "Admin" } })
    ]
    const again = await againstScripted()
    expect(again.code, again.error).toBe(0)
    expect(again.stdout).toContain("0 accounts added, 0 removed, 1 changed")
    const sentence =
      "1 role renamed in Panther since, the same role id under another name: Analyst -> SOC Analyst (2 accounts). " +
      "Its accounts' access is the same, so they are not counted as changed for it; a change of what a role may do " +
      "shows as a change of privilege."
    expect(again.stdout).toContain(sentence)
    const newest = workbooksOtherThan(lastQuarter)
    expect(changesIn(readWorkbookRows(newest[0] ?? ""))).toEqual([["u-cy", "role Analyst -> Admin; now privileged"]])
    const page = readFileSync(newest[0]?.replace(/\.csv$/, ".html") ?? "", "utf8")
    expect(page).toContain(escapeHtml(sentence))
  })

  it("quotes a role of 100 KB renamed since cut short, and tells two long roles apart by id past a cell's cut", async () => {
    // Two roles named by another system with the same 100,000 characters but their last: cut at a cell's limit, the
    // workbook holds the same text for both.
    const long = (end: string) => `${"R".repeat(99_999)}${end}`
    let roles = [
      { id: "r-1", name: "Analyst", permissions: ["AlertRead"] },
      { id: "r-2", name: long("2"), permissions: ["AlertRead"] },
      { id: "r-3", name: long("3"), permissions: ["AlertRead"] }
    ]
    let users = [
      wire("u-amy", { role: { id: "r-1", name: "Analyst" } }),
      wire("u-bob", { role: { id: "r-2", name: long("2") } })
    ]
    const server = await scriptedPanther(
      () => roles,
      () => users
    )
    const againstScripted = () => reviewOfScripted(server)
    expect((await againstScripted()).code).toBe(0)
    const lastQuarter = fileMatching(directory, /^access-review-.*\.csv$/)
    // Analyst is renamed with 100 KB; Bob is moved from the one long role to the other.
    roles = [{ ...roles[0], id: "r-1", name: long("A") }, ...roles.slice(1)] as typeof roles
    users = [
      wire("u-amy", { role: { id: "r-1", name: long("A") } }),
      wire("u-bob", { role: { id: "r-3", name: long("3") } })
    ]
    const again = await againstScripted()
    expect(again.code, again.error).toBe(0)
    expect(again.stdout).toContain("0 accounts added, 0 removed, 1 changed")
    expect(again.stdout).toMatch(
      /role renamed in Panther since, the same role id under another name: Analyst -> R+…R+A \(1 account\)\./
    )
    expect(again.stdout.length).toBeLessThan(20_000)
    const newest = workbooksOtherThan(lastQuarter)
    const changes = changesIn(readWorkbookRows(newest[0] ?? ""))
    expect(changes.map(([id]) => id)).toEqual(["u-bob"])
    expect(changes[0]?.[1]).toMatch(/^role R+…R+…\[cut: 100,000 characters in all\] -> R+…R+3$/)
    const page = readFileSync(newest[0]?.replace(/\.csv$/, ".html") ?? "", "utf8")
    const sentence = /1 role renamed in Panther since[^\n]*?shows as a change of privilege\./.exec(again.stdout)?.[0]
    expect(sentence?.length).toBeLessThan(600)
    expect(page).toContain(escapeHtml(sentence ?? "not said"))
  })

  it("lists no change of role for accounts of a role deleted and made again under its name", async () => {
    let roles = [{ id: "r-old", name: "Analyst", permissions: ["AlertRead"] }]
    let users = [wire("u-amy", { role: { id: "r-old", name: "Analyst" } })]
    const server = await scriptedPanther(
      () => roles,
      () => users
    )
    const againstScripted = () => reviewOfScripted(server)
    expect((await againstScripted()).code).toBe(0)
    roles = [{ id: "r-new", name: "Analyst", permissions: ["AlertRead"] }]
    users = [wire("u-amy", { role: { id: "r-new", name: "Analyst" } })]
    const again = await againstScripted()
    expect(again.code, again.error).toBe(0)
    expect(again.stdout).toContain("0 accounts added, 0 removed, 0 changed")
  })

  it("tells by the last workbook's rows a role sent by its id then and by its name now, GET /roles unread", async () => {
    let users = [
      wire("u-amy", { role: { id: "r-reader" } }),
      wire("u-bob", { role: { id: "r-reader", name: "Reader" } }),
      wire("u-cy", { role: { id: "r-reader" } })
    ]
    const server = await startScriptedServer((_index, request) =>
      request.path === "/roles" ? json(404, { message: "not found" }) : json(200, { results: users })
    )
    onTestFinished(() => server.close())
    const againstScripted = () => reviewOfScripted(server)
    expect((await againstScripted()).code).toBe(0)
    const path = decideInWorkbook({ "u-amy": "change-role:Analyst" })
    expect(
      readWorkbookRows(path)
        .map((row) => [row.user_id, row.role_id, row.role_name])
        .sort()
    ).toEqual([
      ["u-amy", "r-reader", ""],
      ["u-bob", "r-reader", "Reader"],
      ["u-cy", "r-reader", ""]
    ])
    // Amy and Cy are sent by their role's name alone now: Bob's row says r-reader was Reader. Cy has moved.
    users = [
      wire("u-amy", { role: { name: "Reader" } }),
      wire("u-bob", { role: { id: "r-reader", name: "Reader" } }),
      wire("u-cy", { role: { name: "Admin" } })
    ]
    const again = await againstScripted()
    expect(again.code, again.error).toBe(0)
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? "")).sort()).toEqual([
      [
        "u-amy",
        "change-role:Analyst decided at the last review, role still Reader: whether Panther has a role of that name " +
          "or id is not known, as its roles could not be read, so check the decision on row 3 of the last review's " +
          "workbook against Panther's roles"
      ],
      ["u-cy", "role r-reader -> Admin; now privileged"]
    ])
  })

  it("reads a role change decided by the role's name then as carried out, renamed since or GET /roles unread", async () => {
    const helpdesk = { id: "r-help", name: "Helpdesk", permissions: ["AlertRead"] }
    const reader = { id: "r-reader", name: "Reader", permissions: ["AlertRead"] }
    const analyst = { id: "r-analyst", name: "Analyst", permissions: ["AlertRead"] }
    let rolesRead = true
    let users = [
      wire("u-amy", { role: { id: "r-help", name: "Helpdesk" } }),
      wire("u-bob", { role: { id: "r-reader", name: "Reader" } }),
      wire("u-cy", { role: { id: "r-help", name: "Helpdesk" } }),
      wire("u-dan", { role: { id: "r-analyst", name: "Analyst" } }),
      wire("u-eve", { role: { id: "r-help", name: "Helpdesk" } })
    ]
    const server = await startScriptedServer((_index, request) =>
      request.path !== "/roles"
        ? json(200, { results: users })
        : rolesRead
          ? json(200, { results: [helpdesk, reader, analyst] })
          : json(404, { message: "not found" })
    )
    onTestFinished(() => server.close())
    const againstScripted = () => reviewOfScripted(server)
    expect((await againstScripted()).code).toBe(0)
    // Amy and Eve to Reader, by its name then; Cy to Analyst, by the role_id of Dan's row.
    const path = decideInWorkbook({
      "u-amy": "change-role:Reader",
      "u-cy": "change-role:r-analyst",
      "u-eve": "change-role:Reader"
    })
    // Reader is renamed "Read Only"; Amy and Cy are moved as decided, Cy sent by his role's name alone; and this
    // time GET /roles is not read, so only the last workbook says which id went with which name.
    rolesRead = false
    users = [
      wire("u-amy", { role: { id: "r-reader", name: "Read Only" } }),
      wire("u-bob", { role: { id: "r-reader", name: "Read Only" } }),
      wire("u-cy", { role: { name: "Analyst" } }),
      wire("u-dan", { role: { id: "r-analyst", name: "Analyst" } }),
      wire("u-eve", { role: { id: "r-help", name: "Helpdesk" } })
    ]
    const again = await againstScripted()
    expect(again.code, again.error).toBe(0)
    const newest = workbooksOtherThan(path)
    expect(changesIn(readWorkbookRows(newest[0] ?? "")).sort()).toEqual([
      ["u-amy", "role Helpdesk -> Read Only"],
      ["u-cy", "role Helpdesk -> Analyst"],
      ["u-eve", "change-role:Reader decided at the last review, role still Helpdesk"]
    ])
  })

  it("names the last review's decisions it cannot read, on the summary line and the page, not passing them over", async () => {
    expect((await review(simulator)).code).toBe(0)
    // A reviewer writes what revoke means in other words, and a role change without its role.
    const path = decideInWorkbook({ "u-zimmer": "remove", "u-helpdesk": "change-role:", "u-admin": "Keep" })
    const rowOf = (userId: string) => readWorkbookRows(path).findIndex((row) => row.user_id === userId) + 2
    const again = await review(simulator)
    expect(again.code, again.error).toBe(0)
    const workbook = path.slice(directory.length + 1)
    const named = [
      [rowOf("u-zimmer"), "remove"],
      [rowOf("u-helpdesk"), "change-role:"]
    ]
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([row, decision]) => `row ${row} "${decision}"`)
    const sentence =
      `2 decisions in ${workbook} are none of keep, revoke or change-role:<role>, so whether they were carried out ` +
      `was not checked (${named.join(", ")}): write each in those words, there and in this review's workbook.`
    expect(again.stdout).toContain(sentence)
    const page = readdirSync(directory).find(
      (name) => name.endsWith(".html") && name !== workbook.replace(/\.csv$/, ".html")
    )
    expect(page).toBeDefined()
    const html = readFileSync(join(directory, page ?? ""), "utf8")
    expect(html).toContain(escapeHtml(sentence))
  })

  it("compares with the workbook --compare-with names instead of the newest, as a review run again needs", async () => {
    expect((await review(simulator)).code).toBe(0)
    const lastQuarter = fileMatching(directory, /^access-review-.*\.csv$/)
    const later = await aQuarterLater()
    try {
      expect((await review(later)).stdout).toContain("1 account added, 1 removed, 2 changed")
      // Run again the same quarter: by default it compares with the review just made, and finds no change.
      expect((await review(later)).stdout).toContain("0 accounts added, 0 removed, 0 changed")
      const again = await review(later, "--compare-with", lastQuarter)
      expect(again.code, again.error).toBe(0)
      expect(again.stdout).toContain(`Since the last review (${lastQuarter}): 1 account added, 1 removed, 2 changed`)
    } finally {
      await later.close()
    }
  })

  it("passes over a workbook stamped after the review started, and names it", async () => {
    expect((await review(simulator)).code).toBe(0)
    const lastQuarter = basename(fileMatching(directory, /^access-review-.*\.csv$/))
    const later = await aQuarterLater()
    try {
      // A copy made while a clock was years ahead, with the accounts of a later quarter: taken for the newest, it
      // would be every later review's comparison.
      const ahead = "access-review-20990101T000000Z.csv"
      expect((await review(later)).code).toBe(0)
      const justMade = readdirSync(directory).find(
        (name) => /^access-review-.*\.csv$/.test(name) && name !== lastQuarter
      )
      copyFileSync(join(directory, justMade ?? ""), join(directory, ahead))
      rmSync(join(directory, justMade ?? ""))
      const again = await review(later)
      expect(again.code, again.error).toBe(0)
      expect(again.stdout).toContain(`Since the last review (${lastQuarter}): 1 account added, 1 removed, 2 changed`)
      expect(again.stdout).toContain(`Passed over, as stamped after this review started`)
      expect(again.stdout).toContain(ahead)
      // The page says so too: it may be all a reviewer reads.
      const pages = readdirSync(directory).filter((name) => /^access-review-.*\.html$/.test(name))
      const newest = pages.sort((a, b) => statSync(join(directory, a)).mtimeMs - statSync(join(directory, b)).mtimeMs)
      const page = readFileSync(join(directory, newest.at(-1) ?? ""), "utf8")
      expect(page).toContain(`Passed over, as stamped after this review started`)
      expect(page).toContain(ahead)
    } finally {
      await later.close()
    }
  })

  it("refuses a --compare-with it cannot compare with before reading any user, and says what to give", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "review-compare-"))
    try {
      const notAWorkbook = join(elsewhere, "notes.csv")
      writeFileSync(notAWorkbook, "User;Email\r\na;a@example.com\r\n")
      const otherPanther = join(elsewhere, "access-review-20260101T000000Z.csv")
      writeFileSync(otherPanther, "user_id,email,instance,decision\r\na,a@example.com,api.other.example,\r\n")
      // A findings report has user_id and email too; only a workbook has a decision column.
      const findingsReport = join(elsewhere, "user-audit-20260101T000000Z.csv")
      writeFileSync(findingsReport, "severity,finding,user_id,email\r\nhigh,STALE_LOGIN,a,a@example.com\r\n")
      // The review's page and a findings report's JSON, given in place of the workbook written beside them.
      const page = join(elsewhere, "access-review-20260101T000000Z.html")
      writeFileSync(page, '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"></head></html>\n')
      const findingsJson = join(elsewhere, "user-audit-20260101T000000Z.json")
      writeFileSync(findingsJson, '{\n  "run": {\n    "runId": "r"\n  },\n  "findings": []\n}\n')
      const brokenLater = join(elsewhere, "access-review-20260201T000000Z.csv")
      writeFileSync(brokenLater, 'user_id,email,decision\r\na,a@example.com,\r\nb,b@example.com,"oops\r\n')
      // Not "it does not exist", as a link loop was said to be.
      const loop = join(elsewhere, "loop.csv")
      symlinkSync(join(elsewhere, "round.csv"), loop)
      symlinkSync(loop, join(elsewhere, "round.csv"))
      const cases: Array<[string, string]> = [
        [join(elsewhere, "missing.csv"), "it does not exist"],
        // As bash and zsh leave --compare-with=~/... (a ~ after = is not at the start of a word).
        [
          "~/access-review-20260101T000000Z.csv",
          "it does not exist; ~ is expanded only by a shell, at the start of a word (not after a flag's =), not by " +
            "this tool, nor in an env file, a crontab's " +
            "variable line or a systemd unit: give the full path"
        ],
        [loop, "a link in the path leads round in a loop"],
        [join(notAWorkbook, "x.csv"), "a part of the path is not a directory"],
        [elsewhere, "it is not a regular file"],
        [findingsReport, "it has user_id and email but no decision column: it is not a review workbook"],
        [brokenLater, "row 3 opens a quoted cell that is never closed: the file was cut short"],
        [
          page,
          "it is a web page (HTML), as the review's page is, not its workbook: that is the access-review-<stamp>.csv"
        ],
        [findingsJson, "it is JSON (a findings report or an export's manifest, perhaps), not a review workbook"],
        [notAWorkbook, "it has no user_id, email and decision columns: it is not a review workbook"],
        [otherPanther, "it is a review of another Panther (api.other.example)"]
      ]
      for (const [path, why] of cases) {
        const refused = await review(simulator, "--compare-with", path)
        expect(refused.code).toBe(2)
        expect(refused.error).toContain(`--compare-with ${path} cannot be compared with: ${why}`)
        expect(refused.error).toContain("Give an access-review-*.csv workbook an earlier review wrote")
        expect(readdirSync(directory)).toEqual([])
      }
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it("refuses a --compare-with workbook cut short, with a row of more cells or one pasted in, naming the row", async () => {
    expect((await review(simulator)).code).toBe(0)
    const text = readFileSync(fileMatching(directory, /^access-review-.*\.csv$/), "utf8")
    const elsewhere = mkdtempSync(join(tmpdir(), "review-compare-"))
    onTestFinished(() => rmSync(elsewhere, { recursive: true, force: true }))
    // As `head -c` or a copy that stopped halfway leaves it: row 4 broken off after its first cell.
    const rows = text.split("\r\n")
    const fourth = rows[3] ?? ""
    const cut = join(elsewhere, "cut.csv")
    writeFileSync(cut, `${rows.slice(0, 3).join("\r\n")}\r\n${fourth.slice(0, fourth.indexOf(",") + 1)}`)
    // A cell typed past the last column of row 3.
    const uneven = join(elsewhere, "uneven.csv")
    writeFileSync(uneven, rows.map((line, index) => (index === 2 ? `${line},see ticket 42` : line)).join("\r\n"))
    // Row 3 as last quarter's workbook had it, pasted over this one's without a header above it.
    const asOf = /,(\d{4}-\d\d-\d\dT[\d:.]+Z),[^,]*,[^,]*$/.exec(rows[2] ?? "")?.[1] ?? "no as_of"
    const pasted = join(elsewhere, "pasted.csv")
    const lastQuarter = (line: string) => line.replace(`,${asOf},`, ",2026-04-01T00:00:00.000Z,")
    writeFileSync(pasted, rows.map((line, index) => (index === 2 ? lastQuarter(line) : line)).join("\r\n"))
    const cases: Array<[string, string]> = [
      [cut, `it ends in the middle of row 4 (2 of the header's ${REVIEW_COLUMNS.length} cells`],
      [uneven, `row 3 has ${REVIEW_COLUMNS.length + 1} cells, 1 more than the header`],
      [
        pasted,
        `row 3 is of another review than rows 2, 4 and ${REVIEW_ORDER.length - 3} more (its as_of, ` +
          `2026-04-01T00:00:00.000Z, is not ${asOf}): a row was pasted in from another review's workbook; remove row 3`
      ]
    ]
    const before = readdirSync(directory)
    for (const [path, why] of cases) {
      const refused = await review(simulator, "--compare-with", path)
      expect(refused.code).toBe(2)
      expect(refused.error).toContain(`--compare-with ${path} cannot be compared with: ${why}`)
      expect(readdirSync(directory)).toEqual(before)
    }
  })

  it("names a review after the findings reports it wrote, a second report of the same second included", () => {
    expect(reviewStem("/r/user-audit-20260630T120000Z.json")).toBe("access-review-20260630T120000Z")
    expect(reviewStem("/r/user-audit-20260630T120000Z-2.json")).toBe("access-review-20260630T120000Z-2")
  })

  it("lists each user once, privileged first, then by role and name, with empty decision columns", async () => {
    await review(simulator)
    const path = fileMatching(directory, /^access-review-.*\.csv$/)
    const raw = readFileSync(path, "utf8")
    expect(raw.startsWith(`\uFEFF${REVIEW_COLUMNS.join(",")}\r\n`)).toBe(true)
    const rows = readWorkbook()
    expect(Object.keys(rows[0] ?? {})).toEqual([...REVIEW_COLUMNS])
    expect(rows.map((row) => row.user_id)).toEqual(REVIEW_ORDER)
    expect(rows.map((row) => row.privileged)).toEqual(["true", "true", ...Array(6).fill("false")])
    for (const row of rows) {
      expect([row.decision, row.reviewer, row.reviewed_at, row.notes]).toEqual(["", "", "", ""])
    }
    const byId = new Map(rows.map((row) => [row.user_id, row]))
    expect(byId.get("u-helpdesk")).toMatchObject({
      role_name: "Helpdesk",
      privilege_reason: 'role "Helpdesk" holds UserModify',
      findings: "PRIVILEGED_ROLE",
      highest_severity: "info"
    })
    expect(byId.get("u-dekker")).toMatchObject({
      days_since_login: "200",
      last_logged_in_at: new Date(AS_OF - 200 * 86_400_000).toISOString(),
      findings: "STALE_LOGIN",
      highest_severity: "medium",
      status: "CONFIRMED",
      enabled: "true"
    })
    expect(byId.get("u-devries")).toMatchObject({ days_since_login: "", findings: "NEVER_LOGGED_IN" })
    // An unparseable timestamp is left empty here; INVALID_RECORD says why in the findings report.
    expect(byId.get("u-badtime")).toMatchObject({
      created_at: "",
      findings: "INVALID_RECORD",
      highest_severity: "high"
    })
    expect(byId.get("u-zimmer")).toMatchObject({ findings: "", highest_severity: "", days_since_login: "3" })
  })

  it("neutralises API text a spreadsheet would run as a formula", async () => {
    await review(simulator)
    const row = readWorkbook().find((item) => item.user_id === "u-formula")
    expect(row?.given_name).toBe(`'${FORMULA_NAME}`)
  })

  it("includes deactivated users, flagged, when asked to", async () => {
    await review(simulator, "--include-deactivated")
    const rows = readWorkbook()
    expect(rows).toHaveLength(REVIEW_USERS.length)
    // Deactivated users get no findings: they cannot log in.
    expect(rows.find((row) => row.user_id === "u-gone")).toMatchObject({ enabled: "false", findings: "" })
  })

  it("numbers the page's users on from the privileged users' table through the others', as the workbook's rows go", async () => {
    expect((await review(simulator)).code).toBe(0)
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    const numbered = [...html.matchAll(/<tr[^>]*><td class="num">(\d+)<\/td><td>([^<]*)</g)].map(([, n, who]) => [
      n,
      who
    ])
    expect(numbered.slice(0, 4)).toEqual([
      ["1", "Zed Adams"],
      ["2", "Amy Brown"],
      ["3", "Tim Badtime"],
      ["4", "Bob de Vries"]
    ])
    expect(numbered.map(([n]) => Number(n))).toEqual(REVIEW_ORDER.map((_, index) => index + 1))
  })

  it("counts on the page the deactivated users a Panther sent unasked, rather than call them not read", async () => {
    // A Panther that ignores include-deactivated sends them all the same: the page lists them, so it counts them.
    const server = await scriptedPanther(
      () => [],
      () => [wire("u-on"), wire("u-off", { enabled: false })]
    )
    expect((await reviewOfScripted(server)).code).toBe(0)
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    expect(html).toContain('<div class="figure"><span class="n">1</span><span class="l">deactivated</span></div>')
    expect(html).not.toContain("not read; --include-deactivated lists them")
  })

  it("lists a deactivated privileged user among the privileged users on the page, as the workbook puts them first", async () => {
    const server = await scriptedPanther(
      () => [],
      () => [
        wire("u-admin", { givenName: "Ada", familyName: "Active", role: { name: "Admin" } }),
        wire("u-old-admin", { givenName: "Otto", familyName: "Off", role: { name: "Admin" }, enabled: false }),
        wire("u-analyst", { givenName: "Ann", familyName: "Analyst" })
      ]
    )
    expect((await reviewOfScripted(server)).code).toBe(0)
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    const [privileged = "", others = ""] = html.split("<h2>Other users")
    expect(privileged).toContain("<h2>Privileged users (2)</h2>")
    expect(privileged).toContain("Otto Off")
    expect(privileged).toContain("1 of them deactivated, marked so, and not in the figure above.")
    expect(others).toMatch(/^ \(1\)<\/h2>/)
    expect(others).not.toContain("Otto Off")
  })

  it("writes a self-contained page: no script, no external resource, every API string escaped", async () => {
    await review(simulator)
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    expect(html.startsWith("<!doctype html>")).toBe(true)
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;")
    expect(html).not.toContain(SCRIPT_NAME)
    expect(html).not.toMatch(/\s(src|href|xlink:href|srcset|action)\s*=/i)
    expect(html).not.toMatch(/url\(|@import|<link|<img|<iframe|<object|<embed/i)
    expect(html).not.toMatch(/https?:\/\//)
    // The three charts are inline SVG, and the print rules repeat table headers on every page.
    expect(html.match(/<svg class="chart"/g)).toHaveLength(3)
    expect(html).toContain("thead { display: table-header-group; }")
    expect(html).toContain("@page")
    // Every user in scope is in a table row, the privileged ones in the first table.
    const privilegedTable = html.slice(html.indexOf("Privileged users ("), html.indexOf("Other users ("))
    expect(privilegedTable).toContain("u-admin@example.com")
    expect(privilegedTable).toContain("u-helpdesk@example.com")
    expect(privilegedTable).not.toContain("u-zimmer@example.com")
    expect(html.match(/<tr( class="deactivated")?><td class="num">/g)).toHaveLength(REVIEW_ORDER.length)
    // With login data, the login figures are counts.
    expect(html).toContain('<span class="n">1</span><span class="l">never logged in (accounts over 90 days old')
    expect(html).not.toMatch(/<span class="n">unknown<\/span><span class="l">(stale|never)/)
    // Deactivated users were not read: not said to be none.
    expect(html).toContain(
      '<span class="n">unknown</span><span class="l">deactivated: not read; --include-deactivated lists them</span>'
    )
  })
})

describe("the review page's sign-off", () => {
  it("sends the reviewer to the workbook written with it", async () => {
    await review(simulator)
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    expect(html).toContain(
      "Record a decision for every user in the review workbook (the access-review CSV written with this page):"
    )
    expect(html).not.toContain("No review workbook came with this page")
  })
})

describe("a review when no user has login data", () => {
  let blind: StartedSimulator
  beforeAll(async () => {
    const users = Array.from({ length: 12 }, (_, index) => wire(`blind-${index}`, { lastLoggedInAt: null }))
    blind = await startSimulator({ data: users, now: new Date(AS_OF) })
  })
  afterAll(() => blind.close())

  it("drops NEVER_LOGGED_IN from the workbook as the findings report does", async () => {
    const result = await review(blind)
    expect(result.code).toBe(0)
    const report = JSON.parse(readFileSync(fileMatching(directory, /^user-audit-.*\.json$/), "utf8")) as {
      findings: Array<{ finding: string }>
    }
    expect(report.findings.map((finding) => finding.finding)).toEqual(["LOGIN_DATA_MISSING"])
    const rows = readWorkbook()
    expect(rows).toHaveLength(12)
    for (const row of rows) expect(row.findings).toBe("")
  })

  it("shows never logged in and stale as unknown on the page, saying why, not as 0", async () => {
    expect((await review(blind)).code).toBe(0)
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    const why = "Panther sent no login times (LOGIN_DATA_MISSING)"
    expect(html).toContain(`<span class="n">unknown</span><span class="l">never logged in: ${why}</span>`)
    expect(html).toContain(`<span class="n">unknown</span><span class="l">stale: ${why}</span>`)
    expect(html).not.toMatch(/<span class="n">0<\/span><span class="l">(never logged in|stale)/)
  })

  it("does not call suppressed a NEVER_LOGGED_IN the workbook no longer lists", async () => {
    const suppressionsDirectory = mkdtempSync(join(tmpdir(), "review-suppressions-"))
    onTestFinished(() => rmSync(suppressionsDirectory, { recursive: true, force: true }))
    const suppressions = join(suppressionsDirectory, "supp.yaml")
    writeFileSync(
      suppressions,
      [
        "suppressions:",
        "  - user: blind-0",
        '    finding: "*"',
        "    reason: Service account",
        "    owner: secops@example.com",
        "    expires: 2099-01-31",
        ""
      ].join("\n")
    )
    const result = await review(blind, "--suppressions", suppressions)
    expect(result.code, result.error).toBe(0)
    const row = readWorkbook().find((item) => item.user_id === "blind-0")
    expect(row).toMatchObject({ findings: "", suppressed_findings: "", suppression_reasons: "" })
    // Unused only for want of login times, as the summary and the email say: not to be removed yet.
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    expect(html).toContain(
      "0 expired, 1 unused (it: Panther sent no login times (LOGIN_DATA_MISSING), so keep it until a run with them " +
        "says whether it is used). Suppressed findings stay listed"
    )
  })
})

describe("a review with suppressions", () => {
  let suppressing: StartedSimulator
  let suppressionsDirectory = ""
  let suppressionsFile = ""
  beforeAll(async () => {
    suppressing = await startSimulator({
      data: [
        wire("u-breached", { status: "COMPROMISED" }),
        wire("u-breakglass", { role: { name: "Admin" }, lastLoggedInAt: daysAgo(200) }),
        wire("u-fine")
      ],
      now: new Date(AS_OF)
    })
    suppressionsDirectory = mkdtempSync(join(tmpdir(), "review-suppressions-"))
    suppressionsFile = join(suppressionsDirectory, "supp.yaml")
    writeFileSync(
      suppressionsFile,
      [
        "suppressions:",
        "  - user: u-breached@example.com",
        "    finding: COMPROMISED_ACCOUNT",
        "    reason: INC-42, credentials rotated",
        "    owner: secops@example.com",
        "    expires: 2027-03-31",
        "  - user: u-breakglass",
        '    finding: "*"',
        "    reason: Break-glass <admin>",
        "    owner: ciso@example.com",
        "    expires: 2027-01-31",
        ""
      ].join("\n")
    )
  })
  afterAll(async () => {
    await suppressing.close()
    rmSync(suppressionsDirectory, { recursive: true, force: true })
  })

  it("says per user which findings are suppressed and why, in columns appended after the earlier ones", async () => {
    const result = await review(suppressing, "--suppressions", suppressionsFile)
    expect(result.code, result.error).toBe(0)
    expect(result.stdout).toContain("3 findings suppressed")
    // The earlier columns keep their places: sheets built on them go on working.
    expect(REVIEW_COLUMNS.slice(0, 19)).toEqual(
      "privileged,role_name,family_name,given_name,email,status,enabled,created_at,last_logged_in_at,days_since_login,findings,highest_severity,privilege_reason,user_id,role_id,decision,reviewer,reviewed_at,notes".split(
        ","
      )
    )
    const byId = new Map(readWorkbook().map((row) => [row.user_id, row]))
    expect(byId.get("u-breached")).toMatchObject({
      findings: "COMPROMISED_ACCOUNT",
      highest_severity: "critical",
      suppressed_findings: "COMPROMISED_ACCOUNT",
      suppression_reasons:
        "COMPROMISED_ACCOUNT: INC-42, credentials rotated (owner secops@example.com, expires 2027-03-31, entry 1)"
    })
    expect(byId.get("u-breakglass")).toMatchObject({
      findings: "STALE_LOGIN PRIVILEGED_ROLE",
      suppressed_findings: "STALE_LOGIN PRIVILEGED_ROLE",
      suppression_reasons:
        "STALE_LOGIN: Break-glass <admin> (owner ciso@example.com, expires 2027-01-31, entry 2) | " +
        "PRIVILEGED_ROLE: Break-glass <admin> (owner ciso@example.com, expires 2027-01-31, entry 2)"
    })
    expect(byId.get("u-fine")).toMatchObject({ findings: "", suppressed_findings: "", suppression_reasons: "" })
    // The same reasons as the findings report beside it.
    const report = JSON.parse(readFileSync(fileMatching(directory, /^user-audit-.*\.json$/), "utf8")) as {
      findings: Array<{ finding: string; userId: string; suppressed: boolean; suppressionReason: string | null }>
    }
    const breached = report.findings.find((finding) => finding.userId === "u-breached")
    expect(byId.get("u-breached")?.suppression_reasons).toBe(`COMPROMISED_ACCOUNT: ${breached?.suppressionReason}`)
  })

  it("marks suppressed findings on the page with their reasons, and names the suppressions file", async () => {
    await review(suppressing, "--suppressions", suppressionsFile)
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    expect(html).toContain('<span class="tag sev-critical suppressed">COMPROMISED_ACCOUNT</span>')
    expect(html).toContain(
      "Suppressed COMPROMISED_ACCOUNT: INC-42, credentials rotated (owner secops@example.com, expires 2027-03-31, entry 1)"
    )
    // The reason is the file's text, escaped like the API's.
    expect(html).toContain("Suppressed STALE_LOGIN: Break-glass &lt;admin&gt;")
    expect(html).not.toContain("<admin>")
    expect(html).toContain(
      `<dt>Suppressions</dt><dd>${suppressionsFile}: 3 findings suppressed (2 active entries); 0 expired, 0 unused.`
    )
    expect(html).toContain('<th class="num">Suppressed</th>')
    expect(html).toContain('<tr><td>COMPROMISED_ACCOUNT</td><td class="num">1</td><td class="num">1</td></tr>')
  })

  it("says on the page that no suppressions file was given, and marks nothing", async () => {
    await review(suppressing)
    const html = readFileSync(fileMatching(directory, /^access-review-.*\.html$/), "utf8")
    expect(html).toContain("<dt>Suppressions</dt><dd>none (no suppressions file)</dd>")
    expect(html).not.toContain(' suppressed">')
    expect(html).not.toContain("Suppressed COMPROMISED_ACCOUNT")
    // Nor a column of noughts in the findings by code, which would read as nothing found worth suppressing.
    expect(html).not.toContain('<th class="num">Suppressed</th>')
    expect(html).toContain('<tr><td>COMPROMISED_ACCOUNT</td><td class="num">1</td></tr>')
  })
})
