/**
 * Work a command must not do before it is needed. Making a splitter into characters as the eye sees them
 * (`Intl.Segmenter`) loads ICU's rules, some 15 ms: the nightly `run` of users with plain names never cuts a text
 * that needs one, and its start-up is what bench/RESULTS.md finds over the floor.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AS_OF, auditArgs, wire } from "../Review/fixtures.js"
import { BIN, runProcess } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

const MARK = "segmenter made"

let simulator: StartedSimulator
let directory = ""
let preload = ""
beforeAll(async () => {
  simulator = await startSimulator({ data: [wire("u-1"), wire("u-2", { lastLoggedInAt: null })], now: new Date(AS_OF) })
  directory = mkdtempSync(join(tmpdir(), "start-up-work-"))
  preload = join(directory, "count-segmenters.cjs")
  // Says on stderr each time a splitter is made, whichever module makes it.
  writeFileSync(
    preload,
    `const Made = Intl.Segmenter
Intl.Segmenter = class extends Made {
  constructor(...args) {
    super(...args)
    process.stderr.write(${JSON.stringify(`${MARK}\n`)})
  }
}
`
  )
})
afterAll(async () => {
  await simulator.close()
  rmSync(directory, { recursive: true, force: true })
})

describe("a command's start", () => {
  it("is told of a splitter made, by the preload the next test runs under", async () => {
    const result = await runProcess(process.execPath, ["--require", preload, "-e", "new Intl.Segmenter()"])
    expect(result.stderr).toContain(MARK)
  })

  it("makes no splitter into characters in a run of users with plain names", async () => {
    const reports = join(directory, "reports")
    mkdirSync(reports)
    const result = await runProcess(process.execPath, [
      "--require",
      preload,
      BIN,
      "run",
      ...auditArgs(simulator.baseUrl, simulator.readToken, reports)
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).not.toContain(MARK)
  })
})
