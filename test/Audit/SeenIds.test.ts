/**
 * The ids a run has taken: UUIDs kept as bytes in a table of their own, anything else in a Set. Whatever the mix,
 * the answer must be the one a plain Set of strings gives: an id is new exactly once, and ids that differ as
 * strings (an uppercase UUID and its lowercase twin) are different users. The first ids are kept as strings;
 * `makeSeenIds(1)` has the table take every id from the first, which is what the tests of its hashing need.
 */
import { expect, it } from "vitest"
import { IDS_KEPT_AS_STRINGS, makeSeenIds } from "../../src/Audit/SeenIds.js"
import { seededRandom } from "../support/seededRandom.js"

// The first ids are kept as strings and move to the table at a count: before it, at it and after it alike.
it.each([1, 2, 1000, IDS_KEPT_AS_STRINGS, 500_000])(
  "answers as a Set of strings does, through many growths and every kind of id, moving to the table at %i",
  (idsKeptAsStrings) => {
    const next = seededRandom(7)
    const hex = (digits: number) => Array.from({ length: digits }, () => next(16).toString(16)).join("")
    const uuids = Array.from({ length: 60_000 }, () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`)
    const idOf = (): string => {
      const uuid = uuids[next(uuids.length)] ?? ""
      switch (next(8)) {
        case 0:
          return uuid.toUpperCase()
        case 1:
          // One character off the UUID form: a hyphen missing, a non-hex digit, one too long or short.
          return [uuid.replace("-", "x"), `${uuid.slice(0, 35)}g`, `${uuid}0`, uuid.slice(1)][next(4)] ?? uuid
        case 2:
          return `user-${next(5_000)}`
        default:
          return uuid
      }
    }
    const seen = makeSeenIds(idsKeptAsStrings)
    const oracle = new Set<string>()
    for (let index = 0; index < 200_000; index++) {
      const id = idOf()
      const isNew = !oracle.has(id)
      oracle.add(id)
      expect(seen.take(id), id).toBe(isNew)
    }
    expect(seen.size()).toBe(oracle.size)
    // Every id taken is known afterwards, after all the table's growths.
    for (const id of oracle) expect(seen.take(id), id).toBe(false)
  }
)

it("tells apart UUIDs that differ in a single bit, and an uppercase UUID from its lowercase twin", () => {
  const seen = makeSeenIds(1)
  expect(seen.take("00000000-0000-0000-0000-000000000000")).toBe(true)
  expect(seen.take("00000000-0000-0000-0000-000000000001")).toBe(true)
  expect(seen.take("80000000-0000-0000-0000-000000000000")).toBe(true)
  expect(seen.take("0000000a-0000-0000-0000-000000000000")).toBe(true)
  expect(seen.take("0000000A-0000-0000-0000-000000000000")).toBe(true)
  expect(seen.take("00000000-0000-0000-0000-000000000001")).toBe(false)
  expect(seen.take("0000000A-0000-0000-0000-000000000000")).toBe(false)
  expect(seen.size()).toBe(5)
})

/**
 * Four hex digits counting up, one id for each, in the group `place` puts them; the rest zeros. Each group counts
 * on its own: split from one count of eight digits, the higher group stayed 0000 below 65,536 ids.
 */
const countingIn = (place: (digits: string) => string, from = 0): Array<string> =>
  Array.from({ length: 20_000 - from }, (_, index) => place((from + index).toString(16).padStart(4, "0")))

it("keeps ids that differ only in their middle groups apart, as sequential or hand-made ids do", () => {
  const seen = makeSeenIds(1)
  const ids = [
    ...countingIn((digits) => `00000000-${digits}-0000-0000-000000000000`),
    // From 1: the id of all zeros is in the first list.
    ...countingIn((digits) => `00000000-0000-${digits}-0000-000000000000`, 1)
  ]
  for (const id of ids) expect(seen.take(id), id).toBe(true)
  for (const id of ids) expect(seen.take(id), id).toBe(false)
  expect(seen.size()).toBe(ids.length)
})

it("keeps ids that differ only in their fourth group, or in either half of their fifth, apart", () => {
  const seen = makeSeenIds(1)
  const ids = [
    ...countingIn((digits) => `00000000-0000-0000-${digits}-000000000000`),
    ...countingIn((digits) => `00000000-0000-0000-0000-${digits}00000000`, 1),
    // The last eight digits alone: the table's last word, which only the full comparison of a slot tells apart.
    ...countingIn((digits) => `00000000-0000-0000-0000-00000000${digits}`, 1)
  ]
  for (const id of ids) expect(seen.take(id), id).toBe(true)
  for (const id of ids) expect(seen.take(id), id).toBe(false)
  expect(seen.size()).toBe(ids.length)
})

it("keeps an id shaped like a UUID but holding a letter past f apart from every UUID", () => {
  const seen = makeSeenIds(1)
  expect(seen.take("00000010-0000-0000-0000-000000000000")).toBe(true)
  expect(seen.take("0000000g-0000-0000-0000-000000000000")).toBe(true)
  expect(seen.take("0000000g-0000-0000-0000-000000000000")).toBe(false)
  expect(seen.size()).toBe(2)
})
