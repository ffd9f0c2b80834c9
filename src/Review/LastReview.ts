/**
 * Which accounts came and went since the last access review: what a quarterly review asks first ("who was given
 * access since we last looked, and who lost it?"), and what findings alone do not show (a new account with no
 * finding, or a removed one that had none). The last review is the newest review workbook in the report directory:
 * the one file of a review a team keeps, since retention deletes old findings reports and never workbooks.
 */
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { isSameInstance } from "../Audit/PantherInstance.js"
import { QUOTED_NAME_MAX_CHARS } from "../Audit/QuotedName.js"
import { parseTimestamp } from "../Audit/Timestamps.js"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import {
  type InputFileSecrets,
  inputFileMessage,
  NO_INPUT_FILE_SECRETS,
  NOT_CHECKED,
  quoteOfFile
} from "../Cli/InputFileSecrets.js"
import { printable } from "../PantherApi/Responses.js"
import { asCellReadsBack } from "../Reports/CsvColumns.js"
import { unneutraliseFormula } from "../Reports/FormulaGuard.js"
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"
import { isStampedAhead, parseStamp } from "../Reports/ReportName.js"
import {
  accessChanges,
  booleanCell,
  type Decision,
  decisionNotCarriedOut,
  heldByAnAccount,
  type NamedRole,
  readDecision,
  roleRenamed,
  workbookRole
} from "./AccessChange.js"
import { shorten, shortenMiddle } from "./Html.js"
import { type DecisionTally, makeDecisionTally } from "./LastDecisions.js"
import { closestRoleNames, type PantherRoles, ROLES_NOT_READ } from "./PantherRoles.js"
import { compareName } from "./ReviewOrder.js"
import type { ReviewRow } from "./ReviewRow.js"
import { eachWorkbookRecord, unreadableWorkbook, whyWorkbookNotRead } from "./WorkbookRecords.js"

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

/**
 * An `enabled` or `privileged` cell of the last review's workbook read as neither true nor false: a word of a
 * language not read, or one garbled by the encoding it was saved in (a Polish FAŁSZ in Windows-1250).
 */
export interface UnreadBoolean {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  readonly row: number
  readonly column: "enabled" | "privileged"
  /** The cell, quoted safely (printable, secrets scrubbed, cut short when long). */
  readonly cell: string
}

/** A role renamed since the last review: its name then and now, and how many accounts of both reviews hold it. */
export interface RenamedRole {
  readonly from: string
  readonly to: string
  readonly accounts: number
}

/**
 * An account on the last review's workbook that this review no longer has, as that workbook named it: each cell quoted
 * safely (printable, secrets withheld), for the page.
 */
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
      /**
       * How many of those were created before the last review's `asOf`, so existed when it listed the users, yet
       * are not on its workbook; absent when none were, or when the workbook gives no instant.
       */
      readonly addedThoughOlder?: number
      /** Whether the workbook holds a deactivated account: a review lists them only when asked to. */
      readonly listedDeactivated?: boolean
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
      /** The first few `enabled` and `privileged` cells read as neither true nor false, and how many there were. */
      readonly unreadBooleans?: ReadonlyArray<UnreadBoolean>
      readonly unreadBooleanCount?: number
      /**
       * Roles renamed in Panther since (the same role id under another name), with how many accounts of both
       * reviews hold them: not a change of those accounts' access, so not in `changed`, but said once.
       */
      readonly renamedRoles?: ReadonlyArray<RenamedRole>
      /** How many of the workbook's rows were decided, and signed with a reviewer and a date (LastDecisions.ts). */
      readonly decisions?: DecisionTally
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
  // As the workbook holds them: half a surrogate pair read back as U+FFFD, a value past a cell's limit cut.
  userId !== "" ? `id:${asCellReadsBack(userId)}` : `email:${asCellReadsBack(email).toLowerCase()}`

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
    // A stamp no review gives (a 13th month): the name was typed by hand, perhaps for a filled-in copy. Named.
    if (stampedAt === undefined) {
      misnamed.push(name)
      continue
    }
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
  // Sorted, as the directory lists its files in no order a reader can follow from one review to the next.
  return { workbook: best?.name, passedOver: passedOver.sort(), misnamed: recent.sort() }
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
  known: InputFileSecrets,
  roles: PantherRoles
): Promise<SinceLastReview> => {
  let toCompare: Awaited<ReturnType<typeof workbookToCompare>>
  try {
    toCompare = await workbookToCompare(directory, ownName, chosen)
  } catch (error) {
    if (error instanceof ListingFailed) return { _tag: "NotCompared", reason: error.message }
    throw error
  }
  const { found, passedOver, misnamed } = toCompare
  const since = await compareWith(found, apiBaseUrl, rows, known, roles)
  return {
    ...since,
    ...(passedOver.length === 0 ? {} : { passedOver }),
    ...(misnamed.length === 0 ? {} : { misnamed })
  }
}

/**
 * Each quarter's review in a folder of its own, as the README shows (`--report-dir ./reviews/2026-Q3`), finds no
 * earlier workbook there: the reason says how to compare with last quarter's all the same.
 */
export const NO_EARLIER_WORKBOOK =
  "no earlier review workbook in the report directory; to compare with last quarter's, kept in another folder, " +
  "give it with --compare-with"

const compareWith = async (
  found: { readonly path: string; readonly workbook: string } | undefined,
  apiBaseUrl: string,
  rows: ReadonlyArray<ReviewRow>,
  known: InputFileSecrets,
  roles: PantherRoles
): Promise<SinceLastReview> => {
  if (found === undefined) return { _tag: "NotCompared", reason: NO_EARLIER_WORKBOOK }
  const { path, workbook } = found
  // Any cell of the workbook quoted to the reviewer: made printable, a secret pasted into it withheld.
  const quoteOfWorkbook = (cell: string) => quoteOfFile(known, printable(cell))
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
  const removedKeys = new Set<string>()
  // Each change apart, so that the rows of one account are told together without saying a change twice.
  const changes = new Map<string, ReadonlyArray<string>>()
  const unreadDecisions: Array<UnreadDecision> = []
  let unreadDecisionCount = 0
  const unreadBooleans: Array<UnreadBoolean> = []
  let unreadBooleanCount = 0
  // Each account once by key, however many copies of its row the workbook holds.
  const renamedBy = new Map<string, { readonly from: string; readonly to: string }>()
  // Decisions are checked once the whole workbook is read: a `change-role:` may name a role as it was named then,
  // which only the workbook's rows holding that role, before or after it, tell by id.
  // Access changes too: an account sent by its role's id alone then and its name alone now, with GET /roles not read,
  // holds the same role by the workbook's other rows, and was said to be changed (role <id> -> <name>) on the very
  // line that said its role was still that one.
  const matched: Array<{
    readonly key: string
    readonly row: number
    readonly decision: Decision
    readonly lastRow: Record<string, string>
    readonly now: ReviewRow
  }> = []
  const rolesThen = new Map<string, NamedRole>()
  const decisions = makeDecisionTally()
  let listedDeactivated = false
  let about: { readonly instance: string | undefined; readonly asOf: string | undefined }
  try {
    about = await eachWorkbookRecord(path, (record, row) => {
      const key = keyOfCells(record)
      if (key === undefined) return
      if (booleanCell(record.enabled) === "false") listedDeactivated = true
      for (const column of ["enabled", "privileged"] as const) {
        // Empty is a record that failed validation then, which says nothing; any other cell is meant as a boolean.
        const cell = unneutraliseFormula(record[column] ?? "").trim()
        if (cell === "" || booleanCell(cell) !== "") continue
        unreadBooleanCount++
        if (unreadBooleans.length < MAX_UNREAD_DECISIONS_NAMED) {
          const quoted = quoteOfWorkbook(cell)
          unreadBooleans.push({
            row,
            column,
            cell: quoted === NOT_CHECKED ? quoted : shorten(quoted, MAX_DECISION_CHARS)
          })
        }
      }
      const decision = readDecision(record)
      decisions.add(decision, record, row)
      const roleThen = workbookRole(record)
      if (roleThen !== undefined) rolesThen.set(JSON.stringify([roleThen.id, roleThen.name]), roleThen)
      if (decision._tag === "Unread") {
        unreadDecisionCount++
        if (unreadDecisions.length < MAX_UNREAD_DECISIONS_NAMED) {
          // Scrubbed whole, then cut: a cell cut first may end in the start of a secret, which is then not found.
          const quoted = quoteOfWorkbook(decision.cell)
          unreadDecisions.push({ row, decision: quoted === NOT_CHECKED ? quoted : shorten(quoted, MAX_DECISION_CHARS) })
        }
      }
      // Panther gives no two accounts one id: a second row with the same id is the account's row copied (a
      // spreadsheet makes that one keystroke), and each copy is read for it. Taken for two accounts, it hid the
      // account's changes and the revoke written on either copy, and a removed account was counted twice.
      const copied = previous.has(key) && key.startsWith("id:")
      if (previous.has(key) && !copied) {
        shared.add(key)
      }
      previous.add(key)
      const now = current.get(key)
      if (now !== undefined) {
        // In the workbook's order still: a decision's place is kept, and left empty if it was carried out.
        if (!shared.has(key)) matched.push({ key, row, decision, lastRow: cellsCompared(record), now })
        return
      }
      // Every account of the workbook that is gone counts, those sharing a key too, and once.
      // Already unable to sign in then, and not here now (deleted, or left out with the deactivated): no access lost.
      if (booleanCell(record.enabled) === "false" || (copied && removedKeys.has(key))) return
      removedKeys.add(key)
      // Shown on the page only: quoted as any cell of the workbook is, a token pasted over one withheld.
      const quoted = (cell: string | undefined) => quoteOfWorkbook(unneutraliseFormula(cell ?? ""))
      removed.push({
        userId: quoted(record.user_id),
        email: quoted(record.email),
        name: `${quoted(record.given_name)} ${quoted(record.family_name)}`.trim(),
        privileged: booleanCell(record.privileged)
      })
    })
  } catch (error) {
    return notRead(whyWorkbookNotRead(error, known))
  }
  if (about.instance !== undefined && !isSameInstance(`https://${about.instance}`, apiBaseUrl)) {
    return {
      _tag: "NotCompared",
      reason: `the last review's workbook, ${workbook}, is of another Panther (${quoteOfWorkbook(about.instance)})`
    }
  }
  // GET /roles first, which names a role decided by id as it is named now; then the roles as the workbook named them.
  const knownRoles = [...roles.named, ...rolesThen.values()]
  for (const { key, lastRow, now } of matched) {
    if (shared.has(key)) continue
    const renamed = roleRenamed(lastRow, now, knownRoles)
    // Said on the command's output too: the workbook's name quoted as any piece of an input file is, cut as a change
    // quotes a role (a role of 100 KB put 64 KB on the summary line and the page).
    if (renamed !== undefined) {
      renamedBy.set(key, {
        from: shortenMiddle(quoteOfWorkbook(renamed.from), QUOTED_NAME_MAX_CHARS),
        to: shortenMiddle(printable(renamed.to), QUOTED_NAME_MAX_CHARS)
      })
    }
    const what = [...(changes.get(key) ?? []), ...accessChanges(lastRow, now, knownRoles, quoteOfWorkbook)]
    changes.set(key, [...new Set(what)])
  }
  const closest = closestRoleNames(roles)
  const heldNow = heldByAnAccount(rows)
  for (const { key, row, decision, lastRow, now } of matched) {
    if (shared.has(key) || (decision._tag !== "Revoke" && decision._tag !== "ChangeRole")) continue
    const context = { row, inPanther: roles, closest, heldNow }
    const notCarriedOut = decisionNotCarriedOut(decision, lastRow, now, knownRoles, quoteOfWorkbook, context)
    changes.set(key, [...new Set([...(changes.get(key) ?? []), ...notCarriedOut])])
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
    // Shown on the page as any cell of the workbook is: a token pasted over it was shown whole, as were 100 KB.
    asOf: about.asOf === undefined ? undefined : shortenMiddle(quoteOfWorkbook(about.asOf), QUOTED_NAME_MAX_CHARS),
    added,
    removed,
    changed: new Map([...changes].flatMap(([key, what]) => (what.length === 0 ? [] : [[key, what.join("; ")]]))),
    unreadDecisions,
    unreadDecisionCount,
    decisions: decisions.tally(),
    ...(unreadBooleanCount === 0 ? {} : { unreadBooleans, unreadBooleanCount }),
    ...(renamedBy.size === 0 ? {} : { renamedRoles: countRenames(renamedBy.values()) })
  }
  const addedRows = rows.filter((row) => isAddedSinceLastReview(compared, row))
  // An account created before the last review was judged existed when it listed the users: missing from its
  // workbook, it was left out of that review (its row deleted, the file cut short at a line break, or deactivated
  // then and not listed), which "added since" alone would hide.
  const lastAsOf = about.asOf === undefined ? undefined : parseTimestamp(unneutraliseFormula(about.asOf).trim())
  const addedThoughOlder =
    lastAsOf === undefined
      ? 0
      : addedRows.filter((row) => typeof row.createdAt === "number" && row.createdAt < lastAsOf).length
  return {
    ...compared,
    addedAccounts: addedRows.length,
    ...(addedThoughOlder === 0 ? {} : { addedThoughOlder, listedDeactivated })
  }
}

/** The cells of a workbook's row compared with this review's, those the workbook has: a column left out says nothing. */
const cellsCompared = (record: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    COMPARED_COLUMNS.flatMap((column) => (record[column] === undefined ? [] : [[column, record[column]]]))
  )

const COMPARED_COLUMNS = ["enabled", "privileged", "email", "role_id", "role_name"] as const

/** Each rename once, with how many accounts showed it, in the order of the names. */
const countRenames = (
  renames: Iterable<{ readonly from: string; readonly to: string }>
): ReadonlyArray<RenamedRole> => {
  const counts = new Map<string, RenamedRole>()
  for (const { from, to } of renames) {
    const key = JSON.stringify([from, to])
    counts.set(key, { from, to, accounts: (counts.get(key)?.accounts ?? 0) + 1 })
  }
  // In the review's order of role names, the same on every machine: localeCompare follows the machine's language.
  return [...counts.values()].sort((a, b) => compareName(a.from, b.from) || compareName(a.to, b.to))
}

/** How many unreadable decisions the summary and the page quote; the rest are counted. */
const MAX_UNREAD_DECISIONS_NAMED = 5
/** How much of an unreadable decision they quote: 60 characters, then "…". */
const MAX_DECISION_CHARS = 61

/**
 * Whether the row is an account added since the last review: one that can sign in (a deactivated one was given no
 * access) with a key that workbook did not have. The count, the page and the workbook all go by it.
 */
export const isAddedSinceLastReview = (since: { readonly added: ReadonlySet<string> }, row: ReviewRow): boolean =>
  row.enabled !== false && since.added.has(accountKey(row.userId, row.email))

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
        const { instance } = await eachWorkbookRecord(path, () => {})
        return instance !== undefined && !isSameInstance(`https://${instance}`, apiBaseUrl)
          ? `it is a review of another Panther (${quoteOfFile(known, printable(instance))})`
          : undefined
      } catch (error) {
        return whyWorkbookNotRead(error, known)
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
 * report directory); never fails the review (says why instead). `roles`: those GET /roles named, by which a
 * `change-role:` decision written with a role's id is matched with its name.
 */
export const compareWithLastReview = (
  directory: string,
  ownStem: string,
  apiBaseUrl: string,
  rows: ReadonlyArray<ReviewRow>,
  chosen?: string,
  known: InputFileSecrets = NO_INPUT_FILE_SECRETS,
  roles: PantherRoles = ROLES_NOT_READ
): Effect.Effect<SinceLastReview> =>
  Effect.promise(() =>
    compare(directory, `${ownStem}.csv`, apiBaseUrl, rows, chosen, known, roles).catch(
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
