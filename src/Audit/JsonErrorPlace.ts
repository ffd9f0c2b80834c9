/**
 * Where a text stops being JSON, said as a line and column. V8's JSON.parse gives an offset for some faults ("in
 * JSON at position 16") but not for an unexpected character, whose message quotes the text around it instead, line
 * breaks and all: not something to print of a file that may hold anything. So the text is scanned here, the way
 * JSON.parse reads it, to find the offset itself.
 */

/** Offset of the first character that cannot continue a JSON document; the text's length when it ends too early. */
export const jsonErrorOffset = (text: string): number => {
  const closers: Array<"}" | "]"> = []
  let expect: "value" | "valueOrClose" | "key" | "keyOrClose" | "colon" | "next" = "value"
  let at = 0
  for (;;) {
    while (at < text.length && WHITESPACE.has(text.charAt(at))) at++
    if (at >= text.length) return at
    const char = text.charAt(at)
    if (expect === "next") {
      const closer = closers.at(-1)
      if (closer === undefined) return at
      if (char === ",") expect = closer === "}" ? "key" : "value"
      else if (char === closer) closers.pop()
      else return at
      at++
    } else if (expect === "colon") {
      if (char !== ":") return at
      at++
      expect = "value"
    } else if (expect === "key" || expect === "keyOrClose") {
      if (expect === "keyOrClose" && char === "}") {
        closers.pop()
        at++
        expect = "next"
      } else {
        if (char !== '"') return at
        const end = stringEnd(text, at)
        if (end < 0) return -end - 1
        at = end
        expect = "colon"
      }
    } else if (expect === "valueOrClose" && char === "]") {
      closers.pop()
      at++
      expect = "next"
    } else if (char === "{" || char === "[") {
      closers.push(char === "{" ? "}" : "]")
      at++
      expect = char === "{" ? "keyOrClose" : "valueOrClose"
    } else {
      const end = scalarEnd(text, at)
      if (end < 0) return -end - 1
      at = end
      expect = "next"
    }
  }
}

/**
 * 1-based, as editors count them: lines broken by CRLF, LF or a lone CR (all three start a line in an editor), and
 * columns in characters, so an emoji before the fault, two UTF-16 units, moved the column said one past the fault.
 */
export const lineAndColumn = (text: string, offset: number): { readonly line: number; readonly column: number } => {
  const lines = text.slice(0, offset).split(/\r\n|\r|\n/)
  return { line: lines.length, column: [...(lines.at(-1) ?? "")].length + 1 }
}

const WHITESPACE: ReadonlySet<string> = new Set([" ", "\t", "\n", "\r"])
const ESCAPED: ReadonlySet<string> = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"])
const DIGIT = /^[0-9]$/
const HEX = /^[0-9a-fA-F]$/

// The scanners return the offset just past what they read, or -(offset + 1) of the character at fault.

const stringEnd = (text: string, start: number): number => {
  let at = start + 1
  while (at < text.length) {
    const char = text.charAt(at)
    if (char === '"') return at + 1
    if (char.charCodeAt(0) < 0x20) return -at - 1
    if (char !== "\\") {
      at++
      continue
    }
    const escaped = text.charAt(at + 1)
    if (ESCAPED.has(escaped)) at += 2
    else if (escaped === "u") {
      for (let digit = at + 2; digit < at + 6; digit++) if (!HEX.test(text.charAt(digit))) return -digit - 1
      at += 6
    } else return -(at + 1) - 1
  }
  return -text.length - 1
}

const scalarEnd = (text: string, start: number): number => {
  if (text.charAt(start) === '"') return stringEnd(text, start)
  for (const word of ["true", "false", "null"]) {
    if (text.charAt(start) !== word.charAt(0)) continue
    let at = start
    while (at - start < word.length && text.charAt(at) === word.charAt(at - start)) at++
    return at - start === word.length ? at : -at - 1
  }
  return numberEnd(text, start)
}

/**
 * A number's end, faulted where JSON.parse faults it: at the character that should have been a digit ("-x", "1.x",
 * "1ex"), not at the number's start, which pointed a reader at the "-" or the "." and away from what is missing.
 */
const numberEnd = (text: string, start: number): number => {
  let at = text.charAt(start) === "-" ? start + 1 : start
  // A leading zero stands alone: "01" ends after the 0, and its "1" is then where the document goes wrong.
  at = text.charAt(at) === "0" ? at + 1 : digitsEnd(text, at)
  if (at < 0) return at
  if (text.charAt(at) === ".") at = digitsEnd(text, at + 1)
  if (at < 0) return at
  if (text.charAt(at) === "e" || text.charAt(at) === "E") {
    const sign = text.charAt(at + 1) === "+" || text.charAt(at + 1) === "-" ? 1 : 0
    at = digitsEnd(text, at + 1 + sign)
  }
  return at
}

/** Past one or more digits from `start`; -(start + 1) when there is none there. */
const digitsEnd = (text: string, start: number): number => {
  let at = start
  while (DIGIT.test(text.charAt(at))) at++
  return at === start ? -start - 1 : at
}
