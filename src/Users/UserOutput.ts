/**
 * How `users` commands print users on stdout. ndjson and CSV are written one user at a time, so a list of any size
 * streams through; the table is for a person at a terminal, so it waits for every row to size its columns.
 */
import { stringify } from "csv-stringify/sync"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { isNoTimePlaceholder } from "../Audit/Timestamps.js"
import { tell } from "../Cli/CommandNotes.js"
import { graphemes, headOfCharacters } from "../Cli/CutShort.js"
import { secretsQuotedWarning } from "../PantherApi/ClientStats.js"
import { describeUserRecord } from "../PantherApi/DecodeUser.js"
import type { PantherClient } from "../PantherApi/PantherClient.js"
import { INVISIBLE, printable } from "../PantherApi/Responses.js"
import type { User } from "../PantherApi/Schemas.js"
import { fitSpreadsheetCell } from "../Reports/Csv.js"
import { neutraliseFormula } from "../Reports/FormulaGuard.js"
import { stringifyAnyDepth } from "./DeepJson.js"

export const OUTPUT_FORMATS = ["ndjson", "csv", "table"] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** ndjson for pipes and files (one JSON object per line, what `jq` wants), a table for a person. */
export const defaultFormat = (stdoutIsTerminal: boolean): OutputFormat => (stdoutIsTerminal ? "table" : "ndjson")

/**
 * JSON as `JSON.stringify` writes it, with DEL, the C1 controls, the bidirectional overrides and isolates and the
 * invisible format characters escaped as well (it escapes only C0): U+009B is a terminal's CSI, so a name holding it
 * could drive the terminal `users get` prints to, U+202E could make one name show as another, and U+200B one email
 * look like another. Escaped, the value a JSON reader gets is the same.
 * A record nested too deeply for `JSON.stringify` is written all the same (DeepJson.ts).
 */
export const terminalSafeJson = (value: unknown, indent?: number): string =>
  stringifyAnyDepth(value, indent)
    .replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, escapedUnits)
    .replace(INVISIBLE, escapedUnits)

/** `\u200b`; a character past U+FFFF (a tag) as its two halves, `\udb40\udc41`, as JSON writes it. */
const escapedUnits = (character: string): string => {
  let escaped = ""
  for (let index = 0; index < character.length; index++) {
    escaped += `\\u${character.charCodeAt(index).toString(16).padStart(4, "0")}`
  }
  return escaped
}

/** One JSON document for a single user (`get`, `create`, `update`). */
export const printUser = (user: unknown): Effect.Effect<void> => Console.log(terminalSafeJson(user, 2))

/** The note that what was printed shows the token as `[redacted]`, when Panther's answers held it. */
export const tellSecretsQuoted = (client: PantherClient): Effect.Effect<void> =>
  Effect.flatMap(client.stats, (stats) => {
    const note = secretsQuotedWarning(stats)
    return note === undefined ? Effect.void : tell("note", note)
  })

const COLUMNS = [
  "id",
  "email",
  "givenName",
  "familyName",
  "roleName",
  "roleId",
  "enabled",
  "status",
  "createdAt",
  "lastLoggedInAt"
] as const

const cells = (user: User): Array<string> => [
  user.id ?? "",
  user.email,
  user.givenName,
  user.familyName,
  user.role.name ?? "",
  user.role.id ?? "",
  String(user.enabled),
  user.status ?? "",
  user.createdAt ?? "",
  user.lastLoggedInAt ?? ""
]

export interface UserWriter {
  /**
   * Writes one user: ndjson the record as Panther sent it (`asSent`, which passed the schema as `user`), so a field
   * Panther adds is shown; CSV and the table have their fixed columns.
   */
  readonly write: (user: User, asSent: unknown) => Effect.Effect<void>
  /** Prints whatever had to wait for the end (the table); called once every user has been written. */
  readonly finish: Effect.Effect<void>
}

const ndjsonWriter: UserWriter = {
  write: (_user, asSent) => Console.log(terminalSafeJson(asSent)),
  finish: Effect.void
}

const csvLine = (row: ReadonlyArray<string>) => stringify([row], { eof: false })

/**
 * CSV for a file or a pipe keeps every cell as Panther sent it, up to what a spreadsheet cell holds: that is the
 * data. On a terminal it is read by a person, and the terminal would run the escape sequences a name can hold
 * (retitle it, hide or rewrite lines) and reorder text after U+202E: there its cells are shown as the table's are
 * (`printable`). Decided once, not per cell.
 */
const csvWriter = (terminal: boolean): Effect.Effect<UserWriter> =>
  Effect.map(Ref.make(false), (headerWritten) => ({
    write: (user) =>
      Effect.gen(function* () {
        if (!(yield* Ref.getAndSet(headerWritten, true))) yield* Console.log(csvLine(COLUMNS))
        // Names and emails come from Panther; a cell like `=HYPERLINK(...)` must stay text in a spreadsheet, and one
        // past a spreadsheet's limit is cut with a mark saying so (`--format ndjson` keeps it whole).
        const row = cells(user).map((cell) => fitSpreadsheetCell(neutraliseFormula(cell)))
        yield* Console.log(csvLine(terminal ? row.map(printable) : row))
      }),
    // An empty list still gets its header, so the file is a valid CSV with the expected columns.
    finish: Effect.flatMap(Ref.get(headerWritten), (written) => (written ? Effect.void : Console.log(csvLine(COLUMNS))))
  }))

const TABLE_HEADINGS = ["ID", "EMAIL", "NAME", "ROLE", "STATUS", "ENABLED", "LAST LOGIN"] as const

/**
 * The table's last login: "never" for no login, as the audit judges it. A blank or a time before 2000 (Go's zero
 * time, the epoch) is a placeholder a service sends for none; shown as sent, an admin read `0001-01-01T00:00:00Z` as
 * a login, where the audit reports the account as never logged in. The placeholder is named, for whoever looks at
 * the record; ndjson and CSV keep the field as sent.
 */
export const lastLoginCell = (lastLoggedInAt: string | undefined): string => {
  if (lastLoggedInAt === undefined || lastLoggedInAt.trim() === "") return "never"
  return isNoTimePlaceholder(lastLoggedInAt) ? `never (placeholder ${lastLoggedInAt.trim()})` : lastLoggedInAt
}

const tableRow = (user: User): Array<string> => [
  user.id ?? "",
  user.email,
  `${user.givenName} ${user.familyName}`.trim(),
  // A name sent empty names no role: the id is shown then, as for a role sent by id alone.
  (user.role.name || undefined) ?? user.role.id ?? "",
  user.status ?? "",
  user.enabled ? "yes" : "no",
  lastLoginCell(user.lastLoggedInAt)
]

/**
 * Characters a terminal draws two columns wide (East Asian wide and fullwidth forms: Hangul, kana, CJK, fullwidth
 * Latin); names in them would otherwise push every later column out of line. Emoji are told by their properties.
 */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f/u

/**
 * Marks drawn over the character before them, format characters (joiners, direction marks) and the selectors inside
 * emoji: no column of their own. Except the format characters terminals draw: the soft hyphen, and the signs that
 * stand before Arabic numbers.
 */
const ZERO_WIDTH =
  /^(?:\p{M}|(?![\u00ad\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}])\p{Cf}|\p{Variation_Selector})+$/u

/**
 * Columns `text` takes in a terminal, counted by what the eye sees as one character (a grapheme): an accent
 * combined with its letter is one column, and a family emoji joined from four is two.
 */
export const displayWidth = (text: string): number => {
  // Most cells are plain ASCII, and a table of every user measures each of them.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length
  let width = 0
  for (const { segment } of graphemes().segment(text)) {
    width += ZERO_WIDTH.test(segment) ? 0 : WIDE.test(segment) ? 2 : 1
  }
  return width
}

/**
 * Past this many characters a table cell is cut short, ending in an ellipsis. Measuring a cell splits it into
 * graphemes, which ICU does in time that grows far faster than the text: a name of 128,000 characters with one
 * letter outside ASCII in it (one user record from a hostile or broken API) kept `users list` busy for minutes,
 * deaf to Ctrl-C and SIGTERM. No column that wide is read on a terminal; `--format ndjson` or `csv` give it whole.
 */
export const MAX_TABLE_CELL_CHARS = 1000

const fitCell = (cell: string): string =>
  // Not inside a character as the eye sees it: only the head up to the cut is split into them.
  cell.length <= MAX_TABLE_CELL_CHARS ? cell : `${headOfCharacters(cell, MAX_TABLE_CELL_CHARS)}\u2026`

/**
 * The cells of a row held as one string, apart by NUL: no cell holds one once made `printable` (it is a control
 * character) or a table heading. Seven strings and an array per row held about 3 KB a user until the end (409 MB
 * peak for 140,000 users); one flat string holds what the row shows.
 */
const CELL_SEPARATOR = "\u0000"

/**
 * The rows of a table as they come, with each column's width so far, so that printing them at the end needs no
 * second copy of them.
 */
export class TableRows {
  private readonly rows: Array<string> = []
  private readonly widths: Array<number> = TABLE_HEADINGS.map((heading) => displayWidth(heading))

  get size(): number {
    return this.rows.length
  }

  add(row: ReadonlyArray<string>): void {
    // `printable` has made any NUL U+FFFD already; the separator must never split a cell all the same.
    const cells = TABLE_HEADINGS.map((_, column) => fitCell(row[column] ?? "").replaceAll(CELL_SEPARATOR, "\uFFFD"))
    // In a loop, not spread into Math.max: past about 125,000 users the spread overflowed the stack.
    for (let column = 0; column < cells.length; column++) {
      this.widths[column] = Math.max(this.widths[column] ?? 0, displayWidth(cells[column] ?? ""))
    }
    this.rows.push(cells.join(CELL_SEPARATOR))
  }

  private line(cells: ReadonlyArray<string>): string {
    return cells
      .map((cell, column) => cell + " ".repeat(Math.max(0, (this.widths[column] ?? 0) - displayWidth(cell))))
      .join("  ")
      .trimEnd()
  }

  /** The heading line, then every row's, each padded to its column's width, `batch` lines at a time. */
  *lines(batch: number): Generator<string> {
    let lines: Array<string> = [this.line(TABLE_HEADINGS)]
    for (const row of this.rows) {
      lines.push(this.line(row.split(CELL_SEPARATOR)))
      if (lines.length < batch) continue
      yield lines.join("\n")
      lines = []
    }
    if (lines.length > 0) yield lines.join("\n")
  }
}

/** Plain space-padded columns: readable in any terminal and easy to `grep`. */
export const renderTable = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const table = new TableRows()
  for (const row of rows) table.add(row)
  return [...table.lines(Number.POSITIVE_INFINITY)].join("\n")
}

/** Lines printed at once at the end: the table is never made into one string of every user's line. */
const LINES_PER_WRITE = 1000

const tableWriter = (): Effect.Effect<UserWriter> =>
  Effect.sync(() => {
    const table = new TableRows()
    return {
      write: (user) =>
        Effect.sync(() => {
          // A terminal would run the escape sequences a name can hold: shown as U+FFFD instead.
          table.add(tableRow(user).map(printable))
        }),
      finish: Effect.suspend(() =>
        table.size === 0
          ? tell("done", "No users matched.")
          : Effect.forEach(table.lines(LINES_PER_WRITE), (lines) => Console.log(lines), { discard: true })
      )
    }
  })

/** `terminal`: whether stdout is a terminal, where CSV is shown safe to look at (`csvWriter`). */
export const userWriter = (format: OutputFormat, terminal: boolean): Effect.Effect<UserWriter> => {
  switch (format) {
    case "ndjson":
      return Effect.succeed(ndjsonWriter)
    case "csv":
      return csvWriter(terminal)
    case "table":
      return tableWriter()
  }
}

/** Who an invalid record belongs to, as far as the record says. */
export const describeInvalidRecord = (userId: Option.Option<string>, email: Option.Option<string>): string =>
  printable(describeUserRecord(userId, email))
