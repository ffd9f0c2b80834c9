/**
 * The compliance controls each finding gives evidence for (see `shared/panther-api-notes.md`). Auditors filter
 * the reports by these, so the texts are stable.
 */
import type { FindingCode } from "./Finding.js"

const DORMANT_ACCOUNTS = [
  "CIS Controls v8 5.3",
  "PCI DSS v4.0.1 8.2.6",
  "NIST SP 800-53 AC-2(3)",
  "SOC 2 CC6.2",
  "ISO/IEC 27001:2022 A.5.18"
] as const
const PRIVILEGED_ACCESS = ["ISO/IEC 27001:2022 A.8.2", "SOC 2 CC6.3", "PCI DSS v4.0.1 7.2.4"] as const
const CREDENTIAL_HYGIENE = ["SOC 2 CC6.2", "ISO/IEC 27001:2022 A.5.18"] as const

export const CONTROLS: Readonly<Record<FindingCode, ReadonlyArray<string>>> = {
  STALE_LOGIN: DORMANT_ACCOUNTS,
  NEVER_LOGGED_IN: DORMANT_ACCOUNTS,
  PRIVILEGED_ROLE: PRIVILEGED_ACCESS,
  PENDING_STATUS: CREDENTIAL_HYGIENE,
  COMPROMISED_ACCOUNT: CREDENTIAL_HYGIENE,
  UNRECOGNIZED_STATUS: CREDENTIAL_HYGIENE,
  // Data-quality findings say the review is incomplete rather than evidencing a control.
  INVALID_RECORD: [],
  LOGIN_DATA_MISSING: []
}

export const controlsFor = (code: FindingCode): ReadonlyArray<string> => CONTROLS[code]
