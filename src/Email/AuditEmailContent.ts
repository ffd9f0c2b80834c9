/**
 * The audit email's content: what a security engineer needs at a glance (counts, the urgent accounts, what
 * went wrong) and where to find the rest (the reports). Pure: the same outcome always gives the same document.
 */
import { basename, dirname } from "node:path"
import { type AuditRun, loginsUnknown } from "../Audit/AuditRun.js"
import { FINDING_CODES, type Finding, type FindingCode } from "../Audit/Finding.js"
import { isRunLevel } from "../Audit/FindingAnnotations.js"
import { instanceLabel } from "../Audit/PantherInstance.js"
import type { PreviousFinding } from "../Audit/PreviousReport.js"
import type { AuditOutcome } from "../Audit/RunAudit.js"
import { usersBreakdown } from "../Audit/RunSummary.js"
import {
  NOT_JUDGED_WITHOUT_LOGINS,
  namedEntries,
  unusedForWantOfLogins,
  warningsBesideSuppressions
} from "../Audit/RunWarnings.js"
import { SEVERITIES, type Severity } from "../Audit/Severity.js"
import { counted } from "../Cli/Counted.js"
import { cutShort } from "../Cli/CutShort.js"
import { INVISIBLE } from "../PantherApi/Responses.js"
import { type CsvAttachment, encodedSize, formatBytes } from "./CsvAttachment.js"
import type { Block, Cell, EmailDocument, Section } from "./EmailDocument.js"
import type { FindingMatrix } from "./FindingMatrix.js"

/** Critical and high findings listed in the message; the CSV has all of them. */
export const LISTED_URGENT_LIMIT = 50
const DETAIL_MAX_CHARS = 300
/**
 * A name, address, role or status past this is cut: a 2,000-character name made a table cell no mail client could
 * wrap, and a role name of 100 KB on each of the 50 urgent findings listed made a message of 10 MB, which mail servers
 * refuse (the attachment has its own cap). The CSV has each whole.
 */
const NAME_MAX_CHARS = 120

const SEVERITIES_DOWN: ReadonlyArray<Severity> = [...SEVERITIES].reverse()

/**
 * Text from the API goes into the message as data: control characters and the line and paragraph separators (U+2028,
 * U+2029, which mail clients break lines at: a name holding them could add a `Role / status:` line of its own) would
 * break the plain-text layout, and bidirectional overrides can make a name read as something else, so all become
 * spaces. An invisible format character (`INVISIBLE`: a zero-width space) becomes U+FFFD, as on the review page: a
 * space at the end of an email would be as invisible as it, and the address would still look like another's. HTML
 * escaping is the renderer's job.
 */
export const cleanText = (text: string): string =>
  text.replace(/[\p{Cc}\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu, " ").replace(INVISIBLE, "\uFFFD")

const meaning = (code: FindingCode, run: AuditRun): string => {
  switch (code) {
    case "STALE_LOGIN":
      return `last login more than ${run.parameters.staleDays} days ago`
    case "NEVER_LOGGED_IN":
      return `never logged in, account older than ${run.parameters.staleDays} days`
    case "PENDING_STATUS":
      return "invitation, confirmation or password reset not completed"
    case "COMPROMISED_ACCOUNT":
      return "Cognito marked the account COMPROMISED"
    case "UNRECOGNIZED_STATUS":
      return "a status no rule judges (legacy ARCHIVED or UNKNOWN, or a new one): check the account"
    case "PRIVILEGED_ROLE":
      return "holds a privileged role"
    case "INVALID_RECORD":
      return "a record the audit could not fully judge"
    case "LOGIN_DATA_MISSING":
      return "no enabled user has login data"
  }
}

/** `2026-06-30 12:00 UTC` */
export const formatInstant = (iso: string): string => {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`
}

const count = (value: number): Cell => ({ text: value === 0 ? "–" : String(value), align: "right" })

const matrixSection = (run: AuditRun, matrix: FindingMatrix): Section => {
  const codes = FINDING_CODES.filter((code) => SEVERITIES.some((severity) => matrix[code][severity] > 0))
  if (codes.length === 0) return { title: "Findings by code", blocks: [{ _tag: "Paragraph", text: "No findings." }] }
  const total = (code: FindingCode) => SEVERITIES.reduce((sum, severity) => sum + matrix[code][severity], 0)
  const rows = [...codes]
    .sort((a, b) => total(b) - total(a) || (a < b ? -1 : 1))
    .map(
      (code): ReadonlyArray<Cell> => [
        { text: code, secondary: meaning(code, run), strong: true },
        ...SEVERITIES_DOWN.map((severity) => count(matrix[code][severity])),
        { ...count(total(code)), strong: true }
      ]
    )
  const columnTotal = (severity: Severity) => codes.reduce((sum, code) => sum + matrix[code][severity], 0)
  return {
    title: "Findings by code",
    blocks: [
      {
        _tag: "Table",
        headers: [
          { text: "Finding" },
          ...SEVERITIES_DOWN.map((severity): Cell => ({ text: severity, badge: severity, align: "right" })),
          { text: "Total", align: "right" }
        ],
        rows,
        footer: [
          { text: "Total", strong: true },
          ...SEVERITIES_DOWN.map((severity) => ({ ...count(columnTotal(severity)), strong: true })),
          { ...count(codes.reduce((sum, code) => sum + total(code), 0)), strong: true }
        ],
        textLayout: "columns"
      }
    ]
  }
}

const userCell = (finding: Finding): Cell => {
  if (isRunLevel(finding.finding)) return { text: "(whole run)" }
  const name = cutShort(
    cleanText([finding.givenName, finding.familyName].filter((part) => part !== null && part !== "").join(" ")),
    NAME_MAX_CHARS
  )
  // Its email, else its id. A record with neither (one that failed validation) is a user's all the same, named by
  // what could be read of it, as the CSV names it.
  const address = finding.email || finding.userId
  if (!address) return name === "" ? { text: "(no id or email)" } : { text: name, secondary: "no id or email" }
  const email = cutShort(cleanText(address), NAME_MAX_CHARS)
  return name === "" ? { text: email } : { text: name, secondary: email }
}

const roleCell = (finding: Finding): Cell => {
  const role = cutShort(cleanText(finding.roleName ?? finding.roleId ?? "–"), NAME_MAX_CHARS)
  const status = [
    finding.status === null ? undefined : cutShort(cleanText(finding.status), NAME_MAX_CHARS),
    finding.enabled === false ? "deactivated" : undefined
  ]
    .filter((part) => part !== undefined)
    .join(", ")
  return status === "" ? { text: role } : { text: role, secondary: status }
}

const daysCell = (finding: Finding): Cell => {
  if (finding.daysSinceLogin !== null) return { text: String(finding.daysSinceLogin), align: "right" }
  const never = finding.userId !== null && finding.lastLoggedInAt === null && finding.finding === "NEVER_LOGGED_IN"
  return { text: never ? "never" : "–", align: "right" }
}

/** Suppressed ones are accepted exceptions: counted, not listed among what needs acting on. */
const urgentSection = (outcome: AuditOutcome): Section => {
  const { run } = outcome
  const { bySeverity, unsuppressedBySeverity } = run.findings
  const urgentTotal = unsuppressedBySeverity.critical + unsuppressedBySeverity.high
  const suppressed = bySeverity.critical + bySeverity.high - urgentTotal
  const title = "Critical and high findings"
  const suppressedNote: ReadonlyArray<Block> =
    suppressed === 0
      ? []
      : [
          {
            _tag: "Paragraph",
            text:
              `${suppressed} suppressed critical or high finding${suppressed === 1 ? " is" : "s are"} not listed ` +
              `(accepted exceptions, see Suppressions); the CSV has ${suppressed === 1 ? "it" : "them"}.`,
            tone: "muted"
          }
        ]
  if (urgentTotal === 0) return { title, blocks: [{ _tag: "Paragraph", text: "None." }, ...suppressedNote] }
  const listed = outcome.urgent.slice(0, LISTED_URGENT_LIMIT)
  const more = urgentTotal - listed.length
  const blocks: Array<Block> = [
    {
      _tag: "Table",
      headers: [
        { text: "Finding" },
        { text: "User" },
        { text: "Role / status" },
        { text: "Days since login", align: "right" },
        { text: "Detail" }
      ],
      rows: listed.map((finding) => [
        { text: finding.finding, badge: finding.severity },
        userCell(finding),
        roleCell(finding),
        daysCell(finding),
        { text: cutShort(cleanText(finding.detail), DETAIL_MAX_CHARS) }
      ]),
      textLayout: "records"
    }
  ]
  if (more > 0) {
    blocks.push({
      _tag: "Paragraph",
      text: `…and ${counted(more, "more critical or high finding")}, see the CSV.`,
      tone: "muted"
    })
  }
  return { title, blocks: [...blocks, ...suppressedNote] }
}

/** Whom a resolved finding was about: its email, else its user id; a run-level one is the whole run's. */
const resolvedUser = (finding: PreviousFinding): string =>
  finding.email !== null && finding.email !== ""
    ? finding.email
    : finding.userId !== null && finding.userId !== ""
      ? finding.userId
      : isRunLevel(finding.finding)
        ? "(whole run)"
        : "(no id or email)"

/** A count of findings and how many are not suppressed, as a fact; none when there are none. */
const someOf = (label: string, count: number, unsuppressed: number): Array<[string, string]> =>
  count > 0 ? [[label, `${count} (${unsuppressed} not suppressed)`]] : []

const changesSection = (outcome: AuditOutcome): Section => {
  const { changes } = outcome.run
  const title = "What changed"
  if (changes.previousReport === null) {
    return {
      title,
      blocks: [
        {
          _tag: "Paragraph",
          text: `Everything is new: ${cleanText(changes.previousReportProblem ?? "there is no previous report")}.`,
          tone: "muted"
        }
      ]
    }
  }
  const blocks: Array<Block> = [
    {
      _tag: "Facts",
      entries: [
        ["Compared with", basename(changes.previousReport)],
        ["New", `${changes.new} (${changes.newUnsuppressed} not suppressed)`],
        // Found again at another severity: said only when some were, as the summary line does.
        ...someOf("Escalated", changes.escalated, changes.escalatedUnsuppressed),
        ...someOf("De-escalated", changes.deEscalated, changes.deEscalatedUnsuppressed),
        ["Unchanged", String(changes.unchanged)],
        ["Resolved", String(changes.resolved.length)],
        // An exception that expired or was taken out: why an on-change email may come with nothing new.
        ...(changes.unsuppressedAgain > 0
          ? [["No longer suppressed", String(changes.unsuppressedAgain)] as [string, string]]
          : [])
      ]
    }
  ]
  // The news, new findings apart from escalated ones: an escalated finding is one an auditor has seen before.
  for (const [change, heading] of [
    ["new", "New finding"],
    ["escalated", "Escalated finding"]
  ] as const) {
    const listed = outcome.fresh.filter((finding) => finding.change === change).slice(0, LISTED_URGENT_LIMIT)
    if (listed.length === 0) continue
    blocks.push({
      _tag: "Table",
      headers: [{ text: heading }, { text: "User" }, { text: "Role / status" }, { text: "Detail" }],
      rows: listed.map((finding) => [
        // The plain-text part has no headings over records: each escalated one says so itself.
        change === "escalated"
          ? { text: finding.finding, badge: finding.severity, secondary: "escalated" }
          : { text: finding.finding, badge: finding.severity },
        userCell(finding),
        roleCell(finding),
        { text: cutShort(cleanText(finding.detail), DETAIL_MAX_CHARS) }
      ]),
      textLayout: "records"
    })
    const more = outcome.freshCounts[change] - listed.length
    if (more > 0) {
      blocks.push({
        _tag: "Paragraph",
        text: `…and ${counted(more, `more ${change} finding`)}, see the CSV.`,
        tone: "muted"
      })
    }
  }
  const resolved = changes.resolved.slice(0, LISTED_URGENT_LIMIT)
  if (resolved.length > 0) {
    blocks.push({
      _tag: "Table",
      headers: [{ text: "Resolved finding" }, { text: "User" }, { text: "First seen" }],
      rows: resolved.map((finding) => [
        // As for escalated ones: in the plain-text part, without the heading, a resolved critical finding read as
        // one this run raised.
        { text: finding.finding, badge: finding.severity, secondary: "resolved" },
        { text: cutShort(cleanText(resolvedUser(finding)), NAME_MAX_CHARS) },
        // Null when the previous report's was not taken (see FirstSeen.ts).
        { text: finding.firstSeen === null ? "unknown" : formatInstant(finding.firstSeen) }
      ]),
      textLayout: "records"
    })
  }
  const unlisted = changes.resolved.length - resolved.length
  if (unlisted > 0) {
    blocks.push({ _tag: "Paragraph", text: `…and ${unlisted} more resolved, see the JSON report.`, tone: "muted" })
  }
  return { title, blocks }
}

const suppressionsSection = (run: AuditRun): ReadonlyArray<Section> => {
  const { suppressions } = run
  if (run.parameters.suppressionsFile === null) return []
  const entry = (item: (typeof suppressions.expired)[number]) =>
    cleanText(
      `entry ${item.entry}: ${item.user}, ${item.finding}, owner ${item.owner}, ${item.reason} (expires ${item.expires})`
    )
  const blocks: Array<Block> = [
    {
      _tag: "Paragraph",
      text: `${counted(suppressions.applied, "finding")} suppressed (${counted(suppressions.active, "active entry", "active entries")}). Suppressed findings stay in the reports.`
    }
  ]
  if (suppressions.expired.length > 0) {
    const { named, rest } = namedEntries(suppressions.expired, "expired")
    blocks.push({ _tag: "Paragraph", text: "Expired, so no longer suppressing:", tone: "warning" })
    blocks.push({ _tag: "List", items: [...named.map(entry), ...rest], tone: "warning" })
  }
  if (suppressions.unused.length > 0) {
    const { named, rest } = namedEntries(suppressions.unused, "unused")
    blocks.push({ _tag: "Paragraph", text: "Unused (matched no finding):" })
    const unusedItem = (item: (typeof suppressions.unused)[number]) =>
      unusedForWantOfLogins(item, loginsUnknown(run)) ? `${entry(item)}; ${NOT_JUDGED_WITHOUT_LOGINS}` : entry(item)
    blocks.push({ _tag: "List", items: [...named.map(unusedItem), ...rest] })
  }
  return [{ title: "Suppressions", blocks }]
}

const attachmentFact = (attachment: CsvAttachment, csvName: string): string => {
  switch (attachment._tag) {
    case "Plain":
      return `${csvName} (attached, ${formatBytes(attachment.content.length)})`
    case "Gzip":
      return `${csvName} (attached gzip-compressed as ${attachment.filename}, ${formatBytes(attachment.content.length)}; ${formatBytes(attachment.originalBytes)} uncompressed)`
    case "LeftOut":
      return (
        `${csvName}: not attached, as it is ${formatBytes(attachment.originalBytes)} (${formatBytes(encodedSize(attachment.compressedBytes))} ` +
        `compressed and encoded for mail), more than the ${formatBytes(attachment.limitBytes)} limit for attachments. ` +
        `It is at ${attachment.path}`
      )
  }
}

const reportsSection = (outcome: AuditOutcome, attachment: CsvAttachment): Section => ({
  title: "Reports",
  blocks: [
    {
      _tag: "Facts",
      entries: [
        ["Findings CSV", attachmentFact(attachment, basename(outcome.reports.csv))],
        ["JSON report", basename(outcome.reports.json)],
        ["Directory", dirname(outcome.reports.csv)]
      ]
    }
  ]
})

const listOrNone = (items: ReadonlyArray<string>): string => (items.length === 0 ? "none" : items.join(", "))

const durationText = (run: AuditRun): string => {
  const millis = Date.parse(run.finishedAt) - Date.parse(run.startedAt)
  return Number.isNaN(millis) ? "" : ` (${Math.round(millis / 1000)} s)`
}

const runSection = (run: AuditRun): Section => ({
  title: "Run",
  blocks: [
    {
      _tag: "Facts",
      entries: [
        ["Instance", instanceLabel(run.apiBaseUrl)],
        ["As of", formatInstant(run.asOf)],
        [
          "Users",
          `${run.users.seen} (${usersBreakdown(run)}, ` +
            `${run.users.privileged} privileged, ${counted(run.users.invalid, "invalid record")})`
        ],
        ["Stale after", `${run.parameters.staleDays} days without a login`],
        ["Pending after", `${run.parameters.pendingDays} days`],
        ["Privileged roles", listOrNone(run.parameters.privilegedRoles)],
        ["Privileged permissions", listOrNone(run.parameters.privilegedPermissions)],
        [
          "Privilege decided by",
          run.privilegeSource === "role-permissions" ? "role permissions (GET /roles)" : "role names and ids only"
        ],
        ["Deactivated users", run.parameters.includeDeactivated ? "included" : "not fetched"],
        ["Fail on", run.parameters.failOn],
        ["Policy", run.parameters.policy ?? "none"],
        [
          "API calls",
          `${counted(run.requests, "request")}, ${counted(run.pagesFetched, "page")}, ` +
            counted(run.retries, "retry", "retries")
        ],
        ["Started", `${formatInstant(run.startedAt)}${durationText(run)}`],
        ["Run id", run.runId],
        ["Tool", `${run.tool.name} ${run.tool.version}`]
      ]
    }
  ]
})

export interface AuditEmailInput {
  readonly outcome: AuditOutcome
  readonly matrix: FindingMatrix
  readonly attachment: CsvAttachment
}

export const auditEmailDocument = ({ outcome, matrix, attachment }: AuditEmailInput): EmailDocument => {
  const { run } = outcome
  const host = instanceLabel(run.apiBaseUrl)
  // Expired and unused entries are listed under Suppressions.
  const warningLines = warningsBesideSuppressions(run)
  const warnings: ReadonlyArray<Section> =
    warningLines.length === 0
      ? []
      : [{ title: "Warnings", blocks: [{ _tag: "List", items: warningLines.map(cleanText), tone: "warning" }] }]
  return {
    title: `Panther user audit: ${host}`,
    // The figures and the table by code count every finding; the subject and the urgent list only open ones.
    subtitle:
      `${counted(run.users.seen, "user")} audited as of ${formatInstant(run.asOf)}, ` +
      counted(run.findings.total, "finding") +
      (run.findings.suppressed === 0 ? "." : `, ${run.findings.suppressed} of them suppressed.`),
    figures: SEVERITIES_DOWN.map((severity) => ({
      label: severity,
      value: run.findings.bySeverity[severity],
      severity
    })),
    sections: [
      ...warnings,
      matrixSection(run, matrix),
      urgentSection(outcome),
      changesSection(outcome),
      ...suppressionsSection(run),
      reportsSection(outcome, attachment),
      runSection(run)
    ],
    footer: `Sent by ${run.tool.name} ${run.tool.version}, run ${run.runId}. The findings CSV holds every finding; this message lists the most urgent.`
  }
}
