/**
 * How an account's row on the last review's workbook compares with this review's: the access that changed since
 * (privilege, role, sign-in, email), and what the last reviewer decided for it, read in the words the workbook asks
 * for, with what this review shows was not carried out.
 */
import { asWritten } from "../Reports/Csv.js"
import { unneutraliseFormula } from "../Reports/CsvColumns.js"
import type { ReviewRow } from "./ReviewRow.js"

/** A true or false cell of a workbook in any case; empty for anything else. */
export const booleanCell = (cell: string | undefined): string =>
  cell?.toLowerCase() === "true" ? "true" : cell?.toLowerCase() === "false" ? "false" : ""

const NO_ROLE = "(no role)"

/**
 * What changed in an account's access between the last review's row and this review's: privilege, role, whether it
 * can sign in, email. A cell the last workbook left empty (a record that failed validation then) says nothing.
 */
export const accessChanges = (record: Record<string, string>, now: ReviewRow): ReadonlyArray<string> => {
  const changes: Array<string> = []
  const wasEnabled = booleanCell(record.enabled)
  if (wasEnabled === "false" && now.enabled === true) changes.push("reactivated")
  if (wasEnabled === "true" && now.enabled === false) changes.push("deactivated")
  // No role at all is a role too (a role given to an account without one is new access); a record that failed
  // validation, whose privilege is empty, may only have had its role unread.
  // A workbook saved without its role columns says nothing of roles.
  const roleColumns = record.role_name !== undefined || record.role_id !== undefined
  const roleThen = !roleColumns
    ? ""
    : unneutraliseFormula(record.role_name ?? "") ||
      unneutraliseFormula(record.role_id ?? "") ||
      (booleanCell(record.privileged) === "" ? "" : NO_ROLE)
  // This review's text as its workbook will hold it, to compare like with like with the last one's.
  const roleNow = asWritten(now.roleName || now.roleId) || (now.privileged === null ? "" : NO_ROLE)
  if (roleThen !== "" && roleNow !== "" && roleThen !== roleNow) changes.push(`role ${roleThen} -> ${roleNow}`)
  const wasPrivileged = booleanCell(record.privileged)
  if (wasPrivileged === "false" && now.privileged === true) changes.push("now privileged")
  if (wasPrivileged === "true" && now.privileged === false) changes.push("no longer privileged")
  const emailThen = unneutraliseFormula(record.email ?? "")
  const emailNow = asWritten(now.email)
  if (emailThen !== "" && emailNow !== "" && emailThen.toLowerCase() !== emailNow.toLowerCase()) {
    changes.push(`email ${emailThen} -> ${emailNow}`)
  }
  changes.push(...decisionNotCarriedOut(record, now))
  return changes
}

/**
 * A decision cell of the last review's workbook as this review reads it, in any case and without the space around
 * it: none yet, `keep`, `revoke`, `change-role:<role>`, or written otherwise ("remove", a role change without its
 * role), which cannot be checked.
 */
type Decision =
  | { readonly _tag: "None" | "Keep" | "Revoke" }
  | { readonly _tag: "ChangeRole"; readonly role: string }
  | { readonly _tag: "Unread"; readonly cell: string }

const CHANGE_ROLE = "change-role:"

export const readDecision = (record: Record<string, string>): Decision => {
  const cell = unneutraliseFormula(record.decision ?? "").trim()
  const lower = cell.toLowerCase()
  if (lower === "") return { _tag: "None" }
  if (lower === "keep") return { _tag: "Keep" }
  if (lower === "revoke") return { _tag: "Revoke" }
  const role = lower.startsWith(CHANGE_ROLE) ? cell.slice(CHANGE_ROLE.length).trim() : ""
  return role === "" ? { _tag: "Unread", cell } : { _tag: "ChangeRole", role }
}

/**
 * A decision the last review's reviewer wrote that this review shows was not carried out: an account to revoke still
 * able to sign in, a role change not made. What an auditor follows up first.
 */
const decisionNotCarriedOut = (record: Record<string, string>, now: ReviewRow): ReadonlyArray<string> => {
  const decision = readDecision(record)
  if (decision._tag === "Revoke" && now.enabled === true) {
    return ["revoke decided at the last review, still able to sign in"]
  }
  // An account deactivated since can use no role: its access went further than the change decided.
  if (decision._tag === "ChangeRole" && now.enabled !== false) {
    const roleNow = asWritten(now.roleName || now.roleId)
    if (roleNow !== "" && decision.role.toLowerCase() !== roleNow.toLowerCase()) {
      return [`change-role:${decision.role} decided at the last review, role still ${roleNow}`]
    }
  }
  return []
}
