/**
 * `--policy` presets the thresholds a compliance regime sets; an explicit `--stale-days` still wins.
 * CIS Controls v8 5.3: 45 days. PCI DSS v4.0.1 8.2.6: 90 days. NIST SP 800-53 AC-2(3) as FedRAMP Moderate sets
 * it: 90 days.
 */
export const POLICIES = ["cis", "pci", "nist"] as const
export type Policy = (typeof POLICIES)[number]

export const POLICY_STALE_DAYS: Readonly<Record<Policy, number>> = { cis: 45, pci: 90, nist: 90 }

export const parsePolicy = (text: string): Policy | undefined =>
  POLICIES.find((policy) => policy === text.trim().toLowerCase())

/**
 * An explicit `--stale-days` looser than the `--policy` the reports name: the reports would say "policy cis" while
 * not flagging accounts inactive between the two thresholds. A stricter one is left unsaid: it meets the policy.
 */
export const policyOverrideWarning = (policy: Policy | null, staleDays: number): string | undefined => {
  if (policy === null || staleDays <= POLICY_STALE_DAYS[policy]) return undefined
  const preset = POLICY_STALE_DAYS[policy]
  return (
    `--stale-days ${staleDays} overrides --policy ${policy}, which sets ${preset} days: logins more than ${preset} ` +
    `and at most ${staleDays} days ago were not flagged, so this report does not show the ${policy} threshold met.`
  )
}
