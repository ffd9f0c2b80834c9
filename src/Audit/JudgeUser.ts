/**
 * Applies every per-user rule to one user. Deactivated users are counted but not judged: they cannot log in.
 */
import type { User } from "../PantherApi/Schemas.js"
import type { AuditParameters } from "./AuditParameters.js"
import type { Finding } from "./Finding.js"
import type { PrivilegePolicy } from "./Privilege.js"
import { compromisedAccountRule } from "./Rules/CompromisedAccount.js"
import { invalidTimestampRule } from "./Rules/InvalidRecord.js"
import { neverLoggedInRule } from "./Rules/NeverLoggedIn.js"
import { pendingStatusRule } from "./Rules/PendingStatus.js"
import { privilegedRoleRule } from "./Rules/PrivilegedRole.js"
import type { UserRule } from "./Rules/Rule.js"
import { staleLoginRule } from "./Rules/StaleLogin.js"
import { unrecognizedStatusRule } from "./Rules/UnrecognizedStatus.js"
import { type FailedValidation, type UserFacts, userFacts } from "./UserFacts.js"

export const USER_RULES: ReadonlyArray<UserRule> = [
  invalidTimestampRule,
  compromisedAccountRule,
  staleLoginRule,
  neverLoggedInRule,
  pendingStatusRule,
  unrecognizedStatusRule,
  privilegedRoleRule
]

export interface Judgement {
  readonly facts: UserFacts
  readonly findings: ReadonlyArray<Finding>
}

/** `failed`: the record failed validation, and `user` is what could be read of it (`ReadableUser`). */
export const judgeUser = (
  user: User,
  parameters: AuditParameters,
  privilegePolicy: PrivilegePolicy,
  failed?: FailedValidation
): Judgement => {
  const facts = userFacts(user, parameters, privilegePolicy, failed)
  if (!user.enabled) return { facts, findings: [] }
  const findings: Array<Finding> = []
  for (const rule of USER_RULES) for (const finding of rule(facts)) findings.push(finding)
  return { facts, findings }
}
