/**
 * The review as one self-contained HTML page: summary figures, three charts, the run's parameters, and the users
 * in review order, privileged first. Built in pieces so the writer can stream the user tables (200,000 rows)
 * without holding the page in memory. Every API string goes through `escapeHtml`.
 */

import { loginsUnknown } from "../Audit/AuditRun.js"
import { FINDING_CODES, type FindingCode } from "../Audit/Finding.js"
import { instanceLabel } from "../Audit/PantherInstance.js"
import { unusedForWantOfLogins } from "../Audit/RunWarnings.js"
import { SEVERITIES } from "../Audit/Severity.js"
import { type Bar, barChart, columnChart } from "./Charts.js"
import { findingEntries } from "./FindingSet.js"
import { escapeHtml, formatCount } from "./Html.js"
import { sinceLastReviewHtml } from "./LastReviewHtml.js"
import type { Review } from "./Review.js"
import { decisionsText } from "./ReviewCsv.js"
import type { ReviewFigures, RoleCount } from "./ReviewFigures.js"
import type { ReviewRow } from "./ReviewRow.js"
import { REVIEW_CSS } from "./ReviewStyles.js"
import { daysSinceLogin, isoOf, suppressedInOrder } from "./ReviewValues.js"

const e = escapeHtml

/** `2026-06-30 12:00 UTC` */
const instant = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`

const figure = (value: number, label: string, alert = false): string =>
  `<div class="figure${alert && value > 0 ? " alert" : ""}"><span class="n">${formatCount(value)}</span><span class="l">${e(label)}</span></div>`

/** A figure the run could not work out: says so, and why, rather than show a 0 that reads as "none". */
const unknownFigure = (label: string, why: string): string =>
  `<div class="figure unknown"><span class="n">unknown</span><span class="l">${e(label)}: ${e(why)}</span></div>`

const LOGINS_UNKNOWN = "Panther sent no login times (LOGIN_DATA_MISSING)"

/** `null` is a figure that depends on login times the run did not get (see `ReviewFigures.stale`). */
const loginFigure = (value: number | null, label: string, shortLabel: string): string =>
  value === null ? unknownFigure(shortLabel, LOGINS_UNKNOWN) : figure(value, label, true)

const MAX_ROLE_BARS = 12

/**
 * A bar a role, past the first 12 one bar for the rest; one role more is shown as itself, not as "1 other role". A
 * privileged role keeps a bar of its own wherever it ranks: an Admin role of two users among many larger roles was
 * folded into the rest's bar, in the colour of roles that are not privileged, on a chart that marks privileged ones.
 */
export const roleBars = (figures: Pick<ReviewFigures, "byRole">): Array<Bar> => {
  const folded = figures.byRole.filter((role, index) => index >= MAX_ROLE_BARS && !role.privileged)
  const rest = folded.length > 1 ? new Set(folded) : new Set<RoleCount>()
  const shown = figures.byRole
    .filter((role) => !rest.has(role))
    .map((role) => ({
      label: role.role,
      value: role.users,
      tone: role.privileged ? "tone-privileged" : "tone-role"
    }))
  if (rest.size === 0) return shown
  const users = folded.reduce((sum, role) => sum + role.users, 0)
  return [...shown, { label: `${rest.size} other roles`, value: users, tone: "tone-role" }]
}

const charts = (review: Review, figures: ReviewFigures): string => {
  const stale = review.run.parameters.staleDays
  const roles = barChart("Users by role", roleBars(figures))
  const logins = columnChart(
    "Days since last login, enabled users",
    figures.loginBins.map((bin) => ({ label: bin.label, value: bin.users, tone: `tone-${bin.state}` }))
  )
  const severities = columnChart(
    "Findings by severity",
    [...SEVERITIES].reverse().map((severity) => ({
      label: severity,
      value: figures.bySeverity[severity],
      tone: `tone-${severity}`
    }))
  )
  return `<section class="charts">
<div class="chart-box"><h3>Users by role</h3>${roles}
<p class="legend"><span class="swatch tone-privileged"></span>privileged role<span class="swatch tone-role"></span>other role</p></div>
<div class="chart-box"><h3>Days since last login</h3>${logins}
<p class="legend">Enabled users:<span class="swatch tone-recent"></span>within ${stale} days<span class="swatch tone-mixed"></span>around ${stale}<span class="swatch tone-stale"></span>stale<span class="swatch tone-never"></span>never${figures.neverLoggedIn === null ? ". Panther sent no login times, so &quot;never&quot; here means none was sent." : ""}</p></div>
<div class="chart-box"><h3>Findings by severity</h3>${severities}
<p class="legend">${formatCount(review.run.findings.total)} findings in all, as in the findings report.</p></div>
</section>`
}

/** What the suppressions file did in this run, as the run summary says it. */
export const suppressionsText = (review: Review): string => {
  const { run } = review
  const file = run.parameters.suppressionsFile
  if (file === null) return "none (no suppressions file)"
  const { applied, active, expired, unused } = run.suppressions
  // As the summary and the email say of each: an entry unused only because no login times came is not to be removed.
  const unjudged = unused.filter((entry) => unusedForWantOfLogins(entry, loginsUnknown(run))).length
  const unjudgedText =
    unjudged === 0
      ? ""
      : ` (${unjudged === unused.length ? (unjudged === 1 ? "it" : "all") : `${unjudged} of them`}: Panther sent no ` +
        `login times (LOGIN_DATA_MISSING), so keep ${unjudged === 1 ? "it" : "them"} until a run with them says ` +
        `whether ${unjudged === 1 ? "it is" : "they are"} used)`
  return (
    `${file}: ${formatCount(applied)} finding${applied === 1 ? "" : "s"} suppressed (${formatCount(active)} active ` +
    `entr${active === 1 ? "y" : "ies"}); ${expired.length} expired, ${unused.length} unused${unjudgedText}. ` +
    "Suppressed findings stay listed, marked with their reason."
  )
}

/** A day: judged as of more than this before the users were read, the page says both instants. */
const READ_AND_JUDGED_APART_MS = 24 * 60 * 60 * 1000

/**
 * When the users were read and judged. --as-of moves only the instant they are judged at: the users are those
 * Panther has when the review runs, so a review judged as of a past quarter's end must not read as a snapshot then.
 */
export const usersWhen = (run: Pick<Review["run"], "startedAt" | "asOf">): string =>
  Math.abs(Date.parse(run.startedAt) - Date.parse(run.asOf)) > READ_AND_JUDGED_APART_MS
    ? `users as read at ${instant(run.startedAt)}, judged as of ${instant(run.asOf)}`
    : `users as of ${instant(run.asOf)}`

const details = (review: Review, figures: ReviewFigures): string => {
  const { run } = review
  const p = run.parameters
  const rows: Array<[string, string]> = [
    ["Panther API", instanceLabel(run.apiBaseUrl)],
    ["Judged as of", instant(run.asOf)],
    ["Users read at", instant(run.startedAt)],
    ["Generated", instant(run.finishedAt)],
    ["Tool", `${run.tool.name} ${run.tool.version}`],
    ["Run id", run.runId],
    ["Stale after", `${p.staleDays} days without a login`],
    ["Pending after", `${p.pendingDays} days`],
    ["Privileged roles", p.privilegedRoles.join(", ") || "(none)"],
    ["Privileged permissions", p.privilegedPermissions.join(", ") || "(none)"],
    [
      "Privilege decided by",
      run.privilegeSource === "role-permissions" ? "role names and role permissions" : "role names and ids only"
    ],
    ["Deactivated users", p.includeDeactivated ? "included" : "not included"],
    ["Suppressions", suppressionsText(review)]
  ]
  const codes = FINDING_CODES.filter((code) => run.findings.byFinding[code] > 0)
  // With a suppressions file, how many of each code are accepted exceptions; without one, none can be.
  const withSuppressed = p.suppressionsFile !== null
  const suppressedCell = (code: FindingCode) =>
    withSuppressed ? `<td class="num">${formatCount(figures.suppressedByFinding[code])}</td>` : ""
  const findingTable =
    codes.length === 0
      ? "<p>No findings.</p>"
      : `<table class="summary-table"><thead><tr><th>Finding</th><th class="num">Count</th>${withSuppressed ? '<th class="num">Suppressed</th>' : ""}</tr></thead><tbody>${codes
          .map(
            (code) =>
              `<tr><td>${code}</td><td class="num">${formatCount(run.findings.byFinding[code])}</td>${suppressedCell(code)}</tr>`
          )
          .join("")}</tbody></table>`
  const warnings =
    run.warnings.length === 0
      ? ""
      : `<div class="warnings"><strong>Warnings</strong><ul>${run.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul></div>`
  return `<section class="details">
<div><h3>How this review was made</h3><dl>${rows.map(([term, value]) => `<dt>${e(term)}</dt><dd>${e(value)}</dd>`).join("")}</dl></div>
<div><h3>Findings by code</h3>${findingTable}</div>
</section>${warnings}`
}

export const reviewHtmlStart = (review: Review, figures: ReviewFigures): string => {
  const { run } = review
  const host = instanceLabel(run.apiBaseUrl)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${e(`${run.tool.name} ${run.tool.version}`)}">
<title>${e(`Access review of ${host} as of ${run.asOf.slice(0, 10)}`)}</title>
<style>${REVIEW_CSS}</style>
</head>
<body>
<header>
<h1>Panther access review</h1>
<p class="meta">${e(host)} · ${e(usersWhen(run))} · ${e(`${run.tool.name} ${run.tool.version}`)}</p>
</header>
<section class="figures">
${figure(figures.users, figures.users === 1 ? "user in scope" : "users in scope")}
${figure(figures.privilegedEnabled, "privileged, able to sign in")}
${figure(figures.enabled, "enabled")}
${
  run.parameters.includeDeactivated || figures.deactivated > 0
    ? figure(figures.deactivated, "deactivated")
    : unknownFigure("deactivated", "not read; --include-deactivated lists them")
}
${figure(figures.withFindings, "with findings above info", true)}
${loginFigure(figures.stale, `stale (over ${run.parameters.staleDays} days)`, "stale")}
${loginFigure(figures.neverLoggedIn, `never logged in (accounts over ${run.parameters.staleDays} days old or of unknown age)`, "never logged in")}
${figure(figures.invalid, figures.invalid === 1 ? "invalid record" : "invalid records", true)}
</section>
${charts(review, figures)}
${details(review, figures)}
${sinceLastReviewHtml(review)}
`
}

const HEADER = `<thead><tr><th class="num">#</th><th>User</th><th>Role</th><th>Status</th><th>Created</th><th>Last login</th><th class="num">Days</th><th>Findings</th><th>Decision</th></tr></thead>`

/** `intro` is HTML, already escaped. */
export const usersTableStart = (title: string, count: number, intro: string): string =>
  `<section class="users"><h2>${e(title)} (${formatCount(count)})</h2>${intro}` +
  (count === 0 ? "<p>None.</p></section>\n" : `<table>${HEADER}<tbody>\n`)

export const privilegedIntro = (figures: ReviewFigures): string => {
  const roles = figures.byRole.filter((role) => role.privileged)
  const items = roles.map(
    (role) => `<li><strong>${e(role.role)}</strong> (${formatCount(role.users)}): ${e(role.reason)}</li>`
  )
  const deactivated = figures.privileged - figures.privilegedEnabled
  // The figure above counts those able to sign in, as the run does; the list has every privileged user in scope.
  const unableToSignIn =
    deactivated === 0 ? "" : ` ${formatCount(deactivated)} of them deactivated, marked so, and not in the figure above.`
  return (
    `<p class="sub">Users whose role is listed as privileged or holds a privileged permission.${e(unableToSignIn)} ` +
    "Privileged roles:</p>" +
    (items.length === 0 ? "" : `<ul class="privileged-roles">${items.join("")}</ul>`)
  )
}

export const othersIntro = '<p class="sub">By role, then by family and given name.</p>'

export const usersTableEnd = (count: number): string => (count === 0 ? "" : "</tbody></table></section>\n")

const date = (iso: string | null, raw: ReviewRow["createdAt"]): string =>
  iso !== null ? iso.slice(0, 10) : typeof raw === "string" ? "invalid" : "—"

export const userRow = (row: ReviewRow, number: number, asOf: number): string => {
  const name = `${row.givenName} ${row.familyName}`.trim()
  // A record that failed validation shows what could be read of it, and why it is invalid.
  const invalid = row.invalidReason === "" ? "" : `<div class="sub">Invalid record: ${e(row.invalidReason)}</div>`
  const who =
    row.enabled === null
      ? `<strong>Invalid record</strong><div class="sub">${e(row.email || row.userId || "(no id)")}</div><div class="sub">${e(row.invalidReason)}</div>`
      : `${e(name || "(no name)")}<div class="sub">${e(row.email)}</div>${invalid}`
  // Why a role is privileged is said once per role above the table, not on every row.
  const role = e(row.roleName || row.roleId || "—")
  const status = `${e(row.status || "—")}${row.enabled === false ? ' <span class="tag">deactivated</span>' : ""}`
  const days = daysSinceLogin(row, asOf)
  const isSuppressed = (code: FindingCode) => row.suppressed.some((item) => item.code === code)
  // A suppressed finding is still listed, marked in words as well as by style (a printout may lose the colour),
  // with the reason the suppressions file gives: the reviewer decides knowing it was accepted, by whom, until when.
  const findings =
    findingEntries(row.findings)
      .map(
        (entry) =>
          `<span class="tag sev-${entry.severity}${isSuppressed(entry.code) ? " suppressed" : ""}">${entry.code}</span>`
      )
      .join(" ") +
    suppressedInOrder(row)
      .map((item) => `<div class="sub suppression">Suppressed ${item.code}: ${e(item.reason)}</div>`)
      .join("")
  return (
    `<tr${row.enabled === false ? ' class="deactivated"' : ""}><td class="num">${number}</td><td>${who}</td><td>${role}</td>` +
    `<td>${status}</td><td class="date">${date(isoOf(row.createdAt), row.createdAt)}</td>` +
    `<td class="date">${date(isoOf(row.lastLoggedInAt), row.lastLoggedInAt)}</td>` +
    `<td class="num">${days === null ? "—" : formatCount(days)}</td><td>${findings}</td><td class="decision"></td></tr>\n`
  )
}

/**
 * Where decisions are recorded depends on what came with the page: `review` writes the workbook beside it; an
 * export holds the page without one, and its Decision column is then the place for them.
 */
const recordDecisions = (withWorkbook: boolean): string => {
  const decisions = decisionsText((decision) => `<strong>${e(decision)}</strong>`)
  return withWorkbook
    ? `<p>Record a decision for every user in the review workbook (the access-review CSV written with this page): ${decisions},
with the reviewer, the date reviewed and any notes.</p>`
    : `<p>Record a decision for every user in the Decision column of this page, printed: ${decisions}, with the
reviewer, the date reviewed and any notes. No review workbook came with this page; <code>panther-audit review</code>
writes one (access-review-&lt;stamp&gt;.csv) with columns for decisions, to fill in instead.</p>`
}

export const reviewHtmlEnd = (review: Review, withWorkbook: boolean): string => `<section class="signoff">
<h3>Review sign-off</h3>
${recordDecisions(withWorkbook)}
<div class="lines"><div class="line">Reviewed by</div><div class="line">Role</div><div class="line">Date</div><div class="line">Signature</div></div>
</section>
<footer>Generated by ${e(`${review.run.tool.name} ${review.run.tool.version}`)} from run ${e(review.run.runId)}.
Days since login are whole days before the as-of time; findings follow the findings report of the same run.</footer>
</body>
</html>
`
