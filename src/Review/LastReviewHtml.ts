/** The review page's "Since the last review" section: accounts added and removed, every value escaped. */
import { QUOTED_NAME_MAX_CHARS } from "../Audit/QuotedName.js"
import { escapeHtml as e, formatCount, shortenMiddle } from "./Html.js"
import { accountKey, isAddedSinceLastReview } from "./LastReview.js"
import type { Review } from "./Review.js"
import { isoOf } from "./ReviewValues.js"
import {
  addedThoughOlderSentence,
  lastDecisionsOf,
  passedOverSentence,
  renamedRolesSentence,
  unreadBooleansSentence,
  unreadDecisionsSentence
} from "./SinceLastReviewText.js"

const table = (headings: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  `<table class="summary-table"><thead><tr>${headings.map((heading) => `<th>${e(heading)}</th>`).join("")}</tr></thead>` +
  `<tbody>${rows.map((cells) => `<tr>${cells.map((cell) => `<td>${e(cell)}</td>`).join("")}</tr>`).join("")}</tbody></table>`

/**
 * A name, email, role or id as the tables show it: cut in the middle past 120 characters, as a change quotes a role.
 * Of 100 KB (from the API, or the last workbook), each was shown whole on the page a manager signs off; the workbook
 * (to a cell's limit) and the JSON report keep it.
 */
const cut = (text: string): string => shortenMiddle(text, QUOTED_NAME_MAX_CHARS)

const yesNo = (privileged: boolean | string | null): string =>
  privileged === true || privileged === "true"
    ? "yes"
    : privileged === false || privileged === "false"
      ? "no"
      : "unknown"

/** What "removed" can mean depends on whether this review lists deactivated users. */
const removedMeaning = (review: Review): string =>
  review.run.parameters.includeDeactivated
    ? "On the last review's workbook, able to sign in then, and not in this review: deleted in Panther."
    : "On the last review's workbook, able to sign in then, and not in this review: deleted in Panther, or " +
      "deactivated (this review leaves deactivated users out; --include-deactivated lists them)."

/** Empty when the review has nothing to say here (an export, which looks for no earlier review). */
export const sinceLastReviewHtml = (review: Review): string => {
  const since = review.sinceLastReview
  if (since === undefined) return ""
  // Said on the page too: a reviewer reading it may be the only one to see that a workbook was left out.
  const passedOverText = passedOverSentence(since)
  const passedOver = passedOverText === "" ? "" : `<p>${e(passedOverText)}</p>`
  if (since._tag === "NotCompared") {
    return `<section class="details"><div><h3>Since the last review</h3><p>Not compared: ${e(since.reason)}.</p>${passedOver}</div></section>`
  }
  const added = review.rows.filter((row) => isAddedSinceLastReview(since, row))
  // Whether the review compared with was decided and signed: the page is what the manager signs off now.
  const decidedText = lastDecisionsOf(since)
  const decided = decidedText === "" ? "" : `<p>${e(decidedText)}</p>`
  const olderText = addedThoughOlderSentence(since)
  const older = olderText === "" ? "" : `<p>${e(olderText)}</p>`
  const about = `Compared with ${since.workbook}${since.asOf === undefined ? "" : ` (as of ${since.asOf})`}`
  const addedTable =
    added.length === 0
      ? "<p>None.</p>"
      : table(
          ["User", "Email", "Role", "Privileged", "Created"],
          added.map((row) => [
            cut(`${row.givenName} ${row.familyName}`.trim()),
            cut(row.email),
            cut(row.roleName || row.roleId),
            yesNo(row.privileged),
            // Beside the last review's instant above: an account created before it was left out of that review.
            isoOf(row.createdAt) ?? ""
          ])
        )
  const changedRows = review.rows.flatMap((row) => {
    const what = since.changed.get(accountKey(row.userId, row.email))
    return what === undefined ? [] : [[cut(`${row.givenName} ${row.familyName}`.trim()), cut(row.email), what]]
  })
  const changedTable = changedRows.length === 0 ? "<p>None.</p>" : table(["User", "Email", "What changed"], changedRows)
  const unreadText = unreadDecisionsSentence(since)
  const unread = unreadText === "" ? "" : `<p>${e(unreadText)}</p>`
  const unreadBooleansText = unreadBooleansSentence(since)
  const unreadBooleans = unreadBooleansText === "" ? "" : `<p>${e(unreadBooleansText)}</p>`
  const renamedText = renamedRolesSentence(since)
  const renamed = renamedText === "" ? "" : `<p>${e(renamedText)}</p>`
  const removedTable =
    since.removed.length === 0
      ? "<p>None.</p>"
      : table(
          ["User", "Email", "User id", "Privileged then"],
          since.removed.map((account) => [
            cut(account.name),
            cut(account.email),
            cut(account.userId),
            yesNo(account.privileged)
          ])
        )
  return `<section class="details">
<div><h3>Since the last review: ${formatCount(added.length)} added</h3><p>${e(about)}. Added: accounts that can sign in now (not deactivated) and were not on that workbook.</p>${older}${decided}${passedOver}${addedTable}</div>
<div><h3>${formatCount(since.removed.length)} removed</h3><p>${e(removedMeaning(review))}</p>${removedTable}</div>
<div><h3>${formatCount(changedRows.length)} changed</h3><p>On both: a change of privilege, role, whether the account can sign in, or email; or a decision of the last review not carried out.</p>${renamed}${unread}${unreadBooleans}${changedTable}</div>
</section>`
}
