/**
 * LOGIN_DATA_MISSING: when 10 or more enabled users are in scope and not one has a last login, the API or the
 * token is hiding the data; reporting every user as never logged in would bury that under noise. This run-level
 * finding replaces the run's NEVER_LOGGED_IN rows.
 */
import { type Finding, NO_SUBJECT } from "../Finding.js"

export const LOGIN_DATA_MISSING_MIN_USERS = 10

export const isLoginDataMissing = (enabledUsers: number, enabledUsersWithLogin: number): boolean =>
  enabledUsers >= LOGIN_DATA_MISSING_MIN_USERS && enabledUsersWithLogin === 0

export const loginDataMissingFinding = (enabledUsers: number): Finding => ({
  severity: "high",
  finding: "LOGIN_DATA_MISSING",
  ...NO_SUBJECT,
  detail:
    `none of the ${enabledUsers} enabled users has a lastLoggedInAt: the API or the token is not returning login ` +
    "data, so per-user NEVER_LOGGED_IN findings were not raised; check the token's permissions and the API"
})
