/** STALE_LOGIN: the last login is more than `--stale-days` days before the audit time. High when privileged. */
import { isMoreThanDaysBefore, wholeDaysBetween } from "../Timestamps.js"
import { type UserRule, userFinding } from "./Rule.js"

export const staleLoginRule: UserRule = (facts) => {
  const { lastLoggedInAt, parameters, privilege } = facts
  if (lastLoggedInAt === undefined || !isMoreThanDaysBefore(lastLoggedInAt, parameters.asOf, parameters.staleDays)) {
    return []
  }
  const days = wholeDaysBetween(lastLoggedInAt, parameters.asOf)
  return [
    userFinding(facts, {
      severity: privilege.privileged ? "high" : "medium",
      finding: "STALE_LOGIN",
      detail: `last login ${days} days ago (more than ${parameters.staleDays})${privilege.privileged ? `; privileged: ${privilege.reason}` : ""}`
    })
  ]
}
