/**
 * What is said of a token or password file that is not there: real paths in a temporary folder.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { missingSecretFile } from "../../src/Cli/MissingSecretFile.js"

const TOKEN = { name: "token", directVariable: "PANTHER_API_TOKEN" }

let folder = ""
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "missing-secret-file-"))
})
afterEach(() => rmSync(folder, { recursive: true, force: true }))

const said = (path: string, readAtStartUp = false) =>
  Effect.runPromise(missingSecretFile("PANTHER_API_TOKEN_FILE", path, TOKEN, readAtStartUp))

describe("missingSecretFile", () => {
  it("leaves a link whose target is gone to the reader's own error: the link is there, a path and no secret", async () => {
    const link = join(folder, "token")
    symlinkSync(join(folder, "..data", "token"), link)
    expect(await said(link)).toBeUndefined()
  })

  it("quotes the path of a file read at start-up that is gone at a later run, and says to put it back", async () => {
    const path = join(folder, "token")
    expect(await said(path, true)).toBe(
      `PANTHER_API_TOKEN_FILE "${path}" was read at start-up, but it is gone now (a secret being rotated, or ` +
        "removed): put the file back, or mount the secret again; the next run reads it anew"
    )
    // At start-up the same path is not quoted: it may be the token itself.
    expect(await said(path)).toBe(
      `PANTHER_API_TOKEN_FILE names no file in the folder "${folder}". The file name is not shown: it may be the ` +
        "token itself, put there by mistake. Check the name, or give the path of a file that holds the token (a " +
        "mounted secret), or set PANTHER_API_TOKEN to give the token itself"
    )
  })

  it('says a path with backslashes and no slash may be a Windows path, not that the folder "." lacks a file', async () => {
    expect(await said("C:\\secrets\\panther-token")).toBe(
      "PANTHER_API_TOKEN_FILE names no file. Its value is not shown: it may be the token itself, put there by " +
        'mistake. It holds a backslash and no "/": if it is a Windows path, give the path as this machine or ' +
        'container sees it, with "/" between folders; or give the path of a file that holds the token (a mounted ' +
        "secret), or set PANTHER_API_TOKEN to give the token itself"
    )
  })
})
