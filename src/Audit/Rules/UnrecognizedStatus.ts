/**
 * UNRECOGNIZED_STATUS: an enabled user whose Cognito status the audit has no rule for. Panther passes Cognito's
 * status through as an open string, so a legacy value (ARCHIVED, UNKNOWN) or one added later would otherwise pass
 * as a healthy account without anyone having looked at it. Low: the status says nothing bad by itself, only that
 * a person must check. An absent status is not a status to judge.
 */
import { LEGACY_COGNITO_STATUSES } from "../../PantherApi/CognitoStatus.js"
import { cognitoStatus, PENDING_STATUSES } from "./PendingStatus.js"
import { type UserRule, userFinding } from "./Rule.js"

/** The statuses some rule judges: fine ones, pending ones (PENDING_STATUS) and COMPROMISED (COMPROMISED_ACCOUNT). */
const JUDGED_STATUSES: ReadonlySet<string> = new Set([
  "CONFIRMED",
  "EXTERNAL_PROVIDER",
  "COMPROMISED",
  ...PENDING_STATUSES
])

export const unrecognizedStatusRule: UserRule = (facts) => {
  const status = cognitoStatus(facts.user.status)
  if (status === undefined || JUDGED_STATUSES.has(status)) return []
  const what = LEGACY_COGNITO_STATUSES.has(status)
    ? "is a legacy Cognito status"
    : "is not a Cognito status this audit knows"
  return [
    userFinding(facts, {
      severity: "low",
      finding: "UNRECOGNIZED_STATUS",
      detail:
        `status ${JSON.stringify(facts.user.status)} ${what}, so no rule judged the account by it: check the ` +
        "account in Panther (Settings > Users) and deactivate it if it should not have access"
    })
  ]
}
