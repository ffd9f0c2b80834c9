/**
 * Bar and column charts as inline SVG: no script, no external font, image or stylesheet, so the page shows the
 * same offline, in a mail archive and in a PDF. Colours come from the page's CSS through `tone` class names.
 * Every label is escaped here; callers pass plain text.
 */
import { escapeHtml, formatCount, shorten, shortenMiddle } from "./Html.js"

export interface Bar {
  readonly label: string
  readonly value: number
  /** A CSS class naming the bar's colour, e.g. `tone-stale`. */
  readonly tone: string
}

const WIDTH = 360

const scale = (bars: ReadonlyArray<Bar>): number => Math.max(1, ...bars.map((bar) => bar.value))

const svg = (height: number, label: string, body: string): string =>
  `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`

/** Horizontal bars with the label on the left: for categories with long names, such as roles. */
export const barChart = (label: string, bars: ReadonlyArray<Bar>): string => {
  const row = 22
  const labelWidth = 130
  const barSpace = WIDTH - labelWidth - 50
  const max = scale(bars)
  const body = bars
    .map((bar, index) => {
      const y = 4 + index * row
      const width = bar.value === 0 ? 0 : Math.max(2, (bar.value / max) * barSpace)
      return (
        `<g><title>${escapeHtml(`${bar.label}: ${formatCount(bar.value)}`)}</title>` +
        `<text class="axis" x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(shortenMiddle(bar.label, 20))}</text>` +
        `<rect class="${bar.tone}" x="${labelWidth}" y="${y + 3}" width="${width.toFixed(1)}" height="${row - 8}" rx="2"/>` +
        `<text class="value" x="${(labelWidth + width + 5).toFixed(1)}" y="${y + 14}">${formatCount(bar.value)}</text></g>`
      )
    })
    .join("")
  return svg(Math.max(row, bars.length * row + 8), label, body)
}

/** About half the width of a label at the axis' 10px: enough to keep the first and last labels inside the chart. */
const halfLabelWidth = (text: string): number => [...text].length * 3

/** A label's centre, under its column, but moved in from either edge so that it is not cut ("unreadable" was). */
const labelX = (centre: number, text: string): number =>
  Math.min(Math.max(centre, halfLabelWidth(text)), WIDTH - halfLabelWidth(text))

/** Vertical columns with the label underneath: for ordered bins, such as days since the last login. */
export const columnChart = (label: string, bars: ReadonlyArray<Bar>): string => {
  const height = 190
  const top = 18
  const bottom = 28
  const space = WIDTH / Math.max(1, bars.length)
  const columnWidth = Math.min(40, space * 0.7)
  // Nine bins (the eight of days and "unreadable") leave 40 units a label, where "91–180" and "181–365" ran into
  // each other and "unreadable" was cut: every other label then goes a line lower, with twice the room.
  const staggered = space < 44
  const max = scale(bars)
  const plot = height - top - bottom
  const body = bars
    .map((bar, index) => {
      const centre = space * index + space / 2
      const barHeight = bar.value === 0 ? 0 : Math.max(2, (bar.value / max) * plot)
      const y = top + plot - barHeight
      const text = shorten(bar.label, staggered ? 12 : 9)
      return (
        `<g><title>${escapeHtml(`${bar.label}: ${formatCount(bar.value)}`)}</title>` +
        `<rect class="${bar.tone}" x="${(centre - columnWidth / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${columnWidth.toFixed(1)}" height="${barHeight.toFixed(1)}" rx="2"/>` +
        `<text class="value" x="${centre.toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${formatCount(bar.value)}</text>` +
        `<text class="axis" x="${labelX(centre, text).toFixed(1)}" y="${height - bottom + (staggered && index % 2 === 1 ? 26 : 14)}" ` +
        `text-anchor="middle">${escapeHtml(text)}</text></g>`
      )
    })
    .join("")
  const baseline = `<line class="baseline" x1="0" x2="${WIDTH}" y1="${top + plot}" y2="${top + plot}"/>`
  return svg(height, label, baseline + body)
}
