/**
 * `JSON.stringify` for what `JSON.parse` made, at any depth. `JSON.parse` reads a value nested tens of thousands of
 * levels deep without complaint (a 32 MiB answer can hold millions), but `JSON.stringify` recurses and overflows the
 * stack at a few thousand: `users list` and `get`, which print each record as Panther sent it, then died with a stack
 * trace on one user holding such a field, though the audit reads that user as valid. This writes the same text
 * without recursion, for the values a parse yields: objects, arrays, strings, numbers, booleans and null.
 */

interface ArrayFrame {
  readonly items: ReadonlyArray<unknown>
  at: number
}

interface ObjectFrame {
  readonly object: object
  readonly keys: ReadonlyArray<string>
  at: number
  wrote: boolean
}

type Frame = ArrayFrame | ObjectFrame

/** The compact JSON of `root`, as `JSON.stringify(root)` writes it, however deep it is nested. */
export const stringifyDeep = (root: unknown): string => {
  const parts: Array<string> = []
  const stack: Array<Frame> = []
  let value: unknown = root
  for (;;) {
    if (Array.isArray(value)) {
      parts.push("[")
      stack.push({ items: value, at: 0 })
    } else if (typeof value === "object" && value !== null) {
      parts.push("{")
      stack.push({ object: value, keys: Object.keys(value), at: 0, wrote: false })
    } else {
      // As JSON.stringify writes them; a value it leaves out of an array (undefined) is null there.
      parts.push(JSON.stringify(value) ?? "null")
    }
    let found = false
    while (!found && stack.length > 0) {
      const frame = stack[stack.length - 1] as Frame
      if ("items" in frame) {
        if (frame.at < frame.items.length) {
          if (frame.at > 0) parts.push(",")
          value = frame.items[frame.at++]
          found = true
        } else {
          parts.push("]")
          stack.pop()
        }
        continue
      }
      // A key whose value JSON.stringify leaves out (undefined) is left out here too.
      while (frame.at < frame.keys.length && Reflect.get(frame.object, frame.keys[frame.at] ?? "") === undefined) {
        frame.at++
      }
      if (frame.at < frame.keys.length) {
        const key = frame.keys[frame.at++] ?? ""
        parts.push(`${frame.wrote ? "," : ""}${JSON.stringify(key)}:`)
        frame.wrote = true
        value = Reflect.get(frame.object, key)
        found = true
      } else {
        parts.push("}")
        stack.pop()
      }
    }
    if (!found) return parts.join("")
  }
}

/**
 * `JSON.stringify(value, null, indent)`, or, for a value nested too deeply for it, the compact form on one line:
 * indenting each of thousands of levels would take space that grows with the square of the depth.
 */
export const stringifyAnyDepth = (value: unknown, indent?: number): string => {
  try {
    return JSON.stringify(value, null, indent)
  } catch (error) {
    if (error instanceof RangeError) return stringifyDeep(value)
    throw error
  }
}
