/** COMPROMISED_ACCOUNT: Cognito marked the account compromised. Always critical. */
import { type UserRule, userFinding } from "./Rule.js"

export const compromisedAccountRule: UserRule = (facts) =>
  facts.user.status === "COMPROMISED"
    ? [
        userFinding(facts, {
          severity: "critical",
          finding: "COMPROMISED_ACCOUNT",
          detail: "Cognito status COMPROMISED: disable the account and rotate its credentials"
        })
      ]
    : []
