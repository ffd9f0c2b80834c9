import { expect, it } from "vitest"
import { FindingsAtThreshold } from "../../src/Audit/FindingsAtThreshold.js"
import { counted } from "../../src/Cli/Counted.js"

it("gives a count the noun in the number it takes", () => {
  expect(counted(1, "page")).toBe("1 page")
  expect(counted(2, "page")).toBe("2 pages")
  // None is plural in English: "0 pages", not "0 page".
  expect(counted(0, "page")).toBe("0 pages")
  expect(counted(1, "active entry", "active entries")).toBe("1 active entry")
  expect(counted(3, "active entry", "active entries")).toBe("3 active entries")
})

it("says how many findings crossed --fail-on in words a log alert can match", () => {
  expect(new FindingsAtThreshold({ threshold: "high", count: 1 }).message).toBe(
    "1 finding at or above --fail-on high; the reports are complete."
  )
  expect(new FindingsAtThreshold({ threshold: "high", count: 12 }).message).toBe(
    "12 findings at or above --fail-on high; the reports are complete."
  )
})
