/**
 * The guard against formula injection every CSV of this tool puts before API text a spreadsheet would run, and its
 * reading back from a workbook.
 */
/**
 * A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula (tab and carriage return let such a
 * cell slip past naive checks), so a name like `=HYPERLINK(...)` is prefixed with `'` and shows as text (OWASP). So
 * is one where space comes first (` =HYPERLINK(...)`, or a no-break space): a spreadsheet that trims cells as it opens
 * the file (LibreOffice's "Trim spaces") runs what the space hid.
 */
export const neutraliseFormula = (text: string): string => (needsQuote(text) ? `'${text}` : text)

/** Whether the cell starts with the `'` that `neutraliseFormula` puts before a formula's first character. */
export const isFormulaGuarded = (cell: string): boolean => cell.startsWith("'") && needsQuote(cell.slice(1))

/** The text `neutraliseFormula` was given, from a cell read back (a spreadsheet may have dropped the `'` itself). */
export const unneutraliseFormula = (cell: string): string => (isFormulaGuarded(cell) ? cell.slice(1) : cell)

/**
 * A formula's first character, after any quotes: a text that itself begins `'=` is quoted once more, so that reading
 * the cell back (`unneutraliseFormula`) takes off only the quote added here and gives `'=` again, not `=`.
 */
const needsQuote = (text: string): boolean => {
  let start = 0
  while (text.charCodeAt(start) === QUOTE) start++
  for (; start < text.length; start++) {
    const code = text.charCodeAt(start)
    if (FORMULA_START.has(code)) return true
    // Most cells start with a printable ASCII character other than space: no pattern is run for them.
    if ((code > 0x20 && code < 0x7f) || !LEADING_SPACE.test(text.charAt(start))) return false
  }
  return false
}

/** Space a trim takes off before a formula: any Unicode space (a no-break space, U+3000), as JavaScript's trim. */
const LEADING_SPACE = /\s/u

const QUOTE = 0x27

/**
 * `=`, `+`, `-`, `@`, tab, carriage return and line feed, the full-width `＝＋－＠` some spreadsheets (Apple
 * Numbers) read as the same, and NUL (OWASP ASVS 1.2.10), by character code: tested on every cell of every row.
 */
const FORMULA_START: ReadonlySet<number> = new Set([
  0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d, 0x0a, 0xff1d, 0xff0b, 0xff0d, 0xff20, 0x00
])
