/** STALE_LOGIN: the last login is more than `--stale-days` days before the audit time. High when privileged. */
import { isMoreThanDaysBefore, wholeDaysBetween } from "../Timestamps.js"
import { type UserRule, userFinding } from "./Rule.js"

export const staleLoginRule: UserRule = (facts) => {
  const { lastLoggedInAt, parameters, privilege } = facts
  if (lastLoggedInAt === undefined || !isMoreThanDaysBefore(lastLoggedInAt, parameters.asOf, parameters.staleDays)) {
    return []
  }
  const days = wholeDaysBetween(lastLoggedInAt, parameters.asOf)
  // Stale is more than N x 24 hours: at N whole days and some hours, "N days ago (more than N)" would read wrong.
  const ago = days > parameters.staleDays ? `${days} days ago` : `over ${days} days ago`
  return [
    userFinding(facts, {
      severity: privilege.privileged ? "high" : "medium",
      finding: "STALE_LOGIN",
      detail: `last login ${ago} (more than ${parameters.staleDays})${privilege.privileged ? `; privileged: ${privilege.reason}` : ""}`
    })
  ]
}
