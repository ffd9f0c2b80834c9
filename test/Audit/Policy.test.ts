/** `--policy` / AUDIT_POLICY: a regime's name as people type it, and the thresholds it presets. */
import { describe, expect, it } from "vitest"
import { POLICY_STALE_DAYS, parsePolicy, policyOverrideWarning } from "../../src/Audit/Policy.js"

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

  it("warns when an explicit --stale-days is looser than the policy the reports name, not when it is stricter", () => {
    expect(policyOverrideWarning("cis", 90)).toBe(
      "--stale-days 90 overrides --policy cis, which sets 45 days: logins more than 45 and at most 90 days ago were " +
        "not flagged, so this report does not show the cis threshold met."
    )
    expect(policyOverrideWarning("cis", 45)).toBeUndefined()
    expect(policyOverrideWarning("pci", 30)).toBeUndefined()
    expect(policyOverrideWarning(null, 400)).toBeUndefined()
  })
})
