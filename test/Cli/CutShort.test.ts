import { describe, expect, it } from "@effect/vitest"
import { cutShort, headOfCharacters } from "../../src/Cli/CutShort.js"

const FAMILY = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"
const FLAG = "\u{1F1EB}\u{1F1F7}"
const THUMBS_UP_DARK = "\u{1F44D}\u{1F3FF}"
/** An e with two accents, each a combining mark of its own. */
const E_ACCENTED = "e\u0301\u0302"

describe("text cut short", () => {
  it("is left whole when it fits", () => {
    expect(cutShort(FAMILY.repeat(15), 120)).toBe(FAMILY.repeat(15))
    expect(cutShort("Ada", 3)).toBe("Ada")
  })

  it("is never cut inside a character as the eye sees it: a joined emoji, a flag, a skin tone, an accented letter", () => {
    for (const [character, fits] of [
      [FAMILY, 14],
      [FLAG, 29],
      [THUMBS_UP_DARK, 29],
      [E_ACCENTED, 39]
    ] as const) {
      // 119 units before the ellipsis, which none of these divides.
      const cut = cutShort(character.repeat(100), 120)
      expect(cut).toBe(`${character.repeat(fits)}…`)
      expect(cut.length).toBeLessThanOrEqual(120)
    }
    // A sign that stands before an Arabic number (U+0600) is one character with the digit after it.
    expect(cutShort(`${"x".repeat(118)}\u06001234`, 120)).toBe(`${"x".repeat(118)}…`)
    // Cut after a letter, a flag is not left as two regional indicators that pair with what follows.
    expect(cutShort(`a${FLAG.repeat(10)}`, 6)).toBe(`a${FLAG}…`)
  })

  it("gives all of a text that fits in the units", () => {
    for (const text of ["abc", `a${FAMILY}`, E_ACCENTED, ""]) {
      expect(headOfCharacters(text, text.length)).toBe(text)
      expect(headOfCharacters(text, text.length + 5)).toBe(text)
    }
  })

  it("keeps as many whole characters as the units allow, cut anywhere", () => {
    const name = `Zoë ${THUMBS_UP_DARK} ${FAMILY} O\u0308sterreich ${FLAG}`
    const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" })
    const starts = new Set([...segmenter.segment(name)].map(({ index }) => index))
    for (let units = 0; units < name.length; units++) {
      const head = headOfCharacters(name, units)
      expect(head.length).toBeLessThanOrEqual(units)
      expect(name.startsWith(head)).toBe(true)
      // What is cut off begins a character of its own, and is more than the units left.
      expect(starts.has(head.length)).toBe(true)
      const first = [...segmenter.segment(name.slice(head.length))][0]?.segment ?? ""
      expect(head.length + first.length).toBeGreaterThan(units)
    }
  })
})
