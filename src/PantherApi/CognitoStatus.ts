/**
 * The user statuses Panther passes through from Amazon Cognito, spelled as Cognito spells them: the current ones,
 * then the legacy ones still seen. Status is an open string in the API, so these are the ones known, not the only
 * ones a user may have.
 */
export const COGNITO_STATUSES = [
  "CONFIRMED",
  "FORCE_CHANGE_PASSWORD",
  "UNCONFIRMED",
  "RESET_REQUIRED",
  "EXTERNAL_PROVIDER",
  "COMPROMISED",
  "ARCHIVED",
  "UNKNOWN"
] as const

/** Those of them Cognito no longer gives new users, still seen on old accounts. */
export const LEGACY_COGNITO_STATUSES: ReadonlySet<string> = new Set(["ARCHIVED", "UNKNOWN"])

export type CognitoStatus = (typeof COGNITO_STATUSES)[number]

/**
 * A status as this tool reads it everywhere: Cognito spells statuses in upper case, so one in another case or with
 * space around it is the same status (" COMPROMISED " is COMPROMISED). The audit judges a user by it, and `users
 * list --status` checks what Panther listed by it, so the two cannot disagree about which status a user has.
 */
export const normalCognitoStatus = (text: string): string => text.trim().toUpperCase()

/** The known status `text` names in any case, with space around it, as Cognito spells it; else undefined. */
export const knownCognitoStatus = (text: string): CognitoStatus | undefined => {
  const upper = normalCognitoStatus(text)
  return COGNITO_STATUSES.find((status) => status === upper)
}
