import { describe, expect, it } from "vitest"
import {
  answerScanner,
  looksGenerated,
  REDACTED,
  revealsSecret,
  scrubSecrets,
  secretsOf,
  WITHHELD
} from "../../src/Cli/Redact.js"

// The characters escapes and encodings change, as a proxy's echo or a password may hold them.
const SECRET = `QQ-a"b\\c/d+e=f&g<h>i'j%41k l!m*n(o)p~q#r?s-ZZ`
const secrets = secretsOf([SECRET])
const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64")
const hex = (text: string) => Buffer.from(text, "utf8").toString("hex")
/** Every byte as `=XX`, as quoted-printable writes those outside plain ASCII. */
const quotedPrintable = (text: string) => hex(text).toUpperCase().replace(/(..)/g, "=$1")

describe("scrubSecrets", () => {
  it.each([
    ["as is", SECRET],
    ["JSON-escaped", JSON.stringify(SECRET).slice(1, -1)],
    ["JSON-escaped with \\/", JSON.stringify(SECRET).slice(1, -1).replaceAll("/", "\\/")],
    ["URL-encoded", encodeURIComponent(SECRET)],
    ["URL-encoded, lower-case hex", encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())],
    ["form-encoded", new URLSearchParams({ k: SECRET }).toString().slice(2)],
    [
      "HTML-escaped",
      SECRET.replaceAll("&", "&amp;")
        .replaceAll("<", "&lt;")
        .replaceAll(">", "&gt;")
        .replaceAll('"', "&quot;")
        .replaceAll("'", "&#39;")
    ]
  ])("replaces the secret %s where it stands, keeping the rest", (_form, echoed) => {
    expect(scrubSecrets(`bad key ${echoed} for org 7`, secrets)).toBe(`bad key ${REDACTED} for org 7`)
  })

  it.each([
    ["folded across lines", `${SECRET.slice(0, 9)}\n  ${SECRET.slice(9)}`],
    ["in base64", base64(SECRET)],
    ["in base64 without padding, after other letters", `key${base64(`\u0000user\u0000${SECRET}`).replace(/=+$/, "")}`],
    ["in URL-safe base64", base64(SECRET).replaceAll("+", "-").replaceAll("/", "_")],
    ["in base64 folded into lines", base64(SECRET).replace(/(.{8})/g, "$1\r\n")],
    ["in hex", hex(SECRET)],
    ["in upper-case hex after one more digit", `7${hex(SECRET).toUpperCase()}`],
    ["as numeric HTML entities", [...SECRET].map((character) => `&#${character.charCodeAt(0)};`).join("")],
    ["as hex HTML entities", [...SECRET].map((character) => `&#x${character.charCodeAt(0).toString(16)};`).join("")],
    [
      "as \\u escapes",
      [...SECRET].map((character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")
    ],
    ["URL-encoded twice", encodeURIComponent(encodeURIComponent(SECRET))],
    ["in base64 inside a JSON string with \\/", JSON.stringify({ q: base64(SECRET) }).replaceAll("/", "\\/")],
    ["in quoted-printable, as mail writes bytes", quotedPrintable(SECRET)],
    ["in quoted-printable folded by soft line breaks", quotedPrintable(SECRET).replace(/(.{24})/g, "$1=\r\n")]
  ])("withholds the whole text when the secret can still be read %s", (_form, echoed) => {
    expect(revealsSecret(echoed, SECRET)).toBe(true)
    expect(scrubSecrets(`the server said: ${echoed}`, secrets)).toBe(WITHHELD)
  })

  it("withholds a secret with accents echoed decomposed (NFD), which reads the same on screen", () => {
    const accented = "Pässwörd-Ünïcode"
    expect(revealsSecret(`bad ${accented.normalize("NFD")}`, accented)).toBe(true)
    expect(scrubSecrets(`bad ${accented.normalize("NFD")}`, secretsOf([accented]))).toBe(WITHHELD)
    // And one typed decomposed, echoed composed.
    expect(revealsSecret(`bad ${accented}`, accented.normalize("NFD"))).toBe(true)
  })

  it("withholds a secret with accents echoed as UTF-8 read as Latin-1 (PÃ¤sswÃ¶rd), its ASCII plain to read", () => {
    const accented = "Pässwörd-Ünïcode"
    const doubleEncoded = Buffer.from(accented, "utf8").toString("latin1")
    expect(revealsSecret(`bad ${doubleEncoded}`, accented)).toBe(true)
    expect(scrubSecrets(`bad ${doubleEncoded}`, secretsOf([accented]))).toBe(WITHHELD)
  })

  it("withholds a secret with ß or capitals with accents echoed as UTF-8 read as Windows-1252 (StraÃŸe, Ã„pfel)", () => {
    const accented = "Straße-Äpfel-Übung"
    const doubleEncoded = "StraÃŸe-Ã„pfel-Ãœbung"
    expect(revealsSecret(`bad ${doubleEncoded}`, accented)).toBe(true)
    expect(scrubSecrets(`bad ${doubleEncoded}`, secretsOf([accented]))).toBe(WITHHELD)
  })

  it("replaces the secret where it stands in another case, as a server logging headers may echo it", () => {
    expect(scrubSecrets(`bad key ${SECRET.toUpperCase()} for org 7`, secrets)).toBe(`bad key ${REDACTED} for org 7`)
    expect(scrubSecrets(`bad key ${encodeURIComponent(SECRET).toLowerCase()}`, secrets)).toBe(`bad key ${REDACTED}`)
    expect(revealsSecret(base64(SECRET.toLowerCase()), SECRET)).toBe(true)
  })

  it("withholds an echo of half a long token or more, from anywhere in it, but not of less", () => {
    const token = "sim-read-7c1f3a9e2b6d4f08a5e1c3b7d9f20a64"
    const tokens = secretsOf([token], [], [token])
    const half = Math.ceil(token.length / 2)
    for (const shown of [
      token.slice(0, half),
      token.slice(-half),
      token.slice(7, 7 + half),
      token.slice(3, 3 + half).toUpperCase()
    ]) {
      expect(scrubSecrets(`key ${shown}... is not valid`, tokens), shown).toBe(WITHHELD)
      expect(scrubSecrets(`key ${base64(shown)} is not valid`, tokens), shown).toBe(WITHHELD)
    }
    // Less than half, as a key's first characters are shown to tell keys apart.
    const prefix = token.slice(0, half - 1)
    expect(scrubSecrets(`key ${prefix}... is not valid`, tokens)).toBe(`key ${prefix}... is not valid`)
    // Two pieces, each under half, are not read as one.
    const apart = `${token.slice(0, 15)} and ${token.slice(15, 30)}`
    expect(scrubSecrets(apart, tokens)).toBe(apart)
  })

  it("reads a token by halves from sixteen characters on, and a shorter one only whole", () => {
    const sixteen = "tok-9f3a7c1e5b2d"
    expect(scrubSecrets(`key ${sixteen.slice(0, 8)}... is not valid`, secretsOf([sixteen], [], [sixteen]))).toBe(
      WITHHELD
    )
    // Half of fifteen characters is a run any hexadecimal id may hold by chance.
    const fifteen = "tok-9f3a7c1e5b2"
    expect(scrubSecrets(`key ${fifteen.slice(0, 8)}... is not valid`, secretsOf([fifteen], [], [fifteen]))).toBe(
      `key ${fifteen.slice(0, 8)}... is not valid`
    )
  })

  it("reads a secret split by a non-breaking space entity, as an HTML page wraps a long token", () => {
    const token = "sim-read-7c1f3a9e2b6d4f08"
    expect(scrubSecrets(`<p>key ${token.slice(0, 12)}&nbsp;${token.slice(12)} refused</p>`, secretsOf([token]))).toBe(
      WITHHELD
    )
  })

  it("replaces a short secret URL- or form-encoded with hex in either case, which decoded text is not read for", () => {
    // "~" is left as it is in a URL and written %7E in a form: a short secret is only replaced where it stands.
    expect(scrubSecrets("password x%7e refused", secretsOf(["x~"]))).toBe(`password ${REDACTED} refused`)
    expect(scrubSecrets("password x%7E refused", secretsOf(["x~"]))).toBe(`password ${REDACTED} refused`)
    // "~" stays as it is in a URL, so "/~" is "%2F~" there and "%2f~" with lower-case hex: five characters or fewer.
    expect(scrubSecrets("password %2f~ refused", secretsOf(["/~"]))).toBe(`password ${REDACTED} refused`)
    expect(scrubSecrets("password %2F~ refused", secretsOf(["/~"]))).toBe(`password ${REDACTED} refused`)
  })

  it("replaces a short secret HTML-escaped with numeric entities, as some servers escape '/' and '='", () => {
    expect(scrubSecrets("key a&#47; refused", secretsOf(["a/"]))).toBe(`key ${REDACTED} refused`)
  })

  it("replaces a secret that holds another whole, not leaving the rest of the longer one behind", () => {
    const nested = secretsOf(["abcdefgh", "abcdefgh-ij"])
    expect(scrubSecrets("key abcdefgh-ij refused", nested)).toBe(`key ${REDACTED} refused`)
  })

  it("reads other secrets only whole: part of a password or a URL is a word or a host an error may name", () => {
    const password = secretsOf(["passwordPASS12"])
    expect(scrubSecrets("535 password rejected", password)).toBe("535 password rejected")
    expect(scrubSecrets(`535 ${base64("PASSWORDpass12")} rejected`, password)).toBe(WITHHELD)
    // `--smtp-url` given on the command line is a secret (it may hold a password); its host and port are not.
    const url = "smtp://smtp.office365.com:587"
    const refused = "cannot connect to smtp.office365.com:587: ECONNREFUSED"
    expect(scrubSecrets(refused, secretsOf([url]))).toBe(refused)
    // A long password is not read by halves either, unless asked.
    const longPassword = "correct horse battery staple"
    expect(scrubSecrets("535 correct horse battery, try again", secretsOf([longPassword]))).toBe(
      "535 correct horse battery, try again"
    )
  })

  it("leaves text that holds no secret as it is, and does nothing without secrets", () => {
    const text = "503 Service Unavailable: upstream connect error, retry after 5 s (request id 4f8a9c0e1b2d3f4a)"
    expect(scrubSecrets(text, secrets)).toBe(text)
    expect(scrubSecrets(SECRET, secretsOf([]))).toBe(SECRET)
    expect(scrubSecrets(SECRET, secretsOf([""]))).toBe(SECRET)
  })

  it("replaces a short secret where it stands, but does not read decoded text for it", () => {
    // Decoded text holds any five letters by chance now and then; only the forms are replaced.
    const short = secretsOf(["x7Kp2"])
    expect(scrubSecrets("key x7Kp2 refused", short)).toBe(`key ${REDACTED} refused`)
    expect(scrubSecrets(`blob ${base64("x7Kp2")}`, short)).toBe(`blob ${base64("x7Kp2")}`)
  })

  it("replaces a short secret only where it stands apart from letters and digits, not inside words", () => {
    const oneLetter = secretsOf(["x"])
    expect(scrubSecrets("results: Expected ReadonlyArray, got x", oneLetter)).toBe(
      `results: Expected ReadonlyArray, got ${REDACTED}`
    )
    expect(scrubSecrets("v04@example.com", oneLetter)).toBe("v04@example.com")
    expect(scrubSecrets("got box", oneLetter)).toBe("got box")
    expect(scrubSecrets('{"key":"x"} and x+y', secretsOf(["x+y", "x"]))).toBe(`{"key":"${REDACTED}"} and ${REDACTED}`)
  })

  it("reads URL-safe base64 whose alphabet differs from the standard one, and a form encoding inside another", () => {
    // A secret whose base64 holds "+" and "/", so that its URL-safe form holds "-" and "_".
    const signed = "pw~~~>>>???~~~x9"
    expect(Buffer.from(signed).toString("base64url")).toMatch(/[-_]/)
    expect(scrubSecrets(`sig ${Buffer.from(signed).toString("base64url")}`, secretsOf([signed]))).toBe(WITHHELD)
    // Form-encoded (a space as "+"), then base64: read only when "+" is taken for a space.
    const form = new URLSearchParams([["q", SECRET]]).toString()
    expect(form).toContain("k+l")
    expect(scrubSecrets(`body ${base64(form)}`, secrets)).toBe(WITHHELD)
  })

  it("reads percent escapes of every character even beside a stray %, which a strict decoder refuses", () => {
    // Every character but letters and digits escaped, "*" and "!" too, as encodeURIComponent does not.
    const escaped = [...SECRET]
      .map((character) =>
        /[A-Za-z0-9]/.test(character) ? character : `%${character.charCodeAt(0).toString(16).toUpperCase()}`
      )
      .join("")
    expect(scrubSecrets(`100% sure: ${escaped}`, secrets)).toBe(WITHHELD)
  })

  it("replaces a secret of six characters wherever it stands and in any case, rather than withhold the text", () => {
    const six = secretsOf(["k9Qz7w"])
    expect(scrubSecrets("key=K9QZ7W refused", six)).toBe(`key=${REDACTED} refused`)
    expect(scrubSecrets("keyk9Qz7wrefused", six)).toBe(`key${REDACTED}refused`)
  })

  it("cuts a very long text before reading it, leaving no part of a secret at the cut", () => {
    const long = `${"x".repeat(64 * 1024 - 10)}${base64(SECRET)}${"y".repeat(1000)}`
    const scrubbed = scrubSecrets(long, secrets)
    expect(scrubbed.length).toBeLessThan(64 * 1024)
    expect(scrubbed.endsWith("x…")).toBe(true)
  })

  it("cuts a very long text before a character that takes two UTF-16 units, never in the middle of it", () => {
    // One unit ahead of emojis of two each, so the cut (an even count of units) falls between an emoji's halves.
    const scrubbed = scrubSecrets(`a${"\u{1F600}".repeat(40_000)}`, secrets)
    expect(scrubbed.endsWith("\u{1F600}…")).toBe(true)
    expect(scrubbed.length % 2).toBe(0)
  })

  it("replaces a secret tens of kilobytes long, in any case, where a pattern made of it could not be compiled", () => {
    // A token file holding something else: base64 of random bytes, with "/" and "+" that its URL form triples.
    const huge = Buffer.from(Array.from({ length: 19_000 }, (_, index) => (index * 7919) % 256)).toString("base64")
    const hugeSecrets = secretsOf([huge], [], [huge])
    const echoed = `401: key ${huge} rejected; key ${encodeURIComponent(huge).toUpperCase()} rejected İ`
    const scrubbed = scrubSecrets(echoed, hugeSecrets)
    expect(scrubbed).toBe(`401: key ${REDACTED} rejected; key ${REDACTED} rejected İ`)
    // A character whose lower case is longer (İ) before the secret: the secret is still cut out where it stands.
    expect(scrubSecrets(`İ key ${huge} rejected`, hugeSecrets)).toBe(`İ key ${REDACTED} rejected`)
    const scanner = answerScanner(hugeSecrets)
    expect(scanner.mayHold(JSON.stringify({ message: huge.toLowerCase() }))).toBe(true)
    expect(scanner.redactJson(JSON.stringify({ message: `bad ${huge}` }))).toBe(
      JSON.stringify({ message: `bad ${REDACTED}` })
    )
  })
})

describe("answerScanner", () => {
  it("takes for one that may hold a secret an answer with a \\u escape, which can spell it, and redacts it there", () => {
    const token = "sim-read-7c1f3a9e2b6d4f08"
    const scanner = answerScanner(secretsOf([token]))
    const escaped = `{"message":"bad key \\u0073${token.slice(1)}"}`
    expect(scanner.mayHold(escaped)).toBe(true)
    expect(scanner.redactJson(escaped)).toBe(JSON.stringify({ message: `bad key ${REDACTED}` }))
    expect(scanner.mayHold('{"message":"no such user"}')).toBe(false)
  })
})

describe("looksGenerated", () => {
  it("takes a long password of three kinds of character or more, without spaces, for a generated one", () => {
    expect(looksGenerated("SG7kPq2xWm9Lr4Tz8Nb3")).toBe(true)
    expect(looksGenerated("sg.7kpq2xwm9lr4tz8nb3")).toBe(true)
    expect(looksGenerated("SG.7kPq2xWm9Lr4Tz8Nb3")).toBe(true)
    // Two kinds, too short, or words with spaces: chosen, and half of it may be an ordinary word.
    expect(looksGenerated("sg7kpq2xwm9lr4tz8nb3")).toBe(false)
    expect(looksGenerated("SG7kPq2xWm9Lr4Tz8Nb")).toBe(false)
    expect(looksGenerated("Correct Horse Battery 9")).toBe(false)
  })
})
