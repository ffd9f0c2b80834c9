import { describe, expect, it } from "vitest"
import { slipsBetween } from "../../src/Cli/TypingSlips.js"

describe("slipsBetween", () => {
  it("counts a letter left out, one too many, one wrong and two swapped as one slip each", () => {
    expect(slipsBetween("Analyst", "Analyst", 2)).toBe(0)
    expect(slipsBetween("Analst", "Analyst", 2)).toBe(1)
    expect(slipsBetween("Analysst", "Analyst", 2)).toBe(1)
    expect(slipsBetween("Anolyst", "Analyst", 2)).toBe(1)
    expect(slipsBetween("Anaylst", "Analyst", 2)).toBe(1)
    expect(slipsBetween("AnaylstReadOnyl", "AnalystReadOnly", 3)).toBe(2)
  })

  it("counts case, which callers fold themselves where it does not matter", () => {
    expect(slipsBetween("analyst", "Analyst", 2)).toBe(1)
  })

  it("gives up past the slips asked for, and at once on lengths further apart than that", () => {
    expect(slipsBetween("Admin", "Analyst", 2)).toBeUndefined()
    expect(slipsBetween("Anst", "Analyst", 2)).toBeUndefined()
    expect(slipsBetween("", "ab", 2)).toBe(2)
    expect(slipsBetween("", "abc", 2)).toBeUndefined()
  })
})
