/**
 * A body that is a whole JSON document with more after it (`{...}\n{...}`: two answers run together, or a proxy's
 * note appended). Quoting its start, as for any body JSON.parse refuses, shows the admin what reads as valid JSON and
 * hides the fault; this finds where the document ends, so the message can quote what follows it instead.
 */

/** V8's words: "Unexpected non-whitespace character after JSON at position 15 (line 1 column 16)". */
const AFTER_JSON = /after JSON at position (\d+)/

/** Where the text after a whole JSON document begins, or undefined when the body is not such a document. */
export const trailingContentAt = (body: string): number | undefined => {
  try {
    JSON.parse(body)
    return undefined
  } catch (error) {
    const at = error instanceof SyntaxError ? AFTER_JSON.exec(error.message)?.[1] : undefined
    return at === undefined ? undefined : Number(at)
  }
}
