/**
 * The README's links within itself. GitHub makes a heading's anchor from its text (lower case, punctuation and
 * backticks dropped, spaces made hyphens); a link to a heading since renamed scrolls nowhere, without any error.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const README = readFileSync(join(ROOT, "README.md"), "utf8")

/** The anchor GitHub gives a heading's text. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/gu, "-")

/** The README's headings, outside fenced code (where `#` starts a shell comment). */
const headings = (): ReadonlyArray<string> =>
  README.replace(/```[\s\S]*?```/gu, "")
    .split("\n")
    .flatMap((line) => {
      const heading = /^#{1,6} (.+)$/u.exec(line)?.[1]
      return heading === undefined ? [] : [heading]
    })

it("gives every heading a distinct anchor and links only to anchors its headings have", () => {
  const anchors = headings().map(anchorOf)
  expect(anchors).toContain("access-reviews-panther-audit-review")
  expect(new Set(anchors).size).toBe(anchors.length)
  const linked = [...README.matchAll(/\]\(#([^)]+)\)/gu)].map((link) => link[1] ?? "")
  expect(linked.length).toBeGreaterThan(5)
  expect(linked.filter((anchor) => !anchors.includes(anchor))).toEqual([])
})
