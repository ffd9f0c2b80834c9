/**
 * How secrets are kept out of text the program quotes (API answers, SMTP replies, the command line), in two steps.
 * First every form an echo usually gives a secret is replaced by `[redacted]` where it stands, in any case, so the
 * rest of a server's words still shows. Then, if the secret can still be read out of what is left some other way
 * (wrapped across lines, in base64, hex or quoted-printable, as HTML entities, in encodings nested in each other,
 * cut short to half of a token), the whole text is withheld: a server's message is worth less than the secret.
 * Listing forms alone kept missing some (issue reports: a token folded by a proxy, a password in an unpadded AUTH
 * PLAIN blob); reading the text back cannot miss those.
 */
import { headOf } from "./CutShort.js"

export const REDACTED = "[redacted]"
export const WITHHELD = "[not shown: it quoted a secret]"

/**
 * Below this length (whitespace left out) a secret is only replaced where it stands: searched for in decoded text,
 * a secret that short would be found by chance.
 */
const MIN_READABLE = 6

/** Secrets, with the forms of them to replace where they stand. Made once per secret, used for every quote. */
export interface Secrets {
  readonly values: ReadonlyArray<string>
  readonly forms: ReadonlyArray<string>
  /** Those of `values` that half of gives away (see `MIN_PARTIAL`). */
  readonly halves: ReadonlyArray<string>
}

const lowerCaseHex = (encoded: string): string => encoded.replace(/%[0-9A-F]{2}/g, (percent) => percent.toLowerCase())

const HTML_NAMED: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
}

/** The forms an echo usually gives a secret: as is, JSON-escaped, URL- or form-encoded, HTML-escaped. */
export const echoForms = (secret: string): ReadonlyArray<string> => {
  if (secret === "") return []
  const json = JSON.stringify(secret).slice(1, -1)
  const url = encodeURIComponent(secret)
  const form = new URLSearchParams([["", secret]]).toString().slice(1)
  return [
    secret,
    json,
    json.replaceAll("/", "\\/"),
    url,
    lowerCaseHex(url),
    form,
    lowerCaseHex(form),
    secret.replace(/[&<>"']/g, (character) => HTML_NAMED[character] ?? character),
    secret.replace(/[&<>"'/=]/g, (character) => `&#${character.charCodeAt(0)};`)
  ]
}

/**
 * `values` (empty ones dropped) with their echo forms, and any `extraForms` a protocol gives them (AUTH blobs).
 * `halves`: secrets that are random through and through (an API token), so that half of one read anywhere gives it
 * away; not a password or a URL, whose parts (a host and port, a word) an ordinary message may hold.
 */
export const secretsOf = (
  values: ReadonlyArray<string>,
  extraForms: ReadonlyArray<string> = [],
  halves: ReadonlyArray<string> = []
): Secrets => {
  const present = values.filter((value) => value !== "")
  const forms = [...new Set([...present.flatMap(echoForms), ...extraForms.filter((form) => form !== "")])]
  return {
    values: present,
    forms: forms.sort((a, b) => b.length - a.length),
    halves: halves.filter((value) => present.includes(value))
  }
}

export const NO_SECRETS: Secrets = { values: [], forms: [], halves: [] }

/**
 * Whether a password looks generated rather than chosen (an SMTP provider's API key, `SG.xxxx...`): 20 characters
 * or more, no space, and at least three of lower case, upper case, digits and others. Such a one is read by halves
 * as a token is (`secretsOf`); a passphrase of words is not, since half of it is ordinary words.
 */
export const looksGenerated = (secret: string): boolean => {
  if (secret.length < 20 || /\s/.test(secret)) return false
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((kind) => kind.test(secret)).length
  return kinds >= 3
}

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Past this many characters a form is searched for without a regular expression: V8 cannot compile one from a form
 * tens of kilobytes long (a token file that holds something else) and fails with a stack overflow, which quoted the
 * form itself. Real tokens and passwords are far shorter, and keep the expression, which is quicker for them.
 */
const MAX_PATTERN_CHARS = 1024

/** Lower case character by character where that keeps the length, so positions in the result are those in `text`. */
const foldCase = (text: string): string => {
  const lower = text.toLowerCase()
  if (lower.length === text.length) return lower
  let folded = ""
  for (const character of text) {
    const lowerCharacter = character.toLowerCase()
    folded += lowerCharacter.length === character.length ? lowerCharacter : character
  }
  return folded
}

/** Every occurrence of `form` in `text`, in any case, replaced by `[redacted]`: by a plain search. */
const replaceInAnyCase = (text: string, form: string): string => {
  const foldedText = foldCase(text)
  const foldedForm = foldCase(form)
  let at = foldedText.indexOf(foldedForm)
  if (at === -1) return text
  let replaced = ""
  let from = 0
  while (at !== -1) {
    replaced += text.slice(from, at) + REDACTED
    from = at + form.length
    at = foldedText.indexOf(foldedForm, from)
  }
  return replaced + text.slice(from)
}

/**
 * A form shorter than `MIN_READABLE` is replaced only where it stands apart from letters and digits: a one-letter
 * token replaced everywhere made "Expected" read "E[redacted]pected" and mangled every address in a report.
 */
const replaceForm = (text: string, form: string): string =>
  form.length > MAX_PATTERN_CHARS
    ? replaceInAnyCase(text, form)
    : form.length >= MIN_READABLE
      ? // In any case: a server may echo a key upper-cased, as it logs headers.
        text.replace(new RegExp(escapeRegExp(form), "giu"), REDACTED)
      : text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(form)}(?![\\p{L}\\p{N}])`, "gu"), REDACTED)

/**
 * Each of the secrets' forms replaced by `[redacted]`, the longest first (`secretsOf` orders them so), so a form that
 * contains another is removed whole.
 */
export const redact = (text: string, secrets: Secrets): string => secrets.forms.reduce(replaceForm, text)

/**
 * For answers read in full, such as pages of users: whether a text may hold a secret, and the JSON answer with every
 * string in it that does redacted. Made once; `mayHold` is quick enough for every page (a test for the forms in any
 * case, about 9 microseconds a 19 KB page) and is true also of any text with a `\u` escape, which can hide a form
 * (Go's JSON encoder writes `&`, `<` and `>` so). Forms shorter than `MIN_READABLE` are left out, as found by chance.
 */
export interface AnswerScanner {
  readonly mayHold: (text: string) => boolean
  /**
   * The text with each JSON string in it (key or value) that holds a secret, once unescaped, written anew with the
   * secret redacted; the rest as it was, byte for byte. Undefined when none does.
   */
  readonly redactJson: (text: string) => string | undefined
}

export const isJson = (text: string): boolean => {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
    return true
  } catch {
    return false
  }
}

/** A JSON string literal: read one by one, so neither nesting nor a byte order mark in front matters. */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g

export const answerScanner = (secrets: Secrets): AnswerScanner => {
  const forms = secrets.forms.filter((form) => form.length >= MIN_READABLE)
  if (forms.length === 0) return { mayHold: () => false, redactJson: () => undefined }
  const short = forms.filter((form) => form.length <= MAX_PATTERN_CHARS)
  const long = forms.filter((form) => form.length > MAX_PATTERN_CHARS).map(foldCase)
  const pattern = short.length === 0 ? undefined : new RegExp(short.map(escapeRegExp).join("|"), "i")
  const holds = (text: string) => {
    if (pattern?.test(text) === true) return true
    if (long.length === 0) return false
    // Folded once for all the long forms: this runs on every page while such a token is in use.
    const folded = foldCase(text)
    return long.some((form) => folded.includes(form))
  }
  const redactJson = (text: string): string | undefined => {
    let found = false
    const redacted = text.replace(JSON_STRING, (literal) => {
      let value: unknown
      try {
        value = JSON.parse(literal)
      } catch {
        return literal
      }
      if (typeof value !== "string" || !holds(value)) return literal
      found = true
      return JSON.stringify(redact(value, secrets))
    })
    if (found) return redacted
    // Held across a string's end (a secret ending in a backslash, before an escaped quote), not in any one string:
    // JSON as it is, with nothing to redact. Not JSON: whatever reads it fails and quotes it scrubbed; redacted here
    // all the same.
    return holds(text) && !isJson(text) ? redact(text, secrets) : undefined
  }
  return { mayHold: (text) => holds(text) || text.includes("\\u"), redactJson }
}

/** Whether any of the secrets can be read out of `text` (see `revealsSecret`). */
export const revealsAny = (text: string, secrets: Secrets): boolean =>
  secrets.values.some((secret) => revealsSecret(text, secret, secrets.halves.includes(secret)))

/**
 * Past this many characters a quoted text is cut before it is read back: no message worth quoting is longer, and
 * reading costs time in proportion (an API error body may be megabytes).
 */
const MAX_READ_CHARS = 64 * 1024

/** What an encoding may make of one character of a secret at most (`&#NNN;`): what a cut leaves out besides. */
const MAX_ENCODED_CHARS_PER_CHAR = 8

/**
 * `text` safe to quote: the secrets' forms replaced, or the whole text withheld if a secret can still be read. A
 * text past `MAX_READ_CHARS` is cut, with a margin, so no part of an encoded secret is left at the cut.
 */
export const scrubSecrets = (text: string, secrets: Secrets): string => {
  if (secrets.values.length === 0) return text
  let redacted = redact(text, secrets)
  if (redacted.length > MAX_READ_CHARS) {
    const longest = Math.max(...secrets.values.map((secret) => secret.length))
    redacted = `${headOf(redacted, Math.max(0, MAX_READ_CHARS - longest * MAX_ENCODED_CHARS_PER_CHAR))}…`
  }
  return revealsAny(redacted, secrets) ? WITHHELD : redacted
}

/**
 * Whether `secret` can be read out of `text` as is or once decoded (two layers deep), whitespace and case ignored;
 * with `halfIsEnough`, for a secret of `MIN_PARTIAL` characters or more, half of it is enough.
 */
export const revealsSecret = (text: string, secret: string, halfIsEnough = false): boolean => {
  const wanted = comparable(secret)
  if (wanted.length < MIN_READABLE) return false
  const byHalves = halfIsEnough && wanted.length >= MIN_PARTIAL
  for (const reading of readings(text)) {
    const read = comparable(reading)
    if (read.includes(wanted) || (byHalves && halfOfItIn(read, wanted))) return true
  }
  return false
}

const withoutWhitespace = (text: string): string => text.replace(/\s+/g, "")

/**
 * In one Unicode normal form (NFC): a password with an accent echoed decomposed (`a` and a combining diaeresis for
 * `ä`, as text from macOS or a normalizing server comes) reads the same on screen, and was quoted as it was.
 */
const comparable = (text: string): string => withoutWhitespace(text.normalize("NFC")).toLowerCase()

/**
 * From this length on a token (`halves` in `secretsOf`) is withheld when half of it is read: a server that cuts an
 * echoed key short ("key sim-read-7c1f3a9e2b6d... is not valid") gives away that much of it. A shorter one only
 * whole: half of it would be found by chance.
 */
const MIN_PARTIAL = 16

/**
 * Whether `text` holds a run of `secret` at least half its length. Any such run holds one of the secret's blocks
 * below (each a little over a quarter of it, end to end), so only they are searched for, and each place one is
 * found is widened as far as text and secret agree.
 */
const halfOfItIn = (text: string, secret: string): boolean => {
  const needed = Math.ceil(secret.length / 2)
  const blockLength = Math.floor((needed + 1) / 2)
  for (let start = 0; start + blockLength <= secret.length; start += blockLength) {
    const block = secret.slice(start, start + blockLength)
    for (let at = text.indexOf(block); at !== -1; at = text.indexOf(block, at + 1)) {
      let before = 0
      while (before < start && before < at && text[at - before - 1] === secret[start - before - 1]) before++
      let after = blockLength
      while (start + after < secret.length && text[at + after] === secret[start + after]) after++
      if (before + after >= needed) return true
    }
  }
  return false
}

/** The text and what it says when decoded, once or twice, in each of the ways below. */
const readings = (text: string): ReadonlySet<string> => {
  const found = new Set([text])
  let layer = [text]
  for (let depth = 0; depth < 2; depth++) {
    const next: Array<string> = []
    for (const reading of layer) {
      for (const decode of DECODINGS) {
        const decoded = decode(reading)
        if (!found.has(decoded)) {
          found.add(decoded)
          next.push(decoded)
        }
      }
    }
    layer = next
  }
  return found
}

/** Percent escapes decoded, as bytes of UTF-8 where they form it; `+` read as a space when `plus` is set. */
const percentDecoded =
  (plus: boolean) =>
  (text: string): string => {
    const spaced = plus ? text.replaceAll("+", " ") : text
    try {
      return decodeURIComponent(spaced)
    } catch {
      return spaced.replace(/%([0-7][0-9a-f])/gi, (_match, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16))
      )
    }
  }

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  sol: "/",
  equals: "=",
  plus: "+",
  num: "#",
  percnt: "%",
  excl: "!",
  nbsp: " "
}

const fromCodePoint = (code: number): string => (code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "")

const htmlDecoded = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, body: string) =>
    body.startsWith("#x") || body.startsWith("#X")
      ? fromCodePoint(Number.parseInt(body.slice(2), 16))
      : body.startsWith("#")
        ? fromCodePoint(Number.parseInt(body.slice(1), 10))
        : (NAMED_ENTITIES[body.toLowerCase()] ?? entity)
  )

const JSON_ESCAPES: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }

/** Backslash escapes as JSON (and most languages) write them: `\uXXXX`, `\"`, `\\`, `\/`, `\n`... */
const backslashDecoded = (text: string): string =>
  text.replace(/\\(u[0-9a-f]{4}|x[0-9a-f]{2}|.)/gi, (_match, body: string) =>
    body.length > 1 ? String.fromCharCode(Number.parseInt(body.slice(1), 16)) : (JSON_ESCAPES[body] ?? body)
  )

/**
 * Every run of base64 (either alphabet) decoded from each of its four possible starts, since the run may begin
 * with letters that are not part of the blob. Whitespace is taken out first: encoders fold long blobs into lines.
 */
const base64Decoded = (text: string): string => {
  const pieces: Array<string> = []
  for (const [run] of withoutWhitespace(text).matchAll(/[A-Za-z0-9+/_-]{8,}={0,2}/g)) {
    for (let start = 0; start < 4; start++) pieces.push(Buffer.from(run.slice(start), "base64").toString("utf8"))
  }
  return pieces.join("\u0000")
}

/** Every run of hexadecimal digits decoded from both of its possible starts. */
const hexDecoded = (text: string): string => {
  const pieces: Array<string> = []
  for (const [run] of withoutWhitespace(text).matchAll(/[0-9a-f]{12,}/gi)) {
    for (let start = 0; start < 2; start++) pieces.push(Buffer.from(run.slice(start), "hex").toString("utf8"))
  }
  return pieces.join("\u0000")
}

/**
 * Quoted-printable, the encoding of mail (RFC 2045) and of MIME's encoded words: each byte outside plain ASCII as
 * `=XX`, as bytes of UTF-8 where they form it, and a line ended early by a soft break (`=` at its end). A mail relay
 * that quotes what it was sent writes a password so, `=53=6D...`, which no other reading here decodes: the `=`
 * between the digits breaks their run as hex.
 */
const quotedPrintableDecoded = (text: string): string =>
  // Most texts have no `=`: read on every request the simulator logs, they are not copied.
  text.includes("=")
    ? text
        .replace(/=\r?\n/g, "")
        .replace(/(?:=[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replaceAll("=", ""), "hex").toString("utf8"))
    : text

/**
 * The bytes 0x80-0x9F as Windows-1252 reads them, where Latin-1 has controls: most software that takes bytes for
 * Latin-1 reads them so. UTF-8's second byte of `ß` and of the capitals with an accent (`Ä`, `Ü`) is one of them.
 */
export const WINDOWS_1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"

const WINDOWS_1252_LETTER = new RegExp(`[${WINDOWS_1252_HIGH.replace(/[\u0080-\u009f]/g, "")}]`, "g")

/**
 * UTF-8 read as Latin-1 or Windows-1252 and written out again (`Pässwörd` as `PÃ¤sswÃ¶rd`, `Straße` as
 * `StraÃŸe`), as a server that takes bytes for Latin-1 echoes them: read back as the bytes of UTF-8 they were.
 * Every character of the secret outside plain ASCII is garbled there, and every other one shows as it is.
 */
const doubleEncodedDecoded = (text: string): string =>
  /[\u00c2-\u00f4]/.test(text)
    ? Buffer.from(
        text.replace(WINDOWS_1252_LETTER, (letter) => String.fromCharCode(0x80 + WINDOWS_1252_HIGH.indexOf(letter))),
        "latin1"
      ).toString("utf8")
    : text

const DECODINGS: ReadonlyArray<(text: string) => string> = [
  percentDecoded(false),
  percentDecoded(true),
  htmlDecoded,
  backslashDecoded,
  base64Decoded,
  hexDecoded,
  quotedPrintableDecoded,
  doubleEncodedDecoded
]
