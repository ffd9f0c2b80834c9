/** COMPROMISED_ACCOUNT: Cognito marked the account compromised. Always critical. */
import { cognitoStatus } from "./PendingStatus.js"
import { type UserRule, userFinding } from "./Rule.js"

export const compromisedAccountRule: UserRule = (facts) =>
  cognitoStatus(facts.user.status) === "COMPROMISED"
    ? [
        userFinding(facts, {
          severity: "critical",
          finding: "COMPROMISED_ACCOUNT",
          detail: "Cognito status COMPROMISED: disable the account and rotate its credentials"
        })
      ]
    : []
