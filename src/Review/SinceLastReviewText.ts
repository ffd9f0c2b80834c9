/**
 * What a review says of its comparison with the last review, on the command's line and on the page: the accounts
 * added, removed and changed, and what of the last workbook could not be read or was passed over.
 */
import { counted } from "../Cli/Counted.js"
import { printable } from "../PantherApi/Responses.js"
import { lastDecisionsSentence } from "./LastDecisions.js"
import type { SinceLastReview } from "./LastReview.js"

/**
 * What the summary and the page say of `enabled` and `privileged` cells read as neither true nor false; empty when
 * there were none. Such an account's sign-in and privilege then are not known: one unable to sign in then is
 * counted as removed if gone, and no change of either is said of it.
 */
export const unreadBooleansSentence = (since: SinceLastReview): string => {
  if (since._tag !== "Compared" || since.unreadBooleans === undefined || since.unreadBooleanCount === undefined) {
    return ""
  }
  const { unreadBooleans, unreadBooleanCount: count } = since
  const named = unreadBooleans.map(({ row, column, cell }) => `row ${row} ${column} "${cell}"`).join(", ")
  const more = count > unreadBooleans.length ? `, and ${count - unreadBooleans.length} more` : ""
  return (
    `${counted(count, "enabled or privileged cell")} in ${since.workbook} ${count === 1 ? "is" : "are"} neither ` +
    `TRUE nor FALSE as this review reads them (${named}${more}), so whether ${count === 1 ? "its account" : "their accounts"} ` +
    "could sign in, or were privileged, then is not known: one unable to sign in then and gone since is counted as " +
    "removed, and no change of sign-in or privilege is said. Write TRUE or FALSE there, or save the workbook as " +
    "CSV UTF-8, and review again."
  )
}

/** How many renamed roles the summary and the page name; the rest are counted. */
const MAX_RENAMED_ROLES_NAMED = 5

/**
 * What the summary and the page say of roles renamed since; empty when none were. Their accounts' access is the
 * same, so they are not counted as changed; said all the same, as the workbooks' role names differ.
 */
export const renamedRolesSentence = (since: SinceLastReview): string => {
  if (since._tag !== "Compared" || since.renamedRoles === undefined || since.renamedRoles.length === 0) return ""
  const renamed = since.renamedRoles
  const named = renamed
    .slice(0, MAX_RENAMED_ROLES_NAMED)
    .map(({ from, to, accounts }) => `${from} -> ${to} (${counted(accounts, "account")})`)
    .join(", ")
  const more = renamed.length > MAX_RENAMED_ROLES_NAMED ? `, and ${renamed.length - MAX_RENAMED_ROLES_NAMED} more` : ""
  const one = renamed.length === 1
  return (
    `${counted(renamed.length, "role")} renamed in Panther since, the same role id under another name: ${named}` +
    `${more}. ${one ? "Its" : "Their"} accounts' access is the same, so they are not counted as changed for it; ` +
    "a change of what a role may do shows as a change of privilege."
  )
}

/**
 * What the summary and the page say of decisions that could not be read; empty when there were none. A decision
 * written otherwise was not checked against this review, and the auditor following up must know.
 */
export const unreadDecisionsSentence = (since: SinceLastReview): string => {
  if (since._tag !== "Compared" || since.unreadDecisionCount === 0) return ""
  const { unreadDecisions, unreadDecisionCount: count } = since
  const named = unreadDecisions.map(({ row, decision }) => `row ${row} "${decision}"`).join(", ")
  const more = count > unreadDecisions.length ? `, and ${count - unreadDecisions.length} more` : ""
  return (
    `${counted(count, "decision")} in ${since.workbook} ${count === 1 ? "is" : "are"} none of keep, ` +
    `revoke or change-role:<role>, so whether ${count === 1 ? "it was" : "they were"} carried out was not checked ` +
    `(${named}${more}): write each in those words, there and in this review's workbook.`
  )
}

/** How many misnamed or passed-over workbooks the summary and the page name; the rest are counted. */
const MAX_WORKBOOKS_NAMED = 5

/** What the command's line and the page say of workbooks passed over or not taken; empty when there were none. */
export const passedOverSentence = (since: SinceLastReview): string => {
  const sentences: Array<string> = []
  if (since.passedOver !== undefined && since.passedOver.length > 0) {
    const more = since.passedOver.length - MAX_WORKBOOKS_NAMED
    sentences.push(
      "Passed over, as stamped after this review started (a clock was ahead when made, or this one is behind): " +
        `${since.passedOver.slice(0, MAX_WORKBOOKS_NAMED).join(", ")}${more > 0 ? `, and ${more} more` : ""}; ` +
        "move them out of the report directory if their stamps are wrong."
    )
  }
  if (since.misnamed !== undefined && since.misnamed.length > 0) {
    const named = since.misnamed.slice(0, MAX_WORKBOOKS_NAMED).map(printable).join(", ")
    const more = since.misnamed.length - MAX_WORKBOOKS_NAMED
    sentences.push(
      `Not taken, as not named as a review names its workbook (access-review-<stamp>.csv): ${named}` +
        `${more > 0 ? `, and ${more} more` : ""}; if one is the last review's workbook filled in, give it with ` +
        "--compare-with."
    )
  }
  return sentences.join(" ")
}

/**
 * What the summary and the page say of accounts counted as added that were created before the last review was
 * judged; empty when there were none. They existed then, so their absence from its workbook has a cause the auditor
 * must know: deactivated then (unless the workbook lists deactivated accounts, which shows it asked for them), or
 * rows deleted from the workbook, or the file cut short at a line break, which no other check can tell.
 */
export const addedThoughOlderSentence = (since: SinceLastReview): string => {
  if (since._tag !== "Compared" || since.addedThoughOlder === undefined || since.addedThoughOlder === 0) return ""
  const count = since.addedThoughOlder
  const one = count === 1
  const causes = [
    ...(since.listedDeactivated === true
      ? []
      : ["deactivated then and enabled since (the workbook lists no deactivated account)"]),
    `${one ? "its row" : "their rows"} deleted from the workbook`,
    "the workbook cut short"
  ]
  return (
    `${counted(count, "account")} counted as added ${one ? "was" : "were"} created before the last review was ` +
    `judged${since.asOf === undefined ? "" : ` (as of ${since.asOf})`}, yet ${one ? "is" : "are"} not on its ` +
    `workbook: ${causes.slice(0, -1).join(", ")} or ${causes.at(-1)}. Look ${one ? "it" : "them"} up in the ` +
    "workbook as it was signed off."
  )
}

/** What the summary and the page say of how far the last review was decided and signed; empty if not compared. */
export const lastDecisionsOf = (since: SinceLastReview): string =>
  since._tag === "Compared" ? lastDecisionsSentence(since.workbook, since.decisions) : ""

/** The review command's line about it: what was compared, then each sentence that has something to say, in order. */
export const describeSinceLastReview = (review: { readonly sinceLastReview?: SinceLastReview }): string => {
  const since = review.sinceLastReview
  if (since === undefined) return ""
  const compared =
    since._tag === "Compared"
      ? `Since the last review (${since.workbook}): ${counted(since.addedAccounts, "account")} ` +
        `added, ${since.removed.length} removed, ${since.changed.size} changed (privilege, role, sign-in or email, ` +
        "or a decision of the last review not carried out); " +
        "they are listed on the page, and new_since_last_review and changed_since_last_review mark them in the " +
        "workbook."
      : `Since the last review: not compared (${since.reason}).`
  return [
    compared,
    addedThoughOlderSentence(since),
    lastDecisionsOf(since),
    renamedRolesSentence(since),
    unreadDecisionsSentence(since),
    unreadBooleansSentence(since),
    passedOverSentence(since)
  ]
    .filter((sentence) => sentence !== "")
    .join(" ")
}
