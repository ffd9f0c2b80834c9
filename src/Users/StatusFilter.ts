/**
 * What `users list --status` sends. Panther matches a status exactly and Cognito spells its statuses in upper case,
 * so `--status confirmed` listed nobody, exit 0, without a word. A known status in another case is sent as Cognito
 * spells it, as choices such as `--fail-on` are read in any case: no status differs from a known one by case alone.
 * Any other value is still sent as given, since status is an open string and Panther may hold one this tool does
 * not know; but with a note naming the known ones, so that a typo does not pass for a status nobody has.
 */
import { COGNITO_STATUSES, knownCognitoStatus } from "../PantherApi/CognitoStatus.js"

export interface StatusFilter {
  /** The status to send. */
  readonly status: string
  /** A note for stderr, when the status is not one this tool knows. */
  readonly note: string | undefined
}

export const statusFilter = (given: string): StatusFilter => {
  const known = knownCognitoStatus(given)
  if (known !== undefined) return { status: known, note: undefined }
  const status = given.trim()
  return {
    status,
    note:
      `--status ${JSON.stringify(status)} is not a Cognito status this tool knows ` +
      `(${COGNITO_STATUSES.join(", ")}); it is sent as given, and Panther lists only users with exactly that status.`
  }
}
