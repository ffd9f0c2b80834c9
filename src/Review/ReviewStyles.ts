/**
 * The review page's stylesheet, inlined in the page. System fonts only (nothing to download), colours that
 * survive a black-and-white printer through labels, and print rules: A4 landscape, table headers repeated on every
 * page, rows never split, the user tables starting on a fresh page.
 */
export const REVIEW_CSS = `
:root { --ink: #1d2733; --muted: #5b6675; --line: #d8dde3; --panel: #f5f7f9; --accent: #2f5d8a; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 40px; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 13px; margin: 0 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
p { margin: 6px 0; }
.meta { color: var(--muted); margin: 0 0 18px; }
.figures { display: grid; grid-template-columns: repeat(8, 1fr); gap: 10px; margin: 12px 0 8px; }
.figure { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.figure .n { display: block; font-size: 24px; font-weight: 650; line-height: 1.2; }
.figure .l { display: block; color: var(--muted); font-size: 12px; }
.figure.alert .n { color: #b03a2e; }
.figure.unknown .n { color: var(--muted); font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px; margin-top: 14px; }
.chart-box { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.chart { width: 100%; height: auto; display: block; font-size: 11px; }
.chart .axis { fill: var(--muted); font-size: 10px; }
.chart .value { fill: var(--ink); font-size: 10px; }
.chart .baseline { stroke: var(--line); }
.legend { color: var(--muted); font-size: 11px; margin: 6px 0 0; }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin: 0 3px 0 8px; vertical-align: baseline; }
.tone-role, .swatch.tone-role { fill: #5b84b1; background: #5b84b1; }
.tone-privileged, .swatch.tone-privileged { fill: #7d3c98; background: #7d3c98; }
.tone-recent, .swatch.tone-recent { fill: #3b8d5a; background: #3b8d5a; }
.tone-mixed, .swatch.tone-mixed { fill: #d4a017; background: #d4a017; }
.tone-stale, .swatch.tone-stale { fill: #c0392b; background: #c0392b; }
.tone-never, .swatch.tone-never { fill: #8a939c; background: #8a939c; }
.tone-critical { fill: #7b1e1e; } .tone-high { fill: #c0392b; } .tone-medium { fill: #e67e22; }
.tone-low { fill: #d4ac0d; } .tone-info { fill: #5d8aa8; }
.details { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; margin-top: 14px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0; font-size: 13px; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
.warnings { background: #fff6e0; border: 1px solid #e8c66a; border-radius: 6px; padding: 8px 12px; margin-top: 12px; }
.warnings ul { margin: 4px 0 0 18px; padding: 0; }
table { width: 100%; border-collapse: collapse; font-size: 12.5px; }
thead { display: table-header-group; }
th { text-align: left; font-weight: 600; background: #e9eef3; border-bottom: 1px solid #b9c3cd; padding: 5px 6px; }
td { border-bottom: 1px solid var(--line); padding: 4px 6px; vertical-align: top; overflow-wrap: break-word; }
.users td:nth-child(2), .summary-table td:first-child { overflow-wrap: anywhere; }
tr { break-inside: avoid; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.decision { width: 110px; border-left: 1px dashed #b9c3cd; }
.sub { color: var(--muted); font-size: 11.5px; }
tr.deactivated td { color: #7a838c; }
.tag { display: inline-block; font-size: 10.5px; padding: 0 5px; border-radius: 3px; background: #e4e7ea; color: #333; margin: 1px 2px 1px 0; white-space: nowrap; }
.sev-critical { background: #7b1e1e; color: #fff; } .sev-high { background: #c0392b; color: #fff; }
.sev-medium { background: #f0b27a; color: #222; } .sev-low { background: #f7dc6f; color: #222; }
.sev-info { background: #d6e4f0; color: #1d3c57; }
.tag.suppressed { opacity: .6; outline: 1px dashed var(--muted); outline-offset: 1px; }
.suppression { font-style: italic; }
.summary-table { width: auto; min-width: 50%; }
.privileged-roles { margin: 0 0 10px 18px; padding: 0; font-size: 12.5px; }
.signoff { margin-top: 28px; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; break-inside: avoid; }
.signoff .lines { display: grid; grid-template-columns: repeat(4, 1fr); gap: 18px; margin-top: 18px; }
.signoff .line { border-top: 1px solid var(--ink); padding-top: 3px; color: var(--muted); font-size: 12px; }
footer { margin-top: 24px; color: var(--muted); font-size: 11.5px; }
@page { size: A4 landscape; margin: 12mm 10mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  h1 { font-size: 18pt; }
  h2 { break-after: avoid; margin-top: 0; }
  /* The user tables start on a fresh page; the second follows the first without wasting the rest of a page. */
  .users { break-before: page; }
  .users + .users { break-before: auto; }
  .users + .users h2 { margin-top: 18px; }
  .charts, .details, .figures { break-inside: avoid; }
  .figure { padding: 6px 9px; }
  .figure .n { font-size: 17pt; }
  table { font-size: 8pt; }
  td { padding: 2px 5px; }
  th { padding: 3px 5px; }
  tbody tr:nth-child(even) td { background: #f6f7f8; }
}
/* Screen only: headless print runs with a narrow window, and the printed page must keep its three columns. */
@media screen and (max-width: 1000px) { .figures { grid-template-columns: repeat(4, 1fr); } }
@media screen and (max-width: 700px) { .charts, .details { grid-template-columns: 1fr; } }
`
