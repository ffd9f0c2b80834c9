/**
 * What the email says, apart from how it looks: sections of paragraphs, tables and facts, rendered once as HTML
 * (RenderHtml.ts) and once as plain text (RenderText.ts) so the two parts cannot disagree. A new part of the
 * message (such as "what changed since the last run") is one more section; escaping happens in the renderers,
 * so no section can forget it.
 */
import type { Severity } from "../Audit/Severity.js"

export interface Cell {
  readonly text: string
  /** A second, quieter line: an email under a name, a status under a role. */
  readonly secondary?: string
  readonly badge?: Severity
  readonly align?: "left" | "right"
  readonly strong?: boolean
}

export type Block =
  | { readonly _tag: "Paragraph"; readonly text: string; readonly tone?: "normal" | "muted" | "warning" }
  | { readonly _tag: "List"; readonly items: ReadonlyArray<string>; readonly tone?: "normal" | "warning" }
  | { readonly _tag: "Facts"; readonly entries: ReadonlyArray<readonly [label: string, value: string]> }
  | {
      readonly _tag: "Table"
      readonly headers: ReadonlyArray<Cell>
      readonly rows: ReadonlyArray<ReadonlyArray<Cell>>
      /** Plain text cannot hold wide rows: `columns` pads them, `records` prints one labelled entry per row. */
      readonly textLayout: "columns" | "records"
      /** A last row set apart, such as totals. */
      readonly footer?: ReadonlyArray<Cell>
    }

export interface Section {
  readonly title: string
  readonly blocks: ReadonlyArray<Block>
}

export interface Figure {
  readonly label: string
  readonly value: number
  readonly severity: Severity
}

export interface EmailDocument {
  readonly title: string
  readonly subtitle: string
  readonly figures: ReadonlyArray<Figure>
  readonly sections: ReadonlyArray<Section>
  readonly footer: string
}
