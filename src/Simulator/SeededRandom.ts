/**
 * A small seeded pseudo-random generator (sfc32). Generated users and random faults must be reproducible from a
 * seed, which `Math.random` and effect's `Random` (seeded per fiber) do not promise across runs and versions.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  readonly next: () => number
  /** Uniform integer in [0, bound). */
  readonly int: (bound: number) => number
  /** One element of a non-empty list. */
  readonly pick: <A>(items: readonly [A, ...Array<A>]) => A
  /** One key, chosen with the given relative weights. */
  readonly weighted: <K extends string>(weights: ReadonlyArray<readonly [K, number]>) => K
  /** A random version-4 UUID, deterministic for the seed. */
  readonly uuid: () => string
}

/** "00".."ff": UUIDs for 200,000 generated users are built from this table, not from `toString(16)`. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"))

/** Derives a generator from a seed and a label, so separate purposes (users, faults) get independent streams. */
export const seededRandom = (seed: number, label = ""): SeededRandom => {
  // Mix the seed and label into four 32-bit words (a tiny FNV-1a over the label, then splitmix-style scrambling).
  let h = 0x811c9dc5 ^ (seed >>> 0)
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193)
  const mix = (x: number): number => {
    let z = (x + 0x9e3779b9) | 0
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = mix(h)
  let b = mix(a ^ seed)
  let c = mix(b + 0x6a09e667)
  let d = 1
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  // Warm up, as sfc32's authors recommend, so nearby seeds do not start correlated.
  for (let i = 0; i < 15; i++) nextUint32()

  const next = () => nextUint32() / 4294967296
  const int = (bound: number) => Math.floor(next() * bound)
  const hex = (value: number, digits: number) => {
    let out = ""
    for (let shift = (digits - 2) * 4; shift >= 0; shift -= 8) out += HEX_BYTES[(value >>> shift) & 0xff]
    return out
  }
  return {
    next,
    int,
    pick: (items) => items[int(items.length)] ?? items[0],
    weighted: (weights) => {
      const total = weights.reduce((sum, [, weight]) => sum + weight, 0)
      let roll = next() * total
      for (const [key, weight] of weights) {
        roll -= weight
        if (roll < 0) return key
      }
      const last = weights[weights.length - 1]
      if (last === undefined) throw new Error("weighted() needs at least one entry")
      return last[0]
    },
    uuid: () => {
      const w1 = nextUint32()
      const w2 = nextUint32()
      const w3 = nextUint32()
      const w4 = nextUint32()
      const version = (w2 & 0xffff0fff) | 0x00004000
      const variant = (w3 & 0x3fffffff) | 0x80000000
      return [
        hex(w1, 8),
        hex(version >>> 16, 4),
        hex(version & 0xffff, 4),
        hex(variant >>> 16, 4),
        hex(variant & 0xffff, 4) + hex(w4, 8)
      ].join("-")
    }
  }
}
