/**
 * The plain-text part: the same document as the HTML part, for clients that show text only, for screen readers
 * and for filters that search it. Wide tables become one labelled entry per row.
 */
import type { Block, Cell, EmailDocument, Section } from "./EmailDocument.js"

const cellText = (cell: Cell): string => {
  const main =
    cell.badge === undefined || cell.badge === cell.text ? cell.text : `[${cell.badge.toUpperCase()}] ${cell.text}`
  return cell.secondary === undefined || cell.secondary === "" ? main : `${main} (${cell.secondary})`
}

// Column layout prints only the main text: the secondary line (a meaning, a status) would make columns too wide.
const columnText = (cell: Cell): string => cell.text

const pad = (text: string, width: number, align: Cell["align"]): string =>
  align === "right" ? text.padStart(width) : text.padEnd(width)

const renderColumns = (
  headers: ReadonlyArray<Cell>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
  footer: ReadonlyArray<Cell> | undefined
): string => {
  const all = footer === undefined ? rows : [...rows, footer]
  const widths = headers.map((header, column) =>
    Math.max(header.text.length, ...all.map((row) => columnText(row[column] ?? { text: "" }).length))
  )
  const line = (row: ReadonlyArray<Cell>) =>
    row
      .map((cell, column) => pad(columnText(cell), widths[column] ?? 0, headers[column]?.align ?? cell.align))
      .join("  ")
      .trimEnd()
  const rule = widths.map((width) => "-".repeat(width)).join("  ")
  return [line(headers), rule, ...rows.map(line), ...(footer === undefined ? [] : [rule, line(footer)])].join("\n")
}

const renderRecords = (headers: ReadonlyArray<Cell>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string =>
  rows
    .map((row, index) => {
      const [title, ...rest] = row
      const fields = rest.map((cell, column) => `   ${headers[column + 1]?.text ?? ""}: ${cellText(cell)}`)
      return [`${index + 1}. ${title === undefined ? "" : cellText(title)}`, ...fields].join("\n")
    })
    .join("\n\n")

const renderBlock = (block: Block): string => {
  switch (block._tag) {
    case "Paragraph":
      return block.text
    case "List":
      return block.items.map((item) => `- ${item}`).join("\n")
    case "Facts": {
      const width = Math.max(...block.entries.map(([label]) => label.length))
      return block.entries.map(([label, value]) => `${`${label}:`.padEnd(width + 1)} ${value}`).join("\n")
    }
    case "Table":
      return block.textLayout === "columns"
        ? renderColumns(block.headers, block.rows, block.footer)
        : renderRecords(block.headers, block.rows)
  }
}

const renderSection = (section: Section): string =>
  [section.title.toUpperCase(), ...section.blocks.map(renderBlock)].join("\n\n")

export const renderText = (document: EmailDocument): string =>
  [
    document.title,
    document.subtitle,
    document.figures.map((figure) => `${figure.label}: ${figure.value}`).join(" | "),
    ...document.sections.map(renderSection),
    "--",
    document.footer,
    ""
  ].join("\n\n")
