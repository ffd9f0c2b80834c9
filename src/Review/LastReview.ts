/**
 * Which accounts came and went since the last access review: what a quarterly review asks first ("who was given
 * access since we last looked, and who lost it?"), and what findings alone do not show (a new account with no
 * finding, or a removed one that had none). The last review is the newest review workbook in the report directory:
 * the one file of a review a team keeps, since retention deletes old findings reports and never workbooks.
 */
import { readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import { pipeline } from "node:stream"
import * as Effect from "effect/Effect"
import { isSameInstance } from "../Audit/PantherInstance.js"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { counted } from "../Cli/Counted.js"
import {
  type InputFileSecrets,
  inputFileMessage,
  NO_INPUT_FILE_SECRETS,
  NOT_CHECKED,
  quoteOfFile
} from "../Cli/InputFileSecrets.js"
import { printable } from "../PantherApi/Responses.js"
import { unneutraliseFormula } from "../Reports/CsvColumns.js"
import { openRegularFile } from "../Reports/RegularFile.js"
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"
import { isStampedAhead, parseStamp } from "../Reports/ReportName.js"
import { shorten } from "./Html.js"
import type { ReviewRow } from "./ReviewRow.js"
import { NotCsvText, workbookText } from "./WorkbookText.js"

/**
 * A decision cell of the last review's workbook that is none of `keep`, `revoke` or `change-role:<role>` ("remove",
 * "Revoke access"): whether it was carried out cannot be told, so it is named rather than passed over.
 */
export interface UnreadDecision {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  readonly row: number
  /** The cell, quoted safely (printable, secrets scrubbed, cut short when long). */
  readonly decision: string
}

/** An account on the last review's workbook that this review no longer has, as that workbook named it. */
export interface RemovedAccount {
  readonly userId: string
  readonly email: string
  readonly name: string
  /** "true", "false", or "" when the workbook did not say (a record that failed validation). */
  readonly privileged: string
}

export type SinceLastReview = (
  | {
      readonly _tag: "Compared"
      /** The last review's workbook, by file name. */
      readonly workbook: string
      /** When that review was judged at, when its workbook says (workbooks of older versions do not). */
      readonly asOf: string | undefined
      /** Keys (see `accountKey`) of this review's accounts the last one did not have. */
      readonly added: ReadonlySet<string>
      /** How many of this review's accounts have those keys (two without an id may share one). */
      readonly addedAccounts: number
      /** Accounts that could sign in at the last review and are not in this one. */
      readonly removed: ReadonlyArray<RemovedAccount>
      /**
       * Keys of accounts on both whose access changed, with what changed ("role Analyst -> Admin; now privileged"):
       * privilege, role, whether they can sign in, email; and a decision of the last review not carried out.
       */
      readonly changed: ReadonlyMap<string, string>
      /** The first few decisions that could not be read, and how many there were. */
      readonly unreadDecisions: ReadonlyArray<UnreadDecision>
      readonly unreadDecisionCount: number
    }
  | { readonly _tag: "NotCompared"; readonly reason: string }
) & {
  /** Workbooks stamped after this review started, not compared with (see `lastWorkbook`). */
  readonly passedOver?: ReadonlyArray<string>
  /**
   * Files named almost as workbooks are (`access-review-<stamp> (1).csv`, `...-filled.csv`): a filled-in workbook
   * saved as a copy, which is not taken for the last review and would leave its decisions unread without a word.
   */
  readonly misnamed?: ReadonlyArray<string>
}

/**
 * How an account is told apart across reviews: its id, or its email in any case when it has none. Read back from a
 * workbook, a cell's formula guard (`'=...`) is taken off first, since a spreadsheet may have dropped it already.
 */
export const accountKey = (userId: string, email: string): string =>
  userId !== "" ? `id:${userId}` : `email:${email.toLowerCase()}`

const keyOfCells = (record: Record<string, string>): string | undefined => {
  const userId = unneutraliseFormula(record.user_id ?? "")
  const email = unneutraliseFormula(record.email ?? "")
  // A row a spreadsheet left blank is no account.
  return userId === "" && email === "" ? undefined : accountKey(userId, email)
}

const WORKBOOK = /^access-review-(\d{8}T\d{6}Z)(?:-(\d+))?\.csv$/
/** A workbook's name with something added before its ending, as a copy saved by hand gets. */
const MISNAMED_WORKBOOK = /^access-review-(\d{8}T\d{6}Z).*\.csv$/i

/**
 * The newest workbook other than `ownName`: by stamp, then by the `-n` of a second review in one second. One stamped
 * after this review started (`isStampedAhead`) is passed over, and named: taken, every later review would compare
 * with it again.
 */
export const lastWorkbook = (
  names: ReadonlyArray<string>,
  ownName: string
): {
  readonly workbook: string | undefined
  readonly passedOver: ReadonlyArray<string>
  readonly misnamed: ReadonlyArray<string>
} => {
  const startedAt = parseStamp(WORKBOOK.exec(ownName)?.[1] ?? "") ?? Number.POSITIVE_INFINITY
  let best: { name: string; stamp: string; suffix: number } | undefined
  const passedOver: Array<string> = []
  const misnamed: Array<string> = []
  for (const name of names) {
    const match = WORKBOOK.exec(name)
    if (match === null && MISNAMED_WORKBOOK.test(name)) misnamed.push(name)
    if (match === null || name === ownName) continue
    const candidate = { name, stamp: match[1] ?? "", suffix: Number(match[2] ?? 1) }
    const stampedAt = parseStamp(candidate.stamp)
    if (stampedAt === undefined) continue
    if (isStampedAhead(stampedAt, startedAt)) {
      passedOver.push(name)
      continue
    }
    if (
      best === undefined ||
      candidate.stamp > best.stamp ||
      (candidate.stamp === best.stamp && candidate.suffix > best.suffix)
    ) {
      best = candidate
    }
  }
  // A copy of a workbook older than the one taken was not the last review's: named at every review, it would be noise.
  const recent = misnamed.filter(
    (name) => best === undefined || (MISNAMED_WORKBOOK.exec(name)?.[1] ?? "") >= best.stamp
  )
  return { workbook: best?.name, passedOver, misnamed: recent.sort() }
}

class NotAWorkbook extends Error {}

const WORKBOOK_COLUMNS = ["user_id", "email", "decision"] as const

/** Whether the file's last byte is a line break, as every row of a spreadsheet's CSV ends with one. */
const endsWithLineBreak = async (path: string): Promise<boolean> => {
  const file = await openRegularFile(path)
  try {
    const { size } = await file.stat()
    if (size === 0) return true
    const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1)
    return buffer[0] === 0x0a || buffer[0] === 0x0d
  } finally {
    await file.close()
  }
}

/** Separators a spreadsheet may save "CSV" with instead of commas, as they are named to the reviewer. */
const OTHER_SEPARATORS = [
  [";", "semicolons"],
  ["\t", "tabs"]
] as const

/** Enough of the file for its header line: the workbook's is a few hundred bytes. */
const HEADER_HEAD_BYTES = 64 * 1024

/**
 * Refuses a workbook whose header holds its columns split by another separator than commas: Excel saves "CSV" with
 * semicolons where the system's list separator is one (much of Europe), and "Text" with tabs. Said from the header,
 * before a later row's quoted cell fails the parser in words that name neither the separator nor a fix.
 */
const refuseOtherSeparator = async (path: string): Promise<void> => {
  const head = await openRegularFile(path).then(async (handle) => {
    try {
      const bytes = Buffer.alloc(HEADER_HEAD_BYTES)
      const { bytesRead } = await handle.read(bytes, 0, HEADER_HEAD_BYTES, 0)
      return bytes.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  })
  // The column names are ASCII, so any encoding but UTF-16 (refused on its own) shows them as they are.
  const [line = ""] = head
    .toString("latin1")
    .replace(/^\u00ef\u00bb\u00bf/, "")
    .split(/\r?\n/)
  const hasColumns = (separator: string) => {
    const cells = line.split(separator).map((cell) => cell.trim())
    return WORKBOOK_COLUMNS.every((column) => cells.includes(column))
  }
  if (hasColumns(",")) return
  for (const [separator, name] of OTHER_SEPARATORS) {
    if (hasColumns(separator)) {
      throw new NotAWorkbook(
        `its cells are separated by ${name}, not commas: save it again as CSV with commas between the cells (Excel ` +
          "uses the system's list separator; LibreOffice asks for the field delimiter)"
      )
    }
  }
}

/**
 * Streams the workbook's rows to `onRecord`, as column name to cell: a workbook of 200,000 users is never held
 * whole. Refuses a file without the user_id and email columns (empty, or another shape), and one of another Panther.
 *
 * A row may have fewer cells than the header: Excel's "CSV (Comma delimited)" leaves out trailing empty cells in
 * stretches of rows, so a row short of the header is read with the cells it has. Only the last row short, with no
 * line break after it, is refused: that is a file cut off in the middle of a row (no writer ends a file so). A row
 * with more cells than the header is refused wherever it is: a comma typed into a cell without quotes shifts every
 * cell after it into the wrong column, and a cell typed past the last column has no name to be read by.
 */
const eachRecord = async (
  path: string,
  onRecord: (record: Record<string, string>, row: number) => void
): Promise<{ readonly instance: string | undefined; readonly asOf: string | undefined }> => {
  await refuseOtherSeparator(path)
  const { parse } = await import("csv-parse")
  let header: ReadonlyArray<string> | undefined
  let first: Record<string, string> | undefined
  /** The last row read, as a spreadsheet numbers it (the header is row 1), and how many cells it had. */
  let last = { row: 1, cells: 0 }
  // A row whose cells past the last column are empty is read, as Excel writes one after a column was cleared; but a
  // comma typed without quotes moves every cell after it, and pushes out only the last, often empty. Such a row's
  // instance and as_of (the same on every row of a workbook) moved too: held against those of a row in its place.
  let inPlace: { readonly row: number; readonly record: Record<string, string> } | undefined
  const overlong: Array<{ readonly row: number; readonly cells: number; readonly record: Record<string, string> }> = []
  const checkMoved = (reference: { readonly row: number; readonly record: Record<string, string> }) => {
    for (const { row, cells, record } of overlong.splice(0)) {
      if (record.instance === reference.record.instance && record.as_of === reference.record.as_of) continue
      throw new NotAWorkbook(
        `row ${row} has ${cells} cells, ${cells - (header?.length ?? 0)} more than the header, and its instance ` +
          `and as_of are not those of row ${reference.row}: a comma typed into a cell without quotes moved every ` +
          "cell after it; the file was edited, so fix or remove that row"
      )
    }
  }
  // Checked to be a plain file before, but the name may have been given to a pipe since (RegularFile.ts).
  const source = (await openRegularFile(path)).createReadStream()
  // Rows as lists of cells, so a row's cells can be counted against the header's.
  const parser = parse({ relax_column_count: true })
  // A failure anywhere (the file unreadable, UTF-16, not CSV) ends the reading below with it.
  pipeline(source, workbookText(), parser, () => {})
  try {
    for await (const cells of parser as AsyncIterable<Array<string>>) {
      if (header === undefined) {
        header = cells
        continue
      }
      last = { row: last.row + 1, cells: cells.length }
      // Empty cells past the last column are no edit: Excel writes them (`...,keep,,`) once its used range is wider
      // than the header, after a column was typed into and cleared.
      if (cells.length > header.length && cells.slice(header.length).some((cell) => cell.trim() !== "")) {
        throw new NotAWorkbook(
          `row ${last.row} has ${cells.length} cells, ${cells.length - header.length} more than the header: a cell ` +
            "past the last column, or a comma typed into a cell without quotes (which moves every cell after it); " +
            "the file was edited, so fix or remove that row"
        )
      }
      const record: Record<string, string> = {}
      for (let index = 0; index < cells.length; index++) record[header[index] ?? ""] = cells[index] ?? ""
      first ??= record
      // A row left blank (Excel writes one as commas alone) is no account, whatever its length.
      if ((header.includes("instance") || header.includes("as_of")) && cells.some((cell) => cell.trim() !== "")) {
        if (cells.length > header.length) overlong.push({ row: last.row, cells: cells.length, record })
        else inPlace ??= { row: last.row, record }
        if (inPlace !== undefined) checkMoved(inPlace)
      }
      onRecord(record, last.row)
    }
    // Every row past the last column: the first stands for the rest.
    const [firstOverlong] = overlong
    if (firstOverlong !== undefined) checkMoved(firstOverlong)
  } finally {
    // Closed also when the parser fails halfway.
    source.destroy()
  }
  if (header === undefined) throw new NotAWorkbook("it is empty")
  // A findings report has user_id and email too; only a review workbook has a decision column. The message says
  // which it has: "no user_id, email and decision columns" said of a findings report read as if those were missing.
  const missing = WORKBOOK_COLUMNS.filter((column) => !header?.includes(column))
  if (missing.length > 0) {
    const present = WORKBOOK_COLUMNS.filter((column) => header?.includes(column))
    const and = (columns: ReadonlyArray<string>) =>
      columns.length === 1 ? (columns[0] ?? "") : `${columns.slice(0, -1).join(", ")} and ${columns.at(-1)}`
    const has = present.length === 0 ? "" : `${and(present)} but `
    throw new NotAWorkbook(
      `it has ${has}no ${and(missing)} column${missing.length === 1 ? "" : "s"}: it is not a review workbook, or ` +
        "was saved with other columns"
    )
  }
  if (last.row > 1 && last.cells < header.length && !(await endsWithLineBreak(path))) {
    throw new NotAWorkbook(
      `it ends in the middle of row ${last.row} (${last.cells} of the header's ${header.length} cells, and no line ` +
        "break after them): the file was cut short; copy the whole workbook again"
    )
  }
  return { instance: first?.instance || undefined, asOf: first?.as_of || undefined }
}

/**
 * Why reading a workbook failed, said of it ("it cannot be read (permission denied)"). The CSV parser's words quote
 * the file ("..., value is "<cell>""): that part is scrubbed of the secrets (`known`), the rest kept.
 */
const whyNotRead = (error: unknown, known: InputFileSecrets): string => {
  if (error instanceof NotAWorkbook || error instanceof NotCsvText) return error.message
  if (typeof error === "object" && error !== null && "syscall" in error) {
    return `it cannot be read (${describeFsError(error)})`
  }
  const why = error instanceof Error ? (error.message.split("\n")[0] ?? "") : ""
  const value = /^(.*?), value is (.*)$/su.exec(why)
  const quoted =
    value === null
      ? quoteOfFile(known, why)
      : `${quoteOfFile(known, value[1] ?? "")}, value is ${quoteOfFile(known, value[2] ?? "")}`
  return `it is not CSV as this tool writes it: ${quoted}`
}

const booleanCell = (cell: string | undefined): string =>
  cell?.toLowerCase() === "true" ? "true" : cell?.toLowerCase() === "false" ? "false" : ""

const MAX_WORKBOOK_BYTES = 256 * 1024 * 1024

/** Why a file cannot be a workbook before reading it, if it cannot. */
const unreadableWorkbook = async (path: string): Promise<string | undefined> => {
  // A pipe named like a workbook would be waited on for ever; a huge file is not a workbook of this tool.
  // Said as it is: a link that leads round in a loop, or a folder on the way that may not be entered, is no file
  // gone, and "it does not exist" sent the user looking for a typo.
  const info = await stat(path).catch((error: unknown) => describeFsError(error))
  if (typeof info === "string") return info
  if (!info.isFile()) return "it is not a regular file"
  if (info.size > MAX_WORKBOOK_BYTES) return "it is over 256 MiB"
  return undefined
}

/** The report directory could not be listed, so whether it holds an earlier workbook is not known. */
class ListingFailed extends Error {}

/** Where the comparison's workbook is: the one asked for, else the newest earlier one in the report directory. */
const workbookToCompare = async (
  directory: string,
  ownName: string,
  chosen: string | undefined
): Promise<{
  readonly found: { readonly path: string; readonly workbook: string } | undefined
  readonly passedOver: ReadonlyArray<string>
  readonly misnamed: ReadonlyArray<string>
}> => {
  if (chosen !== undefined) {
    return { found: { path: chosen, workbook: printable(chosen) }, passedOver: [], misnamed: [] }
  }
  // Gone, the folder holds no workbook; unlisted, it may: the review says it could not look (`ListingFailed`).
  const names = await readdir(directory).catch((error: unknown): ReadonlyArray<string> => {
    if (hasErrorCode(error, "ENOENT")) return []
    throw new ListingFailed(`the report directory could not be listed (${describeFsError(error)})`)
  })
  const { workbook, passedOver, misnamed } = lastWorkbook(names, ownName)
  return {
    found: workbook === undefined ? undefined : { path: join(directory, workbook), workbook },
    passedOver,
    misnamed
  }
}

const compare = async (
  directory: string,
  ownName: string,
  apiBaseUrl: string,
  rows: ReadonlyArray<ReviewRow>,
  chosen: string | undefined,
  known: InputFileSecrets
): Promise<SinceLastReview> => {
  let toCompare: Awaited<ReturnType<typeof workbookToCompare>>
  try {
    toCompare = await workbookToCompare(directory, ownName, chosen)
  } catch (error) {
    if (error instanceof ListingFailed) return { _tag: "NotCompared", reason: error.message }
    throw error
  }
  const { found, passedOver, misnamed } = toCompare
  const since = await compareWith(found, apiBaseUrl, rows, known)
  return {
    ...since,
    ...(passedOver.length === 0 ? {} : { passedOver }),
    ...(misnamed.length === 0 ? {} : { misnamed })
  }
}

const compareWith = async (
  found: { readonly path: string; readonly workbook: string } | undefined,
  apiBaseUrl: string,
  rows: ReadonlyArray<ReviewRow>,
  known: InputFileSecrets
): Promise<SinceLastReview> => {
  if (found === undefined) return { _tag: "NotCompared", reason: "no earlier review workbook in the report directory" }
  const { path, workbook } = found
  const notRead = (why: string): SinceLastReview => ({
    _tag: "NotCompared",
    reason: `the last review's workbook, ${workbook}, could not be read (${why})`
  })
  const unreadable = await unreadableWorkbook(path)
  if (unreadable !== undefined) return notRead(unreadable)

  // This review's accounts by key, so that each of the workbook's rows is compared as it is read: a workbook of
  // 200,000 users is never held, only the keys it had and the accounts it alone had.
  const current = new Map<string, ReviewRow>()
  // A key more than one account has, here or on the workbook (two accounts without an id, their emails alike but
  // for case): which of them changed cannot be told, so none is said to.
  const shared = new Set<string>()
  for (const row of rows) {
    // A record of which neither id nor email could be read is no account to compare.
    if (row.userId === "" && row.email === "") continue
    const key = accountKey(row.userId, row.email)
    if (current.has(key)) shared.add(key)
    current.set(key, row)
  }
  const previous = new Set<string>()
  const removed: Array<RemovedAccount> = []
  const changed = new Map<string, string>()
  const unreadDecisions: Array<UnreadDecision> = []
  let unreadDecisionCount = 0
  let about: { readonly instance: string | undefined; readonly asOf: string | undefined }
  try {
    about = await eachRecord(path, (record, row) => {
      const key = keyOfCells(record)
      if (key === undefined) return
      const decision = readDecision(record)
      if (decision._tag === "Unread") {
        unreadDecisionCount++
        if (unreadDecisions.length < MAX_UNREAD_DECISIONS_NAMED) {
          // Scrubbed whole, then cut: a cell cut first may end in the start of a secret, which is then not found.
          const quoted = quoteOfFile(known, printable(decision.cell))
          unreadDecisions.push({ row, decision: quoted === NOT_CHECKED ? quoted : shorten(quoted, MAX_DECISION_CHARS) })
        }
      }
      if (previous.has(key)) {
        shared.add(key)
        changed.delete(key)
      }
      previous.add(key)
      const now = current.get(key)
      if (now !== undefined) {
        const what = shared.has(key) ? "" : accessChange(record, now)
        if (what !== "") changed.set(key, what)
        return
      }
      // Every account of the workbook that is gone counts, those sharing a key too.
      // Already unable to sign in then, and not here now (deleted, or left out with the deactivated): no access lost.
      if (booleanCell(record.enabled) === "false") return
      removed.push({
        userId: unneutraliseFormula(record.user_id ?? ""),
        email: unneutraliseFormula(record.email ?? ""),
        name: `${unneutraliseFormula(record.given_name ?? "")} ${unneutraliseFormula(record.family_name ?? "")}`.trim(),
        privileged: booleanCell(record.privileged)
      })
    })
  } catch (error) {
    return notRead(whyNotRead(error, known))
  }
  if (about.instance !== undefined && !isSameInstance(`https://${about.instance}`, apiBaseUrl)) {
    return {
      _tag: "NotCompared",
      reason: `the last review's workbook, ${workbook}, is of another Panther (${quoteOfFile(known, printable(about.instance))})`
    }
  }
  const added = new Set<string>()
  for (const row of rows) {
    if (row.userId === "" && row.email === "") continue
    const key = accountKey(row.userId, row.email)
    if (!previous.has(key) && row.enabled !== false) added.add(key)
  }
  const compared = {
    _tag: "Compared" as const,
    workbook,
    asOf: about.asOf,
    added,
    removed,
    changed,
    unreadDecisions,
    unreadDecisionCount
  }
  const addedAccounts = rows.filter((row) => isAddedSinceLastReview(compared, row)).length
  return { ...compared, addedAccounts }
}

const NO_ROLE = "(no role)"

/**
 * What changed in an account's access between the last review's row and this review's: privilege, role, whether it
 * can sign in, email. A cell the last workbook left empty (a record that failed validation then) says nothing.
 */
const accessChange = (record: Record<string, string>, now: ReviewRow): string => {
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
  const roleNow = now.roleName || now.roleId || (now.privileged === null ? "" : NO_ROLE)
  if (roleThen !== "" && roleNow !== "" && roleThen !== roleNow) changes.push(`role ${roleThen} -> ${roleNow}`)
  const wasPrivileged = booleanCell(record.privileged)
  if (wasPrivileged === "false" && now.privileged === true) changes.push("now privileged")
  if (wasPrivileged === "true" && now.privileged === false) changes.push("no longer privileged")
  const emailThen = unneutraliseFormula(record.email ?? "")
  if (emailThen !== "" && now.email !== "" && emailThen.toLowerCase() !== now.email.toLowerCase()) {
    changes.push(`email ${emailThen} -> ${now.email}`)
  }
  changes.push(...decisionNotCarriedOut(record, now))
  return changes.join("; ")
}

/** How many unreadable decisions the summary and the page quote; the rest are counted. */
const MAX_UNREAD_DECISIONS_NAMED = 5
/** How much of an unreadable decision they quote: 60 characters, then "…". */
const MAX_DECISION_CHARS = 61

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

const readDecision = (record: Record<string, string>): Decision => {
  const cell = unneutraliseFormula(record.decision ?? "").trim()
  const lower = cell.toLowerCase()
  if (lower === "") return { _tag: "None" }
  if (lower === "keep") return { _tag: "Keep" }
  if (lower === "revoke") return { _tag: "Revoke" }
  const role = lower.startsWith(CHANGE_ROLE) ? cell.slice(CHANGE_ROLE.length).trim() : ""
  return role === "" ? { _tag: "Unread", cell } : { _tag: "ChangeRole", role }
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

/**
 * A decision the last review's reviewer wrote that this review shows was not carried out: an account to revoke still
 * able to sign in, a role change not made. What an auditor follows up first.
 */
const decisionNotCarriedOut = (record: Record<string, string>, now: ReviewRow): ReadonlyArray<string> => {
  const decision = readDecision(record)
  if (decision._tag === "Revoke" && now.enabled === true) {
    return ["revoke decided at the last review, still able to sign in"]
  }
  if (decision._tag === "ChangeRole") {
    const roleNow = now.roleName || now.roleId
    if (roleNow !== "" && decision.role.toLowerCase() !== roleNow.toLowerCase()) {
      return [`change-role:${decision.role} decided at the last review, role still ${roleNow}`]
    }
  }
  return []
}

/**
 * Whether the row is an account added since the last review: one that can sign in (a deactivated one was given no
 * access) with a key that workbook did not have. The count, the page and the workbook all go by it.
 */
export const isAddedSinceLastReview = (since: { readonly added: ReadonlySet<string> }, row: ReviewRow): boolean =>
  row.enabled !== false && since.added.has(accountKey(row.userId, row.email))

/** How many misnamed workbooks the summary and the page name; the rest are counted. */
const MAX_MISNAMED_NAMED = 5

/** What the command's line and the page say of workbooks passed over or not taken; empty when there were none. */
export const passedOverSentence = (since: SinceLastReview): string => {
  const sentences: Array<string> = []
  if (since.passedOver !== undefined && since.passedOver.length > 0) {
    sentences.push(
      "Passed over, as stamped after this review started (a clock was ahead when made, or this one is behind): " +
        `${since.passedOver.join(", ")}; move them out of the report directory if their stamps are wrong.`
    )
  }
  if (since.misnamed !== undefined && since.misnamed.length > 0) {
    const named = since.misnamed.slice(0, MAX_MISNAMED_NAMED).map(printable).join(", ")
    const more = since.misnamed.length - MAX_MISNAMED_NAMED
    sentences.push(
      `Not taken, as not named as a review names its workbook (access-review-<stamp>.csv): ${named}` +
        `${more > 0 ? `, and ${more} more` : ""}; if one is the last review's workbook filled in, give it with ` +
        "--compare-with."
    )
  }
  return sentences.join(" ")
}

/** The review command's line about it. */
export const describeSinceLastReview = (review: { readonly sinceLastReview?: SinceLastReview }): string => {
  const since = review.sinceLastReview
  if (since === undefined) return ""
  const passedOver = passedOverSentence(since)
  const unread = unreadDecisionsSentence(since)
  return (
    (since._tag === "Compared"
      ? `Since the last review (${since.workbook}): ${counted(since.addedAccounts, "account")} ` +
        `added, ${since.removed.length} removed, ${since.changed.size} changed (privilege, role, sign-in or email, ` +
        "or a decision of the last review not carried out); " +
        "they are listed on the page, and new_since_last_review and changed_since_last_review mark them in the " +
        "workbook."
      : `Since the last review: not compared (${since.reason}).`) +
    (unread === "" ? "" : ` ${unread}`) +
    (passedOver === "" ? "" : ` ${passedOver}`)
  )
}

const GIVE_A_WORKBOOK =
  "Give an access-review-*.csv workbook an earlier review wrote, or leave the flag out to compare with the newest " +
  "one in the report directory."

/**
 * Checks, before the audit, a workbook given with `--compare-with`, all of it (it is at most 256 MiB): a review that
 * cannot make the comparison asked for fails at once, rather than after reading every user.
 */
export const checkWorkbookToCompare = (
  path: string,
  apiBaseUrl: string,
  known: InputFileSecrets = NO_INPUT_FILE_SECRETS
): Effect.Effect<void, ConfigurationError> =>
  Effect.flatMap(
    Effect.promise(async () => {
      const unreadable = await unreadableWorkbook(path)
      if (unreadable !== undefined) return unreadable
      try {
        const { instance } = await eachRecord(path, () => {})
        return instance !== undefined && !isSameInstance(`https://${instance}`, apiBaseUrl)
          ? `it is a review of another Panther (${quoteOfFile(known, printable(instance))})`
          : undefined
      } catch (error) {
        return whyNotRead(error, known)
      }
    }),
    (problem) =>
      problem === undefined
        ? Effect.void
        : Effect.fail(
            new ConfigurationError({
              message: inputFileMessage(
                known,
                `--compare-with ${printable(path)} cannot be compared with: ${problem}. ${GIVE_A_WORKBOOK}`,
                `--compare-with: the file cannot be compared with; why is not shown, as saying it would quote a secret. ${GIVE_A_WORKBOOK}`
              )
            })
          )
  )

/**
 * Compares this review's accounts with the last review's workbook (`chosen`, else the newest earlier one in the
 * report directory); never fails the review (says why instead).
 */
export const compareWithLastReview = (
  directory: string,
  ownStem: string,
  apiBaseUrl: string,
  rows: ReadonlyArray<ReviewRow>,
  chosen?: string,
  known: InputFileSecrets = NO_INPUT_FILE_SECRETS
): Effect.Effect<SinceLastReview> =>
  Effect.promise(() =>
    compare(directory, `${ownStem}.csv`, apiBaseUrl, rows, chosen, known).catch(
      (error: unknown): SinceLastReview => ({
        _tag: "NotCompared",
        reason: `the last review's workbook could not be read (${error instanceof Error ? error.message : String(error)})`
      })
    )
  ).pipe(
    // The reason goes into the review's page and the command's output: it quotes the workbook.
    Effect.map((since) =>
      since._tag === "NotCompared"
        ? {
            ...since,
            reason: inputFileMessage(
              known,
              since.reason,
              "the last review's workbook could not be read; why is not shown, as saying it would quote a secret"
            )
          }
        : since
    )
  )
