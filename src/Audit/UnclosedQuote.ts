import { CST, type LineCounter, Parser, YAMLError } from "yaml"

/** The offset of the quoted value that runs on to `end`, where the parser gave up looking for its closing quote. */
const openedAt = (text: string, end: number): number | undefined => {
  let found: number | undefined
  const look = (token: CST.Token | null | undefined) => {
    const quoted = token?.type === "double-quoted-scalar" || token?.type === "single-quoted-scalar"
    if (quoted && token.offset + token.source.length === end) found = token.offset
  }
  for (const document of new Parser().parse(text)) {
    // The document's own value is visited as an item too, so a file that is one quoted value is covered.
    if (document.type === "document")
      CST.visit(document, (item) => {
        look(item.key)
        look(item.value)
      })
  }
  return found
}

/**
 * A quote left open makes the rest of the file one value, so YAML reports the missing quote where the file ends,
 * often many entries below the mistake. Said where the quote opened instead; undefined for any other error.
 */
export const unclosedQuoteReason = (text: string, error: unknown, lines: LineCounter): string | undefined => {
  if (!(error instanceof YAMLError) || error.code !== "MISSING_CHAR") return undefined
  const quote = /^Missing closing (["'])quote/u.exec(error.message)?.[1]
  if (quote === undefined) return undefined
  const start = openedAt(text, error.pos[0])
  if (start === undefined) return undefined
  const opened = lines.linePos(start)
  const reached = lines.linePos(error.pos[0])
  return (
    `the ${quote} at line ${opened.line}, column ${opened.col} opens a quoted value that is never closed ` +
    `(YAML read on to line ${reached.line}, column ${reached.col} looking for its end)`
  )
}
