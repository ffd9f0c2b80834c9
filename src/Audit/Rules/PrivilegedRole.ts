/** PRIVILEGED_ROLE: the list of privileged users a reviewer must look at. Info: holding a role is not a fault. */
import { type UserRule, userFinding } from "./Rule.js"

export const privilegedRoleRule: UserRule = (facts) =>
  facts.privilege.privileged
    ? [userFinding(facts, { severity: "info", finding: "PRIVILEGED_ROLE", detail: facts.privilege.reason })]
    : []
