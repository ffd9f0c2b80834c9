import { describe, expect, it } from "vitest"
import { jsonErrorOffset, lineAndColumn } from "../../src/Audit/JsonErrorPlace.js"

/** V8's own offset, where its message gives one. */
const v8Offset = (text: string): number | undefined => {
  try {
    JSON.parse(text)
    return undefined
  } catch (error) {
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : "")
    return position === null ? undefined : Number(position[1])
  }
}

describe("where a text stops being JSON", () => {
  it("is where JSON.parse stops, for every fault whose offset V8 gives", () => {
    const broken = [
      '{"run": {"a": 1,}}',
      "[1,2",
      '{"a":1}\n}',
      '{"a": "b\n"}',
      '{"a":1} x',
      '{"a" 1}',
      '{"a": "\\x"}',
      '{"a": "\\u12G4"}',
      "[1 2]",
      '{"a": [1, {"b": null}, -0.5e3] ,}',
      '{"a": 1, 2}',
      '{"a": [1}',
      '{"a" = 1}',
      '{"a\\x": 1}',
      '{"a": "\u001f"}',
      '{"a": "\\u123G"}',
      '{"a": "abc',
      '{"a": 1,\r\n "b": 2,\r\n}',
      // A number broken where a digit should be: at that character, not at the "-", "." or "e" before it.
      '{"a": -x}',
      "[-]",
      "[1.x]",
      "[1.]",
      "[1e]",
      "[1E+x]",
      "[-1.5e-]",
      "[01]",
      '{"a": -01}'
    ]
    for (const text of broken) {
      const offset = v8Offset(text)
      expect(offset, text).toBeDefined()
      expect(jsonErrorOffset(text), text).toBe(offset)
    }
  })

  it("finds the unexpected character V8 only quotes", () => {
    expect(jsonErrorOffset("garbage\n")).toBe(0)
    expect(jsonErrorOffset('{"run": x}')).toBe(8)
    expect(jsonErrorOffset('\n\n  {"a": tru}')).toBe(13)
    expect(jsonErrorOffset('{"a": [1, 2, +3]}')).toBe(13)
    // A valid document has no fault before its end.
    const valid = '{"a": [true, false, null, "x\\"y\\r\\n", "\\u00e9", 1.5E+2]}\r\n'
    expect(jsonErrorOffset(valid)).toBe(valid.length)
    const numbers = "[0, -0, 10, 100.05, 2e0, -0.0E-10]"
    expect(jsonErrorOffset(numbers)).toBe(numbers.length)
    // A comma before a closing bracket, which V8 only quotes.
    expect(jsonErrorOffset("[1, 2,]")).toBe(6)
  })

  it("is said as a line and column counted from 1", () => {
    expect(lineAndColumn("garbage\n", 0)).toEqual({ line: 1, column: 1 })
    expect(lineAndColumn('\n\n  {"a": tru}', 13)).toEqual({ line: 3, column: 12 })
  })

  it("is on the line of a line break that ends a string, not the next one", () => {
    const text = '{"a": "b\n"}'
    expect(lineAndColumn(text, jsonErrorOffset(text))).toEqual({ line: 1, column: 9 })
  })

  it("is on the right line after CRLF, and after a lone CR, which editors take as a line break too", () => {
    const crlf = '{\r\n  "a": 1,\r\n  "b": x\r\n}\r\n'
    expect(lineAndColumn(crlf, jsonErrorOffset(crlf))).toEqual({ line: 3, column: 8 })
    const cr = '{\r  "a": 1,\r  "b": x\r}\r'
    expect(lineAndColumn(cr, jsonErrorOffset(cr))).toEqual({ line: 3, column: 8 })
    // Cut short after its last line break: the fault is at the start of the line after it.
    expect(lineAndColumn("[1,\r\n", 5)).toEqual({ line: 2, column: 1 })
  })

  it("counts characters, so an emoji before the fault counts one column, as for an accented letter", () => {
    const text = '{"naïve 😀": x}'
    expect(lineAndColumn(text, jsonErrorOffset(text))).toEqual({ line: 1, column: 13 })
    const below = '{"a": 1,\n "😀😀": x}'
    expect(lineAndColumn(below, jsonErrorOffset(below))).toEqual({ line: 2, column: 8 })
  })
})
