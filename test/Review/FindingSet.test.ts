import { describe, expect, it } from "vitest"
import { FINDING_CODES } from "../../src/Audit/Finding.js"
import { SEVERITIES } from "../../src/Audit/Severity.js"
import {
  addFinding,
  findingCodesText,
  findingEntries,
  findingSetOf,
  hasFinding,
  highestSeverity,
  NO_FINDINGS,
  withoutFinding
} from "../../src/Review/FindingSet.js"

describe("a user's findings packed into one number", () => {
  it("keeps each code with its highest severity and lists them most severe first", () => {
    const set = findingSetOf([
      { finding: "PRIVILEGED_ROLE", severity: "info" },
      { finding: "STALE_LOGIN", severity: "high" },
      { finding: "INVALID_RECORD", severity: "high" },
      { finding: "INVALID_RECORD", severity: "high" }
    ])
    expect(findingEntries(set)).toEqual([
      { code: "INVALID_RECORD", severity: "high" },
      { code: "STALE_LOGIN", severity: "high" },
      { code: "PRIVILEGED_ROLE", severity: "info" }
    ])
    expect(findingCodesText(set)).toBe("INVALID_RECORD STALE_LOGIN PRIVILEGED_ROLE")
    expect(highestSeverity(set)).toBe("high")
    expect(addFinding(set, "STALE_LOGIN", "low")).toBe(set)
  })

  it("removes one code without touching the others", () => {
    const set = findingSetOf([
      { finding: "NEVER_LOGGED_IN", severity: "high" },
      { finding: "PRIVILEGED_ROLE", severity: "info" }
    ])
    const without = withoutFinding(set, "NEVER_LOGGED_IN")
    expect(hasFinding(without, "NEVER_LOGGED_IN")).toBe(false)
    expect(findingCodesText(without)).toBe("PRIVILEGED_ROLE")
    expect(withoutFinding(without, "NEVER_LOGGED_IN")).toBe(without)
  })

  it("holds every code at every severity exactly", () => {
    for (const severity of SEVERITIES) {
      const all = FINDING_CODES.reduce((set, code) => addFinding(set, code, severity), NO_FINDINGS)
      expect(findingEntries(all)).toHaveLength(FINDING_CODES.length)
      expect(findingEntries(all).every((entry) => entry.severity === severity)).toBe(true)
    }
    expect(highestSeverity(NO_FINDINGS)).toBeUndefined()
    expect(findingCodesText(NO_FINDINGS)).toBe("")
  })
})
