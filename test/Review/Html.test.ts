import { describe, expect, it } from "@effect/vitest"
import { escapeHtml, shorten, shortenMiddle } from "../../src/Review/Html.js"

describe("chart labels", () => {
  it("keeps both ends of a long label, and a joined emoji whole", () => {
    expect(shortenMiddle("Custom Role Number 11 of many", 20)).toBe("Custom Rol…1 of many")
    expect(shortenMiddle("Short", 20)).toBe("Short")
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"
    expect(shortenMiddle(`${family}${"a".repeat(30)}${family}`, 5)).toBe(`${family}a…a${family}`)
  })

  it("cut at the end, keep a joined emoji, a flag, a skin tone and an accented letter whole", () => {
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"
    expect(shorten(`${family}${family}${family}`, 3)).toBe(`${family}${family}${family}`)
    expect(shorten(`${family.repeat(12)}`, 9)).toBe(`${family.repeat(8)}…`)
    expect(shorten("\u{1F1EB}\u{1F1F7}".repeat(12), 9)).toBe(`${"\u{1F1EB}\u{1F1F7}".repeat(8)}…`)
    expect(shorten("\u{1F44D}\u{1F3FF}".repeat(12), 9)).toBe(`${"\u{1F44D}\u{1F3FF}".repeat(8)}…`)
    expect(shorten("Cafe\u0301 Owners Group", 5)).toBe("Cafe\u0301…")
    expect(shorten("Short", 9)).toBe("Short")
  })

  it("shortens a huge label at its end in moments", () => {
    const label = `Ze\u0301${"x".repeat(200_000)}\u{1F680}`
    const started = Date.now()
    expect(shorten(label, 12)).toBe(`Ze\u0301${"x".repeat(9)}…`)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it("shortens a huge label in moments, from its two ends", () => {
    // One letter outside ASCII sends the whole label through the grapheme splitter, which took minutes on this one.
    const label = `\uff1dStart${"x".repeat(200_000)}End\u{1F680}`
    const started = Date.now()
    const shown = shortenMiddle(label, 20)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(shown).toBe(`\uff1dStartxxxx…xxxxxEnd\u{1F680}`)
  })
})

describe("escapeHtml", () => {
  it("shows a line or paragraph separator as a space, as HTML shows a line break: a name cannot add a line", () => {
    // A browser breaks the line at U+2028 and U+2029 as at <br>; at a line break in the text it does not.
    expect(escapeHtml("Ada\u2028Role: Admin\u2029x")).toBe("Ada Role: Admin x")
  })

  it("leaves tabs and line breaks to HTML, which shows them as spaces, and shows other controls as U+FFFD", () => {
    // A name typed over two lines reads "Lone CR LF" on the page a manager signs off, not "Lone\uFFFDCR\uFFFDLF".
    expect(escapeHtml("Lone\rCR\nLF\tTab")).toBe("Lone\rCR\nLF\tTab")
    expect(escapeHtml('<b title="x">\u0000\u009b\u202e</b>')).toBe(
      "&lt;b title=&quot;x&quot;&gt;\uFFFD\uFFFD\uFFFD&lt;/b&gt;"
    )
  })
})
