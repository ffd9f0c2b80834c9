/**
 * "1 page", "2 pages": a count with its noun in the number it takes. Messages said "1 pages" or "file(s)" before; a
 * person reads the first as a slip and a log alert matching "2 files" misses the second.
 */
export const counted = (count: number, noun: string, nouns = `${noun}s`): string =>
  `${count} ${count === 1 ? noun : nouns}`
