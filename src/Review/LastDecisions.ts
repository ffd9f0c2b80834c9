/**
 * How far the last review was carried through: how many of its workbook's rows were decided, and how many of those
 * decisions say who decided and when. The filled-in workbook is the evidence of the periodic review an auditor
 * asks for; one saved with no decision (the empty copy kept, the filled one elsewhere), or with decisions nobody
 * signed, reads as a review done unless something says otherwise, and the next review is the first to read it.
 */
import { counted } from "../Cli/Counted.js"
import { unneutraliseFormula } from "../Reports/FormulaGuard.js"
import type { Decision } from "./AccessChange.js"

export interface DecisionTally {
  /** The workbook's account rows (a row copied in the spreadsheet counts as a row). */
  readonly rows: number
  readonly keep: number
  readonly revoke: number
  readonly changeRole: number
  /** Written in other words (`remove`): a decision, though whether it was carried out cannot be checked. */
  readonly writtenOtherwise: number
  /**
   * Decisions with an empty `reviewer` or `reviewed_at`, counted only where the workbook has that column (an older
   * one may not), and the first few rows holding one, as a spreadsheet numbers them.
   */
  readonly withoutReviewer: number
  readonly withoutDate: number
  readonly unsignedRows: ReadonlyArray<number>
  readonly unsignedCount: number
}

/** How many rows of decisions missing a reviewer or a date the summary and the page name; the rest are counted. */
const MAX_UNSIGNED_ROWS_NAMED = 5

/** Counts the workbook's decisions row by row, as they are read. */
export const makeDecisionTally = () => {
  let rows = 0
  let keep = 0
  let revoke = 0
  let changeRole = 0
  let writtenOtherwise = 0
  let withoutReviewer = 0
  let withoutDate = 0
  let unsignedCount = 0
  const unsignedRows: Array<number> = []
  // A column the workbook lacks reads as undefined, not as an empty cell: nothing can be said of it.
  const isEmpty = (cell: string | undefined) => cell !== undefined && unneutraliseFormula(cell).trim() === ""
  return {
    add: (decision: Decision, record: Record<string, string>, row: number) => {
      rows++
      if (decision._tag === "None") return
      if (decision._tag === "Keep") keep++
      else if (decision._tag === "Revoke") revoke++
      else if (decision._tag === "ChangeRole") changeRole++
      else writtenOtherwise++
      const noReviewer = isEmpty(record.reviewer)
      const noDate = isEmpty(record.reviewed_at)
      if (noReviewer) withoutReviewer++
      if (noDate) withoutDate++
      if (noReviewer || noDate) {
        unsignedCount++
        if (unsignedRows.length < MAX_UNSIGNED_ROWS_NAMED) unsignedRows.push(row)
      }
    },
    tally: (): DecisionTally => ({
      rows,
      keep,
      revoke,
      changeRole,
      writtenOtherwise,
      withoutReviewer,
      withoutDate,
      unsignedRows,
      unsignedCount
    })
  }
}

const decidedOf = (tally: DecisionTally): number =>
  tally.keep + tally.revoke + tally.changeRole + tally.writtenOtherwise

/** What the summary and the page say of the last review's decisions; empty when its workbook had no rows. */
export const lastDecisionsSentence = (workbook: string, tally: DecisionTally | undefined): string => {
  if (tally === undefined || tally.rows === 0) return ""
  const decided = decidedOf(tally)
  if (decided === 0) {
    return (
      `${workbook} holds no decision: none of its ${counted(tally.rows, "row")} was decided. If the review was ` +
      "filled in on another copy, give that copy with --compare-with, and keep it as that review's evidence."
    )
  }
  const kinds = [
    `${tally.keep} keep`,
    `${tally.revoke} revoke`,
    `${tally.changeRole} change-role`,
    ...(tally.writtenOtherwise > 0 ? [`${tally.writtenOtherwise} written otherwise`] : [])
  ].join(", ")
  const undecided = tally.rows - decided
  const more = tally.unsignedCount - tally.unsignedRows.length
  const rowsNamed = `row${tally.unsignedCount === 1 ? "" : "s"} ${tally.unsignedRows.join(", ")}`
  const lacking = [
    ...(tally.withoutReviewer > 0
      ? [`${tally.withoutReviewer} ${tally.withoutReviewer === 1 ? "names" : "name"} no reviewer`]
      : []),
    ...(tally.withoutDate > 0
      ? [`${tally.withoutDate} ${tally.withoutDate === 1 ? "has" : "have"} no reviewed_at`]
      : [])
  ]
  const unsigned =
    tally.unsignedCount === 0
      ? ""
      : ` Of them, ${lacking.join(" and ")} (${rowsNamed}${more > 0 ? `, and ${more} more` : ""}): as ` +
        "evidence of the review each decision needs both, filled in on that workbook."
  return (
    `The last review's decisions: ${decided} of ${counted(tally.rows, "row")} in ${workbook} decided (${kinds}), ` +
    `${undecided} without one.${unsigned}`
  )
}
