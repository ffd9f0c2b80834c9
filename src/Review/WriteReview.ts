/**
 * Writes the review workbook (CSV) and/or the review page (HTML) into a directory, streamed in batches into
 * hidden temporary files and put under their final names together (`access-review-<stamp>.csv` / `.html`) only
 * once complete, exactly as the findings reports are.
 */
import * as Effect from "effect/Effect"
import { commitFiles, type FileToCommit } from "../Reports/CommitFiles.js"
import { toCsv } from "../Reports/Csv.js"
import { nextTurn } from "../Reports/EventLoopTurn.js"
import type { ReportError } from "../Reports/ReportError.js"
import { openTempFile, type TempFile } from "../Reports/TempFile.js"
import type { Review } from "./Review.js"
import { REVIEW_COLUMNS, reviewRow, workbookContext } from "./ReviewCsv.js"
import { reviewFigures } from "./ReviewFigures.js"
import {
  othersIntro,
  privilegedIntro,
  reviewHtmlEnd,
  reviewHtmlStart,
  userRow,
  usersTableEnd,
  usersTableStart
} from "./ReviewHtml.js"
import type { ReviewRow } from "./ReviewRow.js"

export type ReviewFormat = "csv" | "html"

/** Spreadsheets (Excel above all) read a CSV as UTF-8 only when it starts with a byte order mark. */
const UTF8_BOM = "\uFEFF"
const BATCH = 1000

const inBatches = (
  rows: ReadonlyArray<ReviewRow>,
  from: number,
  to: number,
  render: (batch: ReadonlyArray<ReviewRow>, start: number) => string,
  file: TempFile
) =>
  Effect.gen(function* () {
    for (let start = from; start < to; start += BATCH) {
      yield* file.append(render(rows.slice(start, Math.min(to, start + BATCH)), start))
      yield* nextTurn
    }
  })

const writeCsv = (file: TempFile, review: Review) =>
  Effect.gen(function* () {
    yield* file.append(UTF8_BOM + toCsv([[...REVIEW_COLUMNS]]))
    const context = workbookContext(review)
    yield* inBatches(
      review.rows,
      0,
      review.rows.length,
      (batch) => toCsv(batch.map((row) => reviewRow(row, review.asOf, context))),
      file
    )
    yield* file.finish
  })

/** `withWorkbook`: the workbook is written with the page (see `reviewHtmlEnd`). */
const writeHtml = (file: TempFile, review: Review, withWorkbook: boolean) =>
  Effect.gen(function* () {
    const figures = reviewFigures(review)
    const { rows, asOf } = review
    // Rows are in review order, so the privileged users are the first `figures.privileged` of them.
    const privileged = figures.privileged
    const others = rows.length - privileged
    const render = (batch: ReadonlyArray<ReviewRow>, start: number) =>
      batch.map((row, index) => userRow(row, start + index + 1, asOf)).join("")
    yield* file.append(reviewHtmlStart(review, figures))
    yield* file.append(usersTableStart("Privileged users", privileged, privilegedIntro(figures)))
    yield* inBatches(rows, 0, privileged, render, file)
    yield* file.append(usersTableEnd(privileged))
    yield* file.append(usersTableStart("Other users", others, othersIntro))
    yield* inBatches(rows, privileged, rows.length, render, file)
    yield* file.append(usersTableEnd(others))
    yield* file.append(reviewHtmlEnd(review, withWorkbook))
    yield* file.finish
  })

/** Returns the final paths, in the order of `formats`. */
export const writeReview = (options: {
  readonly directory: string
  readonly stem: string
  readonly review: Review
  readonly formats: ReadonlyArray<ReviewFormat>
}): Effect.Effect<ReadonlyArray<string>, ReportError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const files: Array<FileToCommit> = []
      // The page tells where to record decisions: in the workbook when one is written with it (an export has none).
      const withWorkbook = options.formats.includes("csv")
      for (const format of options.formats) {
        const file = yield* openTempFile(options.directory, `access-review.${format}`)
        yield* format === "csv" ? writeCsv(file, options.review) : writeHtml(file, options.review, withWorkbook)
        files.push({ tempPath: file.path, extension: `.${format}` })
      }
      return yield* commitFiles(options.directory, options.stem, files)
    })
  )
