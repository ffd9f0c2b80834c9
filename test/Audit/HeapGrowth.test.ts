/**
 * The heap-growth hold: set once, when a run reaches the threshold, and named as this V8 knows it.
 */
import { spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { HOLD_FLAG, HOLD_FROM_USERS, makeHeapGrowthHold } from "../../src/Audit/HeapGrowth.js"

describe("makeHeapGrowthHold", () => {
  it("sets the hold once, the first time the count of users reaches the threshold", () => {
    const set: Array<string> = []
    const hold = makeHeapGrowthHold(120, (flags) => set.push(flags))
    for (const users of [0, 60, 119]) hold(users)
    expect(set).toEqual([])
    hold(121)
    expect(set).toEqual([HOLD_FLAG])
    for (const users of [180, 240, 1_000_000]) hold(users)
    expect(set).toEqual([HOLD_FLAG])
  })

  it("leaves runs below the default threshold alone", () => {
    const set: Array<string> = []
    const hold = makeHeapGrowthHold(undefined, (flags) => set.push(flags))
    hold(HOLD_FROM_USERS - 1)
    expect(set).toEqual([])
    hold(HOLD_FROM_USERS)
    expect(set).toEqual([HOLD_FLAG])
  })

  it("names a flag this V8 accepts", () => {
    // Node refuses a V8 flag on its command line that V8 does not know (setFlagsFromString would only ignore it).
    const run = (flag: string) => spawnSync(process.execPath, [flag, "-e", "0"], { encoding: "utf8" })
    expect(run(HOLD_FLAG)).toMatchObject({ status: 0, stderr: "" })
    expect(run("--heap-growing-percnt=35")).toMatchObject({ status: 9, stderr: expect.stringMatching(/bad option/) })
  })
})
