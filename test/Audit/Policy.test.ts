/** `--policy` / AUDIT_POLICY: a regime's name as people type it, and the thresholds it presets. */
import { describe, expect, it } from "vitest"
import { POLICY_STALE_DAYS, parsePolicy } from "../../src/Audit/Policy.js"

describe("--policy", () => {
  it("reads a regime's name in any case and with space around it, as an environment file may hold it", () => {
    expect(parsePolicy("cis")).toBe("cis")
    expect(parsePolicy(" PCI ")).toBe("pci")
    expect(parsePolicy("Nist\n")).toBe("nist")
    expect(parsePolicy("sox")).toBeUndefined()
    expect(parsePolicy("")).toBeUndefined()
  })

  it("presets the stale-login threshold each regime sets", () => {
    expect(POLICY_STALE_DAYS).toEqual({ cis: 45, pci: 90, nist: 90 })
  })
})
