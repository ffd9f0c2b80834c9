/**
 * The heap-growth holds: each set once, when a run reaches its threshold, and named as this V8 knows them.
 */
import { spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import {
  HOLD_FLAG,
  HOLD_FROM_USERS,
  makeHeapGrowthHold,
  YOUNG_HOLD_FLAG,
  YOUNG_HOLD_FROM_USERS
} from "../../src/Audit/HeapGrowth.js"

describe("makeHeapGrowthHold", () => {
  it("sets each hold once, the first time the count of users reaches its threshold", () => {
    const set: Array<string> = []
    const hold = makeHeapGrowthHold({ young: 50, old: 120 }, (flags) => set.push(flags))
    for (const users of [0, 49]) hold(users)
    expect(set).toEqual([])
    hold(60)
    expect(set).toEqual([YOUNG_HOLD_FLAG])
    hold(119)
    expect(set).toEqual([YOUNG_HOLD_FLAG])
    hold(121)
    expect(set).toEqual([YOUNG_HOLD_FLAG, HOLD_FLAG])
    for (const users of [180, 240, 1_000_000]) hold(users)
    expect(set).toEqual([YOUNG_HOLD_FLAG, HOLD_FLAG])
  })

  it("sets both at once when a count passes both thresholds", () => {
    const set: Array<string> = []
    makeHeapGrowthHold({ young: 50, old: 120 }, (flags) => set.push(flags))(500)
    expect(set).toEqual([YOUNG_HOLD_FLAG, HOLD_FLAG])
  })

  it("leaves runs below the default thresholds alone", () => {
    const set: Array<string> = []
    const hold = makeHeapGrowthHold(undefined, (flags) => set.push(flags))
    hold(YOUNG_HOLD_FROM_USERS - 1)
    expect(set).toEqual([])
    hold(YOUNG_HOLD_FROM_USERS)
    expect(set).toEqual([YOUNG_HOLD_FLAG])
    hold(HOLD_FROM_USERS - 1)
    expect(set).toEqual([YOUNG_HOLD_FLAG])
    hold(HOLD_FROM_USERS)
    expect(set).toEqual([YOUNG_HOLD_FLAG, HOLD_FLAG])
  })

  it("names flags this V8 accepts", () => {
    // Node refuses a V8 flag on its command line that V8 does not know (setFlagsFromString would only ignore it).
    const run = (flag: string) => spawnSync(process.execPath, [flag, "-e", "0"], { encoding: "utf8" })
    for (const flag of [HOLD_FLAG, YOUNG_HOLD_FLAG]) expect(run(flag)).toMatchObject({ status: 0, stderr: "" })
    expect(run("--heap-growing-percnt=35")).toMatchObject({ status: 9, stderr: expect.stringMatching(/bad option/) })
  })
})
