/**
 * A user whose id, email or role holds half of a UTF-16 surrogate pair (`"\ud800"`, which a JSON escape can carry
 * and no Panther should send): the workbook, written as UTF-8, holds U+FFFD there. The next review reads that back,
 * and must not take the account for another one, or for one whose role and email changed.
 */
import { mkdtempSync, rmSync } from "node:fs"
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
  },
  {
    id: "r-half",
    name: "Ana\ud800lyst",
    permissions: [],
    createdAt: "2024-01-01T00:00:00Z",
    updatedAt: "2024-01-01T00:00:00Z"
  }
]
const USERS = [
  wire("u-admin", { role: { id: "r-admin", name: "Admin" } }),
  // Its id: read back, another account's, so one removed and one added.
  wire("u-id\udc00"),
  // Its email and role: read back, a change of both.
  wire("u-text", { email: "text\ud800@example.com", role: { id: "r-half", name: "Ana\ud800lyst" } }),
  // No id: known by its email.
  wire("", { email: "no-id\ud800@example.com" })
].map(({ id, ...user }) => (id === "" ? user : { id, ...user }))

let server: ScriptedServer & { readonly close: () => Promise<void> }
let directory = ""
beforeAll(async () => {
  server = await startScriptedServer((_index, request) =>
    request.path === "/roles" ? json(200, { results: ROLES }) : json(200, { results: USERS })
  )
})
afterAll(() => server.close())
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "lone-surrogate-"))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

it("finds every account of the last workbook again, unchanged, though its text was written with U+FFFD", async () => {
  const first = await runCommand(reviewCommand, auditArgs(server.url, "token-1234567890", directory))
  expect(first.error).toBe("")
  // Workbooks are named by the second they were made in.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const second = await runCommand(reviewCommand, auditArgs(server.url, "token-1234567890", directory))
  expect(second.error).toBe("")
  expect(second.stdout).toMatch(
    /Since the last review \(access-review-\d{8}T\d{6}Z\.csv\): 0 accounts added, 0 removed, 0 changed/
  )
})
