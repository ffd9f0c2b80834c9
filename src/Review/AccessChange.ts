/**
 * How an account's row on the last review's workbook compares with this review's: the access that changed since
 * (privilege, role, sign-in, email), and what the last reviewer decided for it, read in the words the workbook asks
 * for, with what this review shows was not carried out.
 */
import { QUOTED_NAME_MAX_CHARS } from "../Audit/QuotedName.js"
import { asWritten } from "../Reports/Csv.js"
import { asCellReadsBack } from "../Reports/CsvColumns.js"
import { unneutraliseFormula } from "../Reports/FormulaGuard.js"
import { shortenMiddle } from "./Html.js"
import type { PantherRoles } from "./PantherRoles.js"
import type { ReviewRow } from "./ReviewRow.js"

/**
 * TRUE and FALSE as a spreadsheet saves them in its user's language: Excel and LibreOffice write a boolean cell in
 * the words of their locale (a German reviewer's workbook comes back with WAHR and FALSCH). Read as neither, an
 * account deactivated at the last review was counted as removed since, and no one was said to be reactivated,
 * deactivated, now privileged or no longer privileged. The words of the European languages written in Latin letters.
 */
const TRUE_WORDS: ReadonlySet<string> = new Set([
  "true",
  "wahr", // German
  "vrai", // French
  "verdadero", // Spanish
  "vero", // Italian
  "waar", // Dutch
  "verdadeiro", // Portuguese
  "sant", // Swedish
  "sand", // Danish
  "sann", // Norwegian
  "tosi", // Finnish
  "prawda", // Polish
  "pravda", // Czech
  "igaz" // Hungarian
])
const FALSE_WORDS: ReadonlySet<string> = new Set([
  "false",
  "falsch", // German
  "faux", // French
  "falso", // Spanish, Italian, Portuguese
  "onwaar", // Dutch
  "falskt", // Swedish
  "falsk", // Danish
  "usann", // Norwegian
  "epätosi", // Finnish
  "fałsz", // Polish
  // Polish as a Polish Excel saves plain CSV, in Windows-1250, where Ł is the byte Windows-1252 reads as £.
  "fa£sz",
  "nepravda", // Czech
  "hamis" // Hungarian
])

/** A true or false cell of a workbook in any case and in those languages, as "true" or "false"; empty otherwise. */
export const booleanCell = (cell: string | undefined): string => {
  const word = cell?.trim().normalize("NFC").toLowerCase() ?? ""
  return TRUE_WORDS.has(word) ? "true" : FALSE_WORDS.has(word) ? "false" : ""
}

const NO_ROLE = "(no role)"

/** A role as GET /roles named it, by id and name: a reviewer may write either in a `change-role:` decision. */
export interface NamedRole {
  readonly id: string
  readonly name: string
}

/**
 * What changed in an account's access between the last review's row and this review's: privilege, role, whether it
 * can sign in, email. A cell the last workbook left empty (a record that failed validation then) says nothing. The
 * decision written on the row is checked apart (`decisionNotCarriedOut`), once the whole workbook is read.
 * `quoteOfWorkbook` quotes a cell of the workbook safely (printable, secrets withheld).
 */
export const accessChanges = (
  record: Record<string, string>,
  now: ReviewRow,
  roles: ReadonlyArray<NamedRole>,
  quoteOfWorkbook: (cell: string) => string
): ReadonlyArray<string> => {
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
  const heldNow = now.roleName || now.roleId
  const roleNow = asCellReadsBack(heldNow) || (now.privileged === null ? "" : NO_ROLE)
  // Two roles of names longer than a cell holds, alike up to the cut, read back as one text: their ids tell them apart.
  // Only then: a role deleted and made again under its name is told by its privilege, not as 'role Analyst -> Analyst'.
  const cut = roleNow !== asWritten(heldNow) && heldNow !== ""
  const moved = roleThen !== roleNow ? !isSameRole(record, now, roles) : cut && isOtherRoleById(record, now, roles)
  if (roleThen !== "" && roleNow !== "" && moved) {
    // The workbook's cell quoted as any is (a token pasted over it went whole into the new workbook and the page).
    changes.push(
      `role ${inChange(quoteOfWorkbook(roleThen))} -> ${inChange(heldNow === "" ? roleNow : asWritten(heldNow))}`
    )
  }
  const wasPrivileged = booleanCell(record.privileged)
  if (wasPrivileged === "false" && now.privileged === true) changes.push("now privileged")
  if (wasPrivileged === "true" && now.privileged === false) changes.push("no longer privileged")
  const emailThen = unneutraliseFormula(record.email ?? "")
  const emailNow = asCellReadsBack(now.email)
  if (emailThen !== "" && emailNow !== "" && emailThen.toLowerCase() !== emailNow.toLowerCase()) {
    changes.push(`email ${inChange(quoteOfWorkbook(emailThen))} -> ${inChange(asWritten(now.email))}`)
  }
  return changes
}

/** A role by the id and name a record gives, either half completed from GET /roles when the record gave one only. */
const completed = (id: string, name: string, roles: ReadonlyArray<NamedRole>): NamedRole => {
  const known =
    id !== ""
      ? roles.find((role) => folded(role.id) === folded(id))
      : roles.find((role) => asCellReadsBack(role.name) === name)
  return { id: id || asCellReadsBack(known?.id ?? ""), name: name || asCellReadsBack(known?.name ?? "") }
}

/** The account's role at the last review and now, each by id and name where known, as the workbook holds them. */
const rolesThenAndNow = (
  record: Record<string, string>,
  now: ReviewRow,
  roles: ReadonlyArray<NamedRole>
): { readonly before: NamedRole; readonly now: NamedRole } => ({
  before: completed(unneutraliseFormula(record.role_id ?? ""), unneutraliseFormula(record.role_name ?? ""), roles),
  now: completed(asCellReadsBack(now.roleId), asCellReadsBack(now.roleName), roles)
})

/**
 * Whether the account holds the role it held at the last review, told by the role's id where both reviews know it:
 * a role renamed in Panther (same id, new name) is the same access, and one sent by its id alone then and its name
 * alone now is the same role too. Where an id is not known, by name, as the workbook compared before.
 */
const isSameRole = (record: Record<string, string>, now: ReviewRow, roles: ReadonlyArray<NamedRole>): boolean => {
  const held = rolesThenAndNow(record, now, roles)
  if (held.before.id !== "" && held.now.id !== "") return folded(held.before.id) === folded(held.now.id)
  return held.before.name !== "" && held.before.name === held.now.name
}

/** Whether both reviews know the account's role by id, and the ids differ. */
const isOtherRoleById = (record: Record<string, string>, now: ReviewRow, roles: ReadonlyArray<NamedRole>): boolean => {
  const held = rolesThenAndNow(record, now, roles)
  return held.before.id !== "" && held.now.id !== "" && folded(held.before.id) !== folded(held.now.id)
}

/**
 * A role renamed in Panther since the last review, as the account holding it shows: the same id, another name.
 * Not a change of the account's access; a change of what the role may do shows as a change of privilege.
 */
export const roleRenamed = (
  record: Record<string, string>,
  now: ReviewRow,
  roles: ReadonlyArray<NamedRole> = []
): { readonly from: string; readonly to: string } | undefined => {
  const held = rolesThenAndNow(record, now, roles)
  const sameId = held.before.id !== "" && held.now.id !== "" && folded(held.before.id) === folded(held.now.id)
  if (!sameId || held.before.name === "" || held.now.name === "" || held.before.name === held.now.name) return undefined
  // The new name as Panther gives it, not as the workbook cuts it: quoted cut past a cell's limit, it said of a name
  // of 100 KB only '[cut: 100,000 characters in all]', where the end that tells it from others was.
  const sent = now.roleName || roles.find((role) => folded(role.id) === folded(now.roleId))?.name || held.now.name
  return { from: held.before.name, to: asWritten(sent) }
}

/**
 * A role or email as a change quotes it: cut in the middle past 120 characters, as warnings cut names. Quoted whole,
 * a role of 100 KB filled the workbook's cell with the old role alone (cut there at a spreadsheet's limit) and the
 * new one never showed, and the page held both whole. Cut in the middle, two roles that differ at the end stay apart.
 */
const inChange = (text: string): string => shortenMiddle(text, QUOTED_NAME_MAX_CHARS)

/**
 * A decision cell of the last review's workbook as this review reads it, in any case and without the space around
 * it: none yet, `keep`, `revoke`, `change-role:<role>`, or written otherwise ("remove", a role change without its
 * role), which cannot be checked.
 */
export type Decision =
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
 * The roles a workbook's rows name by both id and name, as they were named at its review: a `change-role:` decision
 * names the role as it was then, and it may have been renamed since, or GET /roles not read now.
 */
export const workbookRole = (record: Record<string, string>): NamedRole | undefined => {
  const id = unneutraliseFormula(record.role_id ?? "")
  const name = unneutraliseFormula(record.role_name ?? "")
  return id === "" || name === "" ? undefined : { id, name }
}

/** Where a decision was written, and what this review knows of Panther's roles to check its role against. */
export interface DecisionContext {
  /** The decision's row on the last review's workbook, as a spreadsheet numbers it. */
  readonly row: number
  readonly inPanther: PantherRoles
  /** The names of Panther's roles a typo away from a text (`closestRoleNames`). */
  readonly closest: (text: string) => ReadonlyArray<string>
  /** Whether an account of this review holds a role of this id or name (`heldByAnAccount`). */
  readonly heldNow: (role: string) => boolean
}

/**
 * Whether one of these accounts holds a role of an id or name, in any case: a role one of them holds exists in
 * Panther, whatever GET /roles listed. Their roles are gathered on the first question only, which few reviews ask.
 */
export const heldByAnAccount = (rows: ReadonlyArray<ReviewRow>): ((role: string) => boolean) => {
  let held: ReadonlySet<string> | undefined
  return (role) => {
    held ??= new Set(rows.flatMap((row) => [row.roleId, row.roleName].filter((text) => text !== "").map(folded)))
    return held.has(folded(role))
  }
}

/**
 * A decision the last review's reviewer wrote that this review shows was not carried out: an account to revoke still
 * able to sign in, a role change not made. What an auditor follows up first. `quoteOfWorkbook` quotes a cell of the
 * workbook safely (printable, secrets withheld).
 */
export const decisionNotCarriedOut = (
  decision: Decision,
  record: Record<string, string>,
  now: ReviewRow,
  roles: ReadonlyArray<NamedRole>,
  quoteOfWorkbook: (cell: string) => string,
  context: DecisionContext
): ReadonlyArray<string> => {
  if (decision._tag === "Revoke" && now.enabled === true) {
    return ["revoke decided at the last review, still able to sign in"]
  }
  // An account deactivated since can use no role: its access went further than the change decided.
  if (decision._tag === "ChangeRole" && now.enabled !== false) {
    const sent = asWritten(now.roleName || now.roleId)
    // A record that failed validation, its privilege unknown, may only have had its role unread: it says nothing.
    if (sent === "" && now.privileged === null) return []
    const roleNow = sent === "" ? NO_ROLE : sent
    const decided = decidedRole(decision.role, roles)
    // Left with no role, the account holds none of the roles decided: carried out only where none was asked for, in
    // the words the page names an account without a role by.
    const carriedOut =
      sent === ""
        ? decided._tag === "Unknown" && folded(decision.role) === NO_ROLE
          ? "yes"
          : "no"
        : isRoleNow(decided, decision.role, now, roles)
    if (carriedOut === "yes") return []
    // Typed by a reviewer, the role is quoted as any cell of the workbook is: scrubbed of secrets whole, then cut.
    const quoted = `change-role:${inChange(quoteOfWorkbook(decision.role))}`
    if (carriedOut === "cannot tell" && decided._tag === "Several") {
      // Carried out or not by which role was meant: said so, rather than either said without grounds.
      const which = decided.roles
        .slice(0, MAX_FITTING_ROLES_NAMED)
        // A role may be known from the last workbook's cells alone: quoted as they are.
        .map(
          (role) =>
            `${inChange(quoteOfWorkbook(asWritten(role.name)))}, id ${inChange(quoteOfWorkbook(asWritten(role.id)))}`
        )
      const more = decided.roles.length - MAX_FITTING_ROLES_NAMED
      return [
        `${quoted} decided at the last review fits ${decided.roles.length} roles (${which.join("; ")}` +
          `${more > 0 ? `; and ${more} more` : ""}) and the account now holds one, ${inChange(roleNow)}: whether ` +
          "it was carried out is not known; decide by the role's id"
      ]
    }
    // A role decided by id is named too: the auditor following it up reads names, not ids.
    const named = decided._tag === "One" && decided.byId ? decided.role.name : ""
    const which = named === "" ? "" : ` (${inChange(quoteOfWorkbook(asWritten(named)))})`
    // "Still" only of the role the account held then: moved to another role than decided, it was not left as it was.
    const held = isSameRole(record, now, roles) || (sent === "" && hadNoRole(record)) ? "still" : "now"
    const notCarriedOut = `${quoted}${which} decided at the last review, role ${held} ${inChange(roleNow)}`
    return [`${notCarriedOut}${noSuchRole(decided, decision.role, context, quoteOfWorkbook)}`]
  }
  return []
}

/**
 * What follows a role change not made when Panther has no role of the name or id decided: a typo, or a role deleted
 * since, which no one could carry out, said with what to fix. A role GET /roles did not list although an account of
 * this review holds it is no typo: Panther's answers disagreed. Where the roles could not all be read, whether a role
 * no one held at the last review, and no account holds now, exists is not known, and said so. Empty for a role
 * Panther has, and for no role.
 */
const noSuchRole = (
  decided: DecidedRole,
  role: string,
  context: DecisionContext,
  quoteOfWorkbook: (cell: string) => string
): string => {
  if (decided._tag === "Several" || folded(role) === NO_ROLE) return ""
  const { inPanther, row } = context
  const fits = (known: NamedRole) =>
    folded(known.id) === folded(role) ||
    folded(known.name) === folded(role) ||
    (decided._tag === "One" && roleKey(known) === roleKey(decided.role))
  if (inPanther.named.some(fits)) return ""
  const where = `the decision on row ${row} of the last review's workbook`
  if (inPanther.read !== "all") {
    // A role the last workbook's rows name was no typo: it had accounts then. Nor is one an account holds now.
    if (decided._tag === "One" || context.heldNow(role)) return ""
    const why = inPanther.read === "none" ? "its roles could not be read" : "not all of its roles could be read"
    return (
      `: whether Panther has a role of that name or id is not known, as ${why}, so check ${where} against ` +
      "Panther's roles"
    )
  }
  // GET /roles left out a role GET /users gave an account: an answer at odds with another, not a typo to fix.
  const heldNow =
    context.heldNow(role) || (decided._tag === "One" && decided.role.id !== "" && context.heldNow(decided.role.id))
  if (heldNow) {
    return (
      ": Panther's list of roles did not include it, though an account of this review holds it (Panther's answers " +
      `disagreed), so review again, and if this is said again, check that role in Panther before changing ${where}`
    )
  }
  // Panther's names, quoted as any role's name is: scrubbed of secrets, cut in the middle.
  const closest = context.closest(role).map((name) => inChange(quoteOfWorkbook(asWritten(name))))
  const near = closest.length === 0 ? "" : ` (the closest: ${closest.join(", ")})`
  return (
    `: no role in Panther has that name or id${near}, so write the role as Panther names it, or its id, in ${where} ` +
    "and review again"
  )
}

/** How many of the roles an ambiguous `change-role:` fits are named; the rest are counted. */
const MAX_FITTING_ROLES_NAMED = 3

/** Whether the last workbook's row gives the account no role: its role cells empty, its privilege read. */
const hadNoRole = (record: Record<string, string>): boolean =>
  (record.role_name !== undefined || record.role_id !== undefined) &&
  unneutraliseFormula(record.role_name ?? "") === "" &&
  unneutraliseFormula(record.role_id ?? "") === "" &&
  booleanCell(record.privileged) !== ""

/**
 * The role a `change-role:` decision names among those known (GET /roles first, then the last workbook's rows), by
 * id or name: written exactly as one role's, that one; otherwise in another case than one role's, that one. A text
 * that is two roles' ("Admin" of roles Admin and admin; "r-1", one role's id and another's name) names neither.
 */
type DecidedRole =
  | { readonly _tag: "One"; readonly role: NamedRole; readonly byId: boolean }
  | { readonly _tag: "Several"; readonly roles: ReadonlyArray<NamedRole> }
  | { readonly _tag: "Unknown" }

const decidedRole = (decided: string, roles: ReadonlyArray<NamedRole>): DecidedRole => {
  for (const alike of [asWritten, folded]) {
    const wanted = alike(decided)
    // By id, each role once: GET /roles gives its name now, the workbook's rows the name it had then.
    const fitting = new Map<string, { role: NamedRole; byId: boolean }>()
    for (const role of roles) {
      const byId = alike(role.id) === wanted
      if (!byId && alike(role.name) !== wanted) continue
      const earlier = fitting.get(roleKey(role))
      fitting.set(roleKey(role), { role: earlier?.role ?? role, byId: byId || (earlier?.byId ?? false) })
    }
    const found = [...fitting.values()]
    if (found.length > 1) return { _tag: "Several", roles: found.map(({ role }) => role) }
    const [only] = found
    if (only !== undefined) return { _tag: "One", role: only.role, byId: only.byId }
  }
  return { _tag: "Unknown" }
}

/** A role's identity: its id, in any case, as ids are compared everywhere here; a role without one by its name. */
const roleKey = (role: NamedRole): string => (role.id === "" ? `name:${asWritten(role.name)}` : folded(role.id))

/**
 * Whether the account's role now is the role a `change-role:` decision names. The account's record may give its
 * role by name or id alone: the roles known say which id goes with which name. A decision naming no known role is
 * compared with the account's role as sent, exactly, else in any case (a reviewer typing `analyst`).
 */
const isRoleNow = (
  decided: DecidedRole,
  decision: string,
  now: ReviewRow,
  roles: ReadonlyArray<NamedRole>
): "yes" | "no" | "cannot tell" => {
  const held = heldRoleKey(now, roles)
  switch (decided._tag) {
    case "One":
      return held === roleKey(decided.role) ? "yes" : "no"
    case "Several":
      return decided.roles.some((role) => roleKey(role) === held) ? "cannot tell" : "no"
    case "Unknown": {
      const sent = [now.roleName, now.roleId].filter((text) => text !== "")
      return sent.some((text) => asWritten(text) === asWritten(decision) || folded(text) === folded(decision))
        ? "yes"
        : "no"
    }
  }
}

/** The account's role now as `roleKey` gives it: by its id, else by the id of the one role of its name known. */
const heldRoleKey = (now: ReviewRow, roles: ReadonlyArray<NamedRole>): string => {
  if (now.roleId !== "") return folded(now.roleId)
  // GET /roles first: a name a role had at the last review may be another role's now.
  const named = roles.find((role) => asWritten(role.name) === asWritten(now.roleName))
  return named === undefined ? `name:${asWritten(now.roleName)}` : roleKey(named)
}

/** A role's name or id as the workbook holds it, in any case. */
const folded = (text: string): string => asWritten(text).toLowerCase()
