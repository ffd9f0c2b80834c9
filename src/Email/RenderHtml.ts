/**
 * The HTML part. Mail clients ignore or strip `<style>` blocks, external CSS, web fonts and remote images (and
 * remote images would tell a tracker when the message is read), so the layout is tables with inline styles and
 * system fonts only. Every piece of text passes through `escapeHtml` here, once, whatever section it is in.
 */
import type { Severity } from "../Audit/Severity.js"
import type { Block, Cell, EmailDocument, Section } from "./EmailDocument.js"

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/gu, (char) => `&#${char.charCodeAt(0)};`)

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"

const SEVERITY_COLOURS: Readonly<Record<Severity, { readonly background: string; readonly text: string }>> = {
  critical: { background: "#7f1d1d", text: "#ffffff" },
  high: { background: "#dc2626", text: "#ffffff" },
  medium: { background: "#f59e0b", text: "#1f2937" },
  low: { background: "#2563eb", text: "#ffffff" },
  info: { background: "#6b7280", text: "#ffffff" }
}

const badge = (text: string, severity: Severity): string => {
  const colours = SEVERITY_COLOURS[severity]
  return (
    `<span style="display:inline-block;padding:1px 6px;border-radius:3px;background:${colours.background};` +
    `color:${colours.text};font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:0.03em;">` +
    `${escapeHtml(text)}</span>`
  )
}

const cellContent = (cell: Cell, inHeader: boolean): string => {
  if (cell.badge !== undefined && inHeader) return badge(cell.text, cell.badge)
  const main = escapeHtml(cell.text)
  const text = cell.strong === true ? `<strong>${main}</strong>` : main
  const first =
    cell.badge === undefined
      ? text
      : `${badge(cell.badge, cell.badge)}<br><span style="font-family:Consolas,Menlo,monospace;font-size:12px;">${text}</span>`
  return cell.secondary === undefined || cell.secondary === ""
    ? first
    : `${first}<br><span style="color:#6b7280;font-size:12px;">${escapeHtml(cell.secondary)}</span>`
}

const td = (cell: Cell, style: string, inHeader = false): string => {
  const tag = inHeader ? "th" : "td"
  const align = cell.align === "right" ? "right" : "left"
  return `<${tag} align="${align}" valign="top" style="${style}text-align:${align};">${cellContent(cell, inHeader)}</${tag}>`
}

const CELL = "padding:6px 8px;border-bottom:1px solid #e5e7eb;font-size:13px;line-height:1.4;color:#111827;"
const HEAD =
  "padding:6px 8px;border-bottom:2px solid #d1d5db;font-size:12px;font-weight:600;color:#374151;background:#f9fafb;"
const FOOT = "padding:6px 8px;border-top:2px solid #d1d5db;font-size:13px;color:#111827;background:#f9fafb;"
const TABLE = 'role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"'

const renderBlock = (block: Block): string => {
  switch (block._tag) {
    case "Paragraph": {
      const colour = block.tone === "muted" ? "#6b7280" : block.tone === "warning" ? "#92400e" : "#111827"
      return `<p style="margin:0 0 12px;font-size:14px;line-height:1.5;color:${colour};">${escapeHtml(block.text)}</p>`
    }
    case "List": {
      const box =
        block.tone === "warning"
          ? "background:#fffbeb;border:1px solid #fcd34d;border-radius:6px;padding:8px 12px 8px 28px;"
          : "padding:0 0 0 20px;"
      const items = block.items
        .map(
          (item) => `<li style="margin:4px 0;font-size:14px;line-height:1.5;color:#111827;">${escapeHtml(item)}</li>`
        )
        .join("")
      return `<ul style="margin:0 0 12px;${box}">${items}</ul>`
    }
    case "Facts": {
      // A long value (a path) may break anywhere rather than widen the message.
      const rows = block.entries
        .map(
          ([label, value]) =>
            `<tr><td valign="top" width="170" style="padding:3px 12px 3px 0;font-size:13px;color:#6b7280;">` +
            `${escapeHtml(label)}</td><td valign="top" style="padding:3px 0;font-size:13px;color:#111827;` +
            `overflow-wrap:anywhere;">${escapeHtml(value)}</td></tr>`
        )
        .join("")
      return `<table ${TABLE} style="margin:0 0 12px;">${rows}</table>`
    }
    case "Table": {
      const head = `<tr>${block.headers.map((cell) => td(cell, HEAD, true)).join("")}</tr>`
      const body = block.rows.map((row) => `<tr>${row.map((cell) => td(cell, CELL)).join("")}</tr>`).join("")
      const foot = block.footer === undefined ? "" : `<tr>${block.footer.map((cell) => td(cell, FOOT)).join("")}</tr>`
      return `<table ${TABLE} style="margin:0 0 12px;border-collapse:collapse;">${head}${body}${foot}</table>`
    }
  }
}

const renderSection = (section: Section): string =>
  `<tr><td style="padding:8px 24px 4px;${FONT}">` +
  `<h2 style="margin:8px 0 10px;font-size:16px;font-weight:600;color:#111827;">${escapeHtml(section.title)}</h2>` +
  `${section.blocks.map(renderBlock).join("")}</td></tr>`

const renderFigures = (document: EmailDocument): string => {
  const cells = document.figures
    .map((figure) => {
      const colours = SEVERITY_COLOURS[figure.severity]
      const zero = figure.value === 0
      return (
        `<td align="center" width="${Math.floor(100 / Math.max(document.figures.length, 1))}%" style="padding:10px 4px;` +
        `border-top:4px solid ${zero ? "#e5e7eb" : colours.background};background:#f9fafb;">` +
        `<div style="font-size:24px;font-weight:700;color:${zero ? "#9ca3af" : "#111827"};">${figure.value}</div>` +
        `<div style="font-size:11px;text-transform:uppercase;letter-spacing:0.05em;color:#6b7280;">` +
        `${escapeHtml(figure.label)}</div></td>`
      )
    })
    .join('<td width="8" style="font-size:0;">&nbsp;</td>')
  return `<tr><td style="padding:4px 24px 12px;${FONT}"><table ${TABLE}><tr>${cells}</tr></table></td></tr>`
}

export const renderHtml = (document: EmailDocument): string =>
  [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${escapeHtml(document.title)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f3f4f6;${FONT}">`,
    `<table ${TABLE} style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">`,
    `<table ${TABLE} style="max-width:900px;background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;">`,
    `<tr><td style="padding:20px 24px 8px;${FONT}">`,
    `<h1 style="margin:0 0 4px;font-size:20px;font-weight:700;color:#111827;">${escapeHtml(document.title)}</h1>`,
    `<p style="margin:0;font-size:14px;color:#4b5563;">${escapeHtml(document.subtitle)}</p></td></tr>`,
    renderFigures(document),
    ...document.sections.map(renderSection),
    `<tr><td style="padding:12px 24px 20px;${FONT}border-top:1px solid #e5e7eb;">`,
    `<p style="margin:0;font-size:12px;line-height:1.5;color:#6b7280;">${escapeHtml(document.footer)}</p></td></tr>`,
    "</table></td></tr></table></body></html>",
    ""
  ].join("\n")
