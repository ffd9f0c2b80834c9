/** The answer `users delete` takes for a yes on a terminal: the line typed, y or yes alone. */
import { describe, expect, it } from "vitest"
import { saysYes } from "../../src/Users/DeleteConfirmation.js"

describe("saysYes", () => {
  it.each(["y", "Y", "yes", "YES", "Yes", " yes ", "y\r"])("takes %j for a yes", (answer) => {
    expect(saysYes(answer)).toBe(true)
  })

  // Words that start with y or hold a t, which a prompt reading the first key took for a yes, and other words.
  it.each(["", "n", "no", "yeah", "yes please", "yy", "y y", "maybe", "quit", "exit", "t", "true", "ok", "ja"])(
    "keeps the user on %j",
    (answer) => {
      expect(saysYes(answer)).toBe(false)
    }
  )
})
