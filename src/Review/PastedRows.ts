/**
 * Rows of another review pasted into a workbook: every row of one review holds its instance and as_of, so a row that
 * holds others came from another review's workbook. Read as this review's, its decision was checked against this
 * Panther and its account listed as removed, without a word. Which row is the stranger is told by how many rows
 * hold each review, so that the reviewer is told which row to remove, not sent to delete the review's own.
 */

/** A row as the workbook numbers it (the header is row 1), with its cells by column name. */
export interface NumberedRow {
  readonly row: number
  readonly record: Record<string, string>
}

const REVIEW_COLUMNS = ["instance", "as_of"] as const

const cell = (record: Record<string, string>, column: string): string => record[column]?.trim() ?? ""

/** Whether two rows are of one review, as far as both say: a cell left empty says nothing. */
export const ofSameReview = (record: Record<string, string>, other: Record<string, string>): boolean =>
  REVIEW_COLUMNS.every((column) => {
    const [mine, theirs] = [cell(record, column), cell(other, column)]
    return mine === "" || theirs === "" || mine === theirs
  })

/**
 * A cell quoted in a message only when it has the shape the review writes there (a timestamp, a host and path), as
 * the column names are: any other text of the file stays out of the message.
 */
const QUOTABLE: Record<(typeof REVIEW_COLUMNS)[number], RegExp> = {
  instance: /^[A-Za-z0-9.:/_-]{1,200}$/,
  as_of: /^[0-9T:.+Z-]{1,40}$/
}

/**
 * What differs between a row and another, column by column, with both cells where both are quotable: "its as_of,
 * 2026-04-01T00:00:00.000Z, is not 2026-07-01T00:00:00.000Z". `whose` names the row ("its"), `than` the other.
 */
export const whatDiffers = (stray: NumberedRow, other: NumberedRow, whose = "its", than = ""): string =>
  REVIEW_COLUMNS.flatMap((column) => {
    const [mine, theirs] = [cell(stray.record, column), cell(other.record, column)]
    if (mine === "" || theirs === "" || mine === theirs) return []
    const quotable = QUOTABLE[column].test(mine) && QUOTABLE[column].test(theirs)
    return [quotable ? `${whose} ${column}, ${mine}, is not${than} ${theirs}` : `${whose} ${column} differs`]
  }).join(", and ")

/** How many rows not of the first row's review a message names; the rest are counted. */
const MAX_STRANGERS_NAMED = 5

/**
 * The rows (two or more) named by their numbers, and how many more of `count` there are: "rows 6, 7 and 8",
 * "rows 6, 7 and 3 more".
 */
const everyRowNamed = (rows: ReadonlyArray<NumberedRow>, count: number): string => {
  const numbers = rows.map(({ row }) => String(row))
  const more = count - rows.length
  if (more > 0) return `rows ${numbers.join(", ")} and ${more} more`
  return `rows ${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1)}`
}

/** Rows named in a message by their numbers, the first two, and how many more. */
const rowsNamed = (rows: ReadonlyArray<NumberedRow>, count: number): string => everyRowNamed(rows.slice(0, 2), count)

/** What differs in each row from `reference`: "row 6's as_of, ..., is not ...; row 7's ...". */
const eachDiffers = (rows: ReadonlyArray<NumberedRow>, reference: NumberedRow, than = ""): string =>
  rows.map((stray) => whatDiffers(stray, reference, `row ${stray.row}'s`, than)).join("; ")

/**
 * Follows the rows that say which review they are of (`see`, in order; `end` after the last). The rows of the first
 * row's review and of any other are counted through to the end: a row alone against two or more of one review is
 * the stranger, told wherever it was pasted (at the top too); rows fewer than the first row's review's are the
 * strangers, each named (the first five), from however many reviews they came, so that all are removed in one pass;
 * and rows are named with what each holds where the rows do not tell. `end` returns why the workbook is refused, or
 * undefined.
 */
export const pastedRowCheck = () => {
  /** The first two rows of the first row's review, and the first five of the others, with how many each has. */
  const alike: Array<NumberedRow> = []
  const other: Array<NumberedRow> = []
  let alikeCount = 0
  let otherCount = 0
  /** Whether the rows not of the first row's review are all of one review. */
  let othersOfOneReview = true
  const oneStranger = (stranger: NumberedRow, others: ReadonlyArray<NumberedRow>, count: number): string =>
    `row ${stranger.row} is of another review than ${rowsNamed(others, count)} ` +
    `(${whatDiffers(stranger, others[0] ?? stranger)}): a row was pasted in from another review's workbook; ` +
    `remove row ${stranger.row}, or give the last review's own workbook`
  const strangers = (reference: NumberedRow): string => {
    const [one, another] = othersOfOneReview
      ? ["another review", "another review's workbook"]
      : ["other reviews", "other reviews' workbooks"]
    const named = everyRowNamed(other, otherCount)
    const which = otherCount > other.length ? `those ${otherCount} rows` : named
    return (
      `${named} are of ${one} than ${rowsNamed(alike, alikeCount)} (${eachDiffers(other, reference)}): ` +
      `rows were pasted in from ${another}; remove ${which}, or give the last review's own workbook`
    )
  }
  // Which is the stranger is not known: both named, with what each holds.
  const mixed = (reference: NumberedRow, stranger: NumberedRow): string =>
    othersOfOneReview
      ? `row ${stranger.row} is of another review than row ${reference.row} ` +
        `(${whatDiffers(stranger, reference, `row ${stranger.row}'s`, ` row ${reference.row}'s,`)}): rows of two ` +
        "reviews were mixed, as rows pasted in from another review's workbook are; remove the rows that are not of " +
        "the last review, or give the last review's own workbook"
      : `${everyRowNamed(other, otherCount)} are of other reviews than row ${reference.row} ` +
        `(${eachDiffers(other, reference, ` row ${reference.row}'s,`)}): rows of several reviews were mixed, as rows ` +
        "pasted in from other reviews' workbooks are; remove the rows that are not of the last review, or give the " +
        "last review's own workbook"
  return {
    /** The first row to say which review it is of. */
    first: (): NumberedRow | undefined => alike[0],
    see: (seen: NumberedRow): void => {
      if (!REVIEW_COLUMNS.some((column) => cell(seen.record, column) !== "")) return
      const [first] = alike
      if (first === undefined || ofSameReview(seen.record, first.record)) {
        if (alike.length < 2) alike.push(seen)
        alikeCount++
        return
      }
      const [firstOther] = other
      if (firstOther !== undefined && !ofSameReview(seen.record, firstOther.record)) othersOfOneReview = false
      if (other.length < MAX_STRANGERS_NAMED) other.push(seen)
      otherCount++
    },
    end: (): string | undefined => {
      const [first] = alike
      const [stranger] = other
      if (first === undefined || stranger === undefined) return undefined
      if (otherCount === 1 && alikeCount > 1) return oneStranger(stranger, alike, alikeCount)
      if (alikeCount === 1 && otherCount > 1 && othersOfOneReview) return oneStranger(first, other, otherCount)
      if (otherCount > 1 && alikeCount > otherCount) return strangers(first)
      return mixed(first, stranger)
    }
  }
}
