import { createHash } from "node:crypto"
import {
  appendFileSync,
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { manifestCopyChange } from "../../src/Export/CopyChanges.js"
import { exportCommand } from "../../src/Export/ExportCommand.js"
import { verifyExport } from "../../src/Export/Verify.js"
import { verifyCommand } from "../../src/Export/VerifyCommand.js"
import { runCommand } from "../Review/commandHarness.js"
import { AS_OF, AS_OF_ISO, REVIEW_USERS } from "../Review/fixtures.js"
import { runCli, runProcess, stderrText } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

/** One export made once; every test checks its own copy, so tampering in one test cannot leak into another. */
let original = ""
/** The SHA-256 of manifest.json `export` printed, as an auditor records it. */
let recordedDigest = ""
let scratch = ""
let folder = ""

const fileStartingWith = (prefix: string, suffix: string) =>
  readdirSync(folder).find((file) => file.startsWith(prefix) && file.endsWith(suffix)) ?? ""

beforeAll(async () => {
  const simulator: StartedSimulator = await startSimulator({ data: REVIEW_USERS, now: new Date(AS_OF) })
  const reports = mkdtempSync(join(tmpdir(), "verify-source-"))
  try {
    const made = await runCommand(exportCommand, [
      "--api-url",
      simulator.baseUrl,
      "--api-token",
      simulator.readToken,
      "--report-dir",
      reports,
      "--as-of",
      AS_OF_ISO
    ])
    expect(made.code).toBe(0)
    original = join(reports, readdirSync(reports)[0] ?? "")
    recordedDigest = /SHA-256 of manifest\.json: ([0-9a-f]{64})/.exec(made.stdout)?.[1] ?? ""
    expect(made.stdout).toContain(`panther-audit verify ${original} --expect-sha256 ${recordedDigest}`)
  } finally {
    await simulator.close()
  }
})
afterAll(() => rmSync(join(original, ".."), { recursive: true, force: true }))
beforeEach((context) => {
  scratch = mkdtempSync(join(tmpdir(), "verify-"))
  folder = join(scratch, "export-copy")
  cpSync(original, folder, { recursive: true })
  context.onTestFinished(() => rmSync(scratch, { recursive: true, force: true }))
})

const verify = (path = folder) => runCommand(verifyCommand, [path])

/** Each file, written into the export alone and then taken out again, named UNEXPECTED by a failing verify. */
const expectEachUnexpected = async (cases: ReadonlyArray<readonly [string, string]>) => {
  for (const [name, content] of cases) {
    writeFileSync(join(folder, name), content)
    const result = await verify()
    expect(result.code, `${name} ${JSON.stringify(content)}`).toBe(1)
    expect(result.stdout).toContain(`UNEXPECTED  ${name}`)
    unlinkSync(join(folder, name))
  }
}

interface ManifestListing {
  files: Array<{ path: string; bytes: number; sha256: string }>
  counts: Record<string, unknown>
}

/** The export's manifest as written, for a test to doctor. */
const readManifest = (): ManifestListing =>
  JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as ManifestListing

/** `manifest` written back listing `files`, its count edited to match, as a careful forger would. */
const writeListing = (manifest: ManifestListing, files: ManifestListing["files"]) =>
  writeFileSync(
    join(folder, "manifest.json"),
    JSON.stringify({ ...manifest, files, counts: { ...manifest.counts, files: files.length } })
  )

/** Signatures of a manifest.json as `gpg --armor --detach-sign`, `gpg --detach-sign` and `ssh-keygen -Y sign` made. */
const GPG_SIGNATURE = `-----BEGIN PGP SIGNATURE-----

iIQEABYIACwWIQQ1ri9nmSv0btcME/yyth0t15dWcAUCaw+cqg4cYUBleGFtcGxl
LmNvbQAKCRCyth0t15dWcHsvAQC0GDCw2L12E1I2MhocNDggkm2iA9ll2mBOTxu4
hGobSAEA+UN3+Vggkb2VmvldDRsZxI6kCgNRh8w1sFrSkW5uugg=
=MSd/
-----END PGP SIGNATURE-----
`
const GPG_BINARY_SIGNATURE =
  "iIQEABYIACwWIQQ1ri9nmSv0btcME/yyth0t15dWcAUCaw+dHg4cYUBleGFtcGxlLmNvbQAKCRCyth0t15dWcH89AQDprJvr97X5hDZt6qxDW2aw" +
  "777ACyOZC1/0lJVhp4PpCwD7B4deK0Tasa6TPNpZCzsaQowEUno9Mo5HRirZ50HwYgI="
const SSH_SIGNATURE = `-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg62HnWHk3z39q+/h1R2toS4DpTF
XhzlgV/ejMGeLTb/AAAAAEZmlsZQAAAAAAAAAGc2hhNTEyAAAAUwAAAAtzc2gtZWQyNTUx
OQAAAEBmd24z3Ttqp0cHT+xZbG0VV3O9Smqdm55A3pSGqOK4/gySc8vBipabG1925446Up
5Z9TGBCLCIe8R1Ijnj6sAJ
-----END SSH SIGNATURE-----
`
/** minisign's own example. */
const MINISIGN_SIGNATURE =
  "untrusted comment: signature from minisign secret key\n" +
  "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3IIaSmqRYD7nC+kVH9tqZw0CMgdrwmoaX8eNfaP7F4A0=\n" +
  "trusted comment: timestamp:1556193335\tfile:test\n" +
  "y/rUw2y8/hOUYjZU71eHp/Wo1KZ40fGy2VJEDl34XMJM+TX48Ss/17u3IvIfbVR1FkZZSNCisQbuQY+bHwhEBg==\n"

/** `base64` under a signature's armour, in lines of 64 as gpg writes them. */
const armour = (kind: string, base64: string) =>
  `-----BEGIN ${kind} SIGNATURE-----\n${base64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n` +
  `-----END ${kind} SIGNATURE-----\n`

describe("panther-audit verify", () => {
  it("verifies an untouched export: exit 0 and the number of files", async () => {
    const result = await verify()
    expect(result.error).toBe("")
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Verified 5 files in ${folder}`)
    expect(result.stdout).toContain("SHA-256 of manifest.json: ")
  })

  it("says when the export was made, not only the instant it judges the users at, which --as-of may set far earlier", async () => {
    const { createdAt } = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as { createdAt: string }
    const result = await verify()
    expect(result.code).toBe(0)
    expect(createdAt).not.toBe(AS_OF_ISO)
    expect(result.stdout).toContain(`as of ${AS_OF_ISO}, made ${createdAt} from the users read then, by `)
  })

  it("with --expect-sha256, fails an export whose files were edited and manifest rewritten to match", async () => {
    expect(
      (await runCommand(verifyCommand, [folder, "--expect-sha256", recordedDigest.toUpperCase()])).stdout
    ).toContain("manifest.json is the one recorded, and no file is missing or added")
    // A forger edits a file and recomputes its size and digest in the manifest.
    const csv = fileStartingWith("inventory-", ".csv")
    writeFileSync(join(folder, csv), readFileSync(join(folder, csv), "utf8").replace("u-zimmer", "u-forged"))
    const manifestPath = join(folder, "manifest.json")
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      files: Array<{ path: string; bytes: number; sha256: string }>
    }
    for (const file of manifest.files) {
      const bytes = readFileSync(join(folder, file.path))
      file.bytes = bytes.length
      file.sha256 = createHash("sha256").update(bytes).digest("hex")
    }
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2))
    // Every file matches the forged manifest: only its own digest tells.
    expect((await verify()).code).toBe(0)
    const checked = await runCommand(verifyCommand, [folder, "--expect-sha256", recordedDigest])
    expect(checked.code).toBe(1)
    expect(checked.stdout).toContain(`MANIFEST    manifest.json: its SHA-256 is `)
    expect(checked.stdout).toContain(`not ${recordedDigest} as recorded: the manifest was changed`)
    expect(checked.stdout).not.toContain("Verified")
    expect(checked.error).toContain("does not match its manifest (manifest.json not the one recorded)")
    const malformed = await runCli(["verify", folder, "--expect-sha256", "abc"])
    expect(malformed.code).toBe(2)
    expect(stderrText(malformed.stderr)).toContain("--expect-sha256 must be 64 hexadecimal digits")
  })

  it("names a file whose content changed, even at the same size: exit 1", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    const path = join(folder, csv)
    const text = readFileSync(path, "utf8")
    writeFileSync(path, text.replace("u-zimmer", "u-zimmex"))
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`MODIFIED    ${csv}`)
    expect(result.stdout).toContain("4 of 5 files match manifest.json")
    expect(result.error).toContain("1 modified")
  })

  it("names a file replaced by a link, even to the same content: the export must hold the file itself", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    const path = join(folder, csv)
    const copy = join(scratch, "same-content.csv")
    writeFileSync(copy, readFileSync(path))
    unlinkSync(path)
    symlinkSync(copy, path)
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      new RegExp(`MODIFIED    ${csv}: the manifest records .*; now no longer a regular file`)
    )
  })

  it("names a listed file it cannot read as such, not as modified, and does not verify the export (exit 2)", async () => {
    // Root reads any file: the command runs as nobody then, the export open to all but the file made unreadable.
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    chmodSync(scratch, 0o755)
    chmodSync(folder, 0o755)
    for (const name of readdirSync(folder)) chmodSync(join(folder, name), 0o644)
    const csv = fileStartingWith("inventory-", ".csv")
    chmodSync(join(folder, csv), 0o000)
    const asAuditor = () => runCli(["verify", folder], uid === undefined ? {} : { uid })

    const result = await asAuditor()
    expect(result.code, result.stderr).toBe(2)
    expect(result.stdout).toContain(
      `UNREADABLE  ${csv}: listed in the manifest, but it cannot be read (permission denied), so it was not ` +
        "checked; run verify as a user that can read it"
    )
    expect(result.stdout).not.toContain("MODIFIED")
    expect(result.stdout).toContain("4 of 5 files match manifest.json; 1 could not be read.")
    const said = stderrText(result.stderr)
    expect(said).toContain(
      `the export in ${folder} is not verified: 1 of the files its manifest lists could not be read (UNREADABLE ` +
        "above), though nothing found says it was changed; run verify as a user that can read every file in the export"
    )
    expect(said).not.toContain("do not rely on it")

    // A file found changed besides decides: a mismatch, exit 1, the unreadable one still named apart.
    appendFileSync(join(folder, fileStartingWith("access-review-", ".html")), "<!-- edited -->")
    const changed = await asAuditor()
    expect(changed.code).toBe(1)
    expect(changed.stdout).toContain(`UNREADABLE  ${csv}`)
    expect(stderrText(changed.stderr)).toContain("does not match its manifest (1 modified, 1 unreadable); do not rely")
  })

  describe("an export this user cannot read", () => {
    // Root reads any folder: the command runs as nobody then, the export open to all but where it is made otherwise.
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    const asAuditor = () => runCli(["verify", folder], uid === undefined ? {} : { uid })
    beforeEach((context) => {
      chmodSync(scratch, 0o755)
      chmodSync(folder, 0o755)
      for (const name of readdirSync(folder)) chmodSync(join(folder, name), 0o644)
      if (uid !== undefined) return
      // A user whom permission bits do not stop (one with CAP_DAC_OVERRIDE) would read all and pass these wrongly.
      chmodSync(folder, 0o000)
      const bound = (() => {
        try {
          readdirSync(folder)
          return false
        } catch {
          return true
        } finally {
          chmodSync(folder, 0o755)
        }
      })()
      if (!bound) context.skip("permission bits do not stop this user, so no folder can be made unreadable to it")
    })
    /**
     * Runs verify with the folder's mode set so; set back after, as a folder its owner may not enter cannot be
     * removed.
     */
    const withFolderMode = async (mode: number) => {
      chmodSync(folder, mode)
      try {
        return await asAuditor()
      } finally {
        chmodSync(folder, 0o755)
      }
    }

    it("in a folder it cannot list, is not verified (exit 2): files added to it could not be looked for", async () => {
      // Searchable but not listable: every listed file reads and matches, but an added one would go unseen.
      writeFileSync(join(folder, "slipped-in.csv"), "user_id\r\n")
      chmodSync(join(folder, "slipped-in.csv"), 0o644)
      const result = await withFolderMode(0o311)
      expect(result.code, result.stderr).toBe(2)
      expect(stderrText(result.stderr)).toContain(
        `${folder} cannot be listed (permission denied), so files added to it cannot be found.`
      )
      expect(result.stdout).not.toContain("match manifest.json")
    })

    it("whose folder it may not enter, is said to be unreadable by this user, not to be no export (exit 2)", async () => {
      const folderRefused = await withFolderMode(0o000)
      expect(folderRefused.code, folderRefused.stderr).toBe(2)
      const said = stderrText(folderRefused.stderr)
      expect(said).toContain(
        `${join(folder, "manifest.json")} cannot be read by this user (permission denied), so nothing in ${folder} ` +
          "could be checked; run verify as a user that can read the export"
      )
      // Otherwise an auditor went looking for a removed manifest in an export that was whole.
      expect(said).not.toContain("this is not an export folder")

      chmodSync(join(folder, "manifest.json"), 0o000)
      const manifestRefused = await asAuditor()
      expect(manifestRefused.code, manifestRefused.stderr).toBe(2)
      expect(stderrText(manifestRefused.stderr)).toContain(
        `${join(folder, "manifest.json")} cannot be read by this user (permission denied)`
      )
      expect(stderrText(manifestRefused.stderr)).not.toContain("this is not an export folder")
    })
  })

  it("advises verifying again, not another user, when a listed file is unreadable for a reason besides permission", async () => {
    // A name longer than the file system takes: reading it fails, and not for want of permission.
    const manifest = readManifest()
    const tooLong = { path: "x".repeat(300), bytes: 1, sha256: "0".repeat(64) }
    writeListing(manifest, [...manifest.files, tooLong])
    const result = await verify()
    expect(result.code, result.error).toBe(2)
    expect(result.stdout).toContain(`UNREADABLE  ${tooLong.path}: listed in the manifest, but it cannot be read (`)
    expect(result.stdout).not.toContain("run verify as a user that can read it")
    expect(result.error).toContain(
      "could not be read (UNREADABLE above), though nothing found says it was changed; verify again once they can be " +
        "read, or verify a copy of the export taken from where it is kept"
    )

    // Besides a file refused for want of permission: not every one is, and another user would not read them all.
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    chmodSync(scratch, 0o755)
    chmodSync(folder, 0o755)
    for (const name of readdirSync(folder)) chmodSync(join(folder, name), 0o644)
    chmodSync(join(folder, fileStartingWith("inventory-", ".csv")), 0o000)
    const both = await runCli(["verify", folder], uid === undefined ? {} : { uid })
    expect(both.code, both.stderr).toBe(2)
    expect(stderrText(both.stderr)).toContain(
      "2 of the files its manifest lists could not be read (UNREADABLE above), though nothing found says it was " +
        "changed; verify again once they can be read"
    )
  })

  it("names the instance by its base URL's host and path prefix, or by its host alone in an older manifest", async () => {
    const path = join(folder, "manifest.json")
    const manifest = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>
    writeFileSync(path, JSON.stringify({ ...manifest, apiBaseUrl: "https://gateway.acme.example/panther" }))
    expect((await verify()).stdout).toContain("Export of gateway.acme.example/panther as of ")
    const { apiBaseUrl: _recorded, ...older } = manifest
    writeFileSync(path, JSON.stringify({ ...older, apiHost: "api.acme.example" }))
    const result = await verify()
    expect(result.code, result.error).toBe(0)
    expect(result.stdout).toContain("Export of api.acme.example as of ")
  })

  it("says of a file changed only as a copy in text mode changes it which change that was, still failing it", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    const json = fileStartingWith("inventory-", ".json")
    const report = fileStartingWith("user-audit-", ".json")
    writeFileSync(join(folder, csv), readFileSync(join(folder, csv), "latin1").replaceAll("\r\n", "\n"), "latin1")
    writeFileSync(join(folder, json), readFileSync(join(folder, json), "utf8").replaceAll("\n", "\r\n"))
    writeFileSync(join(folder, report), `\uFEFF${readFileSync(join(folder, report), "utf8")}`)
    const result = await verify()
    expect(result.code).toBe(1)
    const line = (file: string) => result.stdout.split("\n").find((text) => text.startsWith(`MODIFIED    ${file}`))
    expect(line(csv)).toContain("Its content is otherwise as recorded: only its line ends, CRLF turned into LF, as a")
    expect(line(json)).toContain("only its line ends, LF turned into CRLF, as a copy in text mode (git's autocrlf")
    expect(line(report)).toContain("only a byte order mark added at its start")
    // An edit is not passed off as one.
    writeFileSync(join(folder, csv), readFileSync(join(folder, csv), "latin1").replace("\n", "\r\nx\n"), "latin1")
    expect((await verify()).stdout.split("\n").find((text) => text.startsWith(`MODIFIED    ${csv}`))).not.toContain(
      "otherwise as recorded"
    )
  })

  it("with --expect-sha256, says of a manifest changed only as a copy in text mode changes it which change", async () => {
    // A copy of the whole export in text mode (git's autocrlf) converts the manifest's line ends with its files'.
    const manifestPath = join(folder, "manifest.json")
    writeFileSync(manifestPath, readFileSync(manifestPath, "utf8").replaceAll("\n", "\r\n"))
    const checked = await runCommand(verifyCommand, [folder, "--expect-sha256", recordedDigest])
    expect(checked.code).toBe(1)
    expect(checked.stdout).toContain(
      `not ${recordedDigest} as recorded. Its content is otherwise as recorded: only its line ends, LF turned into ` +
        "CRLF, as a copy in text mode (git's autocrlf"
    )
    expect(checked.stdout).not.toContain("the manifest was changed")
    expect(checked.error).toContain("does not match its manifest (manifest.json not the one recorded)")
    // An edit is not passed off as one.
    writeFileSync(manifestPath, readFileSync(manifestPath, "utf8").replace('"asOf"', '"asOf" '))
    const edited = await runCommand(verifyCommand, [folder, "--expect-sha256", recordedDigest])
    expect(edited.stdout).toContain(`not ${recordedDigest} as recorded: the manifest was changed`)
  })

  it("checks the files of a manifest an editor saved with a byte order mark, and says that this alone changed", async () => {
    const manifestPath = join(folder, "manifest.json")
    writeFileSync(manifestPath, `\uFEFF${readFileSync(manifestPath, "utf8")}`)
    const plain = await verify()
    expect(plain.code).toBe(0)
    expect(plain.stdout).toContain("Verified 5 files in ")
    const checked = await runCommand(verifyCommand, [folder, "--expect-sha256", recordedDigest])
    expect(checked.code).toBe(1)
    expect(checked.stdout).toContain(
      `not ${recordedDigest} as recorded. Its content is otherwise as recorded: only a byte order mark added at its start`
    )
    expect(checked.error).toContain("does not match its manifest (manifest.json not the one recorded)")
  })

  it("says the manifest is as recorded but for its line ends only of the manifest its files were checked against", async () => {
    // A share in the hands of whoever holds the export answers the first read of manifest.json with a forgery that
    // lists the files as edited, and a later read with the recorded manifest, its line ends converted.
    const manifestPath = join(folder, "manifest.json")
    const recorded = readFileSync(manifestPath, "utf8")
    const csv = fileStartingWith("inventory-", ".csv")
    appendFileSync(join(folder, csv), "intruder,intruder@example.com\n")
    const content = readFileSync(join(folder, csv))
    const manifest = readManifest()
    writeListing(
      manifest,
      manifest.files.map((file) =>
        file.path === csv
          ? { ...file, bytes: content.length, sha256: createHash("sha256").update(content).digest("hex") }
          : file
      )
    )
    const report = await Effect.runPromise(verifyExport(folder))
    expect(report.problems).toEqual([])
    writeFileSync(manifestPath, recorded.replaceAll("\n", "\r\n"))
    expect(await Effect.runPromise(manifestCopyChange(report, recordedDigest))).toBeUndefined()
  })

  it("says of a file renamed that it is the missing one under another name", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    renameSync(join(folder, csv), join(folder, "inventory (1).csv"))
    // A file of another name and other content is only unexpected.
    writeFileSync(join(folder, "notes.txt"), "checked by A. Auditor\n")
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`MISSING     ${csv}: listed in the manifest but not in the folder`)
    expect(result.stdout).toContain(
      `UNEXPECTED  inventory (1).csv: in the folder but not in the manifest; it holds what the manifest records for ` +
        `${csv}, missing: that file renamed`
    )
    expect(result.stdout).toContain("UNEXPECTED  notes.txt: in the folder but not in the manifest\n")
  })

  it("says of two files swapped that each holds what the manifest records for the other", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    const findings = fileStartingWith("user-audit-", ".csv")
    renameSync(join(folder, csv), join(scratch, "held.csv"))
    renameSync(join(folder, findings), join(folder, csv))
    renameSync(join(scratch, "held.csv"), join(folder, findings))
    const result = await verify()
    expect(result.code).toBe(1)
    const lines = result.stdout.split("\n")
    expect(lines.find((line) => line.startsWith(`MODIFIED    ${csv}:`))).toContain(
      `; it holds what the manifest records for ${findings}: the two swapped, or that one copied over it`
    )
    expect(lines.find((line) => line.startsWith(`MODIFIED    ${findings}:`))).toContain(
      `; it holds what the manifest records for ${csv}: the two swapped`
    )
    expect(result.error).toContain("2 modified")
    // An edited file holds what no file is recorded to: nothing more is said of it.
    writeFileSync(join(folder, csv), "edited\n")
    const edited = (await verify()).stdout.split("\n").find((line) => line.startsWith(`MODIFIED    ${csv}:`))
    expect(edited).toBeDefined()
    expect(edited).not.toContain("it holds what the manifest records for")
  })

  it("does not call a file of a missing one's size but other content that file renamed", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    const recorded = readFileSync(join(folder, csv))
    unlinkSync(join(folder, csv))
    // The same number of bytes, one of them changed: a forgery, not the missing file under another name.
    const forged = Buffer.from(recorded)
    forged[forged.length - 3] = (forged[forged.length - 3] ?? 0) ^ 1
    writeFileSync(join(folder, "inventory (1).csv"), forged)
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`MISSING     ${csv}: listed in the manifest but not in the folder`)
    expect(result.stdout).toContain("UNEXPECTED  inventory (1).csv: in the folder but not in the manifest\n")
  })

  it("names a file that grew", async () => {
    const html = fileStartingWith("access-review-", ".html")
    appendFileSync(join(folder, html), "<!-- edited -->")
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(new RegExp(`MODIFIED    ${html}: the manifest records [\\d,]+ bytes`))
  })

  it("names a file whose size the manifest records otherwise, its digest the same: the size is checked too", async () => {
    const manifest = readManifest()
    const [first, ...rest] = manifest.files
    if (first === undefined) throw new Error("the export lists no files")
    writeListing(manifest, [{ ...first, bytes: first.bytes + 1 }, ...rest])
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`MODIFIED    ${first.path}: the manifest records `)
    expect(result.error).toContain("1 modified")
  })

  it("names a missing file", async () => {
    const json = fileStartingWith("user-audit-", ".json")
    unlinkSync(join(folder, json))
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`MISSING     ${json}`)
    expect(result.error).toContain("1 missing")
  })

  it("names a file that was added", async () => {
    writeFileSync(join(folder, "notes.txt"), "added later\n")
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain("UNEXPECTED  notes.txt")
    expect(result.error).toContain("1 unexpected")
  })

  it("names a file manager's own files apart, without failing the export for them", async () => {
    writeFileSync(join(folder, ".DS_Store"), "\u0000\u0000\u0000\u0001Bud1")
    writeFileSync(join(folder, "._manifest.json"), Buffer.from([0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00]))
    writeFileSync(join(folder, "desktop.ini"), "[.ShellClassInfo]\r\nIconResource=x\r\n")
    writeFileSync(join(folder, "Thumbs.db"), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))
    const result = await verify()
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      "Left aside: .DS_Store, ._manifest.json, Thumbs.db, desktop.ini, written by a file manager, not part of the export."
    )
    // Anything else added still fails it.
    writeFileSync(join(folder, ".DS_Store.csv"), "x")
    expect((await verify()).stdout).toContain("UNEXPECTED  .DS_Store.csv")
  })

  it("names apart the download marks Explorer writes as files when it copies an export into WSL's folders", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    const mark = "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://tickets.acme.example/export.zip\r\n"
    writeFileSync(join(folder, `${csv}:Zone.Identifier`), mark)
    writeFileSync(join(folder, "manifest.json:Zone.Identifier"), "")
    const result = await verify()
    expect(result.code, result.stdout).toBe(0)
    expect(result.stdout).toContain(
      `Left aside: ${csv}:Zone.Identifier, manifest.json:Zone.Identifier, written by a file manager, not part of the export.`
    )
    // An export file's content under such a name is no mark.
    writeFileSync(join(folder, `${csv}:Zone.Identifier`), readFileSync(join(folder, csv)))
    expect((await verify()).stdout).toContain(`UNEXPECTED  ${csv}:Zone.Identifier`)
  })

  it("names apart LibreOffice's lock on an export file open in it, and nothing else under a lock's name", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    const lock = ",alice,laptop-7,02.12.2026 09:14,file:///home/alice/.config/libreoffice/4;"
    writeFileSync(join(folder, `.~lock.${csv}#`), lock)
    const result = await verify()
    expect(result.code, result.stdout).toBe(0)
    expect(result.stdout).toContain(
      `Left aside: .~lock.${csv}#, LibreOffice's lock on a file it has open (or had, when it stopped without ` +
        "closing it), not part of the export; opening a file there changes nothing in it."
    )
    unlinkSync(join(folder, `.~lock.${csv}#`))
    // The export's data under a lock's name, or a lock of a file the export does not hold, is added.
    const cases: ReadonlyArray<readonly [string, string]> = [
      [`.~lock.${csv}#`, readFileSync(join(folder, csv), "utf8")],
      [".~lock.approvals.xlsx#", lock]
    ]
    await expectEachUnexpected(cases)
  })

  it("names apart a detached signature of the manifest made beside it, and nothing else under such a name", async () => {
    const signatures: ReadonlyArray<readonly [string, string | Buffer]> = [
      ["manifest.json.asc", GPG_SIGNATURE],
      ["manifest.json.sig", Buffer.from(GPG_BINARY_SIGNATURE, "base64")],
      ["manifest.json.minisig", MINISIGN_SIGNATURE]
    ]
    for (const [name, content] of signatures) writeFileSync(join(folder, name), content)
    const result = await verify()
    expect(result.code, result.stdout).toBe(0)
    expect(result.stdout).toContain(
      "Left aside: manifest.json.asc, manifest.json.minisig, manifest.json.sig, detached signatures of the export's " +
        "files, not part of it and not checked here: check it with the tool that made it (gpg --verify, " +
        "ssh-keygen -Y verify, minisign -V)."
    )
    writeFileSync(join(folder, "manifest.json.sig"), SSH_SIGNATURE)
    expect((await verify()).code).toBe(0)
    for (const [name] of signatures) unlinkSync(join(folder, name))
    // An export file's content under a signature's name, or a signature of a file the export does not hold, is added.
    const csv = fileStartingWith("inventory-", ".csv")
    const data = readFileSync(join(folder, csv))
    const cases: ReadonlyArray<readonly [string, string]> = [
      [`${csv}.sig`, data.toString("utf8")],
      ["approvals.xlsx.asc", GPG_SIGNATURE],
      // The export's data encoded under a signature's armour: base64 that decodes to no signature.
      [`${csv}.asc`, armour("PGP", `\n${data.toString("base64")}`)],
      [`${csv}.sig`, armour("SSH", data.toString("base64"))],
      [`${csv}.minisig`, `untrusted comment: signature\n${data.toString("base64")}\ntrusted comment: x\nVx2J\n`],
      // minisign's example with the export's data after either signature, each then longer than an Ed25519 one.
      ...[1, 3].map((line): readonly [string, string] => {
        const lines = MINISIGN_SIGNATURE.trimEnd().split("\n")
        lines[line] = Buffer.concat([Buffer.from(lines[line] ?? "", "base64"), data]).toString("base64")
        return [`${csv}.minisig`, `${lines.join("\n")}\n`]
      })
    ]
    await expectEachUnexpected(cases)
  })

  it("names apart the download mark of a signature handed over with the export, as of the export's files", async () => {
    // Explorer copying into WSL's folders writes every file's mark as a file, the signature's too.
    const mark = "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://tickets.acme.example/export.zip\r\n"
    writeFileSync(join(folder, "manifest.json.asc"), GPG_SIGNATURE)
    writeFileSync(join(folder, "manifest.json.asc:Zone.Identifier"), mark)
    const result = await verify()
    expect(result.code, result.stdout).toBe(0)
    expect(result.stdout).toContain("Left aside: manifest.json.asc, a detached signature of the export's files")
    expect(result.stdout).toContain(
      "Left aside: manifest.json.asc:Zone.Identifier, written by a file manager, not part of the export."
    )
    // Not beside data under a signature's name, nor beside a file of no signature.
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["manifest.json.asc", "alice,admin\n"],
      ["approvals.xlsx.asc", GPG_SIGNATURE]
    ]
    for (const [name, content] of cases) {
      rmSync(join(folder, "manifest.json.asc"), { force: true })
      rmSync(join(folder, "manifest.json.asc:Zone.Identifier"), { force: true })
      writeFileSync(join(folder, name), content)
      writeFileSync(join(folder, `${name}:Zone.Identifier`), mark)
      const added = await verify()
      expect(added.code, name).toBe(1)
      expect(added.stdout).toContain(`UNEXPECTED  ${name}:Zone.Identifier`)
      unlinkSync(join(folder, name))
      unlinkSync(join(folder, `${name}:Zone.Identifier`))
    }
  })

  it("says of the metadata Finder writes beside a signature that a file manager wrote it, not that it is one", async () => {
    // Finder on a FAT stick or an SMB share writes a signature's extended attributes (its quarantine) as `._<name>`.
    writeFileSync(join(folder, "manifest.json.asc"), GPG_SIGNATURE)
    writeFileSync(join(folder, "._manifest.json.asc"), Buffer.from([0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00]))
    const result = await verify()
    expect(result.code, result.stdout).toBe(0)
    expect(result.stdout).toContain(
      "Left aside: manifest.json.asc, a detached signature of the export's files, not part of it"
    )
    expect(result.stdout).toContain(
      "Left aside: ._manifest.json.asc, written by a file manager, not part of the export."
    )
  })

  it("names apart a signature armoured with the header lines GPG Suite and older gpg write", async () => {
    // GPG Suite (macOS) writes a Comment line by default, gpg 2.0 (RHEL 7) a Version line; neither is signed.
    const headers = ["Comment: GPGTools - https://gpgtools.org", "Version: GnuPG v2.0.22 (GNU/Linux)"]
    for (const header of headers) {
      writeFileSync(join(folder, "manifest.json.asc"), GPG_SIGNATURE.replace("-----\n\n", `-----\n${header}\n\n`))
      const result = await verify()
      expect(result.code, result.stdout).toBe(0)
      expect(result.stdout).toContain("Left aside: manifest.json.asc, a detached signature of the export's files")
    }
  })

  it("does not pass over data in the form of a download mark, nor a mark of a file the export does not hold", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    const cases: ReadonlyArray<readonly [string, string]> = [
      // INI lines, as a list of users may be written, under the mark's name.
      [`${csv}:Zone.Identifier`, "[ZoneTransfer]\r\nZoneId=3\r\nalice=admin\r\nbob=admin\r\n"],
      [`${csv}:Zone.Identifier`, "[Users]\r\nalice=admin\r\n"],
      [`${csv}:Zone.Identifier`, "[ZoneTransfer]\r\nZoneId=3\r\n[Users]\r\nalice=admin\r\n"],
      [`${csv}:Zone.Identifier`, "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=a\r\nHostUrl=b\r\n"],
      // No ZoneId, which every mark Windows writes holds.
      [`${csv}:Zone.Identifier`, "[ZoneTransfer]\r\nHostUrl=https://tickets.acme.example/export.zip\r\n"],
      // A real mark, but of a file that is not in the export: written for a file added and then taken out.
      ["approvals.xlsx:Zone.Identifier", "[ZoneTransfer]\r\nZoneId=3\r\n"]
    ]
    await expectEachUnexpected(cases)
  })

  it("does not pass over a copy of an export file put under a file manager's name", async () => {
    const csv = fileStartingWith("inventory-", ".csv")
    writeFileSync(join(folder, `._${csv}`), readFileSync(join(folder, csv)))
    // Even one opening with a space, as an INI text may.
    writeFileSync(join(folder, "desktop.ini"), ` ${readFileSync(join(folder, csv), "utf8").replace(/^\uFEFF/, "")}`)
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`UNEXPECTED  ._${csv}`)
    expect(result.stdout).toContain("UNEXPECTED  desktop.ini")
    // Nor after a section line, or blank lines, as an INI file opens.
    for (const opening of ["[.ShellClassInfo]\r\n", "\r\n".repeat(8)]) {
      writeFileSync(join(folder, "desktop.ini"), `${opening}${readFileSync(join(folder, csv), "utf8").slice(0, 2000)}`)
      expect((await verify()).stdout).toContain("UNEXPECTED  desktop.ini")
    }
  })

  it("does not pass over a desktop.ini that is not small, or whose first line is not a section or comment", async () => {
    // INI lines throughout, but past the few kilobytes Explorer writes: data could follow its first lines.
    writeFileSync(join(folder, "desktop.ini"), `[.ShellClassInfo]\r\n${"IconResource=x\r\n".repeat(400)}`)
    expect((await verify()).stdout).toContain("UNEXPECTED  desktop.ini")
    writeFileSync(join(folder, "desktop.ini"), "IconResource=x\r\n[.ShellClassInfo]\r\n")
    expect((await verify()).stdout).toContain("UNEXPECTED  desktop.ini")
  })

  it("fails an export for a folder under a file manager's name, and shows no escape sequence from a name", async () => {
    mkdirSync(join(folder, "._sneaky"))
    writeFileSync(join(folder, "._\u001b[2Jhidden"), Buffer.from([0x00, 0x05, 0x16, 0x07]))
    writeFileSync(join(folder, "z\u001b[32mGREEN"), "x")
    const result = await verify()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain("UNEXPECTED  ._sneaky")
    expect(result.stdout).toContain("UNEXPECTED  z\uFFFD[32mGREEN")
    expect(result.stdout).toContain("Left aside: ._\uFFFD[2Jhidden")
    expect(result.stdout).not.toContain("\u001b")
  })

  it("shows no escape sequence from a tampered manifest's fields either", async () => {
    const path = join(folder, "manifest.json")
    const manifest = JSON.parse(readFileSync(path, "utf8")) as { tool: { name: string }; runId: string }
    writeFileSync(
      path,
      JSON.stringify({ ...manifest, tool: { ...manifest.tool, name: "x\u001b[3A\u001b[2K" }, runId: "r\u009b2J" })
    )
    const result = await verify()
    expect(result.stdout).toContain("by x\uFFFD[3A\uFFFD[2K")
    expect(result.stdout).not.toContain("\u001b")
    expect(result.stdout).not.toContain("\u009b")
  })

  it("shows no escape sequence from a manifest it refuses, whether not JSON or listing a forged name", async () => {
    writeFileSync(join(folder, "manifest.json"), "\u001b[2J\u001b[32mVerified")
    const notJson = await verify()
    expect(notJson.code).toBe(2)
    expect(notJson.error).toContain("manifest.json is malformed: not JSON")
    expect(notJson.error).not.toContain("\u001b")

    const manifest = JSON.parse(readFileSync(join(original, "manifest.json"), "utf8")) as ManifestListing
    const forged = "inventory-\u001b[2K\u009b1A.csv"
    writeListing(manifest, [...manifest.files, { path: forged, bytes: 1, sha256: "0".repeat(64) }])
    const listed = await verify()
    expect(listed.code).toBe(2)
    expect(listed.error).toContain("lists inventory-\uFFFD[2K\uFFFD1A.csv besides its run's own files")
    expect(listed.error).not.toContain("\u001b")
    expect(listed.error).not.toContain("\u009b")
  })

  it("shows no escape sequence from the name of the folder it was given, whatever it finds there", async () => {
    // Named by whoever holds the export, and reached through a glob or a script as readily as typed.
    const named = join(scratch, "export-x\u001b[1A\u001b[2K\u001b[8m")
    renameSync(folder, named)
    const untouched = await verify(named)
    expect(untouched.code).toBe(0)
    expect(untouched.stdout).toContain("Verified 5 files in ")
    expect(untouched.stdout).not.toContain("\u001b")

    writeFileSync(join(named, "added.txt"), "x")
    const added = await verify(named)
    expect(added.code).toBe(1)
    expect(added.error).toContain("export-x\uFFFD[1A\uFFFD[2K\uFFFD[8m does not match its manifest")
    expect(added.error).not.toContain("\u001b")

    unlinkSync(join(named, "manifest.json"))
    const unreadable = await verify(named)
    expect(unreadable.code).toBe(2)
    expect(unreadable.error).toContain("manifest.json cannot be read")
    expect(unreadable.error).not.toContain("\u001b")
  })

  it("is a usage error (exit 2) for a folder without a manifest", async () => {
    unlinkSync(join(folder, "manifest.json"))
    const result = await verify()
    expect(result.code).toBe(2)
    expect(result.error).toContain("manifest.json cannot be read")
    expect(result.error).toContain("not an export folder")
  })

  it("names the exports in a folder given in place of one of them, and the one to pass for a file of an export", async () => {
    // The folder exports are written into, as an auditor handed the report directory may give it.
    const reports = join(scratch, "reports")
    mkdirSync(reports)
    cpSync(folder, join(reports, "export-20260630T020000Z"), { recursive: true })
    cpSync(folder, join(reports, "export-20260930T020000Z"), { recursive: true })
    const parent = await verify(reports)
    expect(parent.code).toBe(2)
    expect(parent.error).toContain(
      `${reports} holds exports but is not one itself: export-20260930T020000Z, export-20260630T020000Z. Pass the ` +
        `folder of the export to check, as in: panther-audit verify ${join(reports, "export-20260930T020000Z")}`
    )
    // Exports made in one second are numbered: the tenth is newer than the second.
    for (const suffix of ["-2", "-10"]) {
      cpSync(folder, join(reports, `export-20260930T020000Z${suffix}`), { recursive: true })
    }
    expect((await verify(reports)).error).toContain(
      "holds exports but is not one itself: export-20260930T020000Z-10, export-20260930T020000Z-2, " +
        "export-20260930T020000Z and 1 older."
    )
    for (const file of ["manifest.json", fileStartingWith("inventory-", ".csv")]) {
      const given = await verify(join(folder, file))
      expect(given.code).toBe(2)
      expect(given.error).toContain(`is not a folder; pass the export's folder, the one it is in: ${folder}.`)
    }
  })

  it("says of an export handed over packed that it is an archive to unpack first", async () => {
    const packed: Array<[string, Array<string>, string]> = [
      ["export.tar", ["-cf"], "a tar archive"],
      ["export.tar.gz", ["-czf"], "a gzip-compressed archive (.tar.gz, .tgz)"]
    ]
    for (const [name, flags, kind] of packed) {
      const archive = join(scratch, name)
      const made = await runProcess("tar", [...flags, archive, "-C", scratch, "export-copy"])
      expect(made.code, made.stderr).toBe(0)
      const result = await verify(archive)
      expect(result.code).toBe(2)
      expect(result.error).toContain(
        `${archive} is not a folder; it is ${kind}: unpack it, and pass the export's folder that comes out of it`
      )
    }
    // A zip's first bytes: a local file header.
    const zip = join(scratch, "export.zip")
    writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60)]))
    expect((await verify(zip)).error).toContain(`${zip} is not a folder; it is a zip archive: unpack it`)
  })

  it("says of the folder an export killed outright left that it never finished, not that a manifest was removed", async () => {
    const unfinished = join(scratch, ".panther-audit-export-AbC123")
    mkdirSync(unfinished)
    writeFileSync(join(unfinished, ".panther-audit-unfinished-export"), "panther-audit: unfinished export\n")
    cpSync(join(folder, fileStartingWith("inventory-", ".csv")), join(unfinished, "inventory.csv"))
    const result = await verify(unfinished)
    expect(result.code).toBe(2)
    expect(result.error).toContain(
      `${unfinished} is the folder of an export that never finished (killed while it was being built: it holds ` +
        ".panther-audit-unfinished-export and no manifest.json), so there is no export to verify"
    )
  })

  it("does not take an export whose manifest was taken out and a mark put in for one that never finished", async () => {
    unlinkSync(join(folder, "manifest.json"))
    writeFileSync(join(folder, ".panther-audit-unfinished-export"), "panther-audit: unfinished export\n")
    // Under its own name, and under the hidden one with a mark not an export's: only a killed export's folder is both.
    const hidden = join(scratch, ".panther-audit-export-XyZ789")
    for (const [given, mark] of [
      [folder, "panther-audit: unfinished export\n"],
      [hidden, "not the export's mark\n"]
    ] as const) {
      if (given === hidden) renameSync(folder, hidden)
      writeFileSync(join(given, ".panther-audit-unfinished-export"), mark)
      const result = await verify(given)
      expect(result.code).toBe(2)
      expect(result.error).not.toContain("never finished")
      expect(result.error).toContain("manifest.json cannot be read")
      expect(result.error).toContain("or its manifest was removed")
    }
  })

  it("is a usage error (exit 2) for a folder that does not exist", async () => {
    const result = await verify(join(scratch, "no-such-export"))
    expect(result.code).toBe(2)
  })

  it("is a usage error (exit 2) naming what is wrong for a file, or a link that leads round in a loop", async () => {
    const file = join(scratch, "manifest-alone.json")
    writeFileSync(file, "{}")
    const loop = join(scratch, "loop")
    symlinkSync(join(scratch, "round"), loop)
    symlinkSync(loop, join(scratch, "round"))
    const cases = [
      [file, "is not a folder; pass the export's folder"],
      // The command line's own check of the path died on the loop: exit 70 and a stack trace.
      [loop, "cannot be read: a link in the path leads round in a loop"]
    ] as const
    for (const [path, says] of cases) {
      const result = await verify(path)
      expect(result.code, result.error).toBe(2)
      expect(result.error).toContain(says)
    }
  })

  it("takes a recorded digest pasted with space around it", async () => {
    const result = await runCommand(verifyCommand, [folder, "--expect-sha256", ` ${recordedDigest} `])
    expect(result.code, result.error).toBe(0)
    expect(result.stdout).toContain("manifest.json is the one recorded")
  })

  /**
   * A line a digest tool prints, in one of the forms `--expect-sha256` takes: taken for manifest.json (`lines`, by
   * name and by path, a line break after it or not), its digest still checked against the manifest, and refused
   * for another file, naming both (`lineFor`, `kind` as the refusal names the form).
   */
  const takesLineForm = async (form: {
    readonly kind: string
    readonly lines: (manifest: string) => ReadonlyArray<string>
    readonly lineFor: (file: string) => string
  }) => {
    const manifest = join(folder, "manifest.json")
    for (const line of form.lines(manifest)) {
      const result = await runCommand(verifyCommand, [folder, "--expect-sha256", line])
      expect(result.code, `${line}: ${result.error}`).toBe(0)
      expect(result.stdout).toContain("manifest.json is the one recorded")
    }
    // The line's digest is still checked: a manifest changed since is a mismatch.
    appendFileSync(manifest, "\n")
    const changed = await runCommand(verifyCommand, [folder, "--expect-sha256", form.lineFor(manifest)])
    expect(changed.code).toBe(1)
    expect(changed.stdout).toContain(`not ${recordedDigest} as recorded: the manifest was changed`)
    const csv = fileStartingWith("inventory-", ".csv")
    expect(csv).not.toBe("")
    const other = await runCli(["verify", folder, "--expect-sha256", form.lineFor(csv)])
    expect(other.code).toBe(2)
    expect(stderrText(other.stderr)).toContain(
      `--expect-sha256 was given ${form.kind} for ${csv}, not for manifest.json, the file whose digest it checks`
    )
  }

  /** A usage error (exit 2) saying `reason` for the line `line`. */
  const refusesLine = async (line: string, reason: string) => {
    const result = await runCli(["verify", folder, "--expect-sha256", line])
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(reason)
  }

  it("takes a whole sha256sum line for manifest.json, and refuses one for another file, naming both", () =>
    takesLineForm({
      kind: "a sha256sum line",
      lines: (manifest) => [`${recordedDigest}  manifest.json`, `${recordedDigest} *${manifest}\n`],
      lineFor: (file) => `${recordedDigest}  ${file}`
    }))

  it("takes a BSD-style SHA256 line for manifest.json, and refuses one for another file or algorithm", async () => {
    // What `sha256 manifest.json` on a Mac, or `shasum -a 256 --tag`, prints.
    await takesLineForm({
      kind: "a BSD-style SHA256 line",
      lines: (manifest) => [`SHA256 (manifest.json) = ${recordedDigest}`, `SHA256 (${manifest}) = ${recordedDigest}\n`],
      lineFor: (file) => `SHA256 (${file}) = ${recordedDigest}`
    })
    await refusesLine(
      `SHA1 (manifest.json) = ${"0".repeat(40)}`,
      "--expect-sha256 was given a SHA1 digest, not a SHA-256 one"
    )
  })

  it("takes a `sha256 -r` line for manifest.json, and refuses one for another file or of another length", async () => {
    // What `sha256 -r manifest.json` on a Mac prints: one space, where sha256sum prints two.
    await takesLineForm({
      kind: "a `sha256 -r` line",
      lines: (manifest) => [`${recordedDigest} manifest.json`, `${recordedDigest} ${manifest}\n`],
      lineFor: (file) => `${recordedDigest} ${file}`
    })
    // `sha1 -r`: the line names no algorithm, and its digest is not a SHA-256's length.
    await refusesLine(`${"0".repeat(40)} manifest.json`, "--expect-sha256 must be 64 hexadecimal digits")
  })

  it("takes an OpenSSL line for manifest.json, and refuses one for another file or algorithm", async () => {
    // What `openssl dgst -sha256 manifest.json` prints: OpenSSL 3 names the algorithm SHA2-256, 1.1 SHA256.
    await takesLineForm({
      kind: "an OpenSSL SHA-256 line",
      lines: (manifest) => [`SHA2-256(manifest.json)= ${recordedDigest}`, `SHA256(${manifest})= ${recordedDigest}\n`],
      lineFor: (file) => `SHA2-256(${file})= ${recordedDigest}`
    })
    await refusesLine(
      `SHA2-512(manifest.json)= ${"0".repeat(128)}`,
      "--expect-sha256 was given a SHA2-512 digest, not a SHA-256 one"
    )
  })

  it("is a usage error (exit 2) for an empty folder argument, said as one and not as a folder holding nothing", async () => {
    // `verify "$EXPORT"` with the variable unset. "The folder is empty" read as an export folder with no files in it.
    const result = await runCli(["verify", ""])
    expect(result.code).toBe(2)
    const said = stderrText(result.stderr)
    expect(said).toContain("The folder's name is empty, and needs a value")
    expect(said).toContain("the export's folder, export-<stamp>, that holds manifest.json")
    expect(said).not.toContain("The folder is empty")
  })

  it("is a usage error (exit 2) for an empty manifest, said to be empty rather than quoting the parser", async () => {
    // A copy cut short (a full disk, a transfer stopped) leaves the file with nothing in it.
    for (const content of ["", " \n"]) {
      writeFileSync(join(folder, "manifest.json"), content)
      const result = await verify()
      expect(result.code).toBe(2)
      expect(result.error).toContain("manifest.json is empty")
      expect(result.error).toContain("copy the export again")
      expect(result.error).not.toContain("Unexpected end of JSON input")
    }
  })

  it("is a usage error (exit 2) for a manifest that is not JSON", async () => {
    writeFileSync(join(folder, "manifest.json"), "{ not json")
    const result = await verify()
    expect(result.code).toBe(2)
    expect(result.error).toContain("manifest.json is malformed: not JSON")
  })

  it("is a usage error (exit 2) for a manifest nested thousands of levels deep, not an internal error", async () => {
    // JSON.parse reads it; quoting it in the schema's message overflowed the stack, which ended verify with 70.
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`
    for (const text of [deep, JSON.stringify({ ...readManifest(), files: "@" }).replace('"@"', deep)]) {
      writeFileSync(join(folder, "manifest.json"), text)
      const result = await verify()
      expect(result.code, result.error).toBe(2)
      expect(result.error).toContain("manifest.json is malformed: a value is nested too deeply to read")
    }
  })

  it("is a usage error (exit 2) for a manifest of gigabytes, without reading it whole", async () => {
    // A sparse file: it was read into memory whole and refused in Node's words (ERR_FS_FILE_TOO_LARGE), with advice
    // about a removed manifest.
    const path = join(folder, "manifest.json")
    truncateSync(path, 3 * 1024 * 1024 * 1024)
    const result = await verify()
    expect(result.code, result.error).toBe(2)
    expect(result.error).toContain("manifest.json is larger than 16 MiB, far more than an export's manifest is")
    // Nor is it hashed when no digest was given to compare it with: one of a terabyte is refused at once.
    truncateSync(path, 1024 * 1024 * 1024 * 1024)
    expect((await verify()).code).toBe(2)
  }, 15_000)

  it("refuses a manifest whose entries point outside the folder or lack a digest (exit 2)", async () => {
    const path = join(folder, "manifest.json")
    const manifest = JSON.parse(readFileSync(path, "utf8")) as { files: Array<Record<string, unknown>> }
    for (const broken of [
      { ...manifest, files: [{ path: "../outside.txt", bytes: 1, sha256: "0".repeat(64) }] },
      { ...manifest, files: [{ path: "..", bytes: 1, sha256: "0".repeat(64) }] },
      { ...manifest, files: [{ path: "..\\outside.txt", bytes: 1, sha256: "0".repeat(64) }] },
      { ...manifest, files: [{ path: "a", bytes: 1, sha256: "0".repeat(65) }] },
      { ...manifest, files: [{ path: "inventory.csv", bytes: 1 }] },
      { ...manifest, files: [{ path: "a", bytes: -1, sha256: "0".repeat(64) }] },
      { ...manifest, format: "something-else/9" }
    ]) {
      writeFileSync(path, JSON.stringify(broken))
      const result = await verify()
      expect(result.code).toBe(2)
      expect(result.error).toContain("manifest.json is malformed")
    }
  })

  it("refuses a manifest that lists a file twice, or itself (exit 2)", async () => {
    const manifest = readManifest()
    const [first] = manifest.files
    if (first === undefined) throw new Error("the export lists no files")
    const own = { path: "manifest.json", bytes: 1, sha256: "0".repeat(64) }
    for (const files of [
      [...manifest.files, first],
      [...manifest.files, own]
    ]) {
      writeListing(manifest, files)
      const result = await verify()
      expect(result.code).toBe(2)
      expect(result.error).toContain("manifest.json is malformed")
    }
  })

  it("refuses a manifest with one entry doctored, its list and count otherwise whole, as malformed (exit 2)", async () => {
    // Every other check passes for such a manifest: only the entry's own shape tells it malformed, not a mismatch.
    const manifest = readManifest()
    const [first, ...rest] = manifest.files
    if (first === undefined) throw new Error("the export lists no files")
    for (const entry of [
      { ...first, sha256: first.sha256.toUpperCase() },
      { ...first, path: "" },
      { ...first, path: "." },
      { ...first, path: `./${first.path}` },
      { ...first, bytes: first.bytes + 0.5 }
    ]) {
      writeListing(manifest, [entry, ...rest])
      const result = await verify()
      expect(result.code, JSON.stringify(entry)).toBe(2)
      expect(result.error).toContain("manifest.json is malformed")
    }
  })

  it("refuses a manifest whose findings reports are of more than one stamp, saying files were added (exit 2)", async () => {
    const manifest = readManifest()
    const content = "{}\n"
    const extra = "user-audit-20990101T000000Z.json"
    writeFileSync(join(folder, extra), content)
    const files = [
      ...manifest.files,
      { path: extra, bytes: content.length, sha256: createHash("sha256").update(content).digest("hex") }
    ]
    writeListing(manifest, files)
    const result = await verify()
    expect(result.code).toBe(2)
    // Said as what it is: a run's reports added, not every kind of file taken out.
    expect(result.error).toContain("lists the findings reports of 2 runs (")
    expect(result.error).toContain("20990101T000000Z): an export holds those of one, so files were added")
    expect(result.error).not.toContain("does not list")
  })

  it("refuses a manifest listing, besides its run's files, others named as an export names its files (exit 2)", async () => {
    const manifest = readManifest()
    const content = "x\n"
    const digest = createHash("sha256").update(content).digest("hex")
    for (const extra of [
      "user-audit-20990101T000000Z.csv",
      "inventory-20990101T000000Z.csv",
      "access-review-20990101T000000Z.html",
      `${fileStartingWith("user-audit-", ".json").replace(".json", "")}-2.json`
    ]) {
      writeFileSync(join(folder, extra), content)
      writeListing(manifest, [...manifest.files, { path: extra, bytes: content.length, sha256: digest }])
      const result = await verify()
      expect(result.code, extra).toBe(2)
      expect(result.error).toContain(`lists ${extra} besides its run's own files`)
      unlinkSync(join(folder, extra))
    }
  })

  it("takes the folder through a link, but not a manifest that is a link (exit 2)", async () => {
    const link = join(scratch, "link-to-export")
    symlinkSync(folder, link)
    expect((await verify(link)).code).toBe(0)

    const manifest = join(folder, "manifest.json")
    const elsewhere = join(scratch, "manifest-elsewhere.json")
    renameSync(manifest, elsewhere)
    symlinkSync(elsewhere, manifest)
    const result = await verify()
    expect(result.code).toBe(2)
    expect(result.error).toContain("manifest.json is not a plain file")
  })

  it("refuses a manifest whose file count does not match its list, as when a file and its line were removed", async () => {
    const path = join(folder, "manifest.json")
    const manifest = JSON.parse(readFileSync(path, "utf8")) as { files: Array<{ path: string }> }
    const [removed, ...kept] = manifest.files
    unlinkSync(join(folder, removed?.path ?? ""))
    writeFileSync(path, JSON.stringify({ ...manifest, files: kept }))
    const result = await verify()
    expect(result.code).toBe(2)
    expect(result.error).toContain(`its counts say ${manifest.files.length} files but it lists ${kept.length}`)
  })

  it("refuses a manifest that lists fewer files than every export holds, even when its count was edited to match", async () => {
    const manifest = readManifest()
    const kept = manifest.files.filter((file) => !file.path.startsWith("inventory-"))
    expect(kept).toHaveLength(manifest.files.length - 2)
    for (const file of manifest.files) if (!kept.includes(file)) unlinkSync(join(folder, file.path))
    writeListing(manifest, kept)
    const result = await verify()
    expect(result.code).toBe(2)
    expect(result.error).toContain(
      "does not list the inventory CSV (inventory-<stamp>.csv), the inventory JSON (inventory-<stamp>.json)"
    )
    // Nothing listed at all is no export either.
    writeListing(manifest, [])
    for (const file of kept) unlinkSync(join(folder, file.path))
    expect((await verify()).error).toContain("does not list the findings CSV")
  })

  it("with --expect-sha256, fails a manifest edited so that it is refused as a mismatch (exit 1), not unchecked", async () => {
    // An auditor who gave the digest recorded was told to compare it (exit 2, as for a check not made), and a script
    // telling a tampered export (1) from one it could not check (2) passed a tampered manifest as the latter.
    const manifest = readManifest()
    const [first, ...rest] = manifest.files
    if (first === undefined) throw new Error("the export lists no files")
    const path = join(folder, "manifest.json")
    const edits: ReadonlyArray<readonly [() => void, string]> = [
      [() => writeListing(manifest, [first, first, ...rest]), "is malformed: files: each file is listed once"],
      [() => writeListing(manifest, [{ ...first, path: `../${first.path}` }, ...rest]), "is malformed: files.0.path"],
      [() => writeListing(manifest, rest), "does not list"],
      [() => writeFileSync(path, JSON.stringify({ ...manifest, files: rest })), "does not add up"],
      [() => writeFileSync(path, ""), "is empty"],
      [() => writeFileSync(path, "{"), "is malformed: not JSON"],
      [() => truncateSync(path, 17 * 1024 * 1024), "is larger than 16 MiB"]
    ]
    for (const [edit, refusal] of edits) {
      cpSync(join(original, "manifest.json"), path)
      edit()
      const actual = createHash("sha256").update(readFileSync(path)).digest("hex")
      const result = await runCommand(verifyCommand, [folder, "--expect-sha256", recordedDigest])
      expect(result.code, refusal).toBe(1)
      expect(result.stdout).toContain(`MANIFEST    manifest.json: its SHA-256 is ${actual}, not ${recordedDigest} as`)
      expect(result.stdout).toContain(`could not be checked against it: ${path} ${refusal}`)
      expect(result.error).toContain("does not match its manifest (manifest.json not the one recorded)")
      // Without the digest recorded, nothing says which manifest is the one made: still a check not made.
      expect((await verify()).code, refusal).toBe(2)
    }
  })
})
