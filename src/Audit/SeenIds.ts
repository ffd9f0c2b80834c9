/**
 * The user ids a run has taken, so that each user is taken once. Panther's ids are UUIDs; written the usual way
 * (lowercase, with hyphens) each is kept as its 16 bytes in an open-addressing table instead of as a string in a
 * Set: about 21 bytes a UUID against about 80 for the string and its entry in a Set, and at 200,000 users the ids
 * were the largest part of the memory a run holds. Any other id, an uppercase UUID included, is kept as it is in a
 * Set, so ids are compared exactly as strings, as before.
 *
 * The first ids are kept in a plain Set all the same, and move to the table only when there are many: reading each
 * UUID's digits in JavaScript took about three times as long as the Set in a process that lives a second (the
 * loop is not yet optimized), and a few megabytes of strings do not matter to memory at that size.
 */

import { freeArrayBuffer } from "./ArrayBufferMemory.js"

/** Slots in use before the table doubles: linear probing stays short up to three quarters. */
const MAX_LOAD = 0.75
const INITIAL_SLOTS = 1 << 12
/** Ids kept as strings before they move to the table: about 2.5 MB of strings and Set entries at most. */
export const IDS_KEPT_AS_STRINGS = 1 << 15
const WORDS = 4

const HYPHENS = [8, 13, 18, 23]

/** The value of a lowercase hexadecimal digit's character code, or -1. */
const hexValue = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 97 && code <= 102) return code - 87
  return -1
}

/** Reads a lowercase hyphenated UUID into four 32-bit words; false for anything else. */
const readUuid = (id: string, words: Uint32Array): boolean => {
  if (id.length !== 36) return false
  for (const at of HYPHENS) if (id.charCodeAt(at) !== 45) return false
  let word = 0
  let digits = 0
  let index = 0
  for (let at = 0; at < 36; at++) {
    if (at === 8 || at === 13 || at === 18 || at === 23) continue
    const value = hexValue(id.charCodeAt(at))
    if (value < 0) return false
    word = (word << 4) | value
    if (++digits === 8) {
      words[index++] = word >>> 0
      word = 0
      digits = 0
    }
  }
  return true
}

export interface SeenIds {
  /** Takes the id if it is new: true the first time, false for an id already taken. */
  readonly take: (id: string) => boolean
  readonly size: () => number
}

export const makeSeenIds = (idsKeptAsStrings: number = IDS_KEPT_AS_STRINGS): SeenIds => {
  /** Every id taken, until there are `idsKeptAsStrings`; then undefined, and the table and `others` hold them. */
  let strings: Set<string> | undefined = new Set()
  let slots = INITIAL_SLOTS
  let keys = new Uint32Array(slots * WORDS)
  let filled = new Uint8Array(slots)
  let uuids = 0
  const others = new Set<string>()
  const words = new Uint32Array(WORDS)

  // Every word is mixed in (murmur3's finalizer on their combination): ids that differ only in a middle group,
  // sequential or hand-made ones, still spread over the table instead of piling into one probe chain.
  const slotOf = (a: number, b: number, c: number, d: number, mask: number): number => {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35) ^ Math.imul(d, 0x27d4eb2f)
    h ^= h >>> 16
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
    return (h >>> 0) & mask
  }

  /** Finds the key's slot, or the empty slot where it belongs. */
  const probe = (w0: number, w1: number, w2: number, w3: number): number => {
    const mask = slots - 1
    let slot = slotOf(w0, w1, w2, w3, mask)
    for (;;) {
      if (filled[slot] === 0) return slot
      const at = slot * WORDS
      if (keys[at] === w0 && keys[at + 1] === w1 && keys[at + 2] === w2 && keys[at + 3] === w3) return slot
      slot = (slot + 1) & mask
    }
  }

  const put = (slot: number, w0: number, w1: number, w2: number, w3: number) => {
    const at = slot * WORDS
    keys[at] = w0
    keys[at + 1] = w1
    keys[at + 2] = w2
    keys[at + 3] = w3
    filled[slot] = 1
  }

  const grow = () => {
    const oldKeys = keys
    const oldFilled = filled
    slots *= 2
    keys = new Uint32Array(slots * WORDS)
    filled = new Uint8Array(slots)
    for (let slot = 0; slot < oldFilled.length; slot++) {
      if (oldFilled[slot] === 0) continue
      const at = slot * WORDS
      const w0 = oldKeys[at] ?? 0
      const w1 = oldKeys[at + 1] ?? 0
      const w2 = oldKeys[at + 2] ?? 0
      const w3 = oldKeys[at + 3] ?? 0
      put(probe(w0, w1, w2, w3), w0, w1, w2, w3)
    }
    freeArrayBuffer(oldKeys.buffer)
    freeArrayBuffer(oldFilled.buffer)
  }

  const takeIntoTable = (id: string): boolean => {
    if (!readUuid(id, words)) {
      const held = others.size
      others.add(id)
      return others.size !== held
    }
    const w0 = words[0] ?? 0
    const w1 = words[1] ?? 0
    const w2 = words[2] ?? 0
    const w3 = words[3] ?? 0
    const slot = probe(w0, w1, w2, w3)
    if (filled[slot] === 1) return false
    put(slot, w0, w1, w2, w3)
    if (++uuids > slots * MAX_LOAD) grow()
    return true
  }

  return {
    take: (id) => {
      if (strings === undefined) return takeIntoTable(id)
      // One lookup, not `has` then `add`: the Set grows only by an id it did not hold.
      const held = strings.size
      strings.add(id)
      if (strings.size === held) return false
      if (strings.size >= idsKeptAsStrings) {
        for (const kept of strings) takeIntoTable(kept)
        strings = undefined
      }
      return true
    },
    size: () => strings?.size ?? uuids + others.size
  }
}
