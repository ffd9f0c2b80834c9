/**
 * A user whose email gained a zero-width space (U+200B) between two reviews: the workbook says `email a -> b`, and
 * the page a manager signs off must show the two as different, not `email ok@example.com -> ok@example.com`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest"
import { reviewCommand } from "../../src/Review/ReviewCommand.js"
import { json, type ScriptedServer, startScriptedServer } from "../support/scriptedServer.js"
import { runCommand } from "./commandHarness.js"
import { auditArgs, wire } from "./fixtures.js"

const ROLES = [
  {
    id: "r-admin",
    name: "Admin",
    permissions: ["UserModify"],
    createdAt: "2024-01-01T00:00:00Z",
    updatedAt: "2024-01-01T00:00:00Z"
  }
]
const BEFORE = [wire("u-admin", { email: "ok@example.com", role: { id: "r-admin", name: "Admin" } })]
const AFTER = [wire("u-admin", { email: "ok@example.com\u200b", role: { id: "r-admin", name: "Admin" } })]

let users = BEFORE
let server: ScriptedServer & { readonly close: () => Promise<void> }
let directory = ""
beforeAll(async () => {
  server = await startScriptedServer((_index, request) =>
    request.path === "/roles" ? json(200, { results: ROLES }) : json(200, { results: users })
  )
})
afterAll(() => server.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "invisible-"))
  users = BEFORE
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

it("shows an email changed only by a zero-width space as changed, on the page; the workbook keeps it as sent", async () => {
  const first = await runCommand(reviewCommand, auditArgs(server.url, "token-1234567890", directory))
  expect(first.error).toBe("")
  // Workbooks are named by the second they were made in.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  users = AFTER
  const second = await runCommand(reviewCommand, auditArgs(server.url, "token-1234567890", directory))
  expect(second.error).toBe("")
  expect(second.stdout).toMatch(/0 accounts added, 0 removed, 1 changed/)
  const stamp = /access-review-(\d{8}T\d{6}Z)\.html/.exec(second.stdout)?.[1]
  const page = readFileSync(join(directory, `access-review-${stamp}.html`), "utf8")
  expect(page).toContain("email ok@example.com -&gt; ok@example.com\ufffd")
  expect(page).not.toContain("\u200b")
  const workbook = readFileSync(join(directory, `access-review-${stamp}.csv`), "utf8")
  expect(workbook).toContain(",ok@example.com\u200b,")
})
