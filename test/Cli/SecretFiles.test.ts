/**
 * The token and password files an invocation names, read before any command so that usage errors can hide what
 * they hold: real files in a temporary folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { MAX_SECRET_FILE_BYTES, secretFileValues } from "../../src/Cli/SecretFiles.js"

let folder = ""
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "secret-files-"))
})
afterEach(() => rmSync(folder, { recursive: true, force: true }))

const file = (name: string, text: string): string => {
  const path = join(folder, name)
  writeFileSync(path, text)
  return path
}

describe("secretFileValues", () => {
  it("reads the files both flags and both variables name, in either flag form", () => {
    const token = file("token", "pat-file-token-1\n")
    const password = file("password", "relay-file-pw-2\n")
    const argv = ["node", "bin.js", "run", `--api-token-file=${token}`, "--smtp-password-file", password]
    expect(secretFileValues(argv, {})).toEqual(["pat-file-token-1", "relay-file-pw-2"])
    expect(secretFileValues(["node", "bin.js", "run"], { SMTP_PASSWORD_FILE: password })).toEqual(["relay-file-pw-2"])
  })

  it("takes a secret of six characters or more, as the variables' are taken", () => {
    expect(secretFileValues(["node", "bin.js", "--smtp-password-file", file("six", "abcdef\n")], {})).toEqual([
      "abcdef"
    ])
    expect(secretFileValues(["node", "bin.js", "--smtp-password-file", file("five", "abcde\n")], {})).toEqual([])
  })

  it("takes the secret without the byte order mark and line break an editor on Windows writes around it", () => {
    const token = file("token-bom", "\uFEFFpat-file-token-3\r\n")
    expect(secretFileValues(["node", "bin.js", "--api-token-file", token], {})).toEqual(["pat-file-token-3"])
  })

  it("reads a file up to the limit, and not one past it, which holds more than a secret", () => {
    const atLimit = file("at-limit", "x".repeat(MAX_SECRET_FILE_BYTES))
    const pastLimit = file("past-limit", "y".repeat(MAX_SECRET_FILE_BYTES + 1))
    expect(secretFileValues(["node", "bin.js", "--api-token-file", atLimit], {})).toEqual([
      "x".repeat(MAX_SECRET_FILE_BYTES)
    ])
    expect(secretFileValues(["node", "bin.js", "--api-token-file", pastLimit], {})).toEqual([])
  })
})
