/**
 * PENDING_STATUS: an invitation never accepted (FORCE_CHANGE_PASSWORD; Cognito's temporary passwords expire after
 * 7 days by default), a sign-up never confirmed, or a reset never done. Low while fresh, medium once older than
 * `--pending-days` or when the account's age is unknown.
 */
import { normalCognitoStatus } from "../../PantherApi/CognitoStatus.js"
import { isMoreThanDaysBefore } from "../Timestamps.js"
import { type UserRule, userFinding } from "./Rule.js"

export const PENDING_STATUSES: ReadonlySet<string> = new Set(["FORCE_CHANGE_PASSWORD", "UNCONFIRMED", "RESET_REQUIRED"])

const MEANING: Record<string, string> = {
  FORCE_CHANGE_PASSWORD: "invitation not accepted (temporary password never changed)",
  UNCONFIRMED: "account never confirmed",
  RESET_REQUIRED: "password reset required but not done"
}

/**
 * Cognito's statuses are upper case; one in another case, or with space around it, is the same status, not an
 * unknown one to pass over (" COMPROMISED " is critical, not low). Blank is no status.
 */
export const cognitoStatus = (status: string | undefined): string | undefined => {
  const normal = status === undefined ? undefined : normalCognitoStatus(status)
  return normal === "" ? undefined : normal
}

export const isPending = (status: string | undefined): boolean => {
  const normal = cognitoStatus(status)
  return normal !== undefined && PENDING_STATUSES.has(normal)
}

export const pendingStatusRule: UserRule = (facts) => {
  const status = cognitoStatus(facts.user.status)
  if (status === undefined || !isPending(status)) return []
  const { createdAt, parameters } = facts
  const stale = createdAt === undefined || isMoreThanDaysBefore(createdAt, parameters.asOf, parameters.pendingDays)
  const age =
    createdAt === undefined
      ? "account age unknown"
      : stale
        ? `created more than ${parameters.pendingDays} days ago`
        : `created within the last ${parameters.pendingDays} days`
  return [
    userFinding(facts, {
      severity: stale ? "medium" : "low",
      finding: "PENDING_STATUS",
      detail: `${status}: ${MEANING[status] ?? "pending"}; ${age}`
    })
  ]
}
