/**
 * Which accounts came and went since the last access review: what a quarterly review asks first ("who was given
 * access since we last looked, and who lost it?"), and what findings alone do not show (a new account with no
 * finding, or a removed one that had none). The last review is the newest review workbook in the report directory:
 * the one file of a review a team keeps, since retention deletes old findings reports and never workbooks.
 */
import { readdir, readFile, stat } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { isSameInstance } from "../Audit/PantherInstance.js"
import { neutraliseFormula } from "../Reports/CsvColumns.js"
import type { ReviewRow } from "./ReviewRow.js"

/** An account on the last review's workbook that this review no longer has, as that workbook named it. */
export interface RemovedAccount {
  readonly userId: string
  readonly email: string
  readonly name: string
  readonly privileged: string
}

export type SinceLastReview =
  | {
      readonly _tag: "Compared"
      /** The last review's workbook, by file name. */
      readonly workbook: string
      /** When that review was judged at, when its workbook says (workbooks of older versions do not). */
      readonly asOf: string | undefined
      /** Keys (see `accountKey`) of this review's accounts the last one did not have. */
      readonly added: ReadonlySet<string>
      readonly removed: ReadonlyArray<RemovedAccount>
    }
  | { readonly _tag: "NotCompared"; readonly reason: string }

/**
 * How an account is told apart across reviews: its id, or its email in any case when it has none. As the workbook
 * writes it (formula-neutralised), so a cell read back compares equal.
 */
export const accountKey = (userId: string, email: string): string =>
  userId !== "" ? `id:${neutraliseFormula(userId)}` : `email:${neutraliseFormula(email).toLowerCase()}`

const WORKBOOK = /^access-review-(\d{8}T\d{6}Z)(?:-(\d+))?\.csv$/

/** The newest workbook other than `ownName`: by stamp, then by the `-n` of a second review in one second. */
const lastWorkbook = (names: ReadonlyArray<string>, ownName: string): string | undefined => {
  let best: { name: string; stamp: string; suffix: number } | undefined
  for (const name of names) {
    const match = WORKBOOK.exec(name)
    if (match === null || name === ownName) continue
    const candidate = { name, stamp: match[1] ?? "", suffix: Number(match[2] ?? 1) }
    if (
      best === undefined ||
      candidate.stamp > best.stamp ||
      (candidate.stamp === best.stamp && candidate.suffix > best.suffix)
    ) {
      best = candidate
    }
  }
  return best?.name
}

const MAX_WORKBOOK_BYTES = 256 * 1024 * 1024

const compare = async (
  directory: string,
  ownName: string,
  apiBaseUrl: string,
  rows: ReadonlyArray<ReviewRow>
): Promise<SinceLastReview> => {
  const names = await readdir(directory).catch((): ReadonlyArray<string> => [])
  const workbook = lastWorkbook(names, ownName)
  if (workbook === undefined)
    return { _tag: "NotCompared", reason: "no earlier review workbook in the report directory" }
  const path = join(directory, workbook)
  const notRead = (why: string): SinceLastReview => ({
    _tag: "NotCompared",
    reason: `the last review's workbook, ${workbook}, could not be read (${why})`
  })
  // A pipe named like a workbook would be waited on for ever; a huge file is not a workbook of this tool.
  const info = await stat(path).catch(() => undefined)
  if (info === undefined || !info.isFile()) return notRead("it is not a regular file")
  if (info.size > MAX_WORKBOOK_BYTES) return notRead("it is over 256 MiB")
  // csv-parse only here: most commands never read a workbook.
  const { parse } = await import("csv-parse/sync")
  let records: Array<Record<string, string>>
  try {
    records = parse(await readFile(path, "utf8"), { bom: true, columns: true, relax_column_count: true })
  } catch (error) {
    return notRead(error instanceof Error ? (error.message.split("\n")[0] ?? "not CSV") : "not CSV")
  }
  const first = records[0]
  if (first !== undefined && (!("user_id" in first) || !("email" in first))) {
    return notRead("it has no user_id and email columns; was it saved with other columns?")
  }
  const instance = first?.instance
  if (instance !== undefined && instance !== "" && !isSameInstance(`https://${instance}`, apiBaseUrl)) {
    return {
      _tag: "NotCompared",
      reason: `the last review's workbook, ${workbook}, is of another Panther (${instance})`
    }
  }
  const previous = new Map<string, Record<string, string>>()
  for (const record of records) previous.set(accountKey(record.user_id ?? "", record.email ?? ""), record)
  const added = new Set<string>()
  const current = new Set<string>()
  for (const row of rows) {
    const key = accountKey(row.userId, row.email)
    current.add(key)
    if (!previous.has(key)) added.add(key)
  }
  const removed = [...previous]
    .filter(([key]) => !current.has(key))
    .map(([, record]) => ({
      userId: record.user_id ?? "",
      email: record.email ?? "",
      name: `${record.given_name ?? ""} ${record.family_name ?? ""}`.trim(),
      privileged: record.privileged ?? ""
    }))
  return { _tag: "Compared", workbook, asOf: first?.as_of || undefined, added, removed }
}

/** The review command's line about it. */
export const describeSinceLastReview = (review: { readonly sinceLastReview?: SinceLastReview }): string => {
  const since = review.sinceLastReview
  if (since === undefined) return ""
  return since._tag === "Compared"
    ? `Since the last review (${since.workbook}): ${since.added.size} account${since.added.size === 1 ? "" : "s"} ` +
        `added, ${since.removed.length} removed; they are listed on the page, and new_since_last_review marks them ` +
        "in the workbook."
    : `Since the last review: not compared (${since.reason}).`
}

/** Compares this review's accounts with the last review's workbook; never fails the review (says why instead). */
export const compareWithLastReview = (
  directory: string,
  ownStem: string,
  apiBaseUrl: string,
  rows: ReadonlyArray<ReviewRow>
): Effect.Effect<SinceLastReview> =>
  Effect.promise(() =>
    compare(directory, `${ownStem}.csv`, apiBaseUrl, rows).catch(
      (error: unknown): SinceLastReview => ({
        _tag: "NotCompared",
        reason: `the last review's workbook could not be read (${error instanceof Error ? error.message : String(error)})`
      })
    )
  )
