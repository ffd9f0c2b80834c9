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
      '{"a": [1, {"b": null}, -0.5e3] ,}'
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
    const valid = '{"a": [true, false, null, "x\\"y", "\\u00e9", 1.5E+2]}\n'
    expect(jsonErrorOffset(valid)).toBe(valid.length)
  })

  it("is said as a line and column counted from 1", () => {
    expect(lineAndColumn("garbage\n", 0)).toEqual({ line: 1, column: 1 })
    expect(lineAndColumn('\n\n  {"a": tru}', 13)).toEqual({ line: 3, column: 12 })
  })
})
