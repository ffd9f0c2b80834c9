/**
 * NEVER_LOGGED_IN: no login at all, on an account older than `--stale-days` (or of unknown age). Pending accounts
 * are left to PENDING_STATUS, which says more precisely what is outstanding. High when privileged.
 */
import { isMoreThanDaysBefore } from "../Timestamps.js"
import { isPending } from "./PendingStatus.js"
import { type UserRule, userFinding } from "./Rule.js"

export const neverLoggedInRule: UserRule = (facts) => {
  const { user, createdAt, parameters, privilege } = facts
  // An unparseable lastLoggedInAt is data that is present but broken: INVALID_RECORD reports it, not this rule. A
  // placeholder before 2000 (Go's zero time) is no login: INVALID_RECORD names it, and this rule judges the account.
  if (facts.loginRecorded || isPending(user.status)) return []
  if (createdAt !== undefined && !isMoreThanDaysBefore(createdAt, parameters.asOf, parameters.staleDays)) return []
  const age = createdAt === undefined ? "account age unknown" : `created more than ${parameters.staleDays} days ago`
  return [
    userFinding(facts, {
      severity: privilege.privileged ? "high" : "medium",
      finding: "NEVER_LOGGED_IN",
      detail: `never logged in; ${age}${privilege.privileged ? `; privileged: ${privilege.reason}` : ""}`
    })
  ]
}
