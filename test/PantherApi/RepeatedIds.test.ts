import { expect, it } from "vitest"
import { makeRepeatedIds, namingRepeatedIds } from "../../src/PantherApi/RepeatedIds.js"

it("names the first five distinct ids repeated, with an ellipsis only when there were more", () => {
  const collected = (ids: ReadonlyArray<string>) => {
    const repeated = makeRepeatedIds()
    for (const id of ids) repeated.add(id)
    return namingRepeatedIds(repeated.named())
  }
  // One id sent three times is all there is.
  expect(collected(["u1", "u1", "u1"])).toBe("(u1)")
  expect(collected(["u1", "u2", "u3", "u4", "u5"])).toBe("(u1, u2, u3, u4, u5)")
  expect(collected(["u1", "u2", "u3", "u4", "u5", "u5", "u6", "u7"])).toBe("(u1, u2, u3, u4, u5, ...)")
  // Those the client dropped come first; an id in both lists is named once.
  expect(namingRepeatedIds(["u2", "u1", "u2"])).toBe("(u2, u1)")
  // An id cannot drive the terminal.
  expect(namingRepeatedIds(["\u001b[31mred"])).not.toContain("\u001b")
})
