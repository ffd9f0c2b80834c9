/**
 * Writes the inventory as `inventory-<stamp>.csv` and `.json`, streamed in batches through temporary files and
 * committed together, like every other report.
 */
import * as Effect from "effect/Effect"
import { apiHost } from "../Audit/PantherInstance.js"
import { commitFiles } from "../Reports/CommitFiles.js"
import { toCsv } from "../Reports/Csv.js"
import { nextTurn } from "../Reports/EventLoopTurn.js"
import type { ReportError } from "../Reports/ReportError.js"
import { openTempFile } from "../Reports/TempFile.js"
import type { Review } from "../Review/Review.js"
import { INVENTORY_COLUMNS, inventoryCsvRow, inventoryRecord } from "./Inventory.js"

const UTF8_BOM = "\uFEFF"
const BATCH = 1000

export const writeInventory = (options: {
  readonly directory: string
  readonly stem: string
  readonly review: Review
}): Effect.Effect<ReadonlyArray<string>, ReportError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { review } = options
      const { run, rows, asOf } = review
      const csv = yield* openTempFile(options.directory, "inventory.csv")
      const json = yield* openTempFile(options.directory, "inventory.json")
      const header = {
        runId: run.runId,
        tool: run.tool,
        asOf: run.asOf,
        // When the users were read: --as-of moves only the instant they are judged at, never which users are listed.
        readAt: run.startedAt,
        apiHost: apiHost(run.apiBaseUrl),
        apiBaseUrl: run.apiBaseUrl,
        users: run.users
      }
      yield* csv.append(UTF8_BOM + toCsv([[...INVENTORY_COLUMNS]]))
      yield* json.append(`{\n"inventory": ${JSON.stringify(header, null, 2)},\n"users": [`)
      for (let start = 0; start < rows.length; start += BATCH) {
        const batch = rows.slice(start, start + BATCH)
        yield* csv.append(toCsv(batch.map((row) => inventoryCsvRow(row, asOf))))
        const lines = batch.map((row) => JSON.stringify(inventoryRecord(row, asOf))).join(",\n")
        yield* json.append(`${start === 0 ? "\n" : ",\n"}${lines}`)
        yield* nextTurn
      }
      yield* json.append("\n]\n}\n")
      yield* csv.finish
      yield* json.finish
      return yield* commitFiles(options.directory, options.stem, [
        { tempPath: csv.path, extension: ".csv" },
        { tempPath: json.path, extension: ".json" }
      ])
    })
  )
